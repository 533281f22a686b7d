/* Unit tests of conf/log.c: one line per event, JSON lines always valid
 * UTF-8 whatever bytes a message holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "capture.h"
#include "conf/log.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_json_valid_utf8_passes),
	    cmocka_unit_test(t_json_invalid_bytes_escaped),
	    cmocka_unit_test(t_json_controls_and_quotes),
	    cmocka_unit_test(t_text_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
