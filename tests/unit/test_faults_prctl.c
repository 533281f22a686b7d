/* Fault injection into prctl (linker --wrap, see test_faults_prctl.wrap):
 * PR_SET_PDEATHSIG and PR_SET_CHILD_SUBREAPER (pid1_setup), PR_SET_KEEPCAPS
 * and PR_SET_NO_NEW_PRIVS (priv_apply), PR_CAPBSET_READ
 * (caps_drop_bounding) fail with EINVAL, ENOMEM or EPERM.  Each function
 * must return -errno after one line.  Everything that changes the
 * process's attributes or credentials runs in a forked child, which
 * reports back through a pipe; the test process itself stays as it is. */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hooks/sandbox/caps.h"
#include "init/exit.h"
#include "conf/conf.h"
#include "conf/log.h"
#include "init/pid1/self.h"
#include "hooks/sandbox/drop.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"
#include "tests/unit/emulated.h"

/* prctl(fail_opt, ...) fails with fail_errno, after fail_skip calls that
 * pass, for fail_count calls */
static int fail_opt = -1, fail_errno, fail_skip, fail_count;

int __real_prctl(int option, ...);

int __wrap_prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	int i;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == fail_opt && fail_count > 0) {
		if (fail_skip > 0) {
			fail_skip--;
		} else {
			fail_count--;
			errno = fail_errno;
			return -1;
		}
	}
	return __real_prctl(option, a[0], a[1], a[2], a[3]);
}

static void arm(int opt, int err, int skip, int count)
{
	fail_opt = opt;
	fail_errno = err;
	fail_skip = skip;
	fail_count = count;
}

/* What a child saw, sent back through a pipe. */
struct report {
	int rc;	   /* the function's return value */
	int lines; /* lines it logged */
	char out[512];
	int pdeathsig, subreaper, nnp, keepcaps;
	uid_t uid;
	uint64_t bset; /* bounding set, bit N = capability N */
};

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = CAP_LAST_CAP;
		fclose(f);
	}
	return n;
}

static uint64_t bset_now(void)
{
	uint64_t m = 0;
	int cap;

	for (cap = 0; cap <= last_cap(); cap++)
		if (__real_prctl(PR_CAPBSET_READ, (unsigned long)cap, 0ul, 0ul, 0ul) == 1)
			m |= 1ull << cap;
	return m;
}

/* Run fn(arg) in a child with stderr captured; the report comes back. */
static void in_child(int (*fn)(void *), void *arg, struct report *rep)
{
	int p[2], st;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct report r;
		int mfd = memfd_create("stderr", 0);
		ssize_t k;
		char *s;

		memset(&r, 0, sizeof(r));
		dup2(mfd, STDERR_FILENO);
		r.rc = fn(arg);
		fail_count = 0;
		k = pread(mfd, r.out, sizeof(r.out) - 1, 0);
		r.out[k > 0 ? k : 0] = '\0';
		for (s = r.out; (s = strchr(s, '\n')); s++)
			r.lines++;
		r.pdeathsig = -1;
		__real_prctl(PR_GET_PDEATHSIG, (unsigned long)&r.pdeathsig, 0ul, 0ul, 0ul);
		__real_prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&r.subreaper, 0ul, 0ul, 0ul);
		r.nnp = __real_prctl(PR_GET_NO_NEW_PRIVS, 0ul, 0ul, 0ul, 0ul);
		r.keepcaps = __real_prctl(PR_GET_KEEPCAPS, 0ul, 0ul, 0ul, 0ul);
		r.uid = getuid();
		r.bset = bset_now();
		_exit(write(p[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], rep, sizeof(*rep)), sizeof(*rep));
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static const int errs[] = {EINVAL, ENOMEM, EPERM};
#define N(a) (sizeof(a) / sizeof(a[0]))

static int call_pid1(void *c)
{
	return pid1_setup(c);
}

static void pid1_faults(void **state)
{
	struct muster_conf c;
	struct report r;
	char want[256];
	size_t i;

	SKIP_IF_EMULATED("PR_SET_CHILD_SUBREAPER");
	conf_init(&c);
	c.pdeathsig = SIGUSR2;
	c.subreaper = true;
	arm(-1, 0, 0, 0);
	in_child(call_pid1, &c, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.lines, 0);
	assert_int_equal(r.pdeathsig, SIGUSR2);
	assert_int_equal(r.subreaper, 1);

	for (i = 0; i < N(errs); i++) {
		/* -p was asked for: its failure stops setup, nothing else is set */
		arm(PR_SET_PDEATHSIG, errs[i], 0, 1);
		in_child(call_pid1, &c, &r);
		assert_int_equal(r.rc, -errs[i]);
		assert_int_equal(r.lines, 1);
		snprintf(want, sizeof(want),
			 "muster: error: cannot set the parent-death signal (-p): %s\n",
			 strerror(errs[i]));
		assert_string_equal(r.out, want);
		assert_int_equal(r.pdeathsig, 0);
		assert_int_equal(r.subreaper, 0);

		/* so was -s */
		arm(PR_SET_CHILD_SUBREAPER, errs[i], 0, 1);
		in_child(call_pid1, &c, &r);
		assert_int_equal(r.rc, -errs[i]);
		assert_int_equal(r.lines, 1);
		snprintf(want, sizeof(want),
			 "muster: error: cannot become a child subreaper (-s): %s\n",
			 strerror(errs[i]));
		assert_string_equal(r.out, want);
		assert_int_equal(r.pdeathsig, SIGUSR2);
		assert_int_equal(r.subreaper, 0);
	}
	conf_free(&c);
}

/* Not PID 1 and no -s: the subreaper bit is set anyway (orphans). */
static void pid1_subreaper_when_not_pid1(void **state)
{
	struct muster_conf c;
	struct report r;

	SKIP_IF_EMULATED("PR_SET_CHILD_SUBREAPER");
	conf_init(&c);
	arm(-1, 0, 0, 0);
	in_child(call_pid1, &c, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.subreaper, 1);
	assert_int_equal(r.pdeathsig, 0);
	/* not asked for: a warning, and setup carries on */
	arm(PR_SET_CHILD_SUBREAPER, EINVAL, 0, 1);
	in_child(call_pid1, &c, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.lines, 1);
	assert_string_equal(r.out, "muster: warning: cannot become a child subreaper: "
				   "Invalid argument\n");
	assert_int_equal(r.subreaper, 0);
	conf_free(&c);
}

static int call_apply(void *p)
{
	return priv_apply(p, false);
}

/* no_new_privs alone: its prctl failing is the error returned */
static void nnp_faults(void **state)
{
	struct priv_plan p;
	struct report r;
	char want[256];
	size_t i;

	memset(&p, 0, sizeof(p));
	p.nnp = true;
	arm(-1, 0, 0, 0);
	in_child(call_apply, &p, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nnp, 1);
	for (i = 0; i < N(errs); i++) {
		arm(PR_SET_NO_NEW_PRIVS, errs[i], 0, 1);
		in_child(call_apply, &p, &r);
		assert_int_equal(r.rc, -errs[i]);
		assert_int_equal(r.lines, 1);
		snprintf(want, sizeof(want), "muster: error: PR_SET_NO_NEW_PRIVS: %s\n",
			 strerror(errs[i]));
		assert_string_equal(r.out, want);
		assert_int_equal(r.nnp, 0);
	}
}

/* A workload whose no_new_privs cannot be set is not started: 78. */
static void nnp_fault_stops_workload(void **state)
{
	static char *argv[] = {"/bin/sh", "-c", "exit 3", NULL};
	struct priv_plan p;
	struct child_spec spec = {
	    .argv = argv, .setup = priv_child_setup, .setup_arg = &p, .what = "workload"};
	struct muster_conf c;

	memset(&p, 0, sizeof(p));
	p.nnp = true;
	conf_init(&c);
	arm(PR_SET_NO_NEW_PRIVS, ENOMEM, 0, 1); /* the child's copy fails */
	assert_int_equal(sup_run_workload(&c, &spec), EXIT_CONFIG);
	spec.setup = priv_hook_setup;
	{
		/* set: with -flto (check-arm64) gcc sees a path that leaves it unset */
		struct sup_result res = {0};

		assert_int_equal(sup_run_hook(&c, &spec, 0, &res), 0);
		assert_int_equal(res.code, EXIT_CONFIG);
	}
	arm(-1, 0, 0, 0);
	assert_int_equal(sup_run_workload(&c, &spec), 3);
	conf_free(&c);
}

/* --user nobody --cap-keep NET_BIND_SERVICE: PR_SET_KEEPCAPS failing stops
 * the drop before the uid changes. */
static void keepcaps_faults(void **state)
{
	struct muster_conf c;
	struct priv_plan p;
	struct report r;
	char want[256];
	size_t i;

	if (geteuid() != 0)
		skip();
	conf_init(&c);
	assert_int_equal(conf_apply(&c, OPT_USER, "nobody", SRC_CLI, 0), 0);
	assert_int_equal(conf_apply(&c, OPT_CAP_KEEP, "NET_BIND_SERVICE", SRC_CLI, 0), 0);
	assert_int_equal(priv_prepare(&c, &p), 0);
	arm(-1, 0, 0, 0);
	in_child(call_apply, &p, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.uid, 65534);
	assert_int_equal(r.keepcaps, 0); /* set for the change only */
	assert_int_equal(r.bset, 1ull << CAP_NET_BIND_SERVICE);
	for (i = 0; i < N(errs); i++) {
		arm(PR_SET_KEEPCAPS, errs[i], 0, 1);
		in_child(call_apply, &p, &r);
		assert_int_equal(r.rc, -errs[i]);
		assert_int_equal(r.lines, 1);
		snprintf(want, sizeof(want), "muster: error: --user: PR_SET_KEEPCAPS: %s\n",
			 strerror(errs[i]));
		assert_string_equal(r.out, want);
		assert_int_equal(r.uid, 0);
	}
	priv_plan_free(&p);
	conf_free(&c);
}

static int call_drop(void *arg)
{
	return caps_drop_bounding(1ull << CAP_NET_BIND_SERVICE, false);
}

/* PR_CAPBSET_READ failing must not pass for "the kernel has no more
 * capabilities": the drop would then silently drop nothing. */
static void capbset_read_faults(void **state)
{
	uint64_t all;
	struct report r;
	char want[256];
	size_t i;
	int n = last_cap() + 1;

	if (geteuid() != 0)
		skip();
	all = bset_now();
	arm(-1, 0, 0, 0);
	in_child(call_drop, NULL, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.bset, 1ull << CAP_NET_BIND_SERVICE);
	for (i = 0; i < N(errs); i++) {
		/* every read fails, from the first (CHOWN, which every kernel
		 * has): an error, not an empty list, and nothing dropped */
		arm(PR_CAPBSET_READ, errs[i], 0, 1 << 30);
		in_child(call_drop, NULL, &r);
		assert_int_equal(r.rc, -errs[i]);
		assert_int_equal(r.lines, 1);
		snprintf(want, sizeof(want),
			 "muster: error: cannot read the capability bounding set (CHOWN): %s\n",
			 strerror(errs[i]));
		assert_string_equal(r.out, want);
		assert_int_equal(r.bset, all);
	}
	/* a later capability, before the drop: ENOMEM and EPERM are errors */
	arm(PR_CAPBSET_READ, ENOMEM, 5, 1);
	in_child(call_drop, NULL, &r);
	assert_int_equal(r.rc, -ENOMEM);
	assert_int_equal(r.lines, 1);
	assert_int_equal(r.bset, all);
	/* EINVAL there reads as the end of the kernel's list: the check after
	 * the drop still finds what was left and fails */
	arm(PR_CAPBSET_READ, EINVAL, 5, 1);
	in_child(call_drop, NULL, &r);
	assert_true(r.rc < 0);
	assert_int_equal(r.lines, 1);
	/* in the check after the drop (n + 1 reads before it: the one past the
	 * last capability ends the first loop) */
	arm(PR_CAPBSET_READ, EPERM, n + 1, 1);
	in_child(call_drop, NULL, &r);
	assert_int_equal(r.rc, -EPERM);
	assert_int_equal(r.lines, 1);
	assert_int_equal(r.bset, 1ull << CAP_NET_BIND_SERVICE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pid1_faults),     cmocka_unit_test(pid1_subreaper_when_not_pid1),
	    cmocka_unit_test(nnp_faults),      cmocka_unit_test(nnp_fault_stops_workload),
	    cmocka_unit_test(keepcaps_faults), cmocka_unit_test(capbset_read_faults),
	};

	log_setup(LOG_WARN, LOGF_TEXT);
	if (sig_setup() < 0)
		return 1;
	return cmocka_run_group_tests_name("faults_prctl", tests, NULL, NULL);
}
