/* waitlat - how soon a waiter notices that a dependency became ready.
 * usage: waitlat tcp|redis|mysql PORT REPS CMD [ARG...]
 * REPS times: start CMD (which must wait for 127.0.0.1:PORT and exit 0
 * once it is ready), let it wait a random 500..1500 ms (so that it has
 * tried and failed at least once, at any phase of a poll period up to 1 s), make the dependency
 * ready and note CLOCK_MONOTONIC, then note when CMD exits.
 *   tcp:   the port is bound but not listening (connections are refused)
 *          until listen(2) makes it ready.
 *   redis: a stand-in server listens from the start and answers PING with
 *          "-LOADING ..." (as a real redis-server loading its dataset does)
 *          until it is ready, then "+PONG"; any other command gets "+OK".
 *   mysql: refused as tcp until ready; then every connection gets the
 *          initial handshake of a MariaDB 10.11 server, and what the client
 *          sends back gets "Access denied" (ERR 1045), which is how
 *          `mysqladmin ping` (and muster) see a live server.
 * Prints "median_ms p90_ms max_ms" on stdout; exit 1 when CMD failed. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCLI 64

static const char LOADING[] = "-LOADING Redis is loading the dataset in memory\r\n";

enum mode { M_TCP, M_REDIS, M_MYSQL };

/* MariaDB 10.11's greeting (protocol 10, mysql_native_password, no TLS) */
static const char GREETING[] =
    "d\0\0\0\x0a"
    "5.5.5-10.11.19-MariaDB-0+deb12u1\0"
    "\x03\0\0\0]Bs>xeo}\0\xfe\xf7\x08\x02\0\xff\x81\x15\0\0\0\0\0\0\x1d\0\0\0"
    "H/R05[MMz@n+\0mysql_native_password\0";
static const char DENIED[] = "\x32\0\0\x02\xff\x15\x04#28000"
			     "Access denied for user 'root'@'127.0.0.1'";

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

static int bound_socket(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("waitlat: bind");
		exit(1);
	}
	return fd;
}

/* Answer what one read from a redis client asked.  Returns -1 when the
 * connection is over (and closed). */
static int redis_answer(int fd, int ready)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	const char *reply;
	size_t len;

	if (n <= 0) {
		close(fd);
		return -1;
	}
	buf[n] = '\0';
	if (strcasestr(buf, "PING")) {
		reply = ready ? "+PONG\r\n" : LOADING;
		len = ready ? 7 : sizeof(LOADING) - 1;
	} else {
		reply = "+OK\r\n";
		len = 5;
	}
	if (write(fd, reply, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return 0;
}

/* What one read from a mysql client gets: ERR 1045, then the end. */
static int mysql_answer(int fd)
{
	char buf[4096];

	if (read(fd, buf, sizeof(buf)) > 0 &&
	    write(fd, DENIED, sizeof(DENIED) - 1) != (ssize_t)sizeof(DENIED) - 1)
		perror("waitlat: write");
	close(fd);
	return -1;
}

/* One round: returns the latency in ns, or -1 when CMD failed. */
static int64_t round_once(enum mode mode, int port, char **cmd)
{
	struct pollfd p[2 + MAXCLI];
	int64_t ready_at = now_ns() + (500 + rand() % 1000) * (int64_t)1000000;
	int64_t t_ready = 0;
	int lfd = bound_socket(port), nfd = 2, status, pidfd, i, redis = mode == M_REDIS;
	pid_t pid;

	if (redis && listen(lfd, 64) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(lfd);
		execvp(cmd[0], cmd);
		perror("waitlat: exec");
		_exit(127);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pid < 0 || pidfd < 0) {
		perror("waitlat: spawn");
		exit(1);
	}
	p[0] = (struct pollfd){.fd = pidfd, .events = POLLIN};
	p[1] = (struct pollfd){.fd = lfd, .events = POLLIN};
	for (;;) {
		int64_t now = now_ns();
		int timeout = -1;

		if (!t_ready && now >= ready_at) {
			if (!redis && listen(lfd, 64) < 0)
				return -1;
			t_ready = now_ns();
		}
		if (!t_ready)
			timeout = (int)((ready_at - now) / 1000000) + 1;
		if (poll(p, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			return -1;
		if (p[0].revents)
			break;
		if (p[1].revents && (redis || t_ready)) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0 && mode == M_MYSQL &&
			    write(c, GREETING, sizeof(GREETING) - 1) != sizeof(GREETING) - 1)
				perror("waitlat: write");
			if (c >= 0 && (mode == M_TCP || nfd == 2 + MAXCLI))
				close(c);
			else if (c >= 0)
				p[nfd++] = (struct pollfd){.fd = c, .events = POLLIN};
		}
		for (i = 2; i < nfd; i++) {
			if (!p[i].revents)
				continue;
			if ((redis ? redis_answer(p[i].fd, t_ready != 0) : mysql_answer(p[i].fd)) < 0)
				p[i--] = p[--nfd];
		}
	}
	{
		int64_t t_exit = now_ns();

		waitpid(pid, &status, 0);
		close(pidfd);
		for (i = 1; i < nfd; i++)
			close(p[i].fd);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !t_ready) {
			fprintf(stderr, "waitlat: %s exited with status 0x%x%s\n", cmd[0], status,
				t_ready ? "" : " before the port was ready");
			return -1;
		}
		return t_exit - t_ready;
	}
}

int main(int argc, char **argv)
{
	int64_t *lat;
	enum mode mode = M_TCP;
	int port, n, i;

	if (argc > 1 && !strcmp(argv[1], "redis"))
		mode = M_REDIS;
	else if (argc > 1 && !strcmp(argv[1], "mysql"))
		mode = M_MYSQL;
	if (argc < 5 || (mode == M_TCP && strcmp(argv[1], "tcp")) || (port = atoi(argv[2])) <= 0 ||
	    (n = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: waitlat tcp|redis|mysql PORT REPS CMD [ARG...]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)now_ns());
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		return 1;
	for (i = 0; i < n; i++) {
		lat[i] = round_once(mode, port, argv + 4);
		if (lat[i] < 0)
			return 1;
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp64);
	printf("%.1f %.1f %.1f\n", lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6, lat[n - 1] / 1e6);
	return 0;
}
