/* Fault injection into the PID-1 core (linker --wrap, see test_faults.wrap):
 * fork, poll, read, waitpid and opendir fail with EINTR, EAGAIN, ENOMEM or
 * EMFILE.  Setup must fail cleanly; the supervision loop must carry on. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "init/exit.h"
#include "conf/log.h"
#include "init/pid1/leftovers.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"

/* per call: how many upcoming calls fail, and with which errno */
static int fork_fail, fork_errno;
static int poll_fail, poll_errno, poll_calls;
static int read_fail, read_errno;
static int waitpid_fail, waitpid_errno;
static int opendir_errno;

pid_t __real_fork(void);
int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
ssize_t __real_read(int fd, void *buf, size_t len);
pid_t __real_waitpid(pid_t pid, int *st, int flags);
DIR *__real_opendir(const char *path);

pid_t __wrap_fork(void)
{
	if (fork_fail > 0) {
		fork_fail--;
		errno = fork_errno;
		return -1;
	}
	return __real_fork();
}

int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	poll_calls++;
	if (poll_fail > 0) {
		poll_fail--;
		errno = poll_errno;
		return -1;
	}
	return __real_poll(fds, n, timeout);
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	if (read_fail > 0) {
		read_fail--;
		errno = read_errno;
		return -1;
	}
	return __real_read(fd, buf, len);
}

pid_t __wrap_waitpid(pid_t pid, int *st, int flags)
{
	if (waitpid_fail > 0) {
		waitpid_fail--;
		errno = waitpid_errno;
		return -1;
	}
	return __real_waitpid(pid, st, flags);
}

DIR *__wrap_opendir(const char *path)
{
	if (opendir_errno) {
		errno = opendir_errno;
		return NULL;
	}
	return __real_opendir(path);
}

static struct muster_conf conf;

static int setup(void **state)
{
	log_setup(-1, LOGF_TEXT);
	conf_init(&conf);
	conf.grace_ms = 2000;
	fork_fail = poll_fail = read_fail = waitpid_fail = 0;
	opendir_errno = 0;
	poll_calls = 0;
	assert_true(sig_setup() >= 0);
	return 0;
}

static int teardown(void **state)
{
	conf_free(&conf);
	return 0;
}

static char *sh_exit3[] = {"/bin/sh", "-c", "sleep 0.05; exit 3", NULL};

static void fork_fails_cleanly(void **state)
{
	static const int errs[] = {EAGAIN, ENOMEM};
	struct child_spec spec = {.argv = sh_exit3, .what = "hook test"};
	struct sup_result r;
	size_t i;

	for (i = 0; i < 2; i++) {
		fork_fail = 1;
		fork_errno = errs[i];
		assert_int_equal(sup_run_hook(&conf, &spec, 0, &r), -errs[i]);
	}
	fork_fail = 1;
	fork_errno = EAGAIN;
	assert_int_equal(sup_run_workload(&conf, &spec), EXIT_NOEXEC);
	/* and the next start works */
	assert_int_equal(sup_run_hook(&conf, &spec, 0, &r), 0);
	assert_int_equal(r.code, 3);
}

/* The loop polls only while a deadline runs (a hook's timeout here; with
 * none it blocks in read(2)). */
static void loop_survives_poll_errors(void **state)
{
	static const int errs[] = {EINTR, ENOMEM, EAGAIN};
	struct child_spec spec = {.argv = sh_exit3, .what = "hook test"};
	struct sup_result r;
	size_t i;

	for (i = 0; i < 3; i++) {
		poll_fail = 3;
		poll_errno = errs[i];
		assert_int_equal(sup_run_hook(&conf, &spec, 5000, &r), 0);
		assert_int_equal(r.code, 3);
		assert_int_equal(poll_fail, 0);
	}
}

static void loop_survives_signalfd_read_errors(void **state)
{
	static const int errs[] = {EINTR, EAGAIN, EIO};
	struct child_spec spec = {.argv = sh_exit3, .what = "workload"};
	size_t i;

	for (i = 0; i < 3; i++) {
		read_fail = 2;
		read_errno = errs[i];
		assert_int_equal(sup_run_workload(&conf, &spec), 3);
	}
}

static void loop_survives_waitpid_eintr(void **state)
{
	struct child_spec spec = {.argv = sh_exit3, .what = "workload"};

	waitpid_fail = 2;
	waitpid_errno = EINTR;
	assert_int_equal(sup_run_workload(&conf, &spec), 3);
}

static void hook_timeout_kills_under_faults(void **state)
{
	char *sleeper[] = {"/bin/sleep", "30", NULL};
	struct child_spec spec = {.argv = sleeper, .what = "hook slow"};
	struct sup_result r;

	conf.grace_ms = 100;
	poll_fail = 2;
	poll_errno = EINTR;
	assert_int_equal(sup_run_hook(&conf, &spec, 200, &r), 0);
	assert_int_equal(r.code, 128 + SIGTERM);
}

static void procs_without_proc(void **state)
{
	opendir_errno = EMFILE;
	assert_int_equal(procs_signal_children(0, 0), 0);
	opendir_errno = 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fork_fails_cleanly),		 T(loop_survives_poll_errors),
		T(loop_survives_signalfd_read_errors), T(loop_survives_waitpid_eintr),
		T(hook_timeout_kills_under_faults), T(procs_without_proc),
	};

	return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
