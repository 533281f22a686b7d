/* Fault injection into PID 1's signal setup (linker --wrap=syscall, see
 * test_faults_sig.wrap): sig_setup() makes raw rt_sigprocmask and
 * signalfd4 calls; either failing must return -errno after one line and
 * leave the process as it found it (signal mask, fault handlers, fds), so
 * that a caller that exits, or tries again, is not left with every signal
 * blocked.  The order matters: sig_setup() succeeds once and keeps its fd,
 * so the failures run first. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"

#include "conf/conf.h"
#include "conf/log.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"

/* the next `fail_count` syscall(fail_nr, ...) fail with fail_errno */
static long fail_nr = -1;
static int fail_count, fail_errno, fail_seen;

long __real_syscall(long n, ...);

/* Forwards five arguments: muster's syscall() calls take at most four,
 * and a sixth va_arg would read the caller's stack (ASan says so). */
long __wrap_syscall(long n, ...)
{
	long a[5];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < 5; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (n == fail_nr && fail_count > 0) {
		fail_count--;
		fail_seen++;
		errno = fail_errno;
		return -1;
	}
	return __real_syscall(n, a[0], a[1], a[2], a[3], a[4], 0L);
}

static void arm(long nr, int err)
{
	fail_nr = nr;
	fail_errno = err;
	fail_count = 1;
	fail_seen = 0;
}

/* the kernel's 64-bit mask, 32 and 33 included */
static uint64_t cur_mask(void)
{
	uint64_t m = 0;

	assert_int_equal(__real_syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, sizeof(m)), 0);
	return m;
}

static void *handler_of(int sig)
{
	struct sigaction sa;

	assert_int_equal(sigaction(sig, NULL, &sa), 0);
	return (void *)sa.sa_handler;
}

static uint64_t start_mask; /* the test process's mask before any setup */
static const int fault_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, SIGSYS};
#define N(a) (sizeof(a) / sizeof(a[0]))

/* sig_setup() with one failing call: -err, one line, nothing changed. */
static void setup_fails(long nr, int err, const char *what)
{
	void *h[N(fault_sigs)];
	char out[512], want[256];
	int fds = fd_count(), r, lines;
	size_t i;

	for (i = 0; i < N(fault_sigs); i++)
		h[i] = handler_of(fault_sigs[i]);
	arm(nr, err);
	capture_start();
	r = sig_setup();
	lines = capture_end(out, sizeof(out));
	assert_int_equal(fail_seen, 1);
	assert_int_equal(r, -err);
	assert_int_equal(lines, 1);
	snprintf(want, sizeof(want), "muster: error: %s: %s\n", what, strerror(err));
	assert_string_equal(out, want);
	assert_int_equal(sig_fd(), -1);
	assert_int_equal(fd_count(), fds);
	/* as it was: no signal left blocked, the fault handlers put back */
	assert_int_equal(cur_mask(), start_mask);
	for (i = 0; i < N(fault_sigs); i++)
		assert_ptr_equal(handler_of(fault_sigs[i]), h[i]);
}

static void sigprocmask_fails(void **state)
{
	static const int errs[] = {EINVAL, EFAULT, ENOMEM};
	size_t i;

	for (i = 0; i < N(errs); i++)
		setup_fails(SYS_rt_sigprocmask, errs[i], "cannot block signals");
}

static void signalfd_fails(void **state)
{
	static const int errs[] = {EMFILE, ENFILE, ENOMEM, EINVAL, ENODEV};
	size_t i;

	for (i = 0; i < N(errs); i++)
		setup_fails(SYS_signalfd4, errs[i], "cannot open signalfd");
}

/* After the failures: setup works, and the mask a child gets back before
 * exec is the one muster started with, not the all-blocked one. */
static void setup_after_faults(void **state)
{
	static char *sh_exit3[] = {"/bin/sh", "-c", "exit 3", NULL};
	struct child_spec spec = {.argv = sh_exit3, .what = "workload"};
	struct muster_conf c;
	char out[512];
	int fd, st;
	pid_t pid;

	/* one more failure just before, whatever the tests above left */
	arm(SYS_signalfd4, EMFILE);
	capture_start();
	fd = sig_setup();
	capture_end(out, sizeof(out));
	assert_int_equal(fd, -EMFILE);
	fd = sig_setup();
	assert_true(fd >= 0);
	assert_int_equal(sig_fd(), fd);
	assert_int_equal(sig_setup(), fd); /* once only */
	assert_true(cur_mask() & (1ull << (SIGTERM - 1)));
	assert_false(cur_mask() & (1ull << (SIGSEGV - 1)));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sig_restore_child();
		_exit(cur_mask() == start_mask ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	conf_init(&c);
	assert_int_equal(sup_run_workload(&c, &spec), 3);
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sigprocmask_fails),
	    cmocka_unit_test(signalfd_fails),
	    cmocka_unit_test(setup_after_faults),
	};

	log_setup(LOG_ERROR, LOGF_TEXT);
	start_mask = cur_mask();
	return cmocka_run_group_tests_name("faults_sig", tests, NULL, NULL);
}
