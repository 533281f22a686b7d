/* mysql.c - the MySQL/MariaDB greeting parser (see mysql.h). */
#include "hooks/wait/proto/mysql.h"

#include <stdio.h>
#include <string.h>

#define HDR 4 /* payload length (3), sequence id (1) */
/* HandshakeV10 after the version string: thread id, scramble part 1,
 * filler, capability flags (lower 2 bytes) */
#define V10_FIXED (4 + 8 + 1 + 2)
/* MariaDB 10.x prefixes its version with this, for old replication peers */
#define MARIADB_PREFIX "5.5.5-"

/* ERR_Packet: 0xff, code, ['#' state], message. */
static enum reply_verdict err_packet(const uint8_t *p, size_t n, char *detail, size_t dlen)
{
	char msg[151];
	size_t off = 3;
	unsigned code;

	if (n < 3) {
		snprintf(detail, dlen, "not a MySQL server (malformed error packet)");
		return REPLY_NOTREADY;
	}
	code = (unsigned)p[1] | (unsigned)p[2] << 8;
	if (n >= 9 && p[3] == '#')
		off = 9;
	proto_text(msg, sizeof(msg), p + off, n - off);
	snprintf(detail, dlen, "up (ERROR %u: %s)", code, *msg ? msg : "no message");
	return REPLY_READY;
}

/* HandshakeV10 or V9: the version string, then the fixed fields. */
static enum reply_verdict handshake(const uint8_t *p, size_t n, char *detail, size_t dlen)
{
	const uint8_t *v = p + 1, *end = memchr(v, 0, n - 1);
	char ver[65];
	size_t vl, rest;

	if (!end)
		goto bad;
	vl = (size_t)(end - v);
	rest = n - 1 - vl - 1;
	if (p[0] == 10 && (rest < V10_FIXED || end[1 + 4 + 8] != 0))
		goto bad;
	if (p[0] == 9 && (rest < 4 + 1 || p[n - 1] != 0))
		goto bad;
	if (vl > strlen(MARIADB_PREFIX) && !memcmp(v, MARIADB_PREFIX, strlen(MARIADB_PREFIX))) {
		v += strlen(MARIADB_PREFIX);
		vl -= strlen(MARIADB_PREFIX);
	}
	proto_text(ver, sizeof(ver), v, vl);
	snprintf(detail, dlen, "handshake%s, server %s", p[0] == 9 ? " (protocol 9)" : "",
		 *ver ? ver : "of no version");
	return REPLY_READY;
bad:
	snprintf(detail, dlen, "not a MySQL server (malformed handshake)");
	return REPLY_NOTREADY;
}

enum reply_verdict mysql_greeting_parse(const uint8_t *buf, size_t len, bool eof, char *detail,
					size_t dlen)
{
	size_t plen;

	if (len < HDR) {
		if (!eof)
			return REPLY_MORE;
		snprintf(detail, dlen,
			 len ? "connection closed in the middle of the handshake"
			     : "connection closed without a handshake");
		return REPLY_NOTREADY;
	}
	plen = (size_t)buf[0] | (size_t)buf[1] << 8 | (size_t)buf[2] << 16;
	if (!plen || plen > MYSQL_GREETING_MAX || buf[3] != 0) {
		snprintf(detail, dlen, "not a MySQL server (no handshake packet)");
		return REPLY_NOTREADY;
	}
	if (len < HDR + plen) {
		if (!eof)
			return REPLY_MORE;
		snprintf(detail, dlen, "connection closed in the middle of the handshake");
		return REPLY_NOTREADY;
	}
	switch (buf[HDR]) {
	case 10:
	case 9:
		return handshake(buf + HDR, plen, detail, dlen);
	case 0xff:
		return err_packet(buf + HDR, plen, detail, dlen);
	default:
		snprintf(detail, dlen, "not a MySQL server (unexpected packet 0x%02x)", buf[HDR]);
		return REPLY_NOTREADY;
	}
}

static enum reply_verdict judge(const uint8_t *in, size_t len, bool eof, const struct url *u,
				char *detail, size_t dlen)
{
	return mysql_greeting_parse(in, len, eof, detail, dlen);
}

/* No request: the server speaks first.  A user, password and database are
 * taken, as client URLs have them, but not used: the greeting answers
 * before any login (mysqladmin ping's verdict too). */
const struct proto proto_mysql = {
    .names = {"mysql"},
    .url =
	{
	    .port = 3306,
	    .userinfo = URL_USER_FIRST,
	    .path = URL_PATH_DBNAME,
	},
    .judge = judge,
    .server = "MySQL",
};
