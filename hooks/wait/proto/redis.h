/* redis.h - Redis readiness: PING answering +PONG (redis://, and
 * rediss:// through rediss.c). */
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

/* The scheme-table entry's request and judge (see struct proto), shared
 * with rediss://. */
int redis_request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		  char *err, size_t errlen);
enum reply_verdict redis_judge(const uint8_t *in, size_t len, bool eof, const struct url *u,
			       char *detail, size_t dlen);

#endif
