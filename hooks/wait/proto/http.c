/* http.c - HTTP/1.1 request, incremental response parser, status
 * matcher; the http:// entry of the scheme table.  The parser keeps O(1)
 * state and drains bodies of any size: Content-Length, chunked, or until
 * close. */
#include "hooks/wait/proto/http.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf/ere.h"
#include "conf/parse.h"
#include "conf/redact.h"
#include "hooks/wait/proto/proto.h"

#define HTTP_DRAIN_MAX	(1 << 20) /* politeness: read at most 1 MiB of body */
#define HTTP_BODY_MATCH (1 << 20) /* --body looks at the first 1 MiB */

static int header_ok(const char *h)
{
	const char *colon = strchr(h, ':'), *p;

	if (!colon || colon == h)
		return 0;
	for (p = h; p < colon; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return 0;
	for (p = h; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\0')
			return 0;
	return 1;
}

int http_request_build(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		       char *err, size_t errlen)
{
	size_t pos = 0, i;
	int n, own_host = 1;
	char shown[200];

	for (i = 0; o && i < o->nheaders; i++) {
		if (!header_ok(o->headers[i])) {
			redact_header(o->headers[i], shown, sizeof(shown));
			snprintf(err, errlen, "bad HTTP header '%s': expected 'Name: value'",
				 shown);
			return -EINVAL;
		}
		if (!strncasecmp(o->headers[i], "host:", 5))
			own_host = 0;
	}
	n = snprintf(buf, cap, "GET %s HTTP/1.1\r\n", u->path ? u->path : "/");
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	pos = (size_t)n;
	if (own_host) {
		const char *h = u->host ? u->host : "localhost";
		int v6 = strchr(h, ':') != NULL;

		if (u->port && u->port != (u->syntax ? u->syntax->port : 80))
			n = snprintf(buf + pos, cap - pos, "Host: %s%s%s:%u\r\n", v6 ? "[" : "", h,
				     v6 ? "]" : "", (unsigned)u->port);
		else
			n = snprintf(buf + pos, cap - pos, "Host: %s%s%s\r\n", v6 ? "[" : "", h,
				     v6 ? "]" : "");
		if (n < 0 || (size_t)n >= cap - pos)
			return -ENOSPC;
		pos += (size_t)n;
	}
	n = snprintf(buf + pos, cap - pos,
		     "User-Agent: muster/" MUSTER_VERSION "\r\nAccept: */*\r\n"
		     "Connection: close\r\n");
	if (n < 0 || (size_t)n >= cap - pos)
		return -ENOSPC;
	pos += (size_t)n;
	for (i = 0; o && i < o->nheaders; i++) {
		n = snprintf(buf + pos, cap - pos, "%s\r\n", o->headers[i]);
		if (n < 0 || (size_t)n >= cap - pos)
			return -ENOSPC;
		pos += (size_t)n;
	}
	if (pos + 3 > cap)
		return -ENOSPC;
	memcpy(buf + pos, "\r\n", 3);
	return (int)(pos + 2);
}

void http_resp_init(struct http_resp *p)
{
	memset(p, 0, sizeof(*p));
	p->length = -1;
}

static int proto(struct http_resp *p, const char *why)
{
	p->err = why;
	return -EPROTO;
}

static int status_line(struct http_resp *p, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) || l[7] < '0' || l[7] > '9' || l[8] != ' ')
		return proto(p, "not an HTTP/1.x response");
	if (l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
	    (n > 12 && l[12] != ' '))
		return proto(p, "bad HTTP status line");
	p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	p->chunked = false;
	p->length = -1;
	p->state = HS_HEADER;
	return 0;
}

static int parse_u64(const char *s, size_t n, int base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return -1;
		if (v > (UINT64_MAX >> 4) / 2)
			return -1; /* absurdly large: refuse rather than wrap */
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int end_of_headers(struct http_resp *p)
{
	if (p->status < 200 && p->status != 101) { /* interim: another follows */
		p->state = HS_STATUS;
		return 0;
	}
	p->headers_done = true;
	if (p->status == 204 || p->status == 304 || p->status == 101)
		p->state = HS_DONE;
	else if (p->chunked)
		p->state = HS_CHUNK_SIZE;
	else if (p->length >= 0)
		p->state = (p->left = (uint64_t)p->length) ? HS_BODY_LEN : HS_DONE;
	else
		p->state = HS_BODY_EOF;
	return p->state == HS_DONE;
}

static int header_line(struct http_resp *p, const char *l, size_t n)
{
	const char *colon, *v;
	size_t vn;
	uint64_t len;

	if (!n)
		return end_of_headers(p);
	if (l[0] == ' ' || l[0] == '\t')
		return 0; /* obsolete line folding: a continuation, ignored */
	colon = memchr(l, ':', n);
	if (!colon || colon == l)
		return proto(p, "malformed HTTP header line");
	v = colon + 1;
	vn = n - (size_t)(v - l);
	trim(&v, &vn);
	if ((size_t)(colon - l) == 14 && !strncasecmp(l, "Content-Length", 14)) {
		if (parse_u64(v, vn, 10, &len))
			return proto(p, "bad Content-Length");
		if (p->length >= 0 && (uint64_t)p->length != len)
			return proto(p, "conflicting Content-Length headers");
		p->length = (int64_t)len;
	} else if ((size_t)(colon - l) == 17 && !strncasecmp(l, "Transfer-Encoding", 17)) {
		p->chunked = vn >= 7 && !strncasecmp(v + vn - 7, "chunked", 7);
	}
	return 0;
}

static int chunk_size_line(struct http_resp *p, const char *l, size_t n)
{
	size_t hn = 0;
	uint64_t v;

	while (hn < n && l[hn] != ';' && l[hn] != ' ' && l[hn] != '\t')
		hn++;
	if (parse_u64(l, hn, 16, &v))
		return proto(p, "bad chunk size");
	p->left = v;
	p->state = v ? HS_CHUNK_DATA : HS_TRAILER;
	return 0;
}

/* One complete line (without its LF or CRLF). */
static int on_line(struct http_resp *p, const char *l, size_t n)
{
	switch (p->state) {
	case HS_STATUS:
		if (!n)
			return 0; /* tolerate a stray empty line before the status */
		return status_line(p, l, n);
	case HS_HEADER:
		return header_line(p, l, n);
	case HS_CHUNK_SIZE:
		return chunk_size_line(p, l, n);
	case HS_CHUNK_END:
		if (n)
			return proto(p, "missing CRLF after a chunk");
		p->state = HS_CHUNK_SIZE;
		return 0;
	case HS_TRAILER:
		if (!n)
			p->state = HS_DONE;
		return p->state == HS_DONE;
	default:
		return proto(p, "internal parser state");
	}
}

int http_resp_feed(struct http_resp *p, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && p->state != HS_DONE) {
		if (p->state == HS_BODY_EOF) {
			p->body += len - i;
			if (p->on_body)
				p->on_body(p->body_arg, buf + i, len - i);
			return 0;
		}
		if (p->state == HS_BODY_LEN || p->state == HS_CHUNK_DATA) {
			uint64_t take = len - i < p->left ? len - i : p->left;

			if (p->on_body)
				p->on_body(p->body_arg, buf + i, (size_t)take);
			p->left -= take;
			p->body += take;
			i += (size_t)take;
			if (!p->left)
				p->state = p->state == HS_BODY_LEN ? HS_DONE : HS_CHUNK_END;
			continue;
		}
		/* line-oriented states */
		if (p->state != HS_CHUNK_SIZE && p->state != HS_CHUNK_END &&
		    ++p->hbytes > HTTP_MAX_HEADER_BYTES)
			return proto(p, "HTTP headers over 100 KiB");
		if (buf[i] == '\n') {
			size_t n = p->llen;
			int r;

			if (n && p->line[n - 1] == '\r')
				n--;
			p->llen = 0;
			i++;
			r = on_line(p, p->line, n);
			if (r < 0)
				return r;
			continue;
		}
		if (buf[i] == '\0')
			return proto(p, "NUL byte in an HTTP header");
		if (p->llen >= sizeof(p->line))
			return proto(p, "HTTP header line too long");
		p->line[p->llen++] = (char)buf[i++];
	}
	return p->state == HS_DONE;
}

int http_resp_eof(struct http_resp *p)
{
	if (p->headers_done)
		return 1;
	return proto(p, p->state == HS_STATUS && !p->llen && !p->status
			    ? "connection closed without an HTTP response"
			    : "connection closed in the middle of the HTTP headers");
}

int http_request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		 char *err, size_t errlen)
{
	if (o && http_expect_match(o->expect, 200) < 0) {
		snprintf(err, errlen, "bad expected status list '%s'", o->expect);
		return -EINVAL;
	}
	return http_request_build(buf, cap, u, o, err, errlen);
}

/* What an attempt keeps while the answer streams in. */
struct reader {
	struct http_resp resp;
	const struct probe_opts *o; /* of the feed() under way */
	struct ere *re;		    /* the body being matched (--body), once started */
	uint64_t fed;		    /* body bytes given to it */
	bool hit;		    /* it matched */
	bool decided;		    /* the verdict is known: the rest is drained */
};
_Static_assert(sizeof(struct reader) <= sizeof(union proto_state), "proto_state too small");

/* The body's matcher, started at the first need: with --body, once the
 * status is one that means ready; else NULL. */
static struct ere *matcher(struct reader *r)
{
	if (!r->re && r->o && r->o->body && http_expect_match(r->o->expect, r->resp.status) == 1) {
		r->re = r->o->body;
		ere_start(r->re);
	}
	return r->re;
}

static void body_piece(void *arg, const uint8_t *buf, size_t n)
{
	struct reader *r = arg;
	struct ere *re = r->decided ? NULL : matcher(r);

	if (!re || r->hit || r->fed >= HTTP_BODY_MATCH)
		return;
	if (n > HTTP_BODY_MATCH - r->fed)
		n = (size_t)(HTTP_BODY_MATCH - r->fed);
	r->fed += n;
	r->hit = ere_feed(re, buf, n);
}

void http_start(union proto_state *st)
{
	struct reader *r = (struct reader *)(void *)st;

	memset(r, 0, sizeof(*r));
	http_resp_init(&r->resp);
	r->resp.on_body = body_piece;
	r->resp.body_arg = r;
}

/* The status is known; with --body, the body decides too: as soon as it
 * matches, or once it ended (`over`) or its first 1 MiB was read. */
static void decide(struct reader *r, bool over, struct probe_result *res)
{
	int status = r->resp.status;
	struct ere *re = matcher(r);

	res->http_status = status;
	res->ready = http_expect_match(r->o ? r->o->expect : NULL, status) == 1;
	if (!res->ready || !re) {
		snprintf(res->detail, sizeof(res->detail), "HTTP %d", status);
	} else if (r->hit || over || r->fed >= HTTP_BODY_MATCH) {
		res->ready = r->hit || ere_end(re);
		snprintf(res->detail, sizeof(res->detail), "HTTP %d, %s", status,
			 res->ready		     ? "body matches"
			 : r->fed >= HTTP_BODY_MATCH ? "but its first 1 MiB does not match"
						     : "but the body does not match");
	} else {
		return; /* more body to come */
	}
	r->decided = true;
}

enum reply_verdict http_feed(union proto_state *st, const uint8_t *buf, size_t n, bool eof,
			     const struct probe_opts *o, struct probe_result *res)
{
	struct reader *r = (struct reader *)(void *)st;
	int k;

	r->o = o;
	k = eof ? http_resp_eof(&r->resp) : http_resp_feed(&r->resp, buf, n);
	if (k < 0 && !r->decided) {
		snprintf(res->detail, sizeof(res->detail), "%s", r->resp.err);
		return REPLY_BAD;
	}
	if (r->resp.headers_done && !r->decided)
		decide(r, k != 0 || eof || r->resp.body > HTTP_DRAIN_MAX, res);
	if (k != 0 || eof || r->resp.body > HTTP_DRAIN_MAX)
		return res->ready ? REPLY_READY : REPLY_NOTREADY;
	return r->decided ? REPLY_DRAIN : REPLY_MORE;
}

const struct proto proto_http = {
    .names = {"http"},
    .url =
	{
	    .port = 80,
	    .userinfo = URL_NO_USERINFO,
	    .path = URL_PATH_TARGET,
	    .no_userinfo = "credentials in http:// URLs are not supported; use --header "
			   "'Authorization: ...'",
	},
    .unix_socket = true,
    .request = http_request,
    .start = http_start,
    .feed = http_feed,
};
