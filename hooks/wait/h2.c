/* h2.c - one request over HTTP/2, client side (see h2.h). */
#include "hooks/wait/h2.h"

#include <errno.h>
#include <string.h>

enum { F_DATA, F_HEADERS, F_PRIORITY, F_RST, F_SETTINGS, F_PUSH, F_PING, F_GOAWAY, F_WINDOW,
       F_CONT };
enum { FL_END_STREAM = 0x1, FL_ACK = 0x1, FL_END_HEADERS = 0x4, FL_PADDED = 0x8,
       FL_PRIORITY = 0x20 };

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

static void put_head(uint8_t *b, size_t len, uint8_t type, uint8_t flags, uint32_t stream)
{
	b[0] = (uint8_t)(len >> 16);
	b[1] = (uint8_t)(len >> 8);
	b[2] = (uint8_t)len;
	b[3] = type;
	b[4] = flags;
	b[5] = (uint8_t)(stream >> 24);
	b[6] = (uint8_t)(stream >> 16);
	b[7] = (uint8_t)(stream >> 8);
	b[8] = (uint8_t)stream;
}

int h2_request_build(uint8_t *buf, size_t cap, const struct h2_request *r)
{
	/* SETTINGS: HEADER_TABLE_SIZE 0, ENABLE_PUSH 0 */
	static const uint8_t settings[] = {0, 0, 12, F_SETTINGS, 0, 0, 0, 0, 0, 0, 1, 0,
					   0, 0, 0, 0, 2, 0, 0,		 0, 0};
	size_t pos = sizeof(preface) - 1 + sizeof(settings), hpos, i;

	if (cap < pos + 9)
		return -ENOSPC;
	memcpy(buf, preface, sizeof(preface) - 1);
	memcpy(buf + sizeof(preface) - 1, settings, sizeof(settings));
	hpos = pos;
	pos += 9;
	if (hpack_put_field(buf, cap, &pos, 2, NULL, "POST") ||
	    hpack_put_field(buf, cap, &pos, 6, NULL, r->tls ? "https" : "http") ||
	    hpack_put_field(buf, cap, &pos, 4, NULL, r->path) ||
	    hpack_put_field(buf, cap, &pos, 1, NULL, r->authority))
		return -ENOSPC;
	for (i = 0; i < r->nfields; i++)
		if (hpack_put_field(buf, cap, &pos, 0, r->fields[i].name, r->fields[i].value))
			return -ENOSPC;
	if (pos - hpos - 9 > H2_FRAME_MAX || cap - pos < 9 + r->blen || r->blen > H2_FRAME_MAX)
		return -ENOSPC;
	put_head(buf + hpos, pos - hpos - 9, F_HEADERS, FL_END_HEADERS, 1);
	put_head(buf + pos, r->blen, F_DATA, FL_END_STREAM, 1);
	if (r->blen)
		memcpy(buf + pos + 9, r->body, r->blen);
	return (int)(pos + 9 + r->blen);
}

void h2_client_init(struct h2_client *c)
{
	memset(c, 0, sizeof(*c));
}

const char *h2_error_name(uint32_t code)
{
	static const char names[] = "NO_ERROR\0PROTOCOL_ERROR\0INTERNAL_ERROR\0FLOW_CONTROL_ERROR\0"
				    "SETTINGS_TIMEOUT\0STREAM_CLOSED\0FRAME_SIZE_ERROR\0"
				    "REFUSED_STREAM\0CANCEL\0COMPRESSION_ERROR\0CONNECT_ERROR\0"
				    "ENHANCE_YOUR_CALM\0INADEQUATE_SECURITY\0HTTP_1_1_REQUIRED\0";
	const char *s = names;

	if (code > 13)
		return "unknown error code";
	while (code--)
		s += strlen(s) + 1;
	return s;
}

static int proto(struct h2_client *c, const char *why)
{
	c->err = why;
	return -EPROTO;
}

static int done(struct h2_client *c)
{
	c->state = H2_DONE;
	return 1;
}

/* Queue a frame to send back (an ack); dropped when the queue is full. */
static void queue(struct h2_client *c, uint8_t type, uint8_t flags, const uint8_t *p, size_t n)
{
	if (sizeof(c->out) - c->outlen < 9 + n)
		return;
	put_head(c->out + c->outlen, n, type, flags, 0);
	if (n)
		memcpy(c->out + c->outlen + 9, p, n);
	c->outlen += 9 + n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct block_ctx {
	const struct h2_events *ev;
	bool trailer;
};

static int on_field(void *arg, const char *name, size_t nlen, const char *value, size_t vlen)
{
	struct block_ctx *b = arg;

	return b->ev->field(b->ev->arg, name, nlen, value, vlen, b->trailer);
}

/* A HEADERS or CONTINUATION frame of stream 1 is in: strip HEADERS'
 * padding and priority, and decode the block once it is whole. */
static int fragment_end(struct h2_client *c, const struct h2_events *ev)
{
	struct block_ctx b = {ev, c->blocks > 0};
	uint8_t *f = c->block + c->bstart;
	size_t n = c->blen - c->bstart, skip = 0, pad = 0;
	int r;

	if (c->ftype == F_HEADERS) {
		if (c->fflags & FL_PADDED) {
			if (!n)
				return proto(c, "padded frame without its pad length");
			pad = f[0];
			skip = 1;
		}
		if (c->fflags & FL_PRIORITY)
			skip += 5;
		if (skip + pad > n)
			return proto(c, "HEADERS frame shorter than its padding and priority");
		memmove(f, f + skip, n - skip - pad);
		c->blen -= skip + pad;
	}
	c->continuation = !(c->fflags & FL_END_HEADERS);
	if (c->continuation)
		return 0;
	r = hpack_decode(c->block, c->blen, on_field, &b, &c->err);
	if (r == -EPROTO)
		return proto(c, c->err); /* COMPRESSION_ERROR: c->err says what */
	if (r)
		return r;
	c->blen = 0;
	if (c->blocks++ && !c->block_end)
		return proto(c, "trailers without END_STREAM");
	return c->block_end ? done(c) : 0;
}

static int control_frame(struct h2_client *c)
{
	const uint8_t *p = c->ctl;
	size_t n = c->flen;

	switch (c->ftype) {
	case F_SETTINGS:
		if (c->fstream || (c->fflags & FL_ACK ? n != 0 : n % 6 != 0))
			return proto(c, "malformed SETTINGS frame");
		if (!(c->fflags & FL_ACK))
			queue(c, F_SETTINGS, FL_ACK, NULL, 0);
		return 0;
	case F_PING:
		if (c->fstream || n != 8)
			return proto(c, "malformed PING frame");
		if (!(c->fflags & FL_ACK))
			queue(c, F_PING, FL_ACK, p, n);
		return 0;
	case F_GOAWAY:
		if (c->fstream || n < 8)
			return proto(c, "malformed GOAWAY frame");
		c->goaway = true;
		c->goaway_code = be32(p + 4);
		/* the last stream it will answer: 0 leaves ours unanswered */
		return (be32(p) & 0x7fffffff) < 1 ? done(c) : 0;
	case F_RST:
		if (!c->fstream || n != 4)
			return proto(c, "malformed RST_STREAM frame");
		if (c->fstream != 1)
			return 0;
		c->reset = true;
		c->rst_code = be32(p);
		return done(c);
	case F_WINDOW:
		return n == 4 ? 0 : proto(c, "malformed WINDOW_UPDATE frame");
	case F_PRIORITY:
		return n == 5 && c->fstream ? 0 : proto(c, "malformed PRIORITY frame");
	default:
		return 0; /* unknown frame types are ignored (RFC 9113 4.1) */
	}
}

/* The frame header in c->head is complete: check it before its payload. */
static int head(struct h2_client *c)
{
	const uint8_t *h = c->head;
	bool stream = h[3] == F_DATA || h[3] == F_HEADERS || h[3] == F_CONT;

	if (c->state == H2_PREFACE) {
		if (!memcmp(h, "HTTP/", 5))
			return proto(c, "an HTTP/1.x answer: the server does not speak HTTP/2 "
					"without TLS (gRPC over TLS is grpcs://)");
		if (h[3] != F_SETTINGS || (h[4] & FL_ACK))
			return proto(c, "not an HTTP/2 server (no SETTINGS first)");
		c->state = H2_FRAMES;
	}
	c->flen = (uint32_t)h[0] << 16 | (uint32_t)h[1] << 8 | h[2];
	c->ftype = h[3];
	c->fflags = h[4];
	c->fstream = be32(h + 5) & 0x7fffffff;
	c->got = 0;
	c->pad = 0;
	c->bstart = c->blen;
	if (c->flen > H2_FRAME_MAX)
		return proto(c, "frame over 16 KiB (FRAME_SIZE_ERROR)");
	if (c->continuation != (c->ftype == F_CONT))
		return proto(c, c->continuation ? "another frame inside a header block"
						: "CONTINUATION without a header block");
	if (c->ftype == F_PUSH)
		return proto(c, "PUSH_PROMISE, though muster turned push off");
	if (stream && c->fstream != 1)
		return proto(c, "a frame on a stream muster did not open");
	if (c->ftype == F_DATA && !c->blocks)
		return proto(c, "DATA before the response's headers");
	if (c->ftype == F_DATA && (c->fflags & FL_PADDED) && !c->flen)
		return proto(c, "padded frame without its pad length");
	if (c->ftype == F_HEADERS)
		c->block_end = c->fflags & FL_END_STREAM;
	return 0;
}

/* Payload bytes p[0..n) of the current frame, at offset c->got. */
static int payload(struct h2_client *c, const uint8_t *p, size_t n, const struct h2_events *ev)
{
	size_t off = c->got, start = (c->fflags & FL_PADDED) ? 1 : 0, end, k;

	if (c->ftype == F_HEADERS || c->ftype == F_CONT) {
		if (n > sizeof(c->block) - c->blen)
			return proto(c, "header block over 3 KiB");
		memcpy(c->block + c->blen, p, n);
		c->blen += n;
		return 0;
	}
	if (c->ftype != F_DATA) {
		for (k = 0; k < n && off + k < sizeof(c->ctl); k++)
			c->ctl[off + k] = p[k];
		return 0;
	}
	if (start && off == 0) {
		c->pad = p[0];
		if (c->pad >= c->flen)
			return proto(c, "padding longer than the frame");
	}
	end = c->flen - c->pad;
	if (off < start) /* skip the pad length byte */
		p += start - off, n -= start - off, off = start;
	if (off >= end)
		return 0;
	k = end - off < n ? end - off : n;
	return k ? ev->data(ev->arg, p, k) : 0;
}

static int frame_end(struct h2_client *c, const struct h2_events *ev)
{
	if (c->ftype == F_HEADERS || c->ftype == F_CONT)
		return fragment_end(c, ev);
	if (c->ftype == F_DATA)
		return (c->fflags & FL_END_STREAM) ? done(c) : 0;
	return control_frame(c);
}

int h2_feed(struct h2_client *c, const uint8_t *p, size_t n, const struct h2_events *ev)
{
	size_t i = 0;
	int r;

	while (c->state != H2_DONE && i < n) {
		if (c->hlen < sizeof(c->head)) {
			c->head[c->hlen++] = p[i++];
			if (c->hlen < sizeof(c->head))
				continue;
			if ((r = head(c)))
				return r;
		} else {
			size_t take = c->flen - c->got < n - i ? c->flen - c->got : n - i;

			if ((r = payload(c, p + i, take, ev)))
				return r;
			c->got += (uint32_t)take;
			i += take;
		}
		if (c->got == c->flen) {
			c->hlen = 0;
			if ((r = frame_end(c, ev)))
				return r;
		}
	}
	return c->state == H2_DONE;
}
