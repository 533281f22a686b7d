/* test_redact.c - the one redactor (conf/redact.c): URLs as written and
 * after expansion, headers, secrets echoed in a text; the cases of the
 * three redactors it replaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conf/redact.h"
#include "hooks/wait/proto/proto.h"

static void url_is(enum redact_text how, const char *in, const char *want)
{
	char out[256];

	redact_url(in, proto_url_scheme, how, out, sizeof(out));
	assert_string_equal(out, want);
}

/* As written (`muster config`, `muster health`, a bad ${NAME} in a wait
 * URL): a password that is one ${NAME} reference names a secret. */
static void t_url_written(void **st)
{
	const enum redact_text w = REDACT_WRITTEN;

	url_is(w, "redis://:hunter2@cache:6379", "redis://:***@cache:6379");
	url_is(w, "redis://:${REDIS_PASSWORD}@cache:6379", "redis://:${REDIS_PASSWORD}@cache:6379");
	url_is(w, "redis://:${A}x@h", "redis://:***@h");
	url_is(w, "redis://:${A B}@h", "redis://:***@h");
	url_is(w, "redis://:$A@h", "redis://:***@h");
	url_is(w, "postgres://app:pw@db/app", "postgres://app:***@db/app");
	url_is(w, "postgres://app@db/app", "postgres://app@db/app");
	url_is(w, "http://u:p@w@h/x", "http://u:***@h/x");
	url_is(w, "http://h/p:q@x", "http://h/p:q@x");
	url_is(w, "http://h?a:b@c", "http://h?a:b@c");
	url_is(w, "http://:@h/", "http://:***@h/");
	url_is(w, "tcp://h:1", "tcp://h:1");
	url_is(w, "not a url: x@y", "not a url: x@y");
	url_is(w, "", "");
}

/* A user information without ':' is a password for redis (it leaked in
 * `muster config` and `muster health`), a user name for postgres. */
static void t_url_password_only(void **st)
{
	url_is(REDACT_WRITTEN, "redis://hunter2@cache:6379", "redis://***@cache:6379");
	url_is(REDACT_WRITTEN, "REDIS://hunter2@cache", "REDIS://***@cache");
	url_is(REDACT_WRITTEN, "redis://${REDIS_PW}@cache", "redis://${REDIS_PW}@cache");
	url_is(REDACT_WRITTEN, "redis://@cache", "redis://***@cache");
	url_is(REDACT_EXPANDED, "redis://hunter2@cache:6379/0", "redis://***@cache:6379/0");
	url_is(REDACT_EXPANDED, "postgresql://user@h", "postgresql://user@h");
	/* a scheme muster does not know: no telling, so redacted */
	url_is(REDACT_EXPANDED, "ftp://token@h", "ftp://***@h");
	url_is(REDACT_WRITTEN, "xyz://token@h/p", "xyz://***@h/p");
}

/* After expansion (a URL's display form): all of a password is the
 * secret, even one that looks like a reference. */
static void t_url_expanded(void **st)
{
	const enum redact_text e = REDACT_EXPANDED;

	url_is(e, "redis://:pw@h:1", "redis://:***@h:1");
	url_is(e, "redis://:${REDIS_PASSWORD}@cache", "redis://:***@cache");
	url_is(e, "redis://${REDIS_PASSWORD}@cache", "redis://***@cache");
	url_is(e, "amqp://u:pw@h/vhost@x", "amqp://u:***@h/vhost@x");
	url_is(e, "no scheme:pw@x", "no scheme:pw@x");
	url_is(e, "postgres://user@h", "postgres://user@h");
	url_is(e, "x://a:b@c@d/", "x://a:***@d/");
}

/* Without the scheme table, a user information without ':' may be a
 * password: it is redacted. */
static void t_url_no_table(void **st)
{
	char out[64];

	redact_url("postgres://app@db", NULL, REDACT_WRITTEN, out, sizeof(out));
	assert_string_equal(out, "postgres://***@db");
	redact_url("postgres://app:pw@db", NULL, REDACT_WRITTEN, out, sizeof(out));
	assert_string_equal(out, "postgres://app:***@db");
	redact_url("tcp://db:1", NULL, REDACT_WRITTEN, out, sizeof(out));
	assert_string_equal(out, "tcp://db:1");
}

static void hdr_is(const char *in, const char *want)
{
	char out[256];

	redact_header(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void t_header(void **st)
{
	hdr_is("Authorization: Bearer abc", "Authorization: ***");
	hdr_is("Authorization: Bearer ${TOKEN}", "Authorization: ***");
	hdr_is("Cookie: a=b", "Cookie: ***");
	hdr_is("X-Api-Key:abc", "X-Api-Key: ***");
	hdr_is("X-Anything : v", "X-Anything: ***");
	hdr_is("Host: app.local", "Host: app.local");
	hdr_is("host:app.local", "host:app.local");
	hdr_is("Accept: */*", "Accept: */*");
	hdr_is("User-Agent: muster", "User-Agent: muster");
	hdr_is("Hostile: x", "Hostile: ***");
	hdr_is("no colon secret", "***");
}

static void value_is(size_t size, const char *text, const char *secret, const char *want)
{
	char buf[64];

	assert_true(size <= sizeof(buf));
	strcpy(buf, text);
	redact_value(buf, size, secret);
	assert_string_equal(buf, want);
}

/* A secret echoed by a server, in the detail text of a probe. */
static void t_value(void **st)
{
	value_is(64, "AUTH failed: WRONGPASS hunter2", "hunter2", "AUTH failed: WRONGPASS ***");
	value_is(64, "pw pw", "pw", "*** ***");
	value_is(64, "a-b-a", "a", "***-b-***");
	value_is(64, "**", "*", "******");
	value_is(64, "nothing here", "hunter2", "nothing here");
	value_is(64, "no secret", NULL, "no secret");
	value_is(64, "no secret", "", "no secret");
	/* cut to the buffer: never a secret, the token whole or not at all */
	value_is(8, "ab xy", "x", "ab ***y");
	value_is(8, "ab x yz", "x", "ab *** ");
	value_is(8, "abcd x", "x", "abcd ");
	value_is(6, "abc x", "x", "abc ");
	/* percent-encoded, as in a URL: each byte as itself, %XX or %xx, and
	 * a space also as '+' */
	value_is(64, "GET /a%2Fb HTTP", "a/b", "GET /*** HTTP");
	value_is(64, "x=a%2fb&y=a/b", "a/b", "x=***&y=***");
	value_is(64, "p=%61%62%63", "abc", "p=***");
	value_is(64, "q=two+words two%20words", "two words", "q=*** ***");
	value_is(64, "50%25 of 50%", "50%", "*** of ***");
	value_is(64, "%2525", "%25", "***");
	value_is(64, "raw %25abc", "%25abc", "raw ***");
	value_is(64, "%25%32%35", "%25", "***");
	value_is(64, "a%2 a%", "a%2", "*** a%");
	value_is(64, "%zz %4", "%zz", "*** %4");
}

/* Every query value, as a secret may be one (?key=...); as written, one
 * ${NAME} is kept. */
static void t_url_query(void **st)
{
	const enum redact_text w = REDACT_WRITTEN, e = REDACT_EXPANDED;

	url_is(w, "http://api/?key=SECRET&x=1", "http://api/?key=***&x=***");
	url_is(e, "http://api/p?key=SECRET&x=1#frag", "http://api/p?key=***&x=***#frag");
	url_is(w, "http://api/?key=${API_KEY}&x=${A}b", "http://api/?key=${API_KEY}&x=***");
	url_is(e, "http://api/?key=${API_KEY}", "http://api/?key=***");
	url_is(w, "http://h/?flag&empty=&a=b=c", "http://h/?flag&empty=&a=***");
	url_is(w, "http://h/#x?a=b", "http://h/#x?a=b");
	url_is(w, "redis://:pw@h?a=1&&b=2", "redis://:***@h?a=***&&b=***");
	url_is(w, "not a url?tok=abc", "not a url?tok=***");
	url_is(e, "postgres://u:pw@db/app?sslmode=disable&password=pw",
	       "postgres://u:***@db/app?sslmode=***&password=***");
}

/* Cut to the buffer, a redacted URL never holds more than its start. */
static void t_url_cut(void **st)
{
	char out[16];

	redact_url("http://h/?k=secretvalue", NULL, REDACT_WRITTEN, out, sizeof(out));
	assert_string_equal(out, "http://h/?k=***");
	redact_url("http://u:secretvalue@h/", NULL, REDACT_WRITTEN, out, 10);
	assert_string_equal(out, "http://u:");
}

/* Registered secrets: masked wherever they are, longest first, each line
 * of a multi-line value too; shorter than REDACT_MIN: not masked. */
static void t_secrets(void **st)
{
	char buf[128];

	assert_int_equal(redact_secret_add(NULL), 0);
	assert_int_equal(redact_secret_add("abc"), 0);
	assert_int_equal(redact_secret_add("t0ken"), 0);
	assert_int_equal(redact_secret_add("my t0ken value"), 0);
	assert_int_equal(redact_secret_add("first line\r\nsecond\nab\rlast line"), 0);
	strcpy(buf, "abc: my t0ken value, t0ken, my%20t0ken%20value, "
		    "first line\r\nsecond\nab\rlast line, second, last line, ab");
	redact_secrets(buf, sizeof(buf));
	assert_string_equal(buf, "abc: ***, ***, ***, ***, ***, ***, ab");
	strcpy(buf, "error: first line");
	redact_secrets(buf, 12);
	assert_string_equal(buf, "error: ***");
	/* URLs and headers: the secret whole first, then by parts (a '#',
	 * '?', '@' or ':' in it does not split it) */
	assert_int_equal(redact_secret_add("c4n/ar?y#s3@cr:e%t"), 0);
	url_is(REDACT_EXPANDED, "http://h/?k=c4n/ar?y#s3@cr:e%t", "http://h/?k=***");
	url_is(REDACT_WRITTEN, "http://h/c4n/ar?y#s3@cr:e%t", "http://h/***");
	url_is(REDACT_WRITTEN, "redis://c4n/ar?y#s3@cr:e%t@h", "redis://***@h");
	hdr_is("c4n/ar?y#s3@cr:e%t: x", "***: ***");
	hdr_is("Host: c4n/ar?y#s3@cr:e%t", "Host: ***");
	redact_secrets_forget();
	url_is(REDACT_WRITTEN, "http://h/c4n", "http://h/c4n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_url_written),  cmocka_unit_test(t_url_password_only),
	    cmocka_unit_test(t_url_expanded), cmocka_unit_test(t_url_no_table),
	    cmocka_unit_test(t_header),	      cmocka_unit_test(t_value),
	    cmocka_unit_test(t_url_query),    cmocka_unit_test(t_url_cut),
	    cmocka_unit_test(t_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
