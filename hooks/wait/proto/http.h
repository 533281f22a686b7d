/* http.h - HTTP/1.1 readiness (http://, and https:// through https.c):
 * request, incremental response parser, expected-status matcher, and the
 * scheme-table functions both entries share.  The parser and matcher are
 * pure. */
#ifndef MUSTER_PROBE_HTTP_H
#define MUSTER_PROBE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/proto/proto.h"

/* GET path HTTP/1.1 with Host, User-Agent, Connection: close and the extra
 * "K: V" headers of o (a Host among them replaces ours).  Returns the
 * length, -EINVAL for a header that is not "Name: value" on one line (err
 * says which), -ENOSPC when it does not fit. */
int http_request_build(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		       char *err, size_t errlen);

/* The expected-status matcher, http_expect_match(), is conf/parse.h's:
 * the configuration checks the lists where it reads them. */

/* All status, header and trailer lines of one response, 1xx ones
 * included, at most (curl's limit): a server that sends headers forever is
 * malformed, not slow. */
#define HTTP_MAX_HEADER_BYTES (100 * 1024)

enum http_state {
	HS_STATUS,
	HS_HEADER,
	HS_BODY_LEN,
	HS_BODY_EOF,
	HS_CHUNK_SIZE,
	HS_CHUNK_DATA,
	HS_CHUNK_END,
	HS_TRAILER,
	HS_DONE
};

struct http_resp {
	enum http_state state;
	int status;	   /* of the final (non-1xx) response, once headers_done */
	bool headers_done; /* the status is final */
	bool chunked;
	int64_t length; /* Content-Length, -1 absent */
	uint64_t left;	/* body or chunk bytes still to come */
	uint64_t body;	/* body bytes seen */
	size_t hbytes;	/* status, header and trailer bytes so far */
	size_t llen;	/* bytes in line[] */
	char line[4096];
	const char *err; /* why the response is malformed */
	/* the body's bytes as they come, chunked encoding removed; NULL: not
	 * wanted (set after http_resp_init) */
	void (*on_body)(void *arg, const uint8_t *buf, size_t n);
	void *body_arg;
};

void http_resp_init(struct http_resp *p);

/* Feed received bytes.  Returns 1 when the response is complete (bytes
 * after it are ignored), 0 when more is needed, -EPROTO when malformed
 * (p->err says why). */
int http_resp_feed(struct http_resp *p, const uint8_t *buf, size_t len);

/* The server closed the connection: returns 1 when that ends the response
 * (body delimited by close, or headers already complete), -EPROTO when
 * the response was cut short before its status and headers. */
int http_resp_eof(struct http_resp *p);

/* The scheme-table entry's request (the expected statuses checked before a
 * byte is sent), and its streamed reader (see struct proto). */
int http_request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		 char *err, size_t errlen);
void http_start(union proto_state *st);
enum reply_verdict http_feed(union proto_state *st, const uint8_t *buf, size_t n, bool eof,
			     const struct probe_opts *o, struct probe_result *res);

#endif
