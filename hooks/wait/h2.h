/* h2.h - the client side of an HTTP/2 connection (RFC 9113) that carries
 * one request on stream 1, for grpc:// and grpcs://: the bytes of the
 * request, and an incremental parser of the server's frames that hands
 * the response's header fields and body to callbacks as they stream (only
 * a header block is kept whole, for HPACK).  Pure: bytes in, events out;
 * the frames it must answer (SETTINGS and PING acks) wait in
 * h2_client.out for the caller to send. */
#ifndef MUSTER_H2_H
#define MUSTER_H2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/hpack.h"

#define H2_FRAME_MAX 16384 /* SETTINGS_MAX_FRAME_SIZE: the default */
#define H2_BLOCK_MAX 3072  /* a header block, CONTINUATIONs included */

struct h2_field {
	const char *name, *value; /* name: lower case, as HTTP/2 sends it */
};

struct h2_request {
	bool tls;		       /* :scheme https, else http */
	const char *authority, *path; /* :authority host[:port], :path */
	const struct h2_field *fields; /* more header fields, after the pseudo ones */
	size_t nfields;
	const uint8_t *body; /* sent as one DATA frame with END_STREAM */
	size_t blen;
};

/* The client preface, SETTINGS (no push, no dynamic HPACK table), then the
 * request as HEADERS and DATA frames of stream 1 (POST).  Returns the
 * length or -ENOSPC. */
int h2_request_build(uint8_t *buf, size_t cap, const struct h2_request *r);

struct h2_events {
	/* a field of the response's headers (trailer false) or of its
	 * trailers (true); a nonzero return stops h2_feed() and is returned */
	int (*field)(void *arg, const char *name, size_t nlen, const char *value, size_t vlen,
		     bool trailer);
	/* body bytes of the response */
	int (*data)(void *arg, const uint8_t *p, size_t n);
	void *arg;
};

enum h2_state { H2_PREFACE, H2_FRAMES, H2_DONE };

struct h2_client {
	enum h2_state state;
	uint8_t head[9]; /* the frame header being read */
	size_t hlen;
	uint32_t flen, fstream; /* the frame being read */
	uint8_t ftype, fflags;
	uint32_t got;	     /* payload bytes of it so far */
	uint8_t pad;	     /* DATA: its padding length */
	uint8_t ctl[8];	     /* a control frame's first bytes */
	uint8_t block[H2_BLOCK_MAX]; /* the header block being gathered */
	size_t blen, bstart;	     /* its length; where this frame's part starts */
	bool continuation;  /* a header block waits for its CONTINUATION */
	bool block_end;	    /* ... and that block ends the stream */
	unsigned blocks;    /* header blocks of stream 1 decoded so far */
	uint32_t rst_code;  /* RST_STREAM of stream 1, when reset */
	bool reset, goaway; /* the server reset the stream / went away */
	uint32_t goaway_code;
	uint8_t out[128]; /* frames to send back: SETTINGS and PING acks */
	size_t outlen;
	const char *err; /* why the bytes are not HTTP/2 we can follow */
};

void h2_client_init(struct h2_client *c);

/* Feed bytes from the server.  Returns 1 when stream 1 has ended (END_STREAM
 * or RST_STREAM, or a GOAWAY that leaves it unanswered: see c->reset and
 * c->goaway), 0 when more is needed, -EPROTO when the bytes are not HTTP/2
 * or break its rules (c->err says how), or what a callback returned. */
int h2_feed(struct h2_client *c, const uint8_t *p, size_t n, const struct h2_events *ev);

/* "NO_ERROR", "PROTOCOL_ERROR", ... for an RST_STREAM or GOAWAY code. */
const char *h2_error_name(uint32_t code);

#endif
