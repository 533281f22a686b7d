/* test_wait.c - wait_all() outcomes, the backoff schedule, probe_once() on
 * local sockets and files, the resolver's literal path. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hooks/wait/attempt.h"
#include "conf/clock.h"
#include "conf/conf.h"
#include "conf/log.h"
#include "hooks/wait/probe.h"
#include "hooks/wait/proto/proto.h"
#include "hooks/wait/resolve.h"
#include "hooks/wait/wait.h"

/* A listening TCP socket on 127.0.0.1; returns the fd, stores the port. */
static int listener(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 16), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A port nothing listens on (bound, not listening, then closed). */
static uint16_t dead_port(void)
{
	uint16_t p;
	int fd = listener(&p);

	close(fd);
	return p;
}

static void urls(struct strlist *l, const char *s)
{
	assert_int_equal(strlist_add(l, s, SRC_CLI, 0), 0);
}

static void t_backoff(void **st)
{
	static const int64_t fast[] = {10, 10, 15, 20, 20, 20, 20};
	unsigned i;

	for (i = 0; i < 7; i++)
		assert_int_equal(wait_backoff_ms(i, 0), fast[i]);
	assert_int_equal(wait_backoff_ms(100, 1), 30);
	assert_int_equal(wait_backoff_ms(100, 2), 500);
	assert_int_equal(wait_backoff_ms(5, 2), 49);
}

static void t_all_ready(void **st)
{
	struct strlist l = {0};
	char buf[128];
	uint16_t port;
	int fd = listener(&port);

	snprintf(buf, sizeof(buf), "tcp://127.0.0.1:%u", port);
	urls(&l, buf);
	urls(&l, "file:///");
	assert_int_equal(wait_all(&l, NULL, NULL, 5000, -1), 0);
	strlist_clear(&l);
	assert_int_equal(wait_all(&l, NULL, NULL, 5000, -1), 0); /* nothing to wait for */
	close(fd);
}

static void t_malformed_first(void **st)
{
	struct strlist l = {0};
	int64_t t0 = mono_ms();

	urls(&l, "file:///nonexistent/muster-test");
	urls(&l, "tcp://nohost");
	assert_int_equal(wait_all(&l, NULL, NULL, 0, -1), -EINVAL); /* 0 = forever: must not wait */
	assert_true(mono_ms() - t0 < 1000);
	strlist_clear(&l);
	unsetenv("MUSTER_T_UNSET");
	urls(&l, "tcp://${MUSTER_T_UNSET}:1");
	assert_int_equal(wait_all(&l, NULL, NULL, 0, -1), -EINVAL);
	strlist_clear(&l);
}

static void t_timeout(void **st)
{
	struct strlist l = {0};
	char buf[128];

	snprintf(buf, sizeof(buf), "tcp://127.0.0.1:%u", dead_port());
	urls(&l, buf);
	urls(&l, "file:///nonexistent/muster-test");
	assert_int_equal(wait_all(&l, NULL, NULL, 200, -1), -ETIMEDOUT);
	strlist_clear(&l);
}

static void t_abort(void **st)
{
	struct strlist l = {0};
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	urls(&l, "file:///nonexistent/muster-test");
	assert_int_equal(wait_all(&l, NULL, NULL, 0, p[0]), -ECANCELED);
	/* wait_all never reads the abort fd */
	{
		char c;

		assert_int_equal(read(p[0], &c, 1), 1);
	}
	strlist_clear(&l);
	close(p[0]);
	close(p[1]);
}

/* wait_all_ctl: a callback that says "go on" keeps the wait going with
 * its state (the ready target is not probed again: one pending report per
 * change); the pending list names what is not ready yet. */
struct ctl_seen {
	int fd, calls, reports;
	char last[256];
	const char *create;
};

static bool go_on(void *arg)
{
	struct ctl_seen *c = arg;
	char ch;

	assert_int_equal(read(c->fd, &ch, 1), 1);
	c->calls++;
	fclose(fopen(c->create, "w")); /* the second target turns ready */
	return false;
}

static void pending(void *arg, const char *what)
{
	struct ctl_seen *c = arg;

	c->reports++;
	snprintf(c->last, sizeof(c->last), "%s", what);
}

static void t_abort_callback(void **st)
{
	char path[] = "/tmp/muster-test-ctl-XXXXXX";
	struct strlist l = {0};
	int p[2], fd = mkstemp(path);
	struct ctl_seen seen = {.create = path};
	struct wait_ctl ctl = {.on_abort_fd = go_on, .on_pending = pending, .arg = &seen};
	char url[64];

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	seen.fd = ctl.abort_fd = p[0];
	urls(&l, "file:///");
	snprintf(url, sizeof(url), "file://%s", path);
	urls(&l, url);
	assert_int_equal(wait_all_ctl(&l, NULL, 5000, &ctl), 0);
	assert_int_equal(seen.calls, 1);
	/* "both", then only the second once file:/// is ready */
	assert_int_equal(seen.reports, 2);
	assert_string_equal(seen.last, url);
	unlink(path);
	strlist_clear(&l);
	close(p[0]);
	close(p[1]);
}

static void t_expand_env(void **st)
{
	struct strlist l = {0};
	uint16_t port;
	int fd = listener(&port);
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", port);
	setenv("MUSTER_T_PORT", buf, 1);
	urls(&l, "tcp://127.0.0.1:${MUSTER_T_PORT}");
	assert_int_equal(wait_all(&l, NULL, NULL, 5000, -1), 0);
	strlist_clear(&l);
	close(fd);
}

static void t_probe_once(void **st)
{
	struct probe_opts o = {.timeout_ms = 1000};
	struct probe_result r;
	struct url u;
	char buf[128], err[256];
	uint16_t port;
	int fd = listener(&port);

	snprintf(buf, sizeof(buf), "tcp://[::ffff:127.0.0.1]:%u", port);
	assert_int_equal(url_parse(buf, proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_int_equal(probe_once(&u, &o, &r), 0);
	assert_true(r.ready);
	assert_string_equal(r.detail, "connection accepted");
	url_free(&u);
	close(fd);

	snprintf(buf, sizeof(buf), "tcp://127.0.0.1:%u", dead_port());
	assert_int_equal(url_parse(buf, proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_int_equal(probe_once(&u, &o, &r), -ECONNREFUSED);
	assert_false(r.ready);
	snprintf(buf, sizeof(buf), "connect to 127.0.0.1:%u: connection refused", u.port);
	assert_string_equal(r.detail, buf);
	url_free(&u);

	assert_int_equal(url_parse("file:///nonexistent/x", proto_url_scheme, &u, err, sizeof(err)),
			 0);
	assert_int_equal(probe_once(&u, &o, &r), -ENOENT);
	assert_string_equal(r.detail, "/nonexistent/x: no such file");
	url_free(&u);

	assert_int_equal(
	    url_parse("unix:///nonexistent/x.sock", proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_int_equal(probe_once(&u, &o, &r), -ENOENT);
	assert_string_equal(r.detail, "connect to /nonexistent/x.sock: no such file");
	url_free(&u);
}

static void t_probe_unix(void **st)
{
	struct probe_opts o = {.timeout_ms = 1000};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct probe_result r;
	struct url u;
	char url[200], err[256];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/muster-test-%d.sock", (int)getpid());
	unlink(sa.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	snprintf(url, sizeof(url), "unix://%s", sa.sun_path);
	assert_int_equal(url_parse(url, proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_int_equal(probe_once(&u, &o, &r), 0);
	assert_true(r.ready);
	url_free(&u);
	close(fd);
	unlink(sa.sun_path);
}

static void t_probe_silent_server(void **st)
{
	/* accepts (backlog) but never answers: the probe's timeout decides */
	struct probe_opts o = {.timeout_ms = 150};
	struct probe_result r;
	struct url u;
	char buf[128], err[256];
	uint16_t port;
	int fd = listener(&port);
	int64_t t0;

	snprintf(buf, sizeof(buf), "redis://:hunter2@127.0.0.1:%u", port);
	assert_int_equal(url_parse(buf, proto_url_scheme, &u, err, sizeof(err)), 0);
	t0 = mono_ms();
	assert_int_equal(probe_once(&u, &o, &r), -ETIMEDOUT);
	assert_true(mono_ms() - t0 >= 150);
	snprintf(buf, sizeof(buf), "no answer from 127.0.0.1:%u yet (timed out)", port);
	assert_string_equal(r.detail, buf);
	url_free(&u);
	close(fd);
}

/* A one-shot HTTP server on a unix socket in a child process: it reads the
 * request, checks it holds `want`, answers `reply` (or 400) and exits. */
static pid_t http_child(const char *path, const char *want, const char *reply)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	pid = fork();
	if (pid == 0) {
		char req[4096] = "";
		size_t n = 0;
		int c = accept(fd, NULL, NULL);
		ssize_t k;

		while (n < sizeof(req) - 1 && !strstr(req, "\r\n\r\n") &&
		       (k = read(c, req + n, sizeof(req) - 1 - n)) > 0)
			n += (size_t)k;
		if (!strstr(req, want))
			reply = "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n";
		if (write(c, reply, strlen(reply)) < 0)
			_exit(1);
		sleep(2); /* keep-alive: never close first */
		_exit(0);
	}
	close(fd);
	return pid;
}

static void t_probe_http_unix(void **st)
{
	const char *hdrs[] = {"Host: app.local", "X-Token: abc"};
	struct probe_opts o = {
	    .timeout_ms = 1000, .expect = "200-399,401", .headers = hdrs, .nheaders = 2};
	struct probe_result r;
	struct url u;
	char path[64], err[256];
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/muster-http-%d.sock", (int)getpid());
	o.unix_socket = path;
	assert_int_equal(
	    url_parse("http://localhost/healthz", proto_url_scheme, &u, err, sizeof(err)), 0);
	pid = http_child(path,
			 "GET /healthz HTTP/1.1\r\nUser-Agent: muster/" MUSTER_VERSION
			 "\r\nAccept: */*\r\nConnection: close\r\nHost: app.local\r\n"
			 "X-Token: abc\r\n\r\n",
			 "HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!");
	assert_int_equal(probe_once(&u, &o, &r), 0);
	assert_true(r.ready);
	assert_int_equal(r.http_status, 401);
	assert_string_equal(r.detail, "HTTP 401");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	o.expect = NULL; /* 2xx */
	pid = http_child(path, "GET /healthz", "HTTP/1.1 401 Unauthorized\r\n\r\n");
	assert_int_equal(probe_once(&u, &o, &r), 0);
	assert_false(r.ready);
	assert_int_equal(r.http_status, 401);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	url_free(&u);
	unlink(path);
}

static void t_resolve_literal(void **st)
{
	struct resolve_addrs a;
	struct resolve *lk;
	char s[64];

	assert_int_equal(resolve_start("10.1.2.3", 5432, &a, &lk), 0);
	assert_null(lk);
	assert_int_equal(a.n, 1);
	resolve_addr_str(&a.a[0], s, sizeof(s));
	assert_string_equal(s, "10.1.2.3:5432");
	assert_int_equal(resolve_start("fe80::1", 80, &a, &lk), 0);
	resolve_addr_str(&a.a[0], s, sizeof(s));
	assert_string_equal(s, "[fe80::1]:80");
}

static void t_resolve_hosts(void **st)
{
	struct resolve_addrs a;
	struct resolve *lk;
	char err[128], s[64];
	int r;

	/* "localhost" is in every /etc/hosts */
	assert_int_equal(resolve_start("localhost", 6379, &a, &lk), 1);
	while ((r = resolve_poll(lk, &a, err, sizeof(err))) == 1)
		usleep(1000);
	assert_int_equal(r, 0);
	assert_true(a.n >= 1);
	resolve_addr_str(&a.a[0], s, sizeof(s));
	assert_true(!strcmp(s, "127.0.0.1:6379") || !strcmp(s, "[::1]:6379"));
	/* a lookup given up on is freed later, without harm */
	assert_int_equal(resolve_start("localhost", 1, &a, &lk), 1);
	resolve_cancel(lk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_backoff),
	    cmocka_unit_test(t_all_ready),
	    cmocka_unit_test(t_malformed_first),
	    cmocka_unit_test(t_timeout),
	    cmocka_unit_test(t_abort),
	    cmocka_unit_test(t_abort_callback),
	    cmocka_unit_test(t_expand_env),
	    cmocka_unit_test(t_probe_once),
	    cmocka_unit_test(t_probe_unix),
	    cmocka_unit_test(t_probe_silent_server),
	    cmocka_unit_test(t_resolve_literal),
	    cmocka_unit_test(t_resolve_hosts),
	    cmocka_unit_test(t_probe_http_unix),
	};

	log_setup(LOG_ERROR, LOGF_TEXT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
