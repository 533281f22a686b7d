/* Fault injection into the readiness waits (linker --wrap, see
 * test_faults_wait.wrap): socket() and connect() to an IPv4 address fail
 * with a chosen errno for the next N calls.  Against a real listener on
 * 127.0.0.1, wait_all() must retry and succeed once the faults stop, give
 * up with -ETIMEDOUT at its deadline (one line naming the target and the
 * error) when they never stop, and leave no fd behind either way. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"

#include "conf/clock.h"
#include "conf/conf.h"
#include "conf/log.h"
#include "hooks/wait/wait.h"

#define FOREVER (1 << 30)

/* IPv4 only: the test's own sockets are made before a fault is armed */
static int socket_fail, socket_errno, socket_calls;
static int connect_fail, connect_errno, connect_calls;
static int self_connects; /* connects made to come back to their own socket */

int __real_socket(int domain, int type, int proto);
int __real_connect(int fd, const struct sockaddr *sa, socklen_t len);

int __wrap_socket(int domain, int type, int proto)
{
	if (domain == AF_INET) {
		socket_calls++;
		if (socket_fail > 0) {
			socket_fail--;
			errno = socket_errno;
			return -1;
		}
	}
	return __real_socket(domain, type, proto);
}

int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET) {
		connect_calls++;
		if (connect_fail > 0) {
			connect_fail--;
			errno = connect_errno;
			return -1;
		}
		/* bound to the very address it connects to, with nothing
		 * listening there: TCP's simultaneous open connects the socket
		 * to itself, what a kernel-chosen local port can also do */
		if (self_connects >= 0 &&
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int)) == 0 &&
		    bind(fd, sa, len) == 0)
			self_connects++;
	}
	return __real_connect(fd, sa, len);
}

/* A listening TCP socket on 127.0.0.1; returns the fd, stores the port. */
static int listener(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int setup(void **state)
{
	log_setup(LOG_ERROR, LOGF_TEXT);
	socket_fail = connect_fail = socket_calls = connect_calls = 0;
	self_connects = -1;
	return 0;
}

static const int connect_errs[] = {EINTR, EAGAIN, ENOMEM, EMFILE, ECONNREFUSED, ENETUNREACH};
static const int socket_errs[] = {EMFILE, ENFILE, ENOMEM, ENOBUFS, EACCES};
#define N(a) (sizeof(a) / sizeof(a[0]))

/* Wait for a listener while the first `n` socket (sock=1) or connect
 * calls fail with `err`.  Returns wait_all's result; checks the retries
 * and the fd count. */
static int wait_through(int sock, int err, int n, int64_t timeout_ms, char *out, size_t outlen)
{
	struct strlist l = {0};
	char url[64];
	uint16_t port;
	int before = fd_count(), lfd = listener(&port), r;

	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	assert_int_equal(strlist_add(&l, url, SRC_CLI, 0), 0);
	socket_calls = connect_calls = 0;
	if (sock) {
		socket_fail = n;
		socket_errno = err;
	} else {
		connect_fail = n;
		connect_errno = err;
	}
	capture_start();
	r = wait_all(&l, NULL, NULL, timeout_ms, -1);
	assert_true(capture_end(out, outlen) <= 1);
	socket_fail = connect_fail = 0;
	strlist_clear(&l);
	close(lfd);
	assert_int_equal(fd_count(), before);
	return r;
}

static void connect_faults_then_ready(void **state)
{
	char out[1024];
	size_t i;

	for (i = 0; i < N(connect_errs); i++) {
		assert_int_equal(wait_through(0, connect_errs[i], 3, 5000, out, sizeof(out)), 0);
		assert_string_equal(out, "");
		/* three attempts failed, the fourth connected */
		assert_int_equal(connect_calls, 4);
		assert_int_equal(socket_calls, 4);
	}
}

static void socket_faults_then_ready(void **state)
{
	char out[1024];
	size_t i;

	for (i = 0; i < N(socket_errs); i++) {
		assert_int_equal(wait_through(1, socket_errs[i], 3, 5000, out, sizeof(out)), 0);
		assert_string_equal(out, "");
		assert_int_equal(socket_calls, 4);
		assert_int_equal(connect_calls, 1);
	}
}

/* The last error a never-ending fault leaves in the final report. */
static const char *errtext(int e)
{
	return e == ECONNREFUSED  ? "connection refused"
	       : e == ENETUNREACH ? "network unreachable"
				  : strerror(e);
}

static void check_report(const char *out, int err)
{
	char want[256];

	assert_non_null(strstr(out, "muster: error: tcp://127.0.0.1:"));
	assert_non_null(strstr(out, " not ready after "));
	snprintf(want, sizeof(want), ": %s\n", errtext(err));
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, ": connect to 127.0.0.1:"));
}

static void connect_faults_forever(void **state)
{
	char out[1024];
	size_t i;

	for (i = 0; i < N(connect_errs); i++) {
		int64_t t0 = mono_ms();

		assert_int_equal(wait_through(0, connect_errs[i], FOREVER, 250, out, sizeof(out)),
				 -ETIMEDOUT);
		assert_true(mono_ms() - t0 >= 250);
		assert_true(mono_ms() - t0 < 2000);
		assert_true(connect_calls >= 3); /* it kept trying */
		check_report(out, connect_errs[i]);
	}
}

static void socket_faults_forever(void **state)
{
	char out[1024];
	size_t i;

	for (i = 0; i < N(socket_errs); i++) {
		int64_t t0 = mono_ms();

		assert_int_equal(wait_through(1, socket_errs[i], FOREVER, 250, out, sizeof(out)),
				 -ETIMEDOUT);
		assert_true(mono_ms() - t0 < 2000);
		assert_true(socket_calls >= 3);
		assert_int_equal(connect_calls, 0);
		check_report(out, socket_errs[i]);
	}
}

/* Two targets, one under faults: the other is not held up, and the one
 * under faults still becomes ready. */
static void faults_on_one_of_two(void **state)
{
	struct strlist l = {0};
	char url[64];
	uint16_t p1, p2;
	int before = fd_count(), a = listener(&p1), b = listener(&p2);

	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", p1);
	assert_int_equal(strlist_add(&l, url, SRC_CLI, 0), 0);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", p2);
	assert_int_equal(strlist_add(&l, url, SRC_CLI, 0), 0);
	connect_calls = 0;
	connect_fail = 5;
	connect_errno = EMFILE;
	assert_int_equal(wait_all(&l, NULL, NULL, 5000, -1), 0);
	assert_int_equal(connect_fail, 0);
	assert_int_equal(connect_calls, 7);
	strlist_clear(&l);
	close(a);
	close(b);
	assert_int_equal(fd_count(), before);
}

/* A connection that came back to its own socket is refused, not ready:
 * the probe would be answered by its own bytes. */
static void self_connection_is_refused(void **state)
{
	struct strlist l = {0};
	char url[64], out[1024];
	uint16_t port;
	int before = fd_count(), lfd = listener(&port);

	close(lfd); /* nothing listens on the port now */
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	assert_int_equal(strlist_add(&l, url, SRC_CLI, 0), 0);
	self_connects = 0;
	capture_start();
	assert_int_equal(wait_all(&l, NULL, NULL, 300, -1), -ETIMEDOUT);
	capture_end(out, sizeof(out));
	assert_true(self_connects >= 3); /* every attempt came back to itself */
	assert_non_null(strstr(out, ": connection refused\n"));
	strlist_clear(&l);
	assert_int_equal(fd_count(), before);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(connect_faults_then_ready), T(socket_faults_then_ready),
	    T(connect_faults_forever),	  T(socket_faults_forever),
	    T(faults_on_one_of_two),	  T(self_connection_is_refused),
	};

	return cmocka_run_group_tests_name("faults_wait", tests, NULL, NULL);
}
