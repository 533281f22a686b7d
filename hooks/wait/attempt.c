/* attempt.c - one nonblocking probe attempt (see attempt.h). */
#include "hooks/wait/attempt.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "conf/clock.h"
#include "hooks/wait/proto/postgres.h"
#include "hooks/wait/proto/redis.h"

#define HTTP_DRAIN_MAX	(1 << 20) /* politeness: read at most 1 MiB of body */
#define RESOLVE_TICK_MS 2	  /* how often a lookup in flight is checked */

/* Replace every occurrence of the password in the detail text by "***":
 * a server may echo what it was sent. */
static void scrub(struct attempt *a)
{
	const char *pw = a->u->password, *s = a->res.detail, *hit;
	char out[sizeof(a->res.detail)];
	size_t n, o = 0;

	if (!pw || !*pw || !strstr(s, pw))
		return;
	n = strlen(pw);
	while ((hit = strstr(s, pw))) {
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%.*s***", (int)(hit - s), s);
		if (o >= sizeof(out))
			break;
		s = hit + n;
	}
	if (o < sizeof(out))
		snprintf(out + o, sizeof(out) - o, "%s", s);
	memcpy(a->res.detail, out, sizeof(out));
	a->res.detail[sizeof(out) - 1] = '\0';
}

static void finish(struct attempt *a, int rc, bool ready, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void finish(struct attempt *a, int rc, bool ready, const char *fmt, ...)
{
	va_list ap;

	attempt_cleanup(a);
	a->rc = rc;
	a->res.ready = ready;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(a->res.detail, sizeof(a->res.detail), fmt, ap);
		va_end(ap);
	}
	scrub(a);
	a->state = AT_DONE;
}

static const char *errtext(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return "connection refused";
	case ETIMEDOUT:
		return "connection timed out";
	case EHOSTUNREACH:
		return "host unreachable";
	case ENETUNREACH:
		return "network unreachable";
	case ECONNRESET:
		return "connection reset";
	case ENOENT:
		return "no such file";
	default:
		return strerror(e);
	}
}

static bool is_http(const struct attempt *a)
{
	return a->u->scheme == URL_HTTP;
}

/* Prepare the request bytes for the protocol schemes. */
static int build_request(struct attempt *a)
{
	char err[200];
	int n;

	a->outlen = a->outoff = a->inlen = 0;
	switch (a->u->scheme) {
	case URL_POSTGRES:
		a->outlen =
		    pg_startup_build((uint8_t *)a->out, sizeof(a->out), a->u->user, a->u->path);
		break;
	case URL_REDIS:
		a->outlen = redis_request_build(a->out, sizeof(a->out),
						a->u->password ? a->u->user : NULL, a->u->password);
		break;
	case URL_HTTP:
		http_resp_init(&a->http);
		n = http_request_build(a->out, sizeof(a->out), a->u, a->o, err, sizeof(err));
		if (n == -EINVAL) {
			finish(a, -EINVAL, false, "%s", err);
			return -EINVAL;
		}
		a->outlen = n > 0 ? (size_t)n : 0;
		break;
	default:
		return 0;
	}
	if (!a->outlen) {
		finish(a, -ENOSPC, false, "request too long (user, password or headers)");
		return -ENOSPC;
	}
	return 0;
}

static void connected(struct attempt *a)
{
	if (a->u->scheme == URL_TCP || a->u->scheme == URL_UNIX) {
		finish(a, 0, true, "connection accepted");
		return;
	}
	if (build_request(a) == 0)
		a->state = AT_SEND;
}

static void connect_unix(struct attempt *a, const char *path)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		finish(a, -ENAMETOOLONG, false, "socket path too long");
		return;
	}
	strcpy(sa.sun_path, path);
	a->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		finish(a, -errno, false, "socket: %s", strerror(errno));
		return;
	}
	if (connect(a->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		connected(a);
	} else if (errno == EINPROGRESS) {
		a->state = AT_CONNECT;
	} else {
		int e = errno;

		finish(a, -e, false, "connect to %s: %s", path,
		       e == EAGAIN ? "socket backlog full" : errtext(e));
	}
}

/* Try addresses from a->ai on until one connects or is in progress. */
static void connect_next(struct attempt *a, int last_err)
{
	char where[80];

	while (a->ai < a->addrs.n) {
		const struct sockaddr_storage *sa = &a->addrs.a[a->ai];

		a->fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (a->fd < 0) {
			last_err = errno;
			a->ai++;
			continue;
		}
		if (connect(a->fd, (const struct sockaddr *)sa, a->addrs.len[a->ai]) == 0) {
			connected(a);
			return;
		}
		if (errno == EINPROGRESS) {
			a->state = AT_CONNECT;
			return;
		}
		last_err = errno;
		close(a->fd);
		a->fd = -1;
		a->ai++;
	}
	resolve_addr_str(&a->addrs.a[a->addrs.n ? a->addrs.n - 1 : 0], where, sizeof(where));
	finish(a, -last_err, false, "connect to %s: %s", where, errtext(last_err));
}

static void start_connect(struct attempt *a)
{
	a->ai = 0;
	if (is_http(a) && a->o && a->o->unix_socket)
		connect_unix(a, a->o->unix_socket);
	else
		connect_next(a, ECONNREFUSED);
}

void attempt_start(struct attempt *a, const struct url *u, const struct probe_opts *o,
		   int64_t timeout_ms, const struct resolve_addrs *addrs)
{
	struct stat st;
	char err[200];
	int r;

	memset(a, 0, sizeof(*a));
	a->u = u;
	a->o = o;
	a->fd = -1;
	a->deadline = mono_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	switch (u->scheme) {
	case URL_FILE:
		if (stat(u->path, &st) == 0)
			finish(a, 0, true, "%s exists", u->path);
		else
			finish(a, -errno, false, "%s: %s", u->path, errtext(errno));
		return;
	case URL_UNIX:
		connect_unix(a, u->path);
		return;
	default:
		break;
	}
	if (is_http(a) && o && o->unix_socket) {
		start_connect(a);
		return;
	}
	if (addrs && addrs->n) {
		a->addrs = *addrs;
		start_connect(a);
		return;
	}
	r = resolve_start(u->host, u->port, &a->addrs, &a->lk);
	if (r == 0) {
		start_connect(a);
	} else if (r == 1) {
		a->state = AT_RESOLVE;
		a->tick = mono_ms() + RESOLVE_TICK_MS;
	} else {
		snprintf(err, sizeof(err), "cannot resolve %s: %s", u->host, strerror(-r));
		finish(a, r, false, "%s", err);
	}
}

int attempt_pollfd(const struct attempt *a, short *events)
{
	switch (a->state) {
	case AT_CONNECT:
	case AT_SEND:
		*events = POLLOUT;
		return a->fd;
	case AT_RECV:
		*events = POLLIN;
		return a->fd;
	default:
		*events = 0;
		return -1;
	}
}

int64_t attempt_wake(const struct attempt *a)
{
	if (a->state == AT_RESOLVE)
		return a->tick < a->deadline ? a->tick : a->deadline;
	return a->deadline;
}

void attempt_describe(const struct attempt *a, char *buf, size_t n)
{
	char where[80] = "";

	if (a->state != AT_RESOLVE && a->addrs.n && !(is_http(a) && a->o && a->o->unix_socket))
		resolve_addr_str(&a->addrs.a[a->ai < a->addrs.n ? a->ai : 0], where, sizeof(where));
	switch (a->state) {
	case AT_DONE:
		snprintf(buf, n, "%s", a->res.detail);
		break;
	case AT_RESOLVE:
		snprintf(buf, n, "cannot resolve %s: no answer from DNS yet", a->u->host);
		break;
	case AT_CONNECT:
		snprintf(buf, n, "connect to %s: no answer yet", *where ? where : "the socket");
		break;
	default:
		snprintf(buf, n, "no answer from %s yet", *where ? where : "the server");
		break;
	}
}

static void timed_out(struct attempt *a)
{
	char d[sizeof(a->res.detail)];

	if (a->verdict) { /* HTTP body still coming: the status decided */
		finish(a, 0, a->res.ready, NULL);
		return;
	}
	attempt_describe(a, d, sizeof(d));
	finish(a, -ETIMEDOUT, false, "%s (timed out)", d);
}

static void step_resolve(struct attempt *a)
{
	char err[200];
	int r = resolve_poll(a->lk, &a->addrs, err, sizeof(err));

	if (r == 1) {
		a->tick = mono_ms() + RESOLVE_TICK_MS;
		return;
	}
	a->lk = NULL;
	if (r == 0)
		start_connect(a);
	else
		finish(a, r, false, "%s", err);
}

static void step_connect(struct attempt *a)
{
	int e = 0;
	socklen_t el = sizeof(e);

	if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
		e = errno;
	if (e == 0) {
		connected(a);
		return;
	}
	close(a->fd);
	a->fd = -1;
	if (a->u->scheme == URL_UNIX || (is_http(a) && a->o && a->o->unix_socket)) {
		finish(a, -e, false, "connect: %s", errtext(e));
		return;
	}
	a->ai++;
	connect_next(a, e);
}

static void step_send(struct attempt *a)
{
	ssize_t n = send(a->fd, a->out + a->outoff, a->outlen - a->outoff, MSG_NOSIGNAL);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		finish(a, -errno, false, "send: %s", errtext(errno));
		return;
	}
	a->outoff += (size_t)n;
	if (a->outoff == a->outlen)
		a->state = AT_RECV;
}

/* Judge the bytes so far; eof: the peer closed. */
static void judge(struct attempt *a, int eof)
{
	char d[sizeof(a->res.detail)];
	int v;

	if (a->u->scheme == URL_POSTGRES)
		v = pg_reply_parse(a->in, a->inlen, eof, d, sizeof(d));
	else
		v = redis_reply_parse((const char *)a->in, a->inlen, eof, a->u->password != NULL, d,
				      sizeof(d));
	if (v == REPLY_MORE && a->inlen == sizeof(a->in))
		finish(a, -EPROTO, false, "answer too long, not a %s server?",
		       a->u->scheme == URL_POSTGRES ? "PostgreSQL" : "Redis");
	else if (v != REPLY_MORE)
		finish(a, 0, v == REPLY_READY, "%s", d);
}

static void http_got(struct attempt *a, const uint8_t *buf, size_t n, int eof)
{
	int r = eof ? http_resp_eof(&a->http) : http_resp_feed(&a->http, buf, n);

	if (r < 0) {
		if (a->verdict)
			finish(a, 0, a->res.ready, NULL);
		else
			finish(a, -EPROTO, false, "%s", a->http.err);
		return;
	}
	if (a->http.headers_done && !a->verdict) {
		int m = http_expect_match(a->o ? a->o->expect : NULL, a->http.status);

		a->verdict = true;
		a->res.http_status = a->http.status;
		a->res.ready = m == 1;
		snprintf(a->res.detail, sizeof(a->res.detail), "HTTP %d", a->http.status);
		if (m < 0) {
			finish(a, -EINVAL, false, "bad expected status list '%s'", a->o->expect);
			return;
		}
	}
	if (r == 1 || eof || a->http.body > HTTP_DRAIN_MAX)
		finish(a, 0, a->res.ready, NULL);
}

static void step_recv(struct attempt *a)
{
	uint8_t tmp[4096];
	ssize_t n;

	if (is_http(a)) {
		n = recv(a->fd, tmp, sizeof(tmp), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0 && !a->verdict) {
			finish(a, -errno, false, "receive: %s", errtext(errno));
			return;
		}
		http_got(a, tmp, n > 0 ? (size_t)n : 0, n <= 0);
		return;
	}
	n = recv(a->fd, a->in + a->inlen, sizeof(a->in) - a->inlen, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		if (errno != ECONNRESET || !a->inlen) {
			finish(a, -errno, false, "receive: %s", errtext(errno));
			return;
		}
		n = 0;
	}
	a->inlen += (size_t)n;
	judge(a, n == 0);
}

void attempt_step(struct attempt *a, short revents)
{
	if (a->state == AT_DONE)
		return;
	if (a->state == AT_RESOLVE)
		step_resolve(a);
	else if (a->state == AT_CONNECT && revents)
		step_connect(a);
	else if (a->state == AT_SEND && revents)
		step_send(a);
	else if (a->state == AT_RECV && revents)
		step_recv(a);
	if (a->state != AT_DONE && mono_ms() >= a->deadline)
		timed_out(a);
}

void attempt_cleanup(struct attempt *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (a->lk)
		resolve_cancel(a->lk);
	a->lk = NULL;
}
