/* mysql.h - MySQL/MariaDB readiness (mysql://), judged the way
 * `mysqladmin ping` judges a live server.  The server speaks first: its
 * initial handshake packet means up, and so does an ERR packet in its
 * place ("Too many connections", "Host ... is not allowed to connect"):
 * the server runs and answers, it only refuses this client.  A server that
 * closes without either is not ready.
 *
 * The packets (MySQL client/server protocol, connection phase):
 *   header       payload length (3 bytes, little-endian), sequence id (1): 0
 *   HandshakeV10 0x0a, server version (NUL-terminated), thread id (4),
 *                auth-plugin-data part 1 (8), filler 0x00, capability
 *                flags, lower 2 bytes; more fields follow in newer servers
 *   HandshakeV9  0x09, server version (NUL-terminated), thread id (4),
 *                scramble (NUL-terminated): servers before 3.21
 *   ERR_Packet   0xff, error code (2, little-endian), ['#' SQL state (5)],
 *                message (the rest) */
#ifndef MUSTER_PROTO_MYSQL_H
#define MUSTER_PROTO_MYSQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/proto/proto.h"

/* The largest greeting payload taken: a real one is ~100 bytes, an ERR
 * packet's message at most 512. */
#define MYSQL_GREETING_MAX 1024

/* Judge the bytes the server sent so far (`eof`: it closed after them):
 * REPLY_MORE until its first packet is whole; then REPLY_READY for a
 * handshake or an ERR packet, REPLY_NOTREADY for anything else, with what
 * was seen in detail ("handshake, server 10.11.6-MariaDB", "up (ERROR 1040:
 * Too many connections)").  Never REPLY_MORE at eof.  Pure; buf untrusted. */
enum reply_verdict mysql_greeting_parse(const uint8_t *buf, size_t len, bool eof, char *detail,
					size_t dlen);

#endif
