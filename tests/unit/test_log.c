/* Unit tests of conf/log.c: one line per event, JSON lines always valid
 * UTF-8 whatever bytes a message holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "capture.h"
#include "conf/log.h"
#include "conf/redact.h"

/* The "msg" value of the one JSON line logged for `msg`. */
static void json_msg(const char *msg, char *out, size_t n)
{
	char buf[4096], *p, *e;

	log_setup(LOG_INFO, LOGF_JSON);
	capture_start();
	log_info("%s", msg);
	assert_int_equal(capture_end(buf, sizeof(buf)), 1);
	p = strstr(buf, "\"msg\":\"");
	assert_non_null(p);
	p += 7;
	e = strstr(p, "\"}\n");
	assert_non_null(e);
	snprintf(out, n, "%.*s", (int)(e - p), p);
}

static void expect_json(const char *msg, const char *want)
{
	char got[1024];

	json_msg(msg, got, sizeof(got));
	assert_string_equal(got, want);
}

static void t_json_valid_utf8_passes(void **st)
{
	expect_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	expect_json("\xef\xbf\xbd \xf4\x8f\xbf\xbf", "\xef\xbf\xbd \xf4\x8f\xbf\xbf");
}

static void t_json_invalid_bytes_escaped(void **st)
{
	expect_json("a\xff" "b", "a\\\\xffb");                /* never valid */
	expect_json("\x80", "\\\\x80");                       /* stray continuation */
	expect_json("\xc0\xaf", "\\\\xc0\\\\xaf");            /* overlong '/' */
	expect_json("\xe0\x80\xaf", "\\\\xe0\\\\x80\\\\xaf"); /* overlong, 3 bytes */
	expect_json("\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80"); /* a surrogate */
	expect_json("\xf4\x90\x80\x80", "\\\\xf4\\\\x90\\\\x80\\\\x80"); /* past U+10FFFF */
	expect_json("\xe2\x82", "\\\\xe2\\\\x82");            /* cut short at the end */
	expect_json("\xe2\x82z", "\\\\xe2\\\\x82z");          /* cut short */
}

static void t_json_controls_and_quotes(void **st)
{
	expect_json("a\"b\\c\nd\te\x7f", "a\\\"b\\\\c\\nd\\u0009e\\u007f");
}

static void t_text_line(void **st)
{
	char buf[256];

	log_setup(LOG_INFO, LOGF_TEXT);
	capture_start();
	log_warn("two\nlines\x01 caf\xc3\xa9 \xff");
	assert_int_equal(capture_end(buf, sizeof(buf)), 1);
	assert_string_equal(buf, "muster: warning: two\\nlines\\x01 caf\xc3\xa9 \xff\n");
}

/* A value loaded as a secret is masked in every line, at every level, in
 * the message and in JSON fields, before the escaping (which would have
 * turned the quote, the backslash and the CR into something else). */
static void t_secret_masked(void **st)
{
	static const char sec[] = "q\"b\\c\rd";
	const struct log_field f[] = {{"v", sec, 0}, {"n", NULL, 7}};
	char buf[1024];

	assert_int_equal(redact_secret_add(sec), 0);
	log_setup(LOG_DEBUG, LOGF_TEXT);
	capture_start();
	log_debug("pw=%s!", sec);
	log_error("%s", sec);
	assert_int_equal(capture_end(buf, sizeof(buf)), 2);
	assert_string_equal(buf, "muster: pw=***!\nmuster: error: ***\n");
	log_setup(LOG_DEBUG, LOGF_JSON);
	capture_start();
	log_fields(LOG_WARN, f, 2, "x %s y", sec);
	assert_int_equal(capture_end(buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "\"level\":\"warn\",\"pid\":"));
	assert_non_null(strstr(buf, ",\"msg\":\"x *** y\",\"v\":\"***\",\"n\":7}\n"));
	log_setup(LOG_INFO, LOGF_TEXT);
}

/* out_printf(): whole lines, redacted, even a secret given in pieces. */
static void t_out_printf(void **st)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	assert_non_null(f);
	assert_int_equal(redact_secret_add("hunter22"), 0);
	out_printf(f, "a = %s", "hun");
	out_printf(f, "%s ; x\nb = %d\n", "ter22", 1);
	out_printf(f, "c = hunter22 hunter2\n");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "a = *** ; x\nb = 1\nc = *** hunter2\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_json_valid_utf8_passes),
	    cmocka_unit_test(t_json_invalid_bytes_escaped),
	    cmocka_unit_test(t_json_controls_and_quotes),
	    cmocka_unit_test(t_text_line),
	    cmocka_unit_test(t_secret_masked),
	    cmocka_unit_test(t_out_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
