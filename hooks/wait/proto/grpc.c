/* grpc.c - the gRPC health check (see grpc.h); the grpc:// entry of the
 * scheme table. */
#include "hooks/wait/proto/grpc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf/url.h"

/* The i-th of NUL-separated names. */
static const char *nth(const char *names, int i)
{
	while (i--)
		names += strlen(names) + 1;
	return names;
}

static const char serving_names[] = "UNKNOWN\0SERVING\0NOT_SERVING\0SERVICE_UNKNOWN";

const char *grpc_code_name(int code)
{
	static const char names[] = "OK\0CANCELLED\0UNKNOWN\0INVALID_ARGUMENT\0DEADLINE_EXCEEDED\0"
				    "NOT_FOUND\0ALREADY_EXISTS\0PERMISSION_DENIED\0"
				    "RESOURCE_EXHAUSTED\0FAILED_PRECONDITION\0ABORTED\0"
				    "OUT_OF_RANGE\0UNIMPLEMENTED\0INTERNAL\0UNAVAILABLE\0"
				    "DATA_LOSS\0UNAUTHENTICATED";

	return code >= 0 && code <= 16 ? nth(names, code) : "";
}

int grpc_health_request(uint8_t *buf, size_t cap, const char *authority, bool tls,
			const char *service)
{
	static const struct h2_field fields[] = {
	    {"content-type", "application/grpc"},
	    {"te", "trailers"},
	    {"user-agent", "muster/" MUSTER_VERSION},
	};
	uint8_t body[5 + 3 + 256];
	size_t sl = strlen(service), blen = 5;
	struct h2_request r = {tls, authority, GRPC_HEALTH_PATH, fields, 3, body, 0};

	if (sl > 256)
		return -ENOSPC;
	if (sl) { /* HealthCheckRequest.service = 1 (string) */
		body[blen++] = 0x0a;
		if (sl >= 0x80)
			body[blen++] = (uint8_t)(0x80 | (sl & 0x7f));
		body[blen++] = (uint8_t)(sl >= 0x80 ? sl >> 7 : sl);
		memcpy(body + blen, service, sl);
		blen += sl;
	}
	body[0] = 0; /* not compressed */
	body[1] = body[2] = 0;
	body[3] = (uint8_t)((blen - 5) >> 8);
	body[4] = (uint8_t)(blen - 5);
	r.blen = blen;
	return h2_request_build(buf, cap, &r);
}

void grpc_health_init(struct grpc_health *g)
{
	memset(g, 0, offsetof(struct grpc_health, h2));
	g->grpc_status = -1;
	h2_client_init(&g->h2);
}

static bool is(const char *name, size_t nlen, const char *want)
{
	return nlen == strlen(want) && !memcmp(name, want, nlen);
}

/* grpc-message is percent-encoded; kept printable, cut to fit. */
static void set_message(struct grpc_health *g, const char *v, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < sizeof(g->message); i++) {
		char ch = v[i];

		if (ch == '%' && i + 2 < n && url_hexval(v[i + 1]) >= 0 && url_hexval(v[i + 2]) >= 0) {
			ch = (char)(url_hexval(v[i + 1]) * 16 + url_hexval(v[i + 2]));
			i += 2;
		}
		g->message[o++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	g->message[o] = '\0';
}

static int on_field(void *arg, const char *name, size_t nlen, const char *v, size_t vlen,
		    bool trailer)
{
	struct grpc_health *g = arg;
	size_t i;

	if (!trailer && is(name, nlen, ":status")) {
		g->http_status = 0;
		for (i = 0; i < vlen && i < 4 && v[i] >= '0' && v[i] <= '9'; i++)
			g->http_status = g->http_status * 10 + (v[i] - '0');
		if (i != 3 || vlen != 3)
			g->http_status = -1;
	} else if (!trailer && is(name, nlen, "content-type")) {
		g->grpc_type = vlen >= 16 && !strncasecmp(v, "application/grpc", 16) &&
			       (vlen == 16 || v[16] == '+' || v[16] == ';');
		snprintf(g->ctype, sizeof(g->ctype), "%.*s", (int)(vlen < 40 ? vlen : 40), v);
		for (i = 0; g->ctype[i]; i++)
			if (g->ctype[i] < 0x20 || g->ctype[i] >= 0x7f)
				g->ctype[i] = '?';
	} else if (is(name, nlen, "grpc-status")) {
		g->grpc_status = 0;
		for (i = 0; i < vlen && i < 6 && v[i] >= '0' && v[i] <= '9'; i++)
			g->grpc_status = g->grpc_status * 10 + (v[i] - '0');
		if (!vlen || i != vlen)
			g->grpc_status = 2; /* not a number: UNKNOWN, as gRPC reads it */
	} else if (is(name, nlen, "grpc-message")) {
		set_message(g, v, vlen);
	}
	return 0;
}

static int on_data(void *arg, const uint8_t *p, size_t n)
{
	struct grpc_health *g = arg;
	size_t room = sizeof(g->msg) - g->msglen;

	if (n > room) {
		g->msg_over = true;
		n = room;
	}
	memcpy(g->msg + g->msglen, p, n);
	g->msglen += n;
	return 0;
}

/* A protobuf varint at p[*i]; -1 when truncated or over 10 bytes. */
static int varint(const uint8_t *p, size_t n, size_t *i, uint64_t *v)
{
	unsigned s;

	*v = 0;
	for (s = 0; s < 70; s += 7) {
		if (*i >= n)
			return -1;
		*v |= (uint64_t)(p[*i] & 0x7f) << s;
		if (!(p[(*i)++] & 0x80))
			return 0;
	}
	return -1;
}

/* HealthCheckResponse.status (field 1, an enum) from the protobuf bytes:
 * 0 when absent (proto3's default).  Returns it, or -1 when malformed. */
static long serving_status(const uint8_t *p, size_t n)
{
	long status = 0;
	size_t i = 0;
	uint64_t key, v;

	while (i < n) {
		if (varint(p, n, &i, &key) || !(key >> 3))
			return -1;
		switch (key & 7) {
		case 0: /* varint */
			if (varint(p, n, &i, &v))
				return -1;
			if (key >> 3 == 1)
				status = v > 1000 ? 1000 : (long)v;
			break;
		case 1: /* 64-bit */
		case 5: /* 32-bit */
			v = (key & 7) == 1 ? 8 : 4;
			if (n - i < v)
				return -1;
			i += v;
			break;
		case 2: /* length-delimited */
			if (varint(p, n, &i, &v) || v > n - i)
				return -1;
			i += v;
			break;
		default:
			return -1;
		}
	}
	return status;
}

/* The stream has ended: judge what it carried. */
static enum reply_verdict judge(struct grpc_health *g, char *d, size_t dl)
{
	struct h2_client *c = &g->h2;
	uint32_t mlen;
	long st;

	if (c->reset) {
		snprintf(d, dl, "stream reset by the server (%s)", h2_error_name(c->rst_code));
		return REPLY_NOTREADY;
	}
	if (c->goaway && !c->blocks) {
		snprintf(d, dl, "the server went away (GOAWAY %s)", h2_error_name(c->goaway_code));
		return REPLY_NOTREADY;
	}
	if (g->http_status != 200) {
		snprintf(d, dl, "HTTP %d, not a gRPC answer", g->http_status);
		return REPLY_NOTREADY;
	}
	if (!g->grpc_type) {
		snprintf(d, dl, "not a gRPC answer (content-type '%s')", g->ctype);
		return REPLY_NOTREADY;
	}
	if (g->grpc_status < 0) {
		snprintf(d, dl, "no grpc-status in the answer");
		return REPLY_NOTREADY;
	}
	if (g->grpc_status) {
		snprintf(d, dl, "grpc-status %d %s%s%s", g->grpc_status,
			 grpc_code_name(g->grpc_status), *g->message ? ": " : "", g->message);
		return REPLY_NOTREADY;
	}
	mlen = g->msglen >= 5 ? (uint32_t)g->msg[1] << 24 | (uint32_t)g->msg[2] << 16 |
				    (uint32_t)g->msg[3] << 8 | g->msg[4]
			      : 0;
	if (g->msglen < 5 || g->msg[0] > 1 || (!g->msg_over && g->msglen - 5 < mlen)) {
		snprintf(d, dl, "grpc-status 0 OK but no HealthCheckResponse");
		return REPLY_NOTREADY;
	}
	if (g->msg[0] || mlen > GRPC_MSG_MAX - 5 ||
	    (st = serving_status(g->msg + 5, mlen)) < 0) {
		snprintf(d, dl, "malformed HealthCheckResponse");
		return REPLY_NOTREADY;
	}
	if (st <= 3)
		snprintf(d, dl, "%s", nth(serving_names, (int)st));
	else
		snprintf(d, dl, "serving status %ld", st);
	return st == 1 ? REPLY_READY : REPLY_NOTREADY;
}

enum reply_verdict grpc_health_feed(struct grpc_health *g, const uint8_t *p, size_t n, bool eof,
				    char *detail, size_t dlen)
{
	const struct h2_events ev = {on_field, on_data, g};
	int r = g->h2.state == H2_DONE ? 1 : h2_feed(&g->h2, p, n, &ev);

	if (r < 0) {
		snprintf(detail, dlen, "HTTP/2: %s", g->h2.err);
		return REPLY_NOTREADY;
	}
	if (r == 1)
		return judge(g, detail, dlen);
	if (!eof)
		return REPLY_MORE;
	snprintf(detail, dlen, "connection closed before the gRPC answer");
	return REPLY_NOTREADY;
}

int grpc_request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		 char *err, size_t errlen)
{
	char authority[300];
	bool v6 = strchr(u->host, ':') != NULL;

	snprintf(authority, sizeof(authority), "%s%s%s:%u", v6 ? "[" : "", u->host, v6 ? "]" : "",
		 (unsigned)u->port);
	return grpc_health_request((uint8_t *)buf, cap, authority, proto_of(u)->tls,
				   u->path ? u->path : "");
}

_Static_assert(sizeof(struct grpc_health) <= sizeof(union proto_state), "proto_state too small");

void grpc_start(union proto_state *st)
{
	grpc_health_init((struct grpc_health *)(void *)st);
}

enum reply_verdict grpc_feed(union proto_state *st, const uint8_t *buf, size_t n, bool eof,
			     const struct probe_opts *o, struct probe_result *res)
{
	struct grpc_health *g = (struct grpc_health *)(void *)st;
	enum reply_verdict v = grpc_health_feed(g, buf, n, eof, res->detail, sizeof(res->detail));

	res->ready = v == REPLY_READY;
	return v;
}

size_t grpc_reply(union proto_state *st, uint8_t *buf, size_t cap)
{
	struct h2_client *c = &((struct grpc_health *)(void *)st)->h2;
	size_t n = c->outlen < cap ? c->outlen : cap;

	memcpy(buf, c->out, n);
	memmove(c->out, c->out + n, c->outlen - n);
	c->outlen -= n;
	return n;
}

const struct proto proto_grpc = {
    .names = {"grpc"},
    .url =
	{
	    .userinfo = URL_NO_USERINFO,
	    .path = URL_PATH_DBNAME,
	    .no_port = "a port is required (grpc://host:port[/SERVICE])",
	    .no_userinfo = "credentials are not allowed in grpc:// URLs",
	},
    .request = grpc_request,
    .start = grpc_start,
    .feed = grpc_feed,
    .reply = grpc_reply,
};
