/* wait.c - the readiness waits: every target in one poll loop.
 *
 * Backoff (before +-20% jitter), per target, reset by nothing (a target
 * that is ready is done):
 *   refused / unreachable / timed out:  10, 15, 20, 20 ... ms
 *   answered "not yet" (57P03, LOADING, HTTP 503):  ... capped at 30 ms:
 *     the moment it turns ready must be seen within tens of ms (issue 3),
 *     and ~35 cheap probes a second do not trouble a starting server
 *   name does not resolve:  ... capped at 500 ms (DNS traffic)
 * A resolved address is reused for 1 s.  A port that is not listening
 * costs one socket+connect+close per attempt: ~50/s, ~0.2% CPU, and
 * a dependency that starts listening is seen ~10-20 ms later (median). */
#include "hooks/wait/wait.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "conf/clock.h"
#include "conf/ere.h"
#include "conf/log.h"
#include "conf/url.h"
#include "hooks/secrets/expand.h"
#include "hooks/wait/attempt.h"
#include "hooks/wait/probe.h"
#include "hooks/wait/trust.h"
#include "hooks/wait/proto/proto.h"

#define FIRST_MS     10
#define ATTEMPT_MS   2000 /* connect + I/O limit of one attempt */
#define CACHE_MS     1000 /* reuse a resolved address this long */
#define REPORT_MS    5000 /* "still waiting" period */
#define FIRST_DETAIL "no attempt finished yet"
#define UP_BUT	     "up (" /* a detail of the schemes: ready, yet an error answer */

enum { K_FAST, K_ANSWERED, K_DNS };

struct target {
	struct url u;
	struct probe_opts o; /* the HTTP checks, with this target's own --body matcher */
	struct attempt a;
	bool running, ready;
	bool cut;      /* the running attempt's limit is the overall deadline */
	bool answered; /* the server answered (maybe nonsense) the last attempt */
	unsigned fails;
	int64_t next_try;
	struct resolve_addrs cache;
	int64_t cache_at;
	char last[sizeof(((struct probe_result *)0)->detail)];
};

int64_t wait_backoff_ms(unsigned fails, int kind)
{
	static const int64_t cap[] = {20, 30, 500};
	int64_t d = FIRST_MS;

	while (fails-- > 1 && d < cap[kind])
		d = d * 3 / 2;
	return d < cap[kind] ? d : cap[kind];
}

static int64_t jitter(int64_t d)
{
	unsigned short r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned short)(mono_ms() * 2654435761u);
	return d * 8 / 10 + d * 4 / 10 * r / 65535; /* 80% .. 120% */
}

/* "1.23" for 1234 ms, rounded as %.2f would, without pulling floating-point
 * printf into the static binary (the release build counts every KiB). */
static const char *secs(int64_t ms, char buf[32])
{
	long long cs = (long long)(ms + 5) / 10;

	snprintf(buf, 32, "%lld.%02lld", cs / 100, cs % 100);
	return buf;
}

static void free_targets(struct target *t, size_t n)
{
	size_t i;

	for (i = 0; t && i < n; i++) {
		attempt_cleanup(&t[i].a);
		url_free(&t[i].u);
		ere_free(t[i].o.body);
	}
	free(t);
}

/* Parse every URL, placing its ${NAME} values; log each bad one.  Returns
 * 0, the kind of the first bad one (conf_value_error()), or -ENOMEM. */
static int parse_all(const struct strlist *urls, struct target *t)
{
	char err[1024];
	int bad = 0;
	size_t i;

	for (i = 0; i < urls->n; i++) {
		int r = url_parse_refs(urls->v[i].s, proto_url_scheme, expand_ref, &t[i].u, err,
				       sizeof(err));

		if (r == -ENOMEM) {
			log_error("out of memory");
			return -ENOMEM;
		}
		if (r) {
			log_error("%s", err);
			if (!bad)
				bad = conf_value_error((enum conf_src)urls->v[i].src);
		}
		snprintf(t[i].last, sizeof(t[i].last), FIRST_DETAIL);
	}
	return bad;
}

/* An attempt finished: log, schedule the next one. */
static void settle(struct target *t, int64_t start, int64_t now)
{
	char sb[32];
	const struct attempt *a = &t->a;
	int kind = K_FAST;

	t->running = false;
	if (a->addrs.n && t->u.host) {
		t->cache = a->addrs;
		t->cache_at = now;
	}
	if (a->res.ready && !strncmp(a->res.detail, UP_BUT, strlen(UP_BUT))) {
		/* up, though it answered with an error: said in the one line */
		t->ready = true;
		log_info("ready: %s after %ss: %s", t->u.display, secs(now - start, sb),
			 a->res.detail);
		return;
	}
	if (a->res.ready) {
		t->ready = true;
		log_info("ready: %s after %ss", t->u.display, secs(now - start, sb));
		log_debug("%s: %s", t->u.display, a->res.detail);
		return;
	}
	if (strcmp(t->last, a->res.detail))
		log_debug("not ready: %s: %s", t->u.display, a->res.detail);
	/* An attempt the overall deadline cut short says only "timed out":
	 * when the attempt before it got an answer, the final report keeps
	 * that answer (e.g. "not an HTTP/1.x response") instead. */
	if (!(t->cut && a->rc == -ETIMEDOUT && t->answered)) {
		memcpy(t->last, a->res.detail, sizeof(t->last));
		t->answered = a->rc == 0 || a->rc == -EPROTO;
	}
	if (a->rc == 0)
		kind = K_ANSWERED;
	else if (t->u.host && !a->addrs.n && (a->rc == -ENOENT || a->rc == -EAGAIN))
		kind = K_DNS;
	t->fails++;
	t->next_try = now + jitter(wait_backoff_ms(t->fails, kind));
}

static void launch(struct target *t, int64_t now, int64_t deadline)
{
	int64_t limit = ATTEMPT_MS;
	const struct resolve_addrs *cached = NULL;

	t->cut = deadline - now < limit;
	if (t->cut)
		limit = deadline - now;
	if (t->cache_at && now - t->cache_at < CACHE_MS)
		cached = &t->cache;
	attempt_start(&t->a, &t->u, &t->o, limit, cached);
	t->running = true;
}

static void report(struct target *t, size_t n, int64_t start, int64_t now, int final)
{
	char sb[32];
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].ready)
			continue;
		if (t[i].running && !strcmp(t[i].last, FIRST_DETAIL))
			attempt_describe(&t[i].a, t[i].last, sizeof(t[i].last));
		if (final)
			log_error("%s not ready after %ss: %s", t[i].u.display,
				  secs(now - start, sb), t[i].last);
		else
			log_info("still waiting for %s (%llds): %s", t[i].u.display,
				 (long long)(now - start + 500) / 1000, t[i].last);
	}
}

/* Tell ctl which targets are still awaited ("a, b"): at the start and
 * whenever one turns ready. */
static void tell_pending(const struct wait_ctl *ctl, const struct target *t, size_t n)
{
	char buf[512];
	size_t i, pos = 0;

	if (!ctl->on_pending)
		return;
	buf[0] = '\0';
	for (i = 0; i < n && pos < sizeof(buf); i++)
		if (!t[i].ready)
			pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s",
						pos ? ", " : "", t[i].u.display);
	ctl->on_pending(ctl->arg, buf);
}

static int loop(struct target *t, size_t n, int64_t timeout_ms, const struct wait_ctl *ctl)
{
	int64_t start = mono_ms(), deadline = timeout_ms > 0 ? start + timeout_ms : INT64_MAX;
	int64_t next_report = start + REPORT_MS;
	struct pollfd *pfd = calloc(n + 1, sizeof(*pfd));
	size_t i, nready = 0;

	if (!pfd)
		return -ENOMEM;
	tell_pending(ctl, t, n);
	for (;;) {
		int64_t now = mono_ms(), wake = deadline < next_report ? deadline : next_report;
		size_t np = 0, before = nready;

		nready = 0;
		for (i = 0; i < n; i++) {
			struct target *x = &t[i];

			if (!x->ready && !x->running && now >= x->next_try && now < deadline)
				launch(x, now, deadline);
			if (x->running && x->a.state == AT_DONE)
				settle(x, start, now);
			nready += x->ready;
		}
		if (nready == n)
			break;
		if (nready != before)
			tell_pending(ctl, t, n);
		if (now >= deadline) {
			report(t, n, start, now, 1);
			free(pfd);
			return -ETIMEDOUT;
		}
		if (now >= next_report) {
			report(t, n, start, now, 0);
			next_report += REPORT_MS;
			continue;
		}
		pfd[np++] = (struct pollfd){.fd = ctl->abort_fd, .events = POLLIN};
		for (i = 0; i < n; i++) {
			int64_t w = t[i].running ? attempt_wake(&t[i].a) : t[i].next_try;

			if (t[i].ready)
				continue;
			if (w < wake)
				wake = w;
			if (t[i].running) {
				pfd[np].fd = attempt_pollfd(&t[i].a, &pfd[np].events);
				pfd[np].revents = 0;
			} else {
				pfd[np].fd = -1;
			}
			np++;
		}
		if (poll(pfd, np, wake > now ? (int)(wake - now) : 0) < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			free(pfd);
			return -errno;
		}
		/* a signal: the caller says whether it ends the wait; the targets
		 * keep their state either way */
		if (ctl->abort_fd >= 0 && pfd[0].revents &&
		    (!ctl->on_abort_fd || ctl->on_abort_fd(ctl->arg))) {
			free(pfd);
			return -ECANCELED;
		}
		now = mono_ms();
		np = 1;
		for (i = 0; i < n; i++) {
			if (t[i].ready)
				continue;
			if (t[i].running && (pfd[np].revents || now >= attempt_wake(&t[i].a)))
				attempt_step(&t[i].a, pfd[np].revents);
			np++;
		}
	}
	free(pfd);
	return 0;
}

/* The trust store, when a target is over TLS (read once per run), into
 * every target's options.  Returns 0 or the kind of the error (logged). */
static int trust_for(struct target *t, size_t n, const struct tls_settings *tls)
{
	const struct tls_trust *trust;
	char err[600];
	size_t i;
	int kind;

	for (i = 0; i < n && !proto_of(&t[i].u)->tls; i++)
		;
	if (i == n)
		return 0;
	if (!(trust = tls_trust_once(tls, &kind, err, sizeof(err)))) {
		log_error("%s", err);
		return kind;
	}
	for (i = 0; i < n; i++)
		t[i].o.tls = trust;
	return 0;
}

/* The HTTP checks into every target's options: the headers expanded once
 * (*hdrs, shared), a --body matcher each (attempts of different targets
 * run at the same time).  Returns 0 or the kind of the error (logged). */
static int checks(const struct wait_http *http, struct target *t, size_t n, char ***hdrs)
{
	char why[512];
	size_t i, bad = 0;
	int r;

	if (!http)
		return 0;
	if (http->headers && http->headers->n) {
		r = probe_headers_expand(http->headers, hdrs, &bad, why, sizeof(why));
		if (r) {
			log_error("%s", r == -ENOMEM ? "out of memory" : why);
			return r == -ENOMEM ? r : conf_value_error(http->headers->v[bad].src);
		}
	}
	for (i = 0; i < n; i++) {
		t[i].o.expect = http->expect;
		t[i].o.headers = (const char *const *)*hdrs;
		t[i].o.nheaders = *hdrs ? http->headers->n : 0;
		if (http->body && (r = ere_compile(http->body, &t[i].o.body, why, sizeof(why)))) {
			log_error("--body: %s", r == -ENOMEM ? "out of memory" : why);
			return r;
		}
	}
	return 0;
}

int wait_all(const struct strlist *urls, const struct wait_http *http,
	     const struct tls_settings *tls, int64_t timeout_ms, int abort_fd)
{
	const struct wait_ctl ctl = {.abort_fd = abort_fd, .http = http};

	return wait_all_ctl(urls, tls, timeout_ms, &ctl);
}

int wait_all_ctl(const struct strlist *urls, const struct tls_settings *tls, int64_t timeout_ms,
		 const struct wait_ctl *ctl)
{
	struct target *t;
	char **hdrs = NULL;
	int r;

	if (!urls || !urls->n)
		return 0;
	t = calloc(urls->n, sizeof(*t));
	if (!t) {
		log_error("out of memory");
		return -ENOMEM;
	}
	r = parse_all(urls, t);
	if (r == 0)
		r = checks(ctl->http, t, urls->n, &hdrs);
	if (r == 0)
		r = trust_for(t, urls->n, tls);
	if (r == 0 && ctl->on_start)
		r = ctl->on_start(ctl->arg);
	if (r == 0)
		r = loop(t, urls->n, timeout_ms, ctl);
	free_targets(t, urls->n);
	probe_headers_free(hdrs, hdrs ? ctl->http->headers->n : 0);
	return r;
}
