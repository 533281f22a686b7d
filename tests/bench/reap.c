/* reap - how long PID 1 takes to reap N orphans released at once.
 * usage: reap N
 * A child vforks N grandchildren that exit at once, waits (WNOWAIT) until
 * every one of them is a zombie, notes CLOCK_MONOTONIC and exits: the
 * kernel re-parents the N zombies to PID 1 (or the nearest subreaper).
 * reap then polls, with kill(pid, 0), until every one of them is gone, and
 * prints the microseconds from the release until the last one was reaped.
 * Exit 1 (and "timeout K left") when some are still there after 60 s. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int full_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int full_read(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The middle process: make n zombies, report their pids and the release
 * time on fd, exit. */
static void middle(int n, int fd)
{
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	int64_t t;
	int i;

	if (!pids)
		_exit(1);
	for (i = 0; i < n; i++) {
		/* vfork: the child only exits, and forking N times is the part
		 * of the run that does not depend on the init. */
		pids[i] = vfork();
		if (pids[i] < 0) {
			perror("reap: fork");
			_exit(1);
		}
		if (pids[i] == 0)
			_exit(0);
	}
	for (i = 0; i < n; i++) {
		siginfo_t si;

		while (waitid(P_PID, (id_t)pids[i], &si, WEXITED | WNOWAIT) < 0)
			if (errno != EINTR)
				_exit(1);
	}
	if (full_write(fd, pids, (size_t)n * sizeof(*pids)) < 0)
		_exit(1);
	t = now_ns();
	if (full_write(fd, &t, sizeof(t)) < 0)
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct timespec tick = {0, 100 * 1000};
	int n = argc > 1 ? atoi(argv[1]) : 10000, i = 0, fds[2], status;
	int64_t t0, t1, deadline;
	pid_t *pids, m;

	pids = calloc((size_t)(n > 0 ? n : 1), sizeof(*pids));
	if (n <= 0 || !pids || pipe(fds) < 0) {
		fprintf(stderr, "usage: reap N\n");
		return 2;
	}
	m = fork();
	if (m < 0) {
		perror("reap: fork");
		return 1;
	}
	if (m == 0) {
		close(fds[0]);
		middle(n, fds[1]);
	}
	close(fds[1]);
	if (full_read(fds[0], pids, (size_t)n * sizeof(*pids)) < 0 ||
	    full_read(fds[0], &t0, sizeof(t0)) < 0) {
		fprintf(stderr, "reap: the middle process failed\n");
		return 1;
	}
	waitpid(m, &status, 0);
	deadline = t0 + 60 * (int64_t)1000000000;
	while (i < n) {
		if (kill(pids[i], 0) < 0 && errno == ESRCH) {
			i++;
			continue;
		}
		if (now_ns() > deadline) {
			printf("timeout %d left\n", n - i);
			return 1;
		}
		nanosleep(&tick, NULL);
	}
	t1 = now_ns();
	printf("%.0f\n", (t1 - t0) / 1e3);
	return 0;
}
