/* siglat - signal-forwarding latency of an init running as PID 1.
 * usage: siglat N FIFO INIT [ARG...]
 * Runs INIT ARG... as PID 1 of a fresh PID and mount namespace (with its
 * own /proc), whose workload must be `sigworker FIFO`.  Then N times:
 * read CLOCK_MONOTONIC, kill(init, SIGUSR1), read the workload handler's
 * timestamp from FIFO.  Prints "median_us p90_us max_us" on stdout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static pid_t spawn_pid1(char **argv)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) {
		perror("siglat: unshare");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("siglat: fork");
		return -1;
	}
	if (pid == 0) {
		if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			perror("siglat: mount /proc");
			_exit(126);
		}
		execvp(argv[0], argv);
		perror("siglat: exec");
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	struct timespec gap = {0, 2 * 1000 * 1000};
	int64_t *lat;
	pid_t init;
	int n, i, fd, status, failed = 0;

	if (argc < 4 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: siglat N FIFO INIT [ARG...]\n");
		return 2;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	unlink(argv[2]);
	if (!lat || mkfifo(argv[2], 0600) < 0) {
		perror("siglat: mkfifo");
		return 1;
	}
	init = spawn_pid1(argv + 3);
	if (init < 0)
		return 1;
	fd = open(argv[2], O_RDONLY); /* returns once the handler is in place */
	if (fd < 0) {
		perror("siglat: open fifo");
		kill(init, SIGKILL);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t t0, t1;

		nanosleep(&gap, NULL);
		t0 = now_ns();
		kill(init, SIGUSR1);
		if (poll(&p, 1, 2000) != 1 || read(fd, &t1, sizeof(t1)) != sizeof(t1)) {
			fprintf(stderr, "siglat: signal %d not delivered within 2 s\n", i);
			failed = 1;
			break;
		}
		lat[i] = t1 - t0;
	}
	kill(init, SIGTERM);
	while (waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	close(fd);
	unlink(argv[2]);
	if (failed)
		return 1;
	qsort(lat, (size_t)n, sizeof(*lat), cmp64);
	printf("%.1f %.1f %.1f\n", lat[n / 2] / 1e3, lat[n * 9 / 10] / 1e3, lat[n - 1] / 1e3);
	return 0;
}
