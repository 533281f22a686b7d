/* test_dump.c - `muster config` output: every option, sources, redaction
 * (the redactor itself: test_redact.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/dump.h"
#include "conf/ini.h"
#include "conf/log.h"
#include "hooks/wait/proto/proto.h"

static void dur_is(int64_t ms, const char *want)
{
	char out[32];

	conf_fmt_duration(ms, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_fmt_duration(void **state)
{
	dur_is(0, "0");
	dur_is(250, "250ms");
	dur_is(1500, "1500ms");
	dur_is(1000, "1s");
	dur_is(90000, "90s");
	dur_is(60000, "1m");
	dur_is(300000, "5m");
	dur_is(3600000, "1h");
	dur_is(5400000, "90m");
}

static const char ini[] = "[init]\n"
			  "grace = 5s\n"
			  "rewrite = TERM:QUIT\n"
			  "remap_exit = 143, 130\n"
			  "[wait]\n"
			  "url = redis://:filepass@cache:6379\n"
			  "[hook migrate]\n"
			  "exec = migrate up\n"
			  "timeout = 5m\n"
			  "[hook seed]\n"
			  "exec = seed\n"
			  "[health]\n"
			  "header = Host: app.local\n"
			  "header = Authorization: Bearer filetoken\n"
			  "url = http://u:${PW}@127.0.0.1:8080/healthz\n";

static void test_dump_all(void **state)
{
	struct muster_conf c;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char *argv[] = {"sh", "-c", "exec app", NULL};

	conf_init(&c);
	assert_int_equal(conf_apply(&c, OPT_GRACE, "1500ms", SRC_CLI, 0), 0);
	assert_int_equal(conf_apply(&c, OPT_USER, "app", SRC_CLI, 0), 0);
	assert_int_equal(conf_apply(&c, OPT_PRE, "echo pre", SRC_CLI, 0), 0);
	assert_int_equal(conf_apply(&c, OPT_WAIT, "redis://:envpass@a:1 tcp://b:2", SRC_ENV, 0), 0);
	assert_int_equal(conf_apply(&c, OPT_LOG_FORMAT, "json", SRC_ENV, 0), 0);
	assert_int_equal(conf_load_ini_buf(&c, "/etc/muster.ini", ini, strlen(ini)), 0);
	c.argv = argv;
	c.argc = 3;
	conf_dump(&c, proto_url_scheme, out);
	fclose(out);
	assert_null(strstr(buf, "filepass"));
	assert_null(strstr(buf, "envpass"));
	assert_null(strstr(buf, "filetoken"));
	assert_string_equal(buf,
			    "# muster " MUSTER_VERSION ": effective configuration\n"
			    "# config = /etc/muster.ini ; default\n"
			    "# pre = echo pre ; command line\n"
			    "# command = sh -c exec app\n"
			    "\n[wait]\n"
			    "url = redis://:***@a:1 ; env MUSTER_WAIT\n"
			    "url = tcp://b:2 ; env MUSTER_WAIT\n"
			    "timeout = 1m ; default\n"
			    "\n[hooks]\n"
			    "# dir =\n"
			    "# timeout =\n"
			    "as_root = false ; default\n"
			    "\n[hook migrate] ; /etc/muster.ini:7\n"
			    "exec = migrate up\n"
			    "timeout = 5m\n"
			    "\n[hook seed] ; /etc/muster.ini:10\n"
			    "exec = seed\n"
			    "\n[secrets]\n"
			    "dir = /run/secrets ; default\n"
			    "# name =\n"
			    "# env_dir =\n"
			    "\n[security]\n"
			    "user = app ; command line\n"
			    "# cap_keep =\n"
			    "no_new_privs = true ; default\n"
			    "seccomp = none ; default\n"
			    "\n[init]\n"
			    "kill_group = false ; default\n"
			    "rewrite = TERM:QUIT ; /etc/muster.ini:3\n"
			    "grace = 1500ms ; command line\n"
			    "subreaper = false ; default\n"
			    "remap_exit = 130, 143 ; /etc/muster.ini:4\n"
			    "# pdeathsig =\n"
			    "\n[log]\n"
			    "level = info ; default\n"
			    "format = json ; env MUSTER_LOG_FORMAT\n"
			    "\n[health]\n"
			    "url = http://u:${PW}@127.0.0.1:8080/healthz ; /etc/muster.ini:15\n"
			    "timeout = 3s ; default\n"
			    "expect = 200-299 ; default\n"
			    "header = Host: app.local ; /etc/muster.ini:13\n"
			    "header = Authorization: *** ; /etc/muster.ini:14\n"
			    "# unix_socket =\n");
	free(buf);
	conf_free(&c);
}

/* redis://SECRET@host: the user information is a password, in `muster
 * config` too (it printed it as is). */
static void test_dump_redis_password_only(void **state)
{
	struct muster_conf c;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	conf_init(&c);
	assert_int_equal(conf_apply(&c, OPT_WAIT,
				    "redis://hunter2@cache:6379 postgres://app@db/app "
				    "redis://${REDIS_PW}@cache",
				    SRC_ENV, 0),
			 0);
	conf_dump(&c, proto_url_scheme, out);
	fclose(out);
	assert_null(strstr(buf, "hunter2"));
	assert_non_null(strstr(buf, "\nurl = redis://***@cache:6379 ; env MUSTER_WAIT\n"));
	assert_non_null(strstr(buf, "\nurl = postgres://app@db/app ; env MUSTER_WAIT\n"));
	assert_non_null(strstr(buf, "\nurl = redis://${REDIS_PW}@cache ; env MUSTER_WAIT\n"));
	free(buf);
	conf_free(&c);
}

/* The dump of a parsed file parses again to the same values. */
static void test_dump_reparses(void **state)
{
	struct muster_conf c, d;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	conf_init(&c);
	assert_int_equal(conf_load_ini(&c, "conf/muster.example.ini", true), 0);
	conf_dump(&c, proto_url_scheme, out);
	fclose(out);
	conf_init(&d);
	assert_int_equal(conf_load_ini_buf(&d, "dump", buf, len), 0);
	assert_int_equal(d.grace_ms, c.grace_ms);
	assert_int_equal(d.wait_urls.n, c.wait_urls.n);
	assert_int_equal(d.nhooks, c.nhooks);
	assert_string_equal(d.hooks[0].exec, c.hooks[0].exec);
	assert_int_equal(d.pdeathsig, c.pdeathsig);
	assert_int_equal(memcmp(d.rewrite, c.rewrite, sizeof(c.rewrite)), 0);
	assert_int_equal(memcmp(d.remap_exit, c.remap_exit, sizeof(c.remap_exit)), 0);
	assert_string_equal(d.health_unix_socket, c.health_unix_socket);
	conf_free(&c);
	conf_free(&d);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt_duration),
	    cmocka_unit_test(test_dump_all),
	    cmocka_unit_test(test_dump_redis_password_only),
	    cmocka_unit_test(test_dump_reparses),
	};

	log_setup(LOG_INFO, LOGF_TEXT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
