/* postgres.h - PostgreSQL readiness the way pg_isready judges it
 * (postgres://, postgresql://). */
#ifndef MUSTER_PROBE_PG_H
#define MUSTER_PROBE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/proto/proto.h"

/* A protocol 3.0 StartupMessage for user (NULL: "postgres") and database
 * (NULL: the server's default, the user name).  Returns its length, or 0
 * when it does not fit in cap. */
size_t pg_startup_build(uint8_t *buf, size_t cap, const char *user, const char *db);

/* Judge the server's first answer to the startup message: any answer but
 * an ErrorResponse with SQLSTATE 57P03 means up (an authentication request
 * or failure too).  `eof`: the server closed the connection after these
 * bytes.  Writes what was seen to detail.  Pure; len may be anything, buf
 * untrusted. */
enum reply_verdict pg_reply_parse(const uint8_t *buf, size_t len, bool eof, char *detail,
				  size_t dlen);

#endif
