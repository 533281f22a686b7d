/* tls.h - one TLS client connection over a nonblocking socket, with
 * BearSSL's engine, for the attempt state machine (attempt.c): it moves
 * records between the engine and the socket without ever blocking, says
 * which poll events it waits for, and names a failure by its cause
 * ("certificate expired", "unknown CA", "name mismatch (certificate is
 * for x, not y)", ...).  TLS 1.2 (BearSSL has no 1.3), ECDHE with
 * AES-GCM, RSA and ECDSA certificates on P-256, P-384 and P-521. */
#ifndef MUSTER_TLS_H
#define MUSTER_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct tls_trust;
struct tls_conn;

/* A connection to `host` (a name: SNI and the name check; an address: the
 * check against the certificate's IP entries), offering ALPN `alpn` when
 * not NULL ("h2").  Returns 0 or -ENOMEM, -EIO (no randomness). */
int tls_conn_new(struct tls_conn **out, const struct tls_trust *trust, const char *host,
		 const char *alpn);
void tls_conn_free(struct tls_conn *t);

/* Move records between the engine and the socket as far as it goes
 * without blocking.  Returns 0 (go on: poll for tls_events()), 1 when the
 * connection is over for the application (closed cleanly, or the peer
 * closed it after the handshake: what tls_read() has is all), -EPROTO for a
 * TLS failure (tls_why() names it), -errno for a socket error. */
int tls_pump(struct tls_conn *t, int fd);

/* The poll events the engine waits for (POLLIN, POLLOUT). */
short tls_events(const struct tls_conn *t);

/* Whether the handshake is over (application data flows). */
bool tls_ready(const struct tls_conn *t);

/* Queue application bytes (as many as the engine takes now; 0 before the
 * handshake is over) and send them out with the next tls_pump(). */
size_t tls_write(struct tls_conn *t, const void *p, size_t n);

/* Whether every byte given to tls_write() is on the socket. */
bool tls_flushed(const struct tls_conn *t);

/* Take received application bytes; returns how many (0: none yet). */
size_t tls_read(struct tls_conn *t, void *p, size_t n);

/* Why the connection failed, one line: "certificate expired", ... */
void tls_why(const struct tls_conn *t, char *buf, size_t n);

#endif
