/* postgres.c - PostgreSQL startup message and first-answer parser; the
 * postgres:// entry of the scheme table. */
#include "hooks/wait/proto/postgres.h"

#include <stdio.h>
#include <string.h>

#define PG_PROTO_3_0 196608u

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t put_str(uint8_t *buf, size_t pos, size_t cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (!pos || pos + n > cap)
		return 0;
	memcpy(buf + pos, s, n);
	return pos + n;
}

size_t pg_startup_build(uint8_t *buf, size_t cap, const char *user, const char *db)
{
	size_t pos = 8;

	if (cap < 9)
		return 0;
	put32(buf + 4, PG_PROTO_3_0);
	pos = put_str(buf, pos, cap, "user");
	pos = put_str(buf, pos, cap, user && *user ? user : "postgres");
	if (db && *db) {
		pos = put_str(buf, pos, cap, "database");
		pos = put_str(buf, pos, cap, db);
	}
	pos = put_str(buf, pos, cap, "application_name");
	pos = put_str(buf, pos, cap, "muster");
	if (!pos || pos + 1 > cap)
		return 0;
	buf[pos++] = 0;
	put32(buf, (uint32_t)pos);
	return pos;
}

/* Copy at most n bytes of untrusted text, stopping at NUL, printable only. */
static void copy_text(char *out, size_t on, const uint8_t *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] && o + 1 < on; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	if (on)
		out[o] = '\0';
}

/* ErrorResponse body: (type byte, C string)* 0. */
static enum reply_verdict error_parse(const uint8_t *b, size_t n, char *detail, size_t dlen)
{
	char code[8] = "", msg[160] = "";
	size_t i = 0;

	while (i < n && b[i]) {
		uint8_t t = b[i++];
		const uint8_t *end = memchr(b + i, 0, n - i);

		if (!end) {
			snprintf(detail, dlen, "malformed ErrorResponse from the server");
			return REPLY_NOTREADY;
		}
		if (t == 'C')
			copy_text(code, sizeof(code), b + i, (size_t)(end - (b + i)));
		else if (t == 'M')
			copy_text(msg, sizeof(msg), b + i, (size_t)(end - (b + i)));
		i = (size_t)(end - b) + 1;
	}
	if (!strcmp(code, "57P03")) {
		snprintf(detail, dlen, "57P03 %s", *msg ? msg : "cannot connect now");
		return REPLY_NOTREADY;
	}
	snprintf(detail, dlen, "up (%s%s%s)", *code ? code : "error", *msg ? " " : "", msg);
	return REPLY_READY;
}

enum reply_verdict pg_reply_parse(const uint8_t *buf, size_t len, bool eof, char *detail,
				  size_t dlen)
{
	size_t off = 0;

	for (;;) {
		size_t left = len - off;
		uint32_t mlen;
		uint8_t t;

		if (!left) {
			if (!eof)
				return REPLY_MORE;
			snprintf(detail, dlen, "connection closed without an answer");
			return REPLY_NOTREADY;
		}
		t = buf[off];
		if (left < 5) {
			if (!eof)
				return REPLY_MORE;
			if (left == 1 && (t == 'N' || t == 'S')) {
				/* an answer to an SSLRequest we never sent: a server */
				snprintf(detail, dlen, "up (answered '%c' and closed)", t);
				return REPLY_READY;
			}
			snprintf(detail, dlen, "truncated answer, not a PostgreSQL server?");
			return REPLY_NOTREADY;
		}
		mlen = get32(buf + off + 1);
		if (mlen < 4 || mlen > 65536) {
			if (t == 'E') { /* protocol 2 error: 'E' then text */
				char msg[160];

				copy_text(msg, sizeof(msg), buf + off + 1, left - 1);
				snprintf(detail, dlen, "up (%s)", msg);
				return REPLY_READY;
			}
			snprintf(detail, dlen, "not a PostgreSQL server (unexpected bytes)");
			return REPLY_NOTREADY;
		}
		if (left < 1 + (size_t)mlen) {
			if (!eof)
				return REPLY_MORE;
			snprintf(detail, dlen, "truncated answer, not a PostgreSQL server?");
			return REPLY_NOTREADY;
		}
		switch (t) {
		case 'E':
			return error_parse(buf + off + 5, mlen - 4, detail, dlen);
		case 'R':
			if (mlen >= 8 && get32(buf + off + 5) == 0)
				snprintf(detail, dlen, "accepting connections");
			else
				snprintf(detail, dlen,
					 "accepting connections (authentication requested)");
			return REPLY_READY;
		case 'v':
		case 'S':
		case 'K':
		case 'Z':
			snprintf(detail, dlen, "accepting connections");
			return REPLY_READY;
		case 'N': /* NoticeResponse: look at the next message */
			off += 1 + (size_t)mlen;
			break;
		default:
			snprintf(detail, dlen,
				 "not a PostgreSQL server (unexpected message 0x%02x)", t);
			return REPLY_NOTREADY;
		}
	}
}

static int request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		   char *err, size_t errlen)
{
	return (int)pg_startup_build((uint8_t *)buf, cap, u->user, u->path);
}

static enum reply_verdict judge(const uint8_t *in, size_t len, bool eof, const struct url *u,
				char *detail, size_t dlen)
{
	return pg_reply_parse(in, len, eof, detail, dlen);
}

const struct proto proto_postgres = {
    .names = {"postgres", "postgresql"},
    .url = {.port = 5432, .userinfo = URL_USER_FIRST, .path = URL_PATH_DBNAME},
    .request = request,
    .judge = judge,
    .server = "PostgreSQL",
};
