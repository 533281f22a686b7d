/* test_ini.c - the INI front end: good files, every kind of error with its
 * exact `FILE:LINE:` message, precedence CLI > env > file, hook sections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/cli.h"
#include "conf/conf.h"
#include "conf/env.h"
#include "conf/ini.h"
#include "conf/log.h"

#include "rows.h"

static char tmpdir[] = "/tmp/muster-test-ini-XXXXXX";
static char path[256];
static char errbuf[8192];

/* Run conf_load_ini on `text` written to a file, capturing stderr. */
static int load_text(struct muster_conf *c, const char *text, size_t len)
{
	int fd, saved, errfd, r;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);

	errfd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	assert_true(errfd >= 0);
	saved = dup(2);
	dup2(errfd, 2);
	r = conf_load_ini(c, path, true);
	dup2(saved, 2);
	close(saved);
	n = pread(errfd, errbuf, sizeof(errbuf) - 1, 0);
	errbuf[n > 0 ? n : 0] = '\0';
	close(errfd);
	return r;
}

static int load(struct muster_conf *c, const char *text)
{
	return load_text(c, text, strlen(text));
}

/* `text` must fail with exactly this one message (after "FILE:"). */
static void expect_error(const char *text, const char *msg)
{
	struct muster_conf c;
	char want[1024];

	conf_init(&c);
	assert_int_equal(load(&c, text), -EBADMSG);
	snprintf(want, sizeof(want), "muster: error: %s:%s", path, msg);
	assert_string_equal(errbuf, want);
	conf_free(&c);
}

static const char spec_example[] =
    "[init]\n"
    "grace = 10s            ; -t\n"
    "kill_group = false     ; -g\n"
    "rewrite = TERM:QUIT    ; -r\n"
    "subreaper = false      ; -s\n"
    "\n"
    "[wait]\n"
    "url = postgres://app@db:5432/app\n"
    "url = redis://:${REDIS_PASSWORD}@cache:6379\n"
    "timeout = 60s\n"
    "\n"
    "[hook migrate]         ; hooks run in file order, before any --hooks-dir hook\n"
    "exec = alembic upgrade head\n"
    "timeout = 5m\n"
    "\n"
    "[secrets]\n"
    "dir = /run/secrets     ; --secrets-dir\n"
    "name = API_TOKEN       ; --secret\n"
    "env_dir = /etc/app/env ; --env-dir\n"
    "\n"
    "[security]\n"
    "user = app:app\n"
    "cap_keep = NET_BIND_SERVICE\n"
    "no_new_privs = true\n"
    "seccomp = default\n"
    "\n"
    "[health]\n"
    "url = http://127.0.0.1:8080/healthz\n"
    "timeout = 3s\n"
    "expect = 200-299\n"
    "header = Host: app.local\n"
    "\n"
    "[log]\n"
    "level = info\n"
    "format = text\n";

static void test_spec_example(void **state)
{
	struct muster_conf c;

	conf_init(&c);
	assert_int_equal(load(&c, spec_example), 0);
	assert_string_equal(errbuf, "");
	assert_string_equal(c.file, path);
	assert_int_equal(c.grace_ms, 10000);
	assert_int_equal(c.src[OPT_GRACE], SRC_FILE);
	assert_int_equal(c.line[OPT_GRACE], 2);
	assert_false(c.kill_group);
	assert_int_equal(c.rewrite[15], 3); /* TERM -> QUIT */
	assert_int_equal(c.wait_urls.n, 2);
	assert_string_equal(c.wait_urls.v[0].s, "postgres://app@db:5432/app");
	assert_string_equal(c.wait_urls.v[1].s, "redis://:${REDIS_PASSWORD}@cache:6379");
	assert_int_equal(c.wait_urls.v[1].line, 9);
	assert_int_equal(c.wait_urls.v[1].src, SRC_FILE);
	assert_int_equal(c.wait_timeout_ms, 60000);
	assert_int_equal(c.nhooks, 1);
	assert_string_equal(c.hooks[0].name, "migrate");
	assert_string_equal(c.hooks[0].exec, "alembic upgrade head");
	assert_int_equal(c.hooks[0].timeout_ms, 300000);
	assert_int_equal(c.hooks[0].line, 12);
	assert_int_equal(c.secrets_dirs.n, 1);
	assert_string_equal(c.secrets_dirs.v[0].s, "/run/secrets");
	assert_int_equal(c.secrets_dirs.v[0].src, SRC_FILE);
	assert_string_equal(c.secret_names.v[0].s, "API_TOKEN");
	assert_string_equal(c.env_dir, "/etc/app/env");
	assert_string_equal(c.user, "app:app");
	assert_string_equal(c.cap_keep.v[0].s, "NET_BIND_SERVICE");
	assert_int_equal(c.no_new_privs, 1);
	assert_string_equal(c.seccomp, "default");
	assert_string_equal(c.health_urls.v[0].s, "http://127.0.0.1:8080/healthz");
	assert_int_equal(c.health_timeout_ms, 3000);
	assert_string_equal(c.health_expect, "200-299");
	assert_string_equal(c.health_headers.v[0].s, "Host: app.local");
	assert_int_equal(c.log_level, LOG_INFO);
	assert_int_equal(c.log_format, LOGF_TEXT);
	conf_free(&c);
}

static void test_bom_crlf_comments(void **state)
{
	static const char text[] = "\xef\xbb\xbf; comment\r\n"
				   "# another\r\n"
				   "[init]\r\n"
				   "   ; an indented comment is fine\r\n"
				   "\t\r\n"
				   "grace=250ms;not a comment without a space before\r\n"
				   "[log]\r\n"
				   "level = debug ; inline\r\n"
				   "format = json";
	struct muster_conf c;

	conf_init(&c);
	assert_int_equal(load(&c, "[init]\ngrace=250ms\n"), 0);
	assert_int_equal(c.grace_ms, 250);
	conf_free(&c);

	conf_init(&c);
	/* ';' right after a value is part of it: "250ms;not..." is no duration */
	assert_int_equal(load(&c, text), -EBADMSG);
	assert_non_null(strstr(errbuf, ":6: [init] grace: expected a duration"));
	conf_free(&c);

	conf_init(&c);
	assert_int_equal(load(&c, "\xef\xbb\xbf[init]\r\ngrace = 2m ; -t\r\n\r\n[log]\r\n"
				  "level = debug\r\nformat = json"),
			 0);
	assert_string_equal(errbuf, "");
	assert_int_equal(c.grace_ms, 120000);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_int_equal(c.log_format, LOGF_JSON);
	assert_int_equal(c.line[OPT_LOG_FORMAT], 6);
	conf_free(&c);
}

static void test_empty_file(void **state)
{
	struct muster_conf c;

	conf_init(&c);
	assert_int_equal(load(&c, ""), 0);
	assert_int_equal(load(&c, "\n\n; nothing\n"), 0);
	assert_int_equal(c.grace_ms, 10000);
	assert_int_equal(c.src[OPT_GRACE], SRC_DEFAULT);
	conf_free(&c);
}

static void test_repeated_keys_add(void **state)
{
	struct muster_conf c;

	conf_init(&c);
	assert_int_equal(load(&c, "[wait]\nurl = tcp://a:1\nurl = tcp://b:2\n"
				  "[secrets]\ndir = /a\ndir = /b\nname = A, B\nname = C\n"
				  "[init]\nrewrite = TERM:QUIT\nrewrite = INT:TERM, HUP:USR1\n"
				  "remap_exit = 143\nremap_exit = 130,1\n"
				  "[health]\nheader = Host: x\nheader = X-A: b\n"
				  "[wait]\nurl = tcp://c:3\n"),
			 0);
	assert_int_equal(c.wait_urls.n, 3);
	assert_string_equal(c.wait_urls.v[2].s, "tcp://c:3");
	assert_int_equal(c.wait_urls.v[2].line, 18);
	assert_int_equal(c.secrets_dirs.n, 2); /* the default is replaced */
	assert_string_equal(c.secrets_dirs.v[1].s, "/b");
	assert_int_equal(c.secret_names.n, 3);
	assert_string_equal(c.secret_names.v[1].s, "B");
	assert_int_equal(c.rewrite[15], 3);
	assert_int_equal(c.rewrite[2], 15);
	assert_int_equal(c.rewrite[1], 10);
	assert_true(c.remap_exit[143] && c.remap_exit[130] && c.remap_exit[1]);
	assert_false(c.remap_exit[0]);
	assert_int_equal(c.health_headers.n, 2);
	conf_free(&c);
}

static void test_hooks_in_file_order(void **state)
{
	struct muster_conf c;

	conf_init(&c);
	assert_int_equal(load(&c, "[hook b-first]\nexec = /bin/true\n"
				  "[hooks]\ndir = /hooks.d\ntimeout = 30s\nas_root = yes\n"
				  "[hook a.second]\ntimeout = 1s\nexec = /bin/echo \"hi there\"\n"
				  "[hook  spaced\t]\nexec = x\n[ init ]\ngrace = 1s\n"),
			 0);
	assert_int_equal(c.nhooks, 3);
	assert_string_equal(c.hooks[0].name, "b-first");
	assert_int_equal(c.hooks[0].timeout_ms, -1);
	assert_int_equal(c.hooks[0].line, 1);
	assert_string_equal(c.hooks[1].name, "a.second");
	assert_string_equal(c.hooks[1].exec, "/bin/echo \"hi there\"");
	assert_int_equal(c.hooks[1].timeout_ms, 1000);
	assert_string_equal(c.hooks[2].name, "spaced");
	assert_int_equal(c.grace_ms, 1000);
	assert_string_equal(c.hooks_dir, "/hooks.d");
	assert_int_equal(c.hook_timeout_ms, 30000);
	assert_true(c.hooks_as_root);
	conf_free(&c);
}

static void test_errors_sections(void **state)
{
	expect_error("[init]\ngrace = 1s\n[bogus]\n", "3: unknown section [bogus]\n");
	expect_error("[bogus]\n", "1: unknown section [bogus]\n");
	expect_error("[Init]\n", "1: unknown section [Init]\n");
	expect_error("[init\n", "1: missing ']' in section header\n");
	expect_error("[init] x\n", "1: unexpected text after ']'\n");
	expect_error("grace = 1s\n", "1: 'grace' outside any section\n");
	expect_error("[hook]\nexec = x\n", "1: [hook] needs a name: [hook NAME]\n");
	expect_error("[hook a/b]\nexec = x\n",
		     "1: bad hook name: use [hook NAME] with NAME made of letters, digits, "
		     "'_', '-' or '.'\n");
}

static void test_errors_keys(void **state)
{
	expect_error("[init]\ngraze = 1s\n", "2: unknown key 'graze' in [init]\n");
	expect_error("[wait]\ndir = /x\n", "2: unknown key 'dir' in [wait]\n");
	expect_error("[init]\ngrace = 1s\ngrace = 2s\n",
		     "3: 'grace' given twice (first on line 2)\n");
	expect_error("[init]\njust words\n",
		     "2: expected 'key = value', '[section]' or a comment\n");
	expect_error("[wait]\nurl: tcp://a:1\n",
		     "2: expected 'key = value', '[section]' or a comment\n");
	expect_error("[init]\ngrace ; = 1s\n",
		     "2: expected 'key = value', '[section]' or a comment\n");
}

static void test_errors_values(void **state)
{
	expect_error("[init]\ngrace = soon\n",
		     "2: [init] grace: expected a duration like 250ms, 10s, 2m, 1h, got 'soon'\n");
	expect_error("[init]\ngrace =\n",
		     "2: [init] grace: expected a duration like 250ms, 10s, 2m, 1h, got ''\n");
	expect_error("[init]\nkill_group = maybe\n",
		     "2: [init] kill_group: expected true or false, got 'maybe'\n");
	expect_error("[init]\npdeathsig = SIGNOPE\n",
		     "2: [init] pdeathsig: expected a signal name or number, got 'SIGNOPE'\n");
	expect_error("[init]\nrewrite = TERM\n",
		     "2: [init] rewrite: expected SIG:SIG, got 'TERM'\n");
	expect_error("[init]\nremap_exit = 256\n",
		     "2: [init] remap_exit: expected an exit code 0-255, got '256'\n");
	expect_error("[log]\nlevel = loud\n",
		     "2: [log] level: expected error, warn, info or debug, got 'loud'\n");
	expect_error("[security]\nuser =\n", "2: [security] user: empty value ''\n");
	expect_error("[wait]\nurl =   ; nothing\n", "2: [wait] url: empty value ''\n");
}

static void test_errors_hooks(void **state)
{
	expect_error("[hook migrate]\ntimeout = 5m\n[init]\n",
		     "1: [hook migrate] has no exec = COMMAND\n");
	expect_error("[init]\n[hook last]\n", "2: [hook last] has no exec = COMMAND\n");
	expect_error("[hook a]\nexec = x\n[hook a]\nexec = y\n",
		     "3: duplicate [hook a] (first on line 1)\n");
	expect_error("[hook a]\nexec = x\nexec = y\n", "3: [hook a] exec given twice\n");
	expect_error("[hook a]\nexec =\n", "2: [hook a] exec: empty value\n");
	expect_error("[hook a]\nexec = x\nuser = app\n",
		     "3: unknown key 'user' in [hook a] (exec, timeout)\n");
	expect_error("[hook a]\nexec = x\ntimeout = later\n",
		     "3: [hook a] timeout: expected a duration like 250ms, 10s, 2m, 1h, got "
		     "'later'\n");
	expect_error("[hook a]\nexec = x\ntimeout = 1s\ntimeout = 2s\n",
		     "4: [hook a] timeout given twice\n");
}

static void test_errors_lines(void **state)
{
	char text[1024];
	int max = conf_ini_max_line();
	struct muster_conf c;

	assert_int_equal(max, 197);
	expect_error("[init]\ngrace = 1s\n  kill_group = true\n",
		     "3: indented line (continuation lines are not supported: remove the "
		     "leading whitespace)\n");
	expect_error("[wait]\nurl = tcp://a:1\n\ttcp://b:2\n",
		     "3: indented line (continuation lines are not supported: remove the "
		     "leading whitespace)\n");
	expect_error("  [init]\n",
		     "1: indented line (continuation lines are not supported: remove the "
		     "leading whitespace)\n");

	/* the longest line passes whole, one more character is an error */
	snprintf(text, sizeof(text), "[hook a]\nexec = %0*d\n", max - 7, 7);
	conf_init(&c);
	assert_int_equal(load(&c, text), 0);
	assert_int_equal(strlen(c.hooks[0].exec), (size_t)max - 7);
	conf_free(&c);
	snprintf(text, sizeof(text), "[hook a]\nexec = %0*d\n", max - 6, 7);
	expect_error(text, "2: line longer than 197 characters\n");

	conf_init(&c);
	assert_int_equal(load_text(&c, "[init]\ngrace = 1\0s\n", 18), -EBADMSG);
	snprintf(text, sizeof(text), "muster: error: %s:2: NUL byte in line\n", path);
	assert_string_equal(errbuf, text);
	conf_free(&c);
}

static void test_missing_file(void **state)
{
	struct muster_conf c;
	char want[1024];
	int saved, errfd;
	ssize_t n;

	conf_init(&c);
	assert_int_equal(conf_load_ini(&c, "/nonexistent/muster.ini", false), 0);
	assert_null(c.file);

	errfd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	saved = dup(2);
	dup2(errfd, 2);
	assert_int_equal(conf_load_ini(&c, "/nonexistent/muster.ini", true), -EBADMSG);
	assert_int_equal(conf_load_ini(&c, tmpdir, false), -EBADMSG); /* a directory */
	dup2(saved, 2);
	close(saved);
	n = pread(errfd, errbuf, sizeof(errbuf) - 1, 0);
	errbuf[n > 0 ? n : 0] = '\0';
	close(errfd);
	snprintf(want, sizeof(want),
		 "muster: error: /nonexistent/muster.ini: cannot open the config file: No such "
		 "file or directory\n"
		 "muster: error: %s: not a regular file\n",
		 tmpdir);
	assert_string_equal(errbuf, want);
	conf_free(&c);
}

static void test_precedence(void **state)
{
	struct muster_conf c;
	char *argv[] = {"config", "--grace", "1s", "-w", "tcp://cli:1", "-r", "INT:TERM", NULL};
	char *envp[] = {"MUSTER_GRACE=2s", "MUSTER_WAIT_TIMEOUT=5s", "MUSTER_SECRETS=ENVNAME",
			NULL};

	conf_init(&c);
	assert_int_equal(conf_parse_cli(&c, MODE_CONFIG, 7, argv), CLI_OK);
	assert_int_equal(conf_load_env(&c, envp), 0);
	assert_int_equal(load(&c, "[init]\ngrace = 3s\nrewrite = TERM:QUIT\nrewrite = HUP:INT\n"
				  "kill_group = true\n"
				  "[wait]\nurl = tcp://file:1\ntimeout = 9s\n"
				  "[secrets]\nname = FILENAME\n"),
			 0);
	assert_int_equal(c.grace_ms, 1000); /* CLI > env > file */
	assert_int_equal(c.src[OPT_GRACE], SRC_CLI);
	assert_int_equal(c.wait_timeout_ms, 5000); /* env > file */
	assert_int_equal(c.src[OPT_WAIT_TIMEOUT], SRC_ENV);
	assert_true(c.kill_group); /* file > default */
	assert_int_equal(c.src[OPT_KILL_GROUP], SRC_FILE);
	assert_int_equal(c.line[OPT_KILL_GROUP], 5);
	assert_int_equal(c.wait_urls.n, 1); /* a list: the highest source replaces */
	assert_string_equal(c.wait_urls.v[0].s, "tcp://cli:1");
	assert_int_equal(c.secret_names.n, 1);
	assert_string_equal(c.secret_names.v[0].s, "ENVNAME");
	assert_int_equal(c.rewrite[2], 15); /* INT:TERM from the command line */
	assert_int_equal(c.rewrite[15], 0); /* the file's TERM:QUIT is not added */
	assert_int_equal(c.rewrite[1], 0);
	assert_int_equal(c.src[OPT_REWRITE], SRC_CLI);
	conf_free(&c);
}

static void test_overridden_value_still_checked(void **state)
{
	struct muster_conf c;
	char want[1024];

	conf_init(&c);
	assert_int_equal(conf_apply(&c, OPT_GRACE, "1s", SRC_CLI, 0), 0);
	assert_int_equal(load(&c, "[init]\ngrace = forever\n"), -EBADMSG);
	snprintf(want, sizeof(want),
		 "muster: error: %s:2: [init] grace: expected a duration like 250ms, 10s, 2m, "
		 "1h, got 'forever'\n",
		 path);
	assert_string_equal(errbuf, want);
	conf_free(&c);
}

static void test_stops_at_first_error(void **state)
{
	struct muster_conf c;

	conf_init(&c);
	assert_int_equal(load(&c, "[init]\ngrace = x\ngrace = y\n[nope]\n  z\n"), -EBADMSG);
	assert_non_null(strstr(errbuf, ":2: "));
	assert_ptr_equal(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1); /* one line */
	conf_free(&c);
}

static void test_example_file(void **state)
{
	struct muster_conf c;
	int i;

	conf_init(&c);
	assert_int_equal(conf_load_ini(&c, "conf/muster.example.ini", true), 0);
	/* every INI key of the table is in the example, uncommented */
	for (i = 0; i < OPT_COUNT; i++)
		if (conf_options[i].key) {
			if (c.src[i] != SRC_FILE)
				fail_msg("conf/muster.example.ini lacks [%s] %s",
					 conf_options[i].section, conf_options[i].key);
		}
	assert_true(c.nhooks >= 1);
	assert_non_null(c.hooks[0].exec);
	conf_free(&c);
}

/* Every INI key of the table is accepted in its section and sets its own
 * row: `key = VALUE` in the file gives the same configuration as VALUE
 * applied to that row from the file, with the key's line recorded.
 * Catches a key routed to another row, or one the front end refuses. */
static void test_every_key_reaches_its_row(void **state)
{
	struct muster_conf want, got;
	char text[256];
	int i;

	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];

		if (!d->key)
			continue;
		snprintf(text, sizeof(text), "; every key\n[%s]\n%s = %s\n", d->section, d->key,
			 row_sample(d->kind));
		conf_init(&want);
		want.file = "t.ini";
		assert_int_equal(conf_apply(&want, (enum opt_id)i, row_sample(d->kind), SRC_FILE, 3),
				 0);
		conf_init(&got);
		if (conf_load_ini_buf(&got, "t.ini", text, strlen(text)))
			fail_msg("[%s] %s refused", d->section, d->key);
		assert_int_equal(got.src[i], SRC_FILE);
		assert_int_equal(got.line[i], 3);
		row_same(&want, &got);
	}
}

static int setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/muster.ini", tmpdir);
	log_setup(LOG_INFO, LOGF_TEXT);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_example),
	    cmocka_unit_test(test_bom_crlf_comments),
	    cmocka_unit_test(test_empty_file),
	    cmocka_unit_test(test_repeated_keys_add),
	    cmocka_unit_test(test_hooks_in_file_order),
	    cmocka_unit_test(test_errors_sections),
	    cmocka_unit_test(test_errors_keys),
	    cmocka_unit_test(test_errors_values),
	    cmocka_unit_test(test_errors_hooks),
	    cmocka_unit_test(test_errors_lines),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_overridden_value_still_checked),
	    cmocka_unit_test(test_stops_at_first_error),
	    cmocka_unit_test(test_example_file),
	    cmocka_unit_test(test_every_key_reaches_its_row),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
