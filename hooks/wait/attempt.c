/* attempt.c - one nonblocking probe attempt (see attempt.h). */
#include "hooks/wait/attempt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include "conf/redact.h"
#include "hooks/wait/tls.h"

#define RESOLVE_TICK_MS 2 /* how often a lookup in flight is checked */

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
	/* a server may echo what it was sent */
	redact_value(a->res.detail, sizeof(a->res.detail), a->u->password);
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

/* The unix socket to connect to instead of a host: the URL's own path
 * (unix://), or probe_opts.unix_socket for a scheme that takes it; NULL:
 * none. */
static const char *unix_path(const struct attempt *a)
{
	if (!a->u->host)
		return a->u->path;
	return a->p->unix_socket && a->o ? a->o->unix_socket : NULL;
}

static void connect_next(struct attempt *a, int last_err);

/* A TCP connection to a port of this host that nothing listens on can
 * come back to the socket itself (a simultaneous open, when the kernel
 * picks that very port as the local end): the probe would be answered by
 * its own request.  That is a refused connection. */
static bool self_connected(int fd)
{
	struct sockaddr_storage l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);

	return !getsockname(fd, (struct sockaddr *)&l, &ll) &&
	       !getpeername(fd, (struct sockaddr *)&r, &rl) && ll == rl && !memcmp(&l, &r, ll);
}

/* Connected: the scheme's request; without one, the server speaks first,
 * or the accepted connection is the answer itself. */
static void connected(struct attempt *a)
{
	char err[200];
	int n;

	if (!unix_path(a) && self_connected(a->fd)) {
		close(a->fd);
		a->fd = -1;
		a->ai++;
		connect_next(a, ECONNREFUSED);
		return;
	}
	a->outoff = a->inlen = 0;
	if (a->p->start)
		a->p->start(&a->st);
	if (!a->p->request) {
		if (a->p->judge || a->p->feed)
			a->state = AT_RECV;
		else
			finish(a, 0, true, "connection accepted");
		return;
	}
	n = a->p->request(a->out, sizeof(a->out), a->u, a->o, err, sizeof(err));
	if (n == -EINVAL) {
		finish(a, -EINVAL, false, "%s", err);
		return;
	}
	if (n <= 0) {
		finish(a, -ENOSPC, false, "request too long (user, password or headers)");
		return;
	}
	a->outlen = (size_t)n;
	if (a->p->tls && (!a->o || !a->o->tls)) {
		finish(a, -EINVAL, false, "TLS: no trust store (internal error)");
		return;
	}
	if (a->p->tls && (n = tls_conn_new(&a->tls, a->o->tls, a->u->host, a->p->alpn))) {
		finish(a, n, false, "TLS: %s", n == -ENOMEM ? "out of memory" : "no randomness");
		return;
	}
	/* the handshake sends small records one after another: without this,
	 * Nagle holds them until the server's delayed ACK (40 ms), as curl
	 * knows */
	if (a->tls && !unix_path(a))
		(void)setsockopt(a->fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	a->state = AT_SEND;
}

/* The name resolved: for a scheme that asks no more, the answer. */
static void resolved(struct attempt *a)
{
	char d[sizeof(a->res.detail)], ip[64];
	size_t i, pos;

	if (!a->p->resolve_only) {
		connect_next(a, ECONNREFUSED);
		return;
	}
	pos = (size_t)snprintf(d, sizeof(d), "resolves to");
	for (i = 0; i < a->addrs.n && pos < sizeof(d); i++) {
		resolve_ip_str(&a->addrs.a[i], ip, sizeof(ip));
		pos += (size_t)snprintf(d + pos, sizeof(d) - pos, "%s%s", i ? ", " : " ", ip);
	}
	finish(a, 0, true, "%s", d);
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

void attempt_start(struct attempt *a, const struct url *u, const struct probe_opts *o,
		   int64_t timeout_ms, const struct resolve_addrs *addrs)
{
	struct stat st;
	char err[200];
	int r;

	memset(a, 0, sizeof(*a));
	a->u = u;
	a->p = proto_of(u);
	a->o = o;
	a->fd = -1;
	a->deadline = mono_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	if (a->p->stat_path) {
		if (stat(u->path, &st) == 0)
			finish(a, 0, true, "%s exists", u->path);
		else
			finish(a, -errno, false, "%s: %s", u->path, errtext(errno));
		return;
	}
	if (unix_path(a)) {
		connect_unix(a, unix_path(a));
		return;
	}
	if (addrs && addrs->n) {
		a->addrs = *addrs;
		resolved(a);
		return;
	}
	r = resolve_start(u->host, u->port, &a->addrs, &a->lk);
	if (r == 0) {
		resolved(a);
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
	if (a->tls && (a->state == AT_SEND || a->state == AT_RECV)) {
		*events = tls_events(a->tls);
		if (!*events)
			*events = POLLIN;
		return a->fd;
	}
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

	if (a->state != AT_RESOLVE && a->addrs.n && !unix_path(a))
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

	if (a->decided) { /* the rest of a streamed answer still coming */
		finish(a, 0, a->res.ready, NULL);
		return;
	}
	if (a->tls && !tls_ready(a->tls)) {
		char where[80] = "the server";

		if (a->addrs.n && !unix_path(a))
			resolve_addr_str(&a->addrs.a[a->ai < a->addrs.n ? a->ai : 0], where,
					 sizeof(where));
		finish(a, -ETIMEDOUT, false, "%s: handshake timeout", where);
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
		resolved(a);
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
	if (unix_path(a)) {
		finish(a, -e, false, "connect: %s", errtext(e));
		return;
	}
	a->ai++;
	connect_next(a, e);
}

/* TLS failed (tls_pump()'s r): the cause, one line. */
static void tls_failed(struct attempt *a, int r)
{
	char why[200];

	if (r == -EPROTO) {
		tls_why(a->tls, why, sizeof(why));
		finish(a, -EPROTO, false, "%s", why);
	} else if (r == 1) {
		finish(a, -ECONNRESET, false, "connection closed by the server over TLS");
	} else {
		finish(a, r, false, "TLS: %s", errtext(-r));
	}
}

/* The request through the TLS engine; the handshake happens first. */
static void send_tls(struct attempt *a)
{
	int r = tls_pump(a->tls, a->fd);

	if (r == 0 && tls_ready(a->tls) && a->outoff < a->outlen) {
		a->outoff += tls_write(a->tls, a->out + a->outoff, a->outlen - a->outoff);
		r = tls_pump(a->tls, a->fd);
	}
	if (r != 0)
		tls_failed(a, r);
	else if (a->outoff == a->outlen && tls_flushed(a->tls))
		a->state = AT_RECV;
}

/* Bytes of the answer into buf: > 0; 0: the server closed; -EAGAIN: none
 * yet; another -errno: the socket failed, or TLS (-EPROTO). */
static ssize_t input(struct attempt *a, void *buf, size_t cap)
{
	ssize_t n;
	int r;

	if (!a->tls) {
		n = recv(a->fd, buf, cap, 0);
		return n >= 0 ? n : errno == EINTR ? -EAGAIN : -errno;
	}
	r = tls_pump(a->tls, a->fd);
	n = (ssize_t)tls_read(a->tls, buf, cap);
	if (n > 0 || r == 1)
		return n;
	return r < 0 ? r : -EAGAIN;
}

/* input() failed with r: the attempt ends, saying why. */
static void input_failed(struct attempt *a, int r)
{
	if (a->tls && r == -EPROTO)
		tls_failed(a, r);
	else
		finish(a, r, false, "receive: %s", errtext(-r));
}

/* What a streamed reader sends back (acks): best effort, never blocking. */
static void output(struct attempt *a)
{
	uint8_t buf[256];
	size_t n = a->p->reply ? a->p->reply(&a->st, buf, sizeof(buf)) : 0;

	if (!n)
		return;
	if (a->tls) {
		tls_write(a->tls, buf, n);
		(void)tls_pump(a->tls, a->fd); /* a failure shows at the next input */
	} else {
		(void)!send(a->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
}

static void step_send(struct attempt *a)
{
	ssize_t n;

	if (a->tls) {
		send_tls(a);
		return;
	}
	n = send(a->fd, a->out + a->outoff, a->outlen - a->outoff, MSG_NOSIGNAL);

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

/* An answer judged whole: gather it, judge the bytes so far. */
static void recv_whole(struct attempt *a)
{
	char d[sizeof(a->res.detail)];
	enum reply_verdict v;
	ssize_t n;

	while (a->state == AT_RECV) {
		n = input(a, a->in + a->inlen, sizeof(a->in) - a->inlen);
		if (n == -EAGAIN)
			return;
		if (n < 0 && (n != -ECONNRESET || !a->inlen)) {
			input_failed(a, (int)n);
			return;
		}
		if (n < 0)
			n = 0;
		a->inlen += (size_t)n;
		v = a->p->judge(a->in, a->inlen, n == 0, a->u, d, sizeof(d));
		if (v == REPLY_MORE && n == 0)
			finish(a, -EPROTO, false, "connection closed before the answer");
		else if (v == REPLY_MORE && a->inlen == sizeof(a->in))
			finish(a, -EPROTO, false, "answer too long, not a %s server?",
			       a->p->server);
		else if (v != REPLY_MORE)
			finish(a, 0, v == REPLY_READY, "%s", d);
	}
}

/* An answer read as it streams: the scheme's reader has the verdict (and
 * the detail) in a->res; what it sends back goes out as it reads. */
static void recv_streamed(struct attempt *a)
{
	uint8_t tmp[4096];
	ssize_t n;

	while (a->state == AT_RECV) {
		n = input(a, tmp, sizeof(tmp));
		if (n == -EAGAIN)
			return;
		if (n < 0 && !a->decided) {
			input_failed(a, (int)n);
			return;
		}
		switch (a->p->feed(&a->st, tmp, n > 0 ? (size_t)n : 0, n <= 0, a->o, &a->res)) {
		case REPLY_MORE:
			break;
		case REPLY_DRAIN:
			a->decided = true;
			break;
		case REPLY_BAD:
			finish(a, -EPROTO, false, NULL);
			return;
		default:
			finish(a, 0, a->res.ready, NULL);
			return;
		}
		if (n <= 0) { /* a reader always judges the end; never loop on it */
			finish(a, 0, a->res.ready, NULL);
			return;
		}
		output(a);
	}
}

static void receive(struct attempt *a)
{
	if (a->p->feed)
		recv_streamed(a);
	else
		recv_whole(a);
}

void attempt_step(struct attempt *a, short revents)
{
	bool received = false;

	if (a->state == AT_DONE)
		return;
	if (a->state == AT_RESOLVE)
		step_resolve(a);
	else if (a->state == AT_CONNECT && revents)
		step_connect(a);
	else if (a->state == AT_SEND && revents)
		step_send(a);
	else if (a->state == AT_RECV && revents) {
		receive(a);
		received = true;
	}
	/* TLS: the engine may hold the whole answer already, read with the
	 * last of the handshake; the socket will not say so again */
	if (a->state == AT_RECV && a->tls && !received)
		receive(a);
	if (a->state != AT_DONE && mono_ms() >= a->deadline)
		timed_out(a);
}

void attempt_cleanup(struct attempt *a)
{
	tls_conn_free(a->tls);
	a->tls = NULL;
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (a->lk)
		resolve_cancel(a->lk);
	a->lk = NULL;
}
