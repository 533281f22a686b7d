/* Unit tests: priv_prepare() decisions, and the workload/hook setup
 * callbacks in forked children (needs root; uses the host's `nobody`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/log.h"
#include "hooks/sandbox/drop.h"
#include "tests/unit/emulated.h"

static void conf_for(struct muster_conf *c, const char *user, const char *caps, const char *seccomp)
{
	conf_init(c);
	if (user)
		conf_apply(c, OPT_USER, user, SRC_CLI, 0);
	if (caps)
		conf_apply(c, OPT_CAP_KEEP, caps, SRC_CLI, 0);
	if (seccomp)
		conf_apply(c, OPT_SECCOMP, seccomp, SRC_CLI, 0);
}

static void test_prepare(void **s)
{
	struct muster_conf c;
	struct priv_plan p;

	SKIP_IF_EMULATED("seccomp(2)");
	conf_for(&c, NULL, NULL, NULL);
	assert_int_equal(priv_prepare(&c, &p), 0);
	assert_false(p.change_id);
	assert_false(p.drop_caps);
	assert_false(p.nnp);
	assert_null(p.seccomp);
	priv_plan_free(&p);
	conf_free(&c);

	conf_for(&c, "nobody", "NET_BIND_SERVICE", "default");
	assert_int_equal(priv_prepare(&c, &p), 0);
	assert_true(p.change_id);
	assert_int_equal(p.uid, 65534);
	assert_true(p.drop_caps);
	assert_int_equal(p.keep, 1ull << CAP_NET_BIND_SERVICE);
	assert_true(p.nnp);
	assert_non_null(p.seccomp);
	priv_plan_free(&p);
	conf_free(&c);

	/* no_new_privs: auto with seccomp alone, off when asked */
	conf_for(&c, NULL, NULL, "default");
	assert_int_equal(priv_prepare(&c, &p), 0);
	assert_true(p.nnp);
	priv_plan_free(&p);
	conf_apply(&c, OPT_ALLOW_NEW_PRIVS, "", SRC_CLI, 0);
	assert_int_equal(priv_prepare(&c, &p), 0);
	assert_false(p.nnp);
	priv_plan_free(&p);
	conf_free(&c);

	conf_for(&c, "nobody", NULL, "default");
	conf_apply(&c, OPT_ALLOW_NEW_PRIVS, "", SRC_CLI, 0);
	assert_int_equal(priv_prepare(&c, &p), -EINVAL); /* kernel would refuse */
	conf_free(&c);
	conf_for(&c, "no-such-user-here", NULL, NULL);
	assert_int_equal(priv_prepare(&c, &p), -EINVAL);
	conf_free(&c);
	conf_for(&c, NULL, "SYS_FLY", NULL);
	assert_int_equal(priv_prepare(&c, &p), -EINVAL);
	conf_free(&c);
}

/* Run `setup` in a child; it reports uid, seccomp mode and nnp as the
 * exit code: uid==65534 ? 1 : 0, + 2 * seccomp mode, + 8 * nnp. */
static int child_report(int (*setup)(void *), struct priv_plan *p)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		int r = setup(p);

		if (r)
			_exit(100 + r % 100);
		_exit((getuid() == 65534) + 2 * prctl(PR_GET_SECCOMP, 0, 0, 0, 0) +
		      8 * prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_setup_callbacks(void **s)
{
	struct muster_conf c;
	struct priv_plan p;

	SKIP_IF_EMULATED("seccomp(2)");
	if (geteuid() != 0)
		skip();
	conf_for(&c, "nobody", NULL, "default");
	assert_int_equal(priv_prepare(&c, &p), 0);
	assert_int_equal(child_report(priv_child_setup, &p), 1 + 2 * 2 + 8);
	/* hooks: same identity and no_new_privs, no seccomp filter */
	assert_int_equal(child_report(priv_hook_setup, &p), 1 + 8);
	priv_plan_free(&p);
	/* hooks_as_root: muster's own identity, untouched */
	conf_apply(&c, OPT_HOOKS_AS_ROOT, "", SRC_CLI, 0);
	assert_int_equal(priv_prepare(&c, &p), 0);
	assert_int_equal(child_report(priv_hook_setup, &p), 0);
	assert_int_equal(child_report(priv_child_setup, &p), 1 + 2 * 2 + 8);
	priv_plan_free(&p);
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prepare),
	    cmocka_unit_test(test_setup_callbacks),
	};

	log_setup(-1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
