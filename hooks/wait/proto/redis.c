/* redis.c - Redis PING request and reply parser; the redis:// entry of
 * the scheme table. */
#include "hooks/wait/proto/redis.h"

#include <stdio.h>
#include <string.h>

#define MAX_LINE 1024

static size_t put_bulk(char *buf, size_t pos, size_t cap, const char *s)
{
	int n;

	n = snprintf(buf + pos, cap - pos, "$%zu\r\n%s\r\n", strlen(s), s);
	if (n < 0 || (size_t)n >= cap - pos)
		return (size_t)-1;
	return pos + (size_t)n;
}

size_t redis_request_build(char *buf, size_t cap, const char *user, const char *password)
{
	size_t pos = 0;
	int n;

	if (password) {
		n = snprintf(buf, cap, "*%d\r\n", user ? 3 : 2);
		if (n < 0 || (size_t)n >= cap)
			return 0;
		pos = put_bulk(buf, (size_t)n, cap, "AUTH");
		if (pos != (size_t)-1 && user)
			pos = put_bulk(buf, pos, cap, user);
		if (pos != (size_t)-1)
			pos = put_bulk(buf, pos, cap, password);
		if (pos == (size_t)-1)
			return 0;
	}
	n = snprintf(buf + pos, cap - pos, "*1\r\n$4\r\nPING\r\n");
	if (n < 0 || (size_t)n >= cap - pos)
		return 0;
	return pos + (size_t)n;
}

/* One reply line at buf[*off]: returns its length without CRLF and moves
 * *off past it; -1: incomplete; -2: too long or not a line. */
static long next_line(const char *buf, size_t len, size_t *off)
{
	const char *p = memchr(buf + *off, '\n', len - *off);
	size_t n;

	if (!p)
		return len - *off > MAX_LINE ? -2 : -1;
	n = (size_t)(p - (buf + *off));
	if (n > MAX_LINE || n == 0 || buf[*off + n - 1] != '\r')
		return -2;
	*off += n + 1;
	return (long)(n - 1);
}

static int starts(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && !memcmp(s, w, wl) && (n == wl || s[wl] == ' ');
}

enum reply_verdict redis_reply_parse(const char *buf, size_t len, bool eof, bool sent_auth,
				     char *detail, size_t dlen)
{
	char auth_err[121] = "", text[121]; /* 120 bytes of a server line at most */
	size_t off = 0, start;
	long n;

	if (sent_auth) {
		start = off;
		n = next_line(buf, len, &off);
		if (n == -2 || (n >= 0 && buf[start] != '+' && buf[start] != '-'))
			goto bad;
		if (n == -1)
			goto more;
		if (buf[start] == '-')
			proto_text(auth_err, sizeof(auth_err), buf + start + 1, (size_t)n - 1);
	}
	start = off;
	n = next_line(buf, len, &off);
	if (n == -2)
		goto bad;
	if (n == -1)
		goto more;
	if (n == 0)
		goto bad;
	proto_text(text, sizeof(text), buf + start + 1, (size_t)n - 1);
	if (buf[start] == '+') {
		if ((size_t)n != 5 || memcmp(buf + start, "+PONG", 5))
			goto bad;
		if (*auth_err)
			snprintf(detail, dlen, "PONG (AUTH answered: %s)", auth_err);
		else
			snprintf(detail, dlen, "PONG");
		return REPLY_READY;
	}
	if (buf[start] != '-')
		goto bad;
	if (starts(buf + start + 1, (size_t)n - 1, "NOAUTH")) {
		if (!sent_auth) {
			snprintf(detail, dlen, "up (authentication required)");
			return REPLY_READY;
		}
		snprintf(detail, dlen, "AUTH failed: %s", *auth_err ? auth_err : text);
		return REPLY_NOTREADY;
	}
	if (starts(buf + start + 1, (size_t)n - 1, "NOPERM")) {
		snprintf(detail, dlen, "up (%s)", text);
		return REPLY_READY;
	}
	snprintf(detail, dlen, "%s", text);
	return REPLY_NOTREADY;
more:
	if (!eof)
		return REPLY_MORE;
	snprintf(detail, dlen, "connection closed before the PING answer");
	return REPLY_NOTREADY;
bad:
	snprintf(detail, dlen, "not a Redis server (unexpected answer to PING)");
	return REPLY_NOTREADY;
}

int redis_request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		  char *err, size_t errlen)
{
	return (int)redis_request_build(buf, cap, u->password ? u->user : NULL, u->password);
}

enum reply_verdict redis_judge(const uint8_t *in, size_t len, bool eof, const struct url *u,
			       char *detail, size_t dlen)
{
	return redis_reply_parse((const char *)in, len, eof, u->password != NULL, detail, dlen);
}

const struct proto proto_redis = {
    .names = {"redis"},
    .url =
	{
	    .port = 6379,
	    .userinfo = URL_PASSWORD_FIRST,
	    .path = URL_PATH_DBNUMBER,
	    .bad_path = "the redis database must be a number (redis://host:6379/0)",
	},
    .request = redis_request,
    .judge = redis_judge,
    .server = "Redis",
};
