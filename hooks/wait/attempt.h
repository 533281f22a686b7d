/* attempt.h - one nonblocking probe attempt as a state machine, so that
 * probe_once() runs one and wait_all() runs many in a single poll loop.
 *
 * resolve -> connect -> send request -> read until the reply parser has a
 * verdict; each attempt has its own deadline covering all of it.  For a
 * scheme over TLS, the request and the answer go through BearSSL's engine
 * (hooks/wait/tls.h), the handshake happening as the request is sent. */
#ifndef MUSTER_ATTEMPT_H
#define MUSTER_ATTEMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/probe.h"
#include "hooks/wait/proto/proto.h"
#include "hooks/wait/resolve.h"

struct tls_conn;

enum attempt_state { AT_RESOLVE, AT_CONNECT, AT_SEND, AT_RECV, AT_DONE };

struct attempt {
	const struct url *u;
	const struct proto *p; /* u's scheme */
	const struct probe_opts *o;
	enum attempt_state state;
	int fd;
	int64_t deadline; /* monotonic ms */
	int64_t tick;	  /* next check of a lookup in flight */
	struct resolve *lk;
	struct resolve_addrs addrs;
	size_t ai; /* address being tried */
	char out[4096];
	size_t outlen, outoff;
	uint8_t in[4096]; /* an answer judged whole: the bytes so far */
	size_t inlen;
	union proto_state st; /* an answer read as it streams: its reader's state */
	struct tls_conn *tls; /* the TLS connection, for a scheme over TLS */
	bool decided;	      /* streamed: the verdict is known, draining the rest */
	int rc;		      /* probe_once()'s return value, once AT_DONE */
	struct probe_result res;
};

/* Start an attempt that must end by now + timeout_ms.  When `addrs` is
 * non-NULL and non-empty it is used instead of resolving the host again.
 * The attempt may be AT_DONE at once (file://, a refused unix socket). */
void attempt_start(struct attempt *a, const struct url *u, const struct probe_opts *o,
		   int64_t timeout_ms, const struct resolve_addrs *addrs);

/* The fd to poll and its events, or -1 (then only the clock matters). */
int attempt_pollfd(const struct attempt *a, short *events);

/* When attempt_step() must be called even if the fd stays quiet. */
int64_t attempt_wake(const struct attempt *a);

/* Advance after poll: revents of the fd (0 on a timer wake-up). */
void attempt_step(struct attempt *a, short revents);

/* What the attempt has seen so far, or its result once AT_DONE. */
void attempt_describe(const struct attempt *a, char *buf, size_t n);

/* Release the fd, the TLS connection and any lookup (safe at any state,
 * idempotent). */
void attempt_cleanup(struct attempt *a);

#endif
