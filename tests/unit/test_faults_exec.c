/* Fault injection into exec (linker --wrap, see test_faults_exec.wrap):
 * execvp fails in the forked child with a chosen errno.  The child must
 * exit 127 (not found: ENOENT, ENOTDIR) or 126 (found, cannot run: every
 * other errno) after exactly one line naming the command, as sh does;
 * PID 1 reports that code and the next start works. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "init/exit.h"

#include "conf/conf.h"
#include "conf/log.h"
#include "init/pid1/spawn.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"

/* errno every execvp fails with (0: the real one).  Set before fork: the
 * child runs this wrapper with the parent's copy. */
static int exec_errno;

int __real_execvp(const char *file, char *const argv[]);

int __wrap_execvp(const char *file, char *const argv[])
{
	if (exec_errno) {
		errno = exec_errno;
		return -1;
	}
	return __real_execvp(file, argv);
}

static struct muster_conf conf;

static int setup(void **state)
{
	log_setup(LOG_ERROR, LOGF_TEXT);
	conf_init(&conf);
	conf.grace_ms = 2000;
	exec_errno = 0;
	assert_true(sig_setup() >= 0);
	return 0;
}

static int teardown(void **state)
{
	exec_errno = 0;
	conf_free(&conf);
	return 0;
}

/* execvp's errno, the exit code 126/127 it gives */
static const struct {
	int err, code;
} exec_faults[] = {
    {ENOMEM, EXIT_NOEXEC},    {EMFILE, EXIT_NOEXEC}, {ENFILE, EXIT_NOEXEC}, {EAGAIN, EXIT_NOEXEC},
    {EACCES, EXIT_NOEXEC},    {EPERM, EXIT_NOEXEC},  {E2BIG, EXIT_NOEXEC},  {ENOEXEC, EXIT_NOEXEC},
    {ETXTBSY, EXIT_NOEXEC},   {EIO, EXIT_NOEXEC},    {EINTR, EXIT_NOEXEC},  {ENOENT, EXIT_NOTFOUND},
    {ENOTDIR, EXIT_NOTFOUND},
};
#define NFAULTS (sizeof(exec_faults) / sizeof(exec_faults[0]))

static char *true_argv[] = {"/bin/true", NULL};
static char *sh_exit3[] = {"/bin/sh", "-c", "exit 3", NULL};

static void workload_exec_fails(void **state)
{
	struct child_spec spec = {.argv = true_argv, .what = "workload"};
	char out[1024], want[256];
	size_t i;
	int code;

	for (i = 0; i < NFAULTS; i++) {
		exec_errno = exec_faults[i].err;
		capture_start();
		code = sup_run_workload(&conf, &spec);
		assert_int_equal(capture_end(out, sizeof(out)), 1);
		assert_int_equal(code, exec_faults[i].code);
		snprintf(want, sizeof(want), "muster: error: cannot run /bin/true: %s\n",
			 strerror(exec_faults[i].err));
		assert_string_equal(out, want);
	}
	/* faults gone: the next start runs */
	exec_errno = 0;
	spec.argv = sh_exit3;
	assert_int_equal(sup_run_workload(&conf, &spec), 3);
}

static void hook_exec_fails(void **state)
{
	struct child_spec spec = {.argv = true_argv, .what = "hook t"};
	struct sup_result r;
	char out[1024];
	size_t i;
	int rc;

	for (i = 0; i < NFAULTS; i++) {
		exec_errno = exec_faults[i].err;
		memset(&r, 0xff, sizeof(r));
		capture_start();
		rc = sup_run_hook(&conf, &spec, 0, &r);
		assert_int_equal(capture_end(out, sizeof(out)), 1);
		/* the hook started (fork worked): its exit code says why */
		assert_int_equal(rc, 0);
		assert_int_equal(r.code, exec_faults[i].code);
		assert_true(WIFEXITED(r.status));
		assert_int_equal(WEXITSTATUS(r.status), exec_faults[i].code);
		assert_int_equal(r.stopsig, 0);
	}
	exec_errno = 0;
	spec.argv = sh_exit3;
	assert_int_equal(sup_run_hook(&conf, &spec, 0, &r), 0);
	assert_int_equal(r.code, 3);
}

/* A bare name: PATH was searched; not found says so in sh's words. */
static void bare_name_not_found(void **state)
{
	char *argv[] = {"true", NULL};
	struct child_spec spec = {.argv = argv, .what = "workload"};
	char out[1024];
	int code;

	exec_errno = ENOENT;
	capture_start();
	code = sup_run_workload(&conf, &spec);
	assert_int_equal(capture_end(out, sizeof(out)), 1);
	assert_int_equal(code, EXIT_NOTFOUND);
	assert_string_equal(out, "muster: error: true: command not found\n");

	exec_errno = EACCES; /* found in PATH, not runnable */
	capture_start();
	code = sup_run_workload(&conf, &spec);
	assert_int_equal(capture_end(out, sizeof(out)), 1);
	assert_int_equal(code, EXIT_NOEXEC);
	assert_string_equal(out, "muster: error: cannot run true: Permission denied\n");

	exec_errno = 0; /* and the real one is on PATH */
	assert_int_equal(sup_run_workload(&conf, &spec), 0);
}

/* The same codes without injection, from the kernel's own errors. */
static void real_exec_errors(void **state)
{
	static const struct {
		const char *path;
		int code;
		const char *line;
	} cases[] = {
	    {"/nonexistent/muster-test", EXIT_NOTFOUND,
	     "muster: error: cannot run /nonexistent/muster-test: No such file or directory\n"},
	    {"/etc/passwd/x", EXIT_NOTFOUND,
	     "muster: error: cannot run /etc/passwd/x: Not a directory\n"},
	    /* no x bit: EACCES, even for root */
	    {"/etc/passwd", EXIT_NOEXEC,
	     "muster: error: cannot run /etc/passwd: Permission denied\n"},
	};
	char *argv[2] = {NULL, NULL};
	struct child_spec spec = {.argv = argv, .what = "workload"};
	char out[1024];
	size_t i;
	int code;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = (char *)cases[i].path;
		capture_start();
		code = sup_run_workload(&conf, &spec);
		assert_int_equal(capture_end(out, sizeof(out)), 1);
		assert_int_equal(code, cases[i].code);
		assert_string_equal(out, cases[i].line);
	}
}

static void exit_code_mapping(void **state)
{
	size_t i;

	for (i = 0; i < NFAULTS; i++)
		assert_int_equal(spawn_exec_exit_code(exec_faults[i].err), exec_faults[i].code);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(workload_exec_fails), T(hook_exec_fails),	  T(bare_name_not_found),
	    T(real_exec_errors),    T(exit_code_mapping),
	};

	return cmocka_run_group_tests_name("faults_exec", tests, NULL, NULL);
}
