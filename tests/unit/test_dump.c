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

#include "rows.h"

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
			    "expect = 200-299 ; default\n"
			    "# header =\n"
			    "# body =\n"
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
			    "stop_delay = 0 ; default\n"
			    "subreaper = false ; default\n"
			    "remap_exit = 130, 143 ; /etc/muster.ini:4\n"
			    "# pdeathsig =\n"
			    "expand_args = false ; default\n"
			    "\n[log]\n"
			    "level = info ; default\n"
			    "format = json ; env MUSTER_LOG_FORMAT\n"
			    "\n[health]\n"
			    "url = http://u:${PW}@127.0.0.1:8080/healthz ; /etc/muster.ini:15\n"
			    "timeout = 3s ; default\n"
			    "expect = 200-299 ; default\n"
			    "header = Host: app.local ; /etc/muster.ini:13\n"
			    "header = Authorization: *** ; /etc/muster.ini:14\n"
			    "# body =\n"
			    "# unix_socket =\n"
			    "\n[tls]\n"
			    "# cacert =\n"
			    "insecure = false ; default\n"
			    "# cert =\n"
			    "# key =\n");
	free(buf);
	conf_free(&c);
}

/* no_new_privs left on auto shows what the workload will get: on with a
 * user, kept capabilities or a seccomp filter (drop.c's rule), off alone. */
static void nnp_is(int opt, const char *val, const char *want)
{
	struct muster_conf c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	conf_init(&c);
	if (opt < OPT_COUNT)
		assert_int_equal(conf_apply(&c, (enum opt_id)opt, val, SRC_ENV, 0), 0);
	conf_dump(&c, proto_url_scheme, f);
	fclose(f);
	assert_non_null(strstr(buf, want));
	free(buf);
	conf_free(&c);
}

static void test_auto_no_new_privs(void **state)
{
	nnp_is(OPT_COUNT, NULL, "\nno_new_privs = false ; default\n");
	nnp_is(OPT_SECCOMP, "none", "\nno_new_privs = false ; default\n");
	nnp_is(OPT_SECCOMP, "default", "\nno_new_privs = true ; default\n");
	nnp_is(OPT_USER, "app", "\nno_new_privs = true ; default\n");
	nnp_is(OPT_CAP_KEEP, "CHOWN", "\nno_new_privs = true ; default\n");
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
	assert_string_equal(d.tls_cacert, c.tls_cacert);
	assert_string_equal(d.tls_key, c.tls_key);
	conf_free(&c);
	conf_free(&d);
	free(buf);
}

/* Every row's default, as conf_init() applies it, is what `muster config`
 * prints for it: the table's text, `; default`.  A row without a default
 * prints `# key =`.  Catches a default that does not reach its field, or
 * a field printed from the wrong place. */
static void test_every_default_dumps(void **state)
{
	struct muster_conf c;
	char *dump, line[256], want[256];
	int i;

	conf_init(&c);
	dump = row_dump(&c);
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];

		if (!d->key)
			continue;
		if (d->kind == OT_TRISTATE) /* auto: off without --user or --cap-keep */
			snprintf(want, sizeof(want), "%s = false ; default", d->key);
		else if (d->def)
			snprintf(want, sizeof(want), "%s = %s ; default", d->key, d->def);
		else
			snprintf(want, sizeof(want), "# %s =", d->key);
		row_line(dump, d, line, sizeof(line));
		if (strcmp(line, want))
			fail_msg("[%s] %s: dump says '%s', the table '%s'", d->section, d->key,
				 line, want);
	}
	free(dump);
	conf_free(&c);
}

/* A value given to one row changes exactly one line of `muster config`:
 * that row's (its owner's, for -v, -q and --allow-new-privs), showing the
 * value and `; command line`.  Catches a row whose offset points at
 * another option's field, or whose kind stores or prints it wrongly. */
static void base(struct muster_conf *c)
{
	int i;

	conf_init(c);
	/* auto no_new_privs follows --user and --cap-keep: pin it */
	for (i = 0; i < OPT_COUNT; i++)
		if (conf_options[i].kind == OT_TRISTATE)
			assert_int_equal(conf_apply(c, (enum opt_id)i, "false", SRC_FILE, 1), 0);
}

static void test_every_row_reaches_its_field(void **state)
{
	struct muster_conf fresh, c;
	char *before, *after, line[256], want[256];
	int i;

	base(&fresh);
	before = row_dump(&fresh);
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i], *o = &conf_options[conf_owner(i)];
		const char *p = before, *q;
		int changed = 0;

		base(&c);
		assert_int_equal(conf_apply(&c, (enum opt_id)i, row_sample(d->kind), SRC_CLI, 0), 0);
		after = row_dump(&c);
		/* the same lines but one */
		for (q = after; *p && *q; p += strcspn(p, "\n") + 1, q += strcspn(q, "\n") + 1)
			if (strcspn(p, "\n") != strcspn(q, "\n") || strncmp(p, q, strcspn(p, "\n")))
				changed++;
		if (changed != 1 || *p || *q)
			fail_msg("row %d (%s): %d lines changed", i, conf_opt_name(i, SRC_CLI),
				 changed);
		snprintf(want, sizeof(want), "%s%s = %s ; command line", o->key ? "" : "# ",
			 o->key ? o->key : o->lopt, row_sample_shown(d->kind));
		row_line(after, o, line, sizeof(line));
		if (strcmp(line, want))
			fail_msg("row %d (%s): dump says '%s', want '%s'", i,
				 conf_opt_name(i, SRC_CLI), line, want);
		free(after);
		conf_free(&c);
	}
	free(before);
	conf_free(&fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt_duration),
	    cmocka_unit_test(test_dump_all),
	    cmocka_unit_test(test_dump_redis_password_only),
	    cmocka_unit_test(test_dump_reparses),
	    cmocka_unit_test(test_every_default_dumps),
	    cmocka_unit_test(test_every_row_reaches_its_field),
	    cmocka_unit_test(test_auto_no_new_privs),
	};

	log_setup(LOG_INFO, LOGF_TEXT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
