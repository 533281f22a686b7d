/* Unit tests: the probes' sandbox (priv_sandbox(), hooks/sandbox/drop.h),
 * entered for real in a forked child: what the waits need still works
 * (an AF_INET socket, a read-only open, memory, a thread-style clone is
 * not tried), and what they do not need fails with EPERM instead of
 * killing the process: another socket family, a write open, exec, fork,
 * executable memory, a capability change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "emulated.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/log.h"
#include "hooks/sandbox/drop.h"

/* The number of the first check that failed in the sandbox, 0: none. */
static int checks(void)
{
	char *argv[] = {"/bin/true", NULL};
	void *m;
	int fd, n = 0;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		n++;                                                                               \
		if (!(cond))                                                                       \
			return n;                                                                  \
	} while (0)
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	close(fd);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	/* refused: EPERM, and the process lives on */
	CHECK(socket(AF_NETLINK, SOCK_RAW, 0) < 0 && errno == EPERM);
	CHECK(socket(AF_PACKET, SOCK_RAW, 0) < 0 && errno == EPERM);
	CHECK(open("/tmp", O_WRONLY | O_TMPFILE, 0600) < 0 && errno == EPERM);
	CHECK(open("/dev/null", O_WRONLY) < 0 && errno == EPERM);
	CHECK(mprotect(m, 4096, PROT_READ | PROT_EXEC) < 0 && errno == EPERM);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		  MAP_FAILED &&
	      errno == EPERM);
	CHECK(execve(argv[0], argv, argv + 1) < 0 && errno == EPERM);
	CHECK(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) < 0 && errno == EPERM); /* fork */
	CHECK(setuid(0) < 0 && errno == EPERM);
	CHECK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0 && errno == EPERM);
	CHECK(kill(getppid(), 0) < 0 && errno == EPERM);
	return 0;
#undef CHECK
}

static void test_sandbox_refuses_with_eperm(void **s)
{
	int st;
	pid_t pid;

	(void)s;
	SKIP_IF_EMULATED("a filter would apply to the emulator's own host syscalls");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(priv_sandbox(NULL, 0) ? 100 : checks());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sandbox_refuses_with_eperm),
	};

	log_setup(LOG_ERROR, LOGF_TEXT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
