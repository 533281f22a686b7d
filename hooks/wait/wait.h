/* wait.h - wait, in parallel and under one deadline, for every dependency
 * to be ready (stage 3 of the start, `-w`, `[wait]`, `muster wait`). */
#ifndef MUSTER_WAIT_H
#define MUSTER_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"

/* What the http:// waits check besides the server answering (--expect,
 * --header, --body of the main mode and `muster wait`, [wait] expect,
 * header, body); a NULL member, or a NULL struct: 200-299, no extra
 * header, any body. */
struct wait_http {
	const char *expect;
	const struct strlist *headers; /* "K: V", ${NAME} expanded once, here */
	const char *body;	       /* POSIX ERE on the first 1 MiB of the body */
};

struct tls_settings;

/* Expand ${NAME} in every URL, parse them all (any error: logged, -EINVAL
 * before waiting at all), then probe every target in one poll loop with
 * capped exponential backoff and jitter until all are ready.  When a
 * target is over TLS (https, rediss, grpcs), the trust store `tls` names
 * (NULL: the defaults) is loaded first, once per run (hooks/wait/trust.h).
 *
 * timeout_ms: the one deadline for all (0 = forever).  abort_fd: an fd
 * (`muster wait`'s signalfd) that becomes readable when muster must stop; it is
 * polled, never read; -1: none.
 *
 * Returns 0 when all are ready, -ETIMEDOUT at the deadline (after one
 * error line per target not ready, with its last error), -ECANCELED as
 * soon as abort_fd is readable, conf_value_error() of its source for a bad
 * URL or a header with a bad or unset ${NAME}, tls_trust_load()'s error
 * when the trust store cannot be loaded (logged), -ENOMEM.  http: the
 * http(s):// checks (NULL: none); tls: the trust store's settings. */
int wait_all(const struct strlist *urls, const struct wait_http *http,
	     const struct tls_settings *tls, int64_t timeout_ms,
	     int abort_fd);

/* What wait_all_ctl() does when its abort fd is readable, and whom it tells
 * which targets are still awaited (the start's prober, for PID 1's phase). */
struct wait_ctl {
	int abort_fd; /* polled, never read here; -1: none */
	/* abort_fd is readable: returns true to end the wait (-ECANCELED),
	 * false to go on with every target's state (backoff, readiness, the
	 * deadline) kept.  NULL: always ends it. */
	bool (*on_abort_fd)(void *arg);
	/* the targets not ready yet, "a, b" (display form: no password); at
	 * the start and whenever one turns ready.  NULL: nobody asks. */
	void (*on_pending)(void *arg, const char *pending);
	/* every URL parsed, the checks and the trust store loaded, before the
	 * first attempt (the probes' sandbox): 0, or -errno to end the wait
	 * with.  NULL: nothing. */
	int (*on_start)(void *arg);
	void *arg;
	const struct wait_http *http; /* the http:// waits' checks; NULL: none */
};

/* wait_all() with the abort fd's meaning and the progress up to `ctl`. */
int wait_all_ctl(const struct strlist *urls, const struct tls_settings *tls, int64_t timeout_ms,
		 const struct wait_ctl *ctl);

/* The backoff schedule, exposed for the unit tests: the delay before the
 * next attempt after `fails` consecutive failures of kind `kind`, before
 * jitter.  kind: 0 refused/unreachable, 1 answered "not ready yet",
 * 2 name does not resolve. */
int64_t wait_backoff_ms(unsigned fails, int kind);

#endif
