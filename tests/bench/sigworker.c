/* sigworker - the workload of the signal-forwarding benchmark.
 * usage: sigworker FIFO
 * Installs a USR1 handler that writes CLOCK_MONOTONIC (int64 ns) to FIFO,
 * then opens FIFO for writing (the reader's open returning means the
 * handler is in place) and sleeps; exits 0 on TERM or INT. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int out = -1;

static void on_usr1(int sig)
{
	struct timespec ts;
	int64_t ns;

	(void)sig;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (write(out, &ns, sizeof(ns)) != sizeof(ns))
		_exit(3);
}

static void on_stop(int sig)
{
	(void)sig;
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (argc != 2) {
		fprintf(stderr, "usage: sigworker FIFO\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	out = open(argv[1], O_WRONLY);
	if (out < 0) {
		perror("sigworker: open");
		return 1;
	}
	for (;;)
		pause();
}
