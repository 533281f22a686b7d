/* test_tmpl.c - URL and header templates: the text as written is parsed
 * first, then each ${NAME} value is placed in its part, taken as is
 * (url_parse_refs(), probe_headers_expand()); messages name the URL as
 * written, never a value. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "conf/url.h"
#include "hooks/secrets/expand.h"
#include "hooks/wait/probe.h"
#include "hooks/wait/proto/proto.h"

static void ok(const char *s, struct url *u)
{
	char err[512] = "";

	assert_int_equal(url_parse_refs(s, proto_url_scheme, expand_ref, u, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

/* s is refused with exactly `want`, which holds no value of PW. */
static void bad(const char *s, const char *want)
{
	struct url u;
	char err[512] = "";

	assert_int_equal(url_parse_refs(s, proto_url_scheme, expand_ref, &u, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, want);
	assert_null(u.display);
	assert_null(u.password);
	assert_null(strstr(err, getenv("PW")));
}

/* A password holding each byte that ends a part of a URL, and all of them
 * with a space: placed whole, never read as syntax. */
static void t_password_of_any_bytes(void **st)
{
	static const char *const pw[] = {"ab/cd", "ab?cd",   "ab#cd", "ab@cd",
					 "ab:cd", "ab%41cd", "ab cd", "ab/cd?e#f@g:h%i j",
					 "}${PW}"};
	struct url u;
	size_t i;

	for (i = 0; i < sizeof(pw) / sizeof(pw[0]); i++) {
		setenv("PW", pw[i], 1);
		ok("redis://:${PW}@127.0.0.1:6399/0", &u);
		assert_string_equal(u.password, pw[i]);
		assert_null(u.user);
		assert_string_equal(u.host, "127.0.0.1");
		assert_int_equal(u.port, 6399);
		assert_string_equal(u.display, "redis://:${PW}@127.0.0.1:6399/0");
		url_free(&u);
		/* the password-only form of redis, and a user and password */
		ok("redis://${PW}@cache", &u);
		assert_string_equal(u.password, pw[i]);
		assert_string_equal(u.host, "cache");
		url_free(&u);
		setenv("PGUSER_T", pw[i], 1);
		ok("postgres://${PGUSER_T}:${PW}@db:5433/${PGUSER_T}", &u);
		assert_string_equal(u.user, pw[i]);
		assert_string_equal(u.password, pw[i]);
		assert_string_equal(u.path, pw[i]);
		assert_string_equal(u.host, "db");
		assert_int_equal(u.port, 5433);
		assert_string_equal(u.display, "postgres://${PGUSER_T}:${PW}@db:5433/${PGUSER_T}");
		url_free(&u);
	}
}

/* Literal text keeps its URL meaning: %XX decoded in user, password and
 * database name, whatever the scheme; a value next to it is not. */
static void t_literals_decoded_values_not(void **st)
{
	struct url u;

	setenv("PW", "%41/x", 1);
	ok("redis://:p%40ss@host", &u);
	assert_string_equal(u.password, "p@ss");
	assert_string_equal(u.display, "redis://:***@host");
	url_free(&u);
	ok("postgres://u%3Ax:pre${PW}post%21@db/d%2Fb", &u);
	assert_string_equal(u.user, "u:x");
	assert_string_equal(u.password, "pre%41/xpost!");
	assert_string_equal(u.path, "d/b");
	assert_string_equal(u.display, "postgres://u%3Ax:***@db/d%2Fb");
	url_free(&u);
	ok("mysql://${PW}${PW}:${PW}%24{PW}@db", &u);
	assert_string_equal(u.user, "%41/x%41/x");
	assert_string_equal(u.password, "%41/x${PW}");
	url_free(&u);
	ok("amqp://guest:x${PW}@mq/v%2Fh${PW}", &u);
	assert_string_equal(u.password, "x%41/x");
	assert_string_equal(u.path, "v/h%41/x");
	url_free(&u);
	/* an empty value: no password at all, as "redis://:@h" */
	setenv("EMPTY_T", "", 1);
	ok("redis://:${EMPTY_T}@h", &u);
	assert_null(u.password);
	url_free(&u);
	bad("redis://:${PW}%zz@h", "malformed URL 'redis://:***@h': bad %-escape in the password");
}

/* In a request target, literal text goes on the wire as written and each
 * value percent-encoded: one piece of data, never a '/', '?' or '#'. */
static void t_http_target_encoded(void **st)
{
	struct url u;

	setenv("V", "a b?c/d#e%f~_.-Z9+=&", 1);
	ok("http://h/p/${V}/x%2F?q=${V}&r=pre${V}post#frag", &u);
	assert_string_equal(u.path, "/p/a%20b%3Fc%2Fd%23e%25f~_.-Z9%2B%3D%26/x%2F"
				    "?q=a%20b%3Fc%2Fd%23e%25f~_.-Z9%2B%3D%26"
				    "&r=prea%20b%3Fc%2Fd%23e%25f~_.-Z9%2B%3D%26post");
	assert_string_equal(u.host, "h");
	url_free(&u);
	ok("http://h?k=${V}", &u);
	assert_string_equal(u.path, "/?k=a%20b%3Fc%2Fd%23e%25f~_.-Z9%2B%3D%26");
	url_free(&u);
	setenv("V", "\xc3\xa9\r\n", 1);
	ok("https://h/${V}", &u);
	assert_string_equal(u.path, "/%C3%A9%0D%0A");
	url_free(&u);
}

/* host[:port] takes references too; the value must read as one. */
static void t_host_and_port(void **st)
{
	struct url u;

	setenv("H_T", "db.internal", 1);
	setenv("PORT_T", "5432", 1);
	setenv("ADDR_T", "[::1]:6380", 1);
	ok("tcp://${H_T}:${PORT_T}", &u);
	assert_string_equal(u.host, "db.internal");
	assert_int_equal(u.port, 5432);
	assert_string_equal(u.display, "tcp://${H_T}:${PORT_T}");
	url_free(&u);
	ok("redis://${ADDR_T}", &u);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 6380);
	url_free(&u);
	setenv("PW", "s3cr/et", 1);
	setenv("H_T", "db/x", 1);
	bad("tcp://${H_T}:1", "malformed URL 'tcp://${H_T}:1': bad character in host name");
	bad("redis://:${PW}@h:xx", "malformed URL 'redis://:${PW}@h:xx': port is not a number");
	bad("redis://:x${PW}@${H_T}", "malformed URL 'redis://:***@${H_T}': bad character in "
				      "host name");
}

/* unix:// and file:// paths and the redis database number. */
static void t_local_and_dbnumber(void **st)
{
	struct url u;

	setenv("SOCK_T", "/run/a b?#.sock", 1);
	ok("unix://${SOCK_T}", &u);
	assert_string_equal(u.path, "/run/a b?#.sock");
	url_free(&u);
	ok("file:///data${SOCK_T}", &u);
	assert_string_equal(u.path, "/data/run/a b?#.sock");
	url_free(&u);
	setenv("DB_T", "3", 1);
	ok("redis://h/${DB_T}", &u);
	url_free(&u);
	setenv("DB_T", "3/x", 1);
	bad("redis://h/${DB_T}", "malformed URL 'redis://h/${DB_T}': the redis database must be a "
				 "number (redis://host:6379/0)");
	setenv("SOCK_T", "run/x", 1);
	bad("unix://${SOCK_T}", "malformed URL 'unix://${SOCK_T}': expected an absolute path "
				"after :// (three slashes: unix:///run/x.sock)");
}

/* A bad reference: the expander's reason and the URL as written. */
static void t_bad_references(void **st)
{
	setenv("PW", "hunter2", 1);
	unsetenv("NOPE_T");
	bad("redis://:${NOPE_T}@cache:6379", "${NOPE_T}: variable NOPE_T is not set in URL "
					     "'redis://:${NOPE_T}@cache:6379'");
	bad("redis://:${PW}@cache/${NOPE_T}", "${NOPE_T}: variable NOPE_T is not set in URL "
					      "'redis://:${PW}@cache/${NOPE_T}'");
	bad("http://h/${1BAD}", "bad variable reference '${1BAD}': expected ${NAME} in URL "
				"'http://h/${1BAD}'");
	bad("http://h/${A-b}", "bad variable reference '${A': expected ${NAME} in URL "
			       "'http://h/${A-b}'");
	bad("tcp://${NOPE_T}:1", "${NOPE_T}: variable NOPE_T is not set in URL "
				 "'tcp://${NOPE_T}:1'");
}

/* url_parse() expands nothing: "${" is text, the password all secret. */
static void t_no_refs_no_expansion(void **st)
{
	struct url u;
	char err[256];

	setenv("PW", "hunter2", 1);
	assert_int_equal(url_parse("redis://:${PW}@h", proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_string_equal(u.password, "${PW}");
	assert_string_equal(u.display, "redis://:***@h");
	url_free(&u);
}

static int headers(const char *h, char ***out, char *why, size_t len)
{
	struct sval v = {.s = (char *)h};
	struct strlist l = {&v, 1};
	size_t badi = 9;
	int r = probe_headers_expand(&l, out, &badi, why, len);

	assert_int_equal(badi, r ? 0 : 9);
	return r;
}

/* A header's name as written; its value placed after, on one line. */
static void t_headers(void **st)
{
	char **v = NULL, why[256] = "";

	setenv("TOK_T", "a:b ${X}", 1);
	assert_int_equal(headers("X-${TOK_T}: Bearer ${TOK_T}.", &v, why, sizeof(why)), 0);
	assert_string_equal(v[0], "X-${TOK_T}: Bearer a:b ${X}.");
	probe_headers_free(v, 1);
	setenv("TOK_T", "abc\r\nX-Evil: 1", 1);
	assert_int_equal(headers("Authorization: Bearer ${TOK_T}", &v, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "header Authorization: the value of ${TOK_T} holds a line break");
	assert_null(v);
	setenv("TOK_T", "abc\n", 1);
	assert_int_equal(headers("X-A: ${TOK_T}", &v, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "header X-A: the value of ${TOK_T} holds a line break");
	unsetenv("NOPE_T");
	assert_int_equal(headers("X-A: ${NOPE_T}", &v, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "header X-A: ${NOPE_T}: variable NOPE_T is not set");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_password_of_any_bytes),
	    cmocka_unit_test(t_literals_decoded_values_not),
	    cmocka_unit_test(t_http_target_encoded),
	    cmocka_unit_test(t_host_and_port),
	    cmocka_unit_test(t_local_and_dbnumber),
	    cmocka_unit_test(t_bad_references),
	    cmocka_unit_test(t_no_refs_no_expansion),
	    cmocka_unit_test(t_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
