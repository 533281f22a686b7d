/* redis.h - Redis readiness: PING answering +PONG (redis://). */
#ifndef MUSTER_PROBE_REDIS_H
#define MUSTER_PROBE_REDIS_H

#include <stdbool.h>
#include <stddef.h>

#include "hooks/wait/proto/proto.h"

/* The request: [AUTH [user] password] then PING, as RESP arrays.  Returns
 * its length, or 0 when it does not fit in cap. */
size_t redis_request_build(char *buf, size_t cap, const char *user, const char *password);

/* Judge the answers: with `sent_auth`, the first reply answers AUTH and the
 * second PING.  +PONG: ready; -LOADING, -BUSY, -MASTERDOWN: not yet;
 * -NOAUTH without a password (or -NOPERM): up; a failed AUTH: not ready.
 * `eof`: the connection was closed after these bytes.  Pure. */
enum reply_verdict redis_reply_parse(const char *buf, size_t len, bool eof, bool sent_auth,
				     char *detail, size_t dlen);

#endif
