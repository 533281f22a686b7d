/* test_hooklist.c - hook order, timeouts, hooks dir filtering, errors. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "hooks/run/list.h"
#include "conf/log.h"

static char dir[64];

static void touch(const char *name, mode_t mode)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, mode);
	assert_true(fd >= 0);
	close(fd);
	chmod(p, mode);
}

static int setup(void **st)
{
	char p[256];

	snprintf(dir, sizeof(dir), "/tmp/muster-hooks-%d", (int)getpid());
	mkdir(dir, 0755);
	touch("20-seed", 0755);
	touch("10-migrate", 0700);
	touch("B-upper", 0755); /* strcmp order: digits before upper case */
	touch("30-readme.txt", 0644);
	touch(".hidden", 0755);
	snprintf(p, sizeof(p), "%s/40-subdir", dir);
	mkdir(p, 0755);
	return 0;
}

static int teardown(void **st)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void add_section(struct muster_conf *c, const char *name, const char *exec, int64_t t)
{
	c->hooks = realloc(c->hooks, (c->nhooks + 1) * sizeof(*c->hooks));
	c->hooks[c->nhooks].name = strdup(name);
	c->hooks[c->nhooks].exec = strdup(exec);
	c->hooks[c->nhooks].timeout_ms = t;
	c->hooks[c->nhooks].line = 7;
	c->nhooks++;
}

static void t_order(void **st)
{
	struct muster_conf c;
	struct hook *h;
	size_t n;
	char p[256];

	conf_init(&c);
	c.hook_timeout_ms = 9000;
	c.hooks_dir = strdup(dir);
	strlist_add(&c.pre, "echo 'pre one'", SRC_CLI, 0);
	strlist_add(&c.pre, "/bin/true", SRC_CLI, 0);
	add_section(&c, "migrate", "alembic upgrade head", 300000);
	add_section(&c, "warm", "curl -s x", -1);
	assert_int_equal(hooklist_build(&c, &h, &n), 0);
	assert_int_equal(n, 7);
	assert_string_equal(h[0].name, "migrate");
	assert_string_equal(h[0].argv[0], "alembic");
	assert_string_equal(h[0].argv[2], "head");
	assert_null(h[0].argv[3]);
	assert_int_equal(h[0].timeout_ms, 300000);
	assert_string_equal(h[1].name, "warm");
	assert_int_equal(h[1].timeout_ms, 9000);
	assert_string_equal(h[2].name, "pre#1");
	assert_string_equal(h[2].argv[1], "pre one");
	assert_string_equal(h[3].name, "pre#2");
	assert_string_equal(h[4].name, "10-migrate");
	snprintf(p, sizeof(p), "%s/10-migrate", dir);
	assert_string_equal(h[4].argv[0], p);
	assert_null(h[4].argv[1]);
	assert_int_equal(h[4].timeout_ms, 9000);
	assert_string_equal(h[5].name, "20-seed");
	assert_string_equal(h[6].name, "B-upper");
	hooklist_free(h, n);
	conf_free(&c);
}

static void t_empty(void **st)
{
	struct muster_conf c;
	struct hook *h = (struct hook *)1;
	size_t n = 5;

	conf_init(&c);
	assert_int_equal(hooklist_build(&c, &h, &n), 0);
	assert_int_equal(n, 0);
	hooklist_free(h, n);
	conf_free(&c);
}

static void t_errors(void **st)
{
	struct muster_conf c;
	struct hook *h;
	size_t n;

	conf_init(&c);
	strlist_add(&c.pre, "echo 'oops", SRC_CLI, 0);
	assert_int_equal(hooklist_build(&c, &h, &n), -EINVAL); /* typed by the user: 64 */
	conf_free(&c);

	conf_init(&c);
	add_section(&c, "blank", "  ", -1);
	assert_int_equal(hooklist_build(&c, &h, &n), -EBADMSG); /* the file is wrong: 78 */
	conf_free(&c);

	conf_init(&c);
	c.hooks_dir = strdup("/nonexistent/muster-hooks");
	assert_int_equal(hooklist_build(&c, &h, &n), 0); /* missing: no hooks */
	assert_int_equal(n, 0);
	hooklist_free(h, n);
	conf_free(&c);

	conf_init(&c);
	c.hooks_dir = strdup("/etc/hostname"); /* not a directory: an error */
	assert_int_equal(hooklist_build(&c, &h, &n), -ENOTDIR); /* named, unusable: 78 */
	conf_free(&c);

	conf_init(&c);
	unsetenv("MUSTER_T_UNSET");
	strlist_add(&c.pre, "run ${MUSTER_T_UNSET}", SRC_ENV, 0);
	assert_int_equal(hooklist_build(&c, &h, &n), -EINVAL); /* MUSTER_PRE: 64 */
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_order),
	    cmocka_unit_test(t_empty),
	    cmocka_unit_test(t_errors),
	};

	log_setup(LOG_ERROR, LOGF_TEXT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
