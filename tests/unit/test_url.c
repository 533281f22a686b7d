/* test_url.c - url_parse() by the scheme table's rules: schemes,
 * defaults, IPv6, the display form, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf/url.h"
#include "hooks/wait/proto/proto.h"

/* Is u a URL of the scheme named `name`? */
static int scheme_is(const struct url *u, const char *name)
{
	return proto_of(u) == proto_find(name, strlen(name));
}

static void ok(const char *s, struct url *u)
{
	char err[512] = "";

	assert_int_equal(url_parse(s, proto_url_scheme, u, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void bad(const char *s, const char *expect_err)
{
	struct url u;
	char err[512] = "";

	assert_int_equal(url_parse(s, proto_url_scheme, &u, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, expect_err);
	assert_null(u.host);
	assert_null(u.display);
}

static void t_tcp(void **st)
{
	struct url u;

	ok("tcp://db:5432", &u);
	assert_true(scheme_is(&u, "tcp"));
	assert_string_equal(u.host, "db");
	assert_int_equal(u.port, 5432);
	assert_null(u.user);
	assert_null(u.password);
	assert_string_equal(u.display, "tcp://db:5432");
	url_free(&u);
	ok("TCP://10.0.0.1:1/", &u);
	assert_string_equal(u.host, "10.0.0.1");
	assert_int_equal(u.port, 1);
	url_free(&u);
}

static void t_postgres(void **st)
{
	struct url u;

	ok("postgres://app@db/appdb", &u);
	assert_true(scheme_is(&u, "postgres"));
	assert_string_equal(u.user, "app");
	assert_int_equal(u.port, 5432);
	assert_string_equal(u.path, "appdb");
	url_free(&u);
	ok("postgresql://us%40er:p%3Ass@[::1]:6543/my%20db?sslmode=disable", &u);
	assert_string_equal(u.user, "us@er");
	assert_string_equal(u.password, "p:ss");
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 6543);
	assert_string_equal(u.path, "my db");
	assert_string_equal(u.display,
			    "postgresql://us%40er:***@[::1]:6543/my%20db?sslmode=***");
	url_free(&u);
	ok("postgres://db", &u);
	assert_null(u.user);
	assert_null(u.path);
	url_free(&u);
}

static void t_redis(void **st)
{
	struct url u;

	ok("redis://:s3cret@cache", &u);
	assert_true(scheme_is(&u, "redis"));
	assert_null(u.user);
	assert_string_equal(u.password, "s3cret");
	assert_int_equal(u.port, 6379);
	assert_string_equal(u.display, "redis://:***@cache");
	url_free(&u);
	ok("redis://s3cret@cache:7000/2", &u);
	assert_string_equal(u.password, "s3cret");
	assert_string_equal(u.display, "redis://***@cache:7000/2");
	url_free(&u);
	ok("redis://alice:pw@cache", &u);
	assert_string_equal(u.user, "alice");
	assert_string_equal(u.password, "pw");
	assert_string_equal(u.display, "redis://alice:***@cache");
	url_free(&u);
}

static void t_http(void **st)
{
	struct url u;

	ok("http://app", &u);
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	url_free(&u);
	ok("http://[fe80::1]:8080/healthz?full=1#frag", &u);
	assert_string_equal(u.host, "fe80::1");
	assert_int_equal(u.port, 8080);
	assert_string_equal(u.path, "/healthz?full=1");
	url_free(&u);
	ok("http://app?x=1", &u);
	assert_string_equal(u.path, "/?x=1");
	url_free(&u);
}

/* mysql:// and amqp:// take client URLs whole (the probe uses none of
 * the credentials); dns:// a name alone. */
static void t_mysql_amqp_dns(void **st)
{
	struct url u;

	ok("mysql://db", &u);
	assert_true(scheme_is(&u, "mysql"));
	assert_int_equal(u.port, 3306);
	assert_null(u.user);
	url_free(&u);
	ok("mysql://app:s3cr3t@db:3307/shop", &u);
	assert_string_equal(u.user, "app");
	assert_int_equal(u.port, 3307);
	assert_string_equal(u.path, "shop");
	assert_string_equal(u.display, "mysql://app:***@db:3307/shop");
	url_free(&u);
	ok("amqp://guest:guest@mq/%2f", &u);
	assert_true(scheme_is(&u, "amqp"));
	assert_int_equal(u.port, 5672);
	assert_string_equal(u.path, "/");
	assert_string_equal(u.display, "amqp://guest:***@mq/%2f");
	url_free(&u);
	ok("dns://db.internal", &u);
	assert_true(scheme_is(&u, "dns"));
	assert_string_equal(u.host, "db.internal");
	assert_int_equal(u.port, 0);
	assert_string_equal(u.display, "dns://db.internal");
	url_free(&u);
	ok("DNS://db/", &u);
	url_free(&u);
	bad("dns://db:53", "malformed URL 'dns://db:53': dns:// URLs take a name alone (dns://db)");
	bad("dns://db/x", "malformed URL 'dns://db/x': dns:// URLs take a name alone (dns://db)");
	bad("dns://u@db", "malformed URL 'dns://u@db': dns:// URLs take a name alone (dns://db)");
	bad("dns://", "malformed URL 'dns://': no host");
}

static void t_local(void **st)
{
	struct url u;

	ok("unix:///run/app.sock", &u);
	assert_true(scheme_is(&u, "unix"));
	assert_null(u.host);
	assert_string_equal(u.path, "/run/app.sock");
	url_free(&u);
	ok("file:///tmp/ready", &u);
	assert_true(scheme_is(&u, "file"));
	assert_string_equal(u.path, "/tmp/ready");
	url_free(&u);
}

static void t_errors(void **st)
{
	bad("", "malformed URL '': empty URL");
	bad("db:5432", "malformed URL 'db:5432': expected SCHEME://..., one of tcp, postgres, "
		       "mysql, redis, amqp, http, https, rediss, grpc, grpcs, unix, file, dns");
	bad("ftp://x", "malformed URL 'ftp://x': unknown scheme; use tcp, postgres, mysql, redis, "
		       "amqp, http, https, rediss, grpc, grpcs, unix, file or dns");
	bad("grpc://x", "malformed URL 'grpc://x': a port is required (grpc://host:port[/SERVICE])");
	bad("https://u:p@x/", "malformed URL 'https://u:***@x/': credentials in https:// URLs are "
			      "not supported; use --header 'Authorization: ...'");
	bad("rediss://x/a", "malformed URL 'rediss://x/a': the redis database must be a number "
			    "(rediss://host:6379/0)");
	bad("tcp://db", "malformed URL 'tcp://db': a port is required (tcp://host:port)");
	bad("tcp://db:0", "malformed URL 'tcp://db:0': port out of range (1-65535)");
	bad("tcp://db:65536", "malformed URL 'tcp://db:65536': port out of range (1-65535)");
	bad("tcp://db:", "malformed URL 'tcp://db:': empty port");
	bad("tcp://db:5x", "malformed URL 'tcp://db:5x': port is not a number");
	bad("tcp://:5432", "malformed URL 'tcp://:5432': no host");
	bad("tcp://db:1/x", "malformed URL 'tcp://db:1/x': tcp:// URLs take no path");
	bad("tcp://d b:1", "malformed URL 'tcp://d b:1': space or control character in the URL");
	bad("tcp://d$b:1", "malformed URL 'tcp://d$b:1': bad character in host name");
	bad("tcp://[::1:1", "malformed URL 'tcp://[::1:1': unterminated '[' in IPv6 address");
	bad("tcp://[]:1", "malformed URL 'tcp://[]:1': empty IPv6 address");
	bad("tcp://[::1]x:1", "malformed URL 'tcp://[::1]x:1': unexpected character after ']'");
	bad("tcp://[zz]:1", "malformed URL 'tcp://[zz]:1': bad character in IPv6 address");
	bad("unix://run/x", "malformed URL 'unix://run/x': expected an absolute path after :// "
			    "(three slashes: unix:///run/x.sock)");
	bad("redis://cache/x", "malformed URL 'redis://cache/x': the redis database must be a "
			       "number (redis://host:6379/0)");
	bad("http://u:pw@h/", "malformed URL 'http://u:***@h/': credentials in http:// URLs are "
			      "not supported; use --header 'Authorization: ...'");
}

static void t_password_never_in_errors(void **st)
{
	bad("redis://:hunter2@cache:xx", "malformed URL 'redis://:***@cache:xx': port is not a "
					 "number");
	bad("redis://hunter2@ca che", "malformed URL 'redis://***@ca che': space or control "
				      "character in the URL");
	bad("postgres://u:hunter2%zz@db", "malformed URL 'postgres://u:***@db': bad %-escape in "
					  "the password");
	bad("postgres://u:hunter2@db:99999", "malformed URL 'postgres://u:***@db:99999': port "
					     "out of range (1-65535)");
}

/* Found by fuzz_url: a URL longer than the old 512-byte display buffer
 * lost its "***" to truncation (the password was not shown, but the
 * display was cut).  The display is now the whole URL, redacted. */
static void t_long_url_display_whole(void **st)
{
	char s[1200], want[1200];
	struct url u;

	memset(want, 0, sizeof(want));
	strcpy(s, "redis://");
	memset(s + 8, 'c', 600);
	strcpy(s + 608, ":longpassword99@h");
	memcpy(want, s, 608);
	strcpy(want + 608, ":***@h");
	ok(s, &u);
	assert_string_equal(u.display, want);
	assert_string_equal(u.password, "longpassword99");
	assert_null(strstr(u.display, "longpassword99"));
	url_free(&u);
	/* and an error about it names it redacted */
	s[8] = '%';
	s[9] = 'z';
	{
		char err[2000];

		assert_int_equal(url_parse(s, proto_url_scheme, &u, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, ":***@h'"));
		assert_null(strstr(err, "longpassword99"));
	}
}

/* conf/ knows no scheme: the rules are the caller's (here, one that is
 * in no table). */
static const struct url_syntax amqp = {
    .port = 5672, .userinfo = URL_USER_FIRST, .path = URL_PATH_DBNAME};

static const struct url_syntax *only_amqp(const char *name, size_t len, char *why, size_t n)
{
	if (name && len == 4 && !memcmp(name, "amqp", 4))
		return &amqp;
	if (why)
		snprintf(why, n, "only amqp here");
	return NULL;
}

static void t_syntax_of_the_caller(void **st)
{
	struct url u;
	char err[256];

	assert_int_equal(url_parse("amqp://guest:pw@mq/v%2Fhost", only_amqp, &u, err, sizeof(err)),
			 0);
	assert_ptr_equal(u.syntax, &amqp);
	assert_string_equal(u.user, "guest");
	assert_string_equal(u.password, "pw");
	assert_int_equal(u.port, 5672);
	assert_string_equal(u.path, "v/host");
	assert_string_equal(u.display, "amqp://guest:***@mq/v%2Fhost");
	url_free(&u);
	assert_int_equal(url_parse("tcp://h:1", only_amqp, &u, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "malformed URL 'tcp://h:1': only amqp here");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_tcp),
	    cmocka_unit_test(t_postgres),
	    cmocka_unit_test(t_redis),
	    cmocka_unit_test(t_http),
	    cmocka_unit_test(t_local),
	    cmocka_unit_test(t_mysql_amqp_dns),
	    cmocka_unit_test(t_errors),
	    cmocka_unit_test(t_password_never_in_errors),
	    cmocka_unit_test(t_long_url_display_whole),
	    cmocka_unit_test(t_syntax_of_the_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
