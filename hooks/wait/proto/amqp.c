/* amqp.c - the AMQP 0-9-1 protocol header and the parser of the broker's
 * first answer (see amqp.h). */
#include "hooks/wait/proto/amqp.h"

#include <stdio.h>
#include <string.h>

#define FRAME_METHOD 1
#define FRAME_HDR    7 /* type (1), channel (2), size (4) */
#define FRAME_END    0xCE
#define CONNECTION   10 /* class */
#define START	     10 /* methods of class connection */
#define CLOSE	     50

static const uint8_t header091[8] = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

size_t amqp_header_build(uint8_t *buf, size_t cap)
{
	if (cap < sizeof(header091))
		return 0;
	memcpy(buf, header091, sizeof(header091));
	return sizeof(header091);
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The version a protocol header names, in the words of its specification. */
static void header_version(const uint8_t *h, char *out, size_t n)
{
	static const char *const layer[4] = {"", "", " over TLS", " with SASL"};

	if (h[4] == 0 && h[5] == 0)
		snprintf(out, n, "AMQP 0-%u-%u", h[6], h[7]);
	else if (h[4] == 1 && h[5] == 1 && h[6] == 8 && h[7] == 0)
		snprintf(out, n, "AMQP 0-8");
	else if (h[4] == 1 && h[5] == 1 && h[6] == 0)
		snprintf(out, n, "AMQP 0-%u", h[7]);
	else if (h[4] != 1 && h[4] <= 3 && h[5] == 1 && h[6] == 0 && h[7] == 0)
		snprintf(out, n, "AMQP 1.0%s", layer[h[4]]);
	else
		snprintf(out, n, "an unknown AMQP version (%u %u %u %u)", h[4], h[5], h[6], h[7]);
}

static enum reply_verdict protocol_header(const uint8_t *h, char *detail, size_t dlen)
{
	char v[64];

	if (!memcmp(h, header091, sizeof(header091))) {
		snprintf(detail, dlen,
			 "wrong protocol: the server sent back the AMQP 0-9-1 "
			 "header instead of Connection.Start");
		return REPLY_NOTREADY;
	}
	header_version(h, v, sizeof(v));
	snprintf(detail, dlen, "wrong protocol version: the broker speaks %s, not AMQP 0-9-1", v);
	return REPLY_NOTREADY;
}

/* A short string (size (1), bytes) at p[*off] within n: its bytes. */
static const uint8_t *shortstr(const uint8_t *p, size_t n, size_t *off, size_t *len)
{
	if (*off >= n || p[*off] > n - *off - 1)
		return NULL;
	*len = p[*off];
	*off += 1 + *len;
	return p + *off - *len;
}

/* Skip the value of type t at p[*off]; false for an unknown type or one
 * that does not fit (the table's own size still bounds it: the caller
 * only stops looking inside it). */
static bool skip_value(uint8_t t, const uint8_t *p, size_t n, size_t *off)
{
	size_t w;

	switch (t) {
	case 'V':
		w = 0;
		break;
	case 't':
	case 'b':
	case 'B':
		w = 1;
		break;
	case 's':
	case 'u':
		w = 2;
		break;
	case 'I':
	case 'i':
	case 'f':
		w = 4;
		break;
	case 'D':
		w = 5;
		break;
	case 'l':
	case 'L':
	case 'd':
	case 'T':
		w = 8;
		break;
	case 'S':
	case 'x':
	case 'A':
	case 'F':
		if (n - *off < 4)
			return false;
		w = 4 + (size_t)be32(p + *off);
		break;
	default:
		return false;
	}
	if (w > n - *off)
		return false;
	*off += w;
	return true;
}

/* The long-string properties "product" and "version" of the
 * server-properties table t (n bytes), when there, into prod and ver. */
static void properties(const uint8_t *t, size_t n, char *prod, char *ver, size_t vn)
{
	size_t off = 0, kl;

	while (off < n) {
		const uint8_t *k = shortstr(t, n, &off, &kl);
		uint8_t type;
		size_t at;

		if (!k || off >= n)
			return;
		type = t[off++];
		at = off;
		if (!skip_value(type, t, n, &off))
			return;
		if (type != 'S')
			continue;
		if (kl == 7 && !memcmp(k, "product", 7))
			proto_text(prod, vn, t + at + 4, off - at - 4);
		else if (kl == 7 && !memcmp(k, "version", 7))
			proto_text(ver, vn, t + at + 4, off - at - 4);
	}
}

/* Connection.Start's arguments, p[0..n) after class and method. */
static enum reply_verdict start_method(const uint8_t *p, size_t n, char *detail, size_t dlen)
{
	char prod[41] = "", ver[41] = "", proto[32];
	const char *sep = "";
	size_t off = 2, tn, i;

	if (n < 2 + 4 || (tn = be32(p + 2)) > n - 6)
		goto bad;
	properties(p + 6, tn, prod, ver, sizeof(prod));
	off = 6 + tn;
	for (i = 0; i < 2; i++) { /* mechanisms, locales */
		if (n - off < 4 || be32(p + off) > n - off - 4)
			goto bad;
		off += 4 + be32(p + off);
	}
	if (*ver)
		sep = *prod ? " " : "version ";
	snprintf(proto, sizeof(proto), " (version 0-%u-%u)", p[0], p[1]);
	snprintf(detail, dlen, "Connection.Start%s%s%s%s%s", p[0] || p[1] != 9 ? proto : "",
		 *prod || *ver ? ", " : "", prod, sep, ver);
	return REPLY_READY;
bad:
	snprintf(detail, dlen, "not an AMQP 0-9-1 broker (malformed Connection.Start)");
	return REPLY_NOTREADY;
}

/* Connection.Close: reply code (2), reply text (short string), ... */
static void close_method(const uint8_t *p, size_t n, char *detail, size_t dlen)
{
	char text[151] = "";
	size_t off = 2, tl;
	const uint8_t *s = n >= 2 ? shortstr(p, n, &off, &tl) : NULL;

	if (s)
		proto_text(text, sizeof(text), s, tl);
	snprintf(detail, dlen, "the broker closed the connection: %u %s", n >= 2 ? be16(p) : 0,
		 *text ? text : "(no reason given)");
}

/* One whole method frame on channel 0: payload p[0..n). */
static enum reply_verdict method_frame(const uint8_t *p, size_t n, char *detail, size_t dlen)
{
	if (n >= 4 && be16(p) == CONNECTION && be16(p + 2) == START)
		return start_method(p + 4, n - 4, detail, dlen);
	if (n >= 4 && be16(p) == CONNECTION && be16(p + 2) == CLOSE) {
		close_method(p + 4, n - 4, detail, dlen);
		return REPLY_NOTREADY;
	}
	if (n >= 4)
		snprintf(detail, dlen,
			 "not an AMQP 0-9-1 broker (method %u.%u before "
			 "Connection.Start)",
			 be16(p), be16(p + 2));
	else
		snprintf(detail, dlen, "not an AMQP 0-9-1 broker (malformed method frame)");
	return REPLY_NOTREADY;
}

static enum reply_verdict more(size_t len, bool eof, char *detail, size_t dlen)
{
	if (!eof)
		return REPLY_MORE;
	snprintf(detail, dlen,
		 len ? "connection closed in the middle of the broker's answer"
		     : "connection closed without an answer");
	return REPLY_NOTREADY;
}

enum reply_verdict amqp_reply_parse(const uint8_t *buf, size_t len, bool eof, char *detail,
				    size_t dlen)
{
	uint32_t size;

	if (len && buf[0] == 'A') {
		if (memcmp(buf, "AMQP", len < 4 ? len : 4))
			goto bad;
		if (len < sizeof(header091))
			return more(len, eof, detail, dlen);
		return protocol_header(buf, detail, dlen);
	}
	if (len && buf[0] != FRAME_METHOD)
		goto bad;
	if (len < FRAME_HDR)
		return more(len, eof, detail, dlen);
	size = be32(buf + 3);
	if (be16(buf + 1) != 0 || size > AMQP_FRAME_MIN_SIZE - FRAME_HDR - 1)
		goto bad;
	if (len < FRAME_HDR + (size_t)size + 1)
		return more(len, eof, detail, dlen);
	if (buf[FRAME_HDR + size] != FRAME_END)
		goto bad;
	return method_frame(buf + FRAME_HDR, size, detail, dlen);
bad:
	snprintf(detail, dlen,
		 "not an AMQP 0-9-1 broker (unexpected answer to the protocol header)");
	return REPLY_NOTREADY;
}

static int request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		   char *err, size_t errlen)
{
	return (int)amqp_header_build((uint8_t *)buf, cap);
}

static enum reply_verdict judge(const uint8_t *in, size_t len, bool eof, const struct url *u,
				char *detail, size_t dlen)
{
	return amqp_reply_parse(in, len, eof, detail, dlen);
}

/* A user, password and virtual host are taken, as client URLs have them,
 * but not used: Connection.Start comes before any login. */
const struct proto proto_amqp = {
    .names = {"amqp"},
    .url =
	{
	    .port = 5672,
	    .userinfo = URL_USER_FIRST,
	    .path = URL_PATH_DBNAME,
	},
    .request = request,
    .judge = judge,
    .server = "AMQP",
};
