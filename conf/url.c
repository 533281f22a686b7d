/* url.c - parse wait/health URLs (SPEC.md "URLs").  Pure: no I/O, no logs.
 *
 *   tcp://host:port                       port required
 *   postgres[ql]://[user[:pw]@]host[:5432][/db][?query]
 *   redis://[[user]:pw@]host[:6379][/dbnum]   "redis://pw@h": pw is a password
 *   http://host[:80][/path[?query]]
 *   unix:///path    file:///path
 *
 * Hosts are names ([A-Za-z0-9._-]) or IPv6 literals in brackets.  User,
 * password and database are percent-decoded.  `display` is the URL with the
 * password replaced by "***"; error messages only ever show `display`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hooks/wait/probe.h"
#include "conf/url.h"

static const struct {
	const char *name;
	enum url_scheme scheme;
	uint16_t port;
} schemes[] = {
    {"tcp", URL_TCP, 0},
    {"postgres", URL_POSTGRES, 5432},
    {"postgresql", URL_POSTGRES, 5432},
    {"redis", URL_REDIS, 6379},
    {"http", URL_HTTP, 80},
    {"unix", URL_UNIX, 0},
    {"file", URL_FILE, 0},
};

/* Copy s into out with the secret part of the userinfo replaced by "***".
 * Works on any string, malformed or not. */
void url_redact(const char *s, char *out, size_t n)
{
	const char *sep = strstr(s, "://"), *auth, *end, *at = NULL, *colon, *p;
	int redis;

	if (!n)
		return;
	if (!sep) {
		snprintf(out, n, "%s", s);
		return;
	}
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at) {
		snprintf(out, n, "%s", s);
		return;
	}
	colon = memchr(auth, ':', (size_t)(at - auth));
	redis = (size_t)(sep - s) == 5 && !strncasecmp(s, "redis", 5);
	if (colon)
		snprintf(out, n, "%.*s:***%s", (int)(colon - s), s, at);
	else if (redis)
		snprintf(out, n, "%.*s***%s", (int)(auth - s), s, at);
	else
		snprintf(out, n, "%s", s);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode [s, s+len) into a new string; NULL on a bad escape or %00. */
static char *pct_decode(const char *s, size_t len, int *bad)
{
	char *d = malloc(len + 1), *o = d;
	size_t i;

	*bad = 0;
	if (!d)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			int h = -1;

			if (i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
				h = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			if (h <= 0) {
				*bad = 1;
				free(d);
				return NULL;
			}
			*o++ = (char)h;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return d;
}

static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

static int fail(char *err, size_t errlen, const char *display, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "malformed URL '%s': %s", display, why);
	return -EINVAL;
}

void url_free(struct url *u)
{
	if (!u)
		return;
	free(u->host);
	free(u->user);
	if (u->password) {
		explicit_bzero(u->password, strlen(u->password));
		free(u->password);
	}
	free(u->path);
	free(u->display);
	memset(u, 0, sizeof(*u));
}

/* The path-only schemes: unix:///p, file:///p. */
static const char *parse_local(struct url *u, const char *rest)
{
	if (*rest != '/')
		return "expected an absolute path after :// (three slashes: unix:///run/x.sock)";
	if (rest[1] == '\0' && u->scheme == URL_UNIX)
		return "empty socket path";
	u->path = strdup(rest);
	return u->path ? NULL : "out of memory";
}

static const char *parse_userinfo(struct url *u, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	int bad = 0;

	if (u->scheme == URL_TCP || u->scheme == URL_HTTP)
		return u->scheme == URL_HTTP
			   ? "credentials in http:// URLs are not supported; use --header "
			     "'Authorization: ...'"
			   : "credentials are not allowed in tcp:// URLs";
	if (colon) {
		if (colon > s && !(u->user = pct_decode(s, (size_t)(colon - s), &bad)))
			return bad ? "bad %-escape in the user name" : "out of memory";
		if (colon + 1 < s + len &&
		    !(u->password = pct_decode(colon + 1, len - (size_t)(colon - s) - 1, &bad)))
			return bad ? "bad %-escape in the password" : "out of memory";
	} else if (len) {
		char **dst = u->scheme == URL_REDIS ? &u->password : &u->user;

		if (!(*dst = pct_decode(s, len, &bad)))
			return bad ? "bad %-escape in the user information" : "out of memory";
	}
	return NULL;
}

static const char *parse_hostport(struct url *u, const char *s, size_t len, uint16_t defport)
{
	const char *end = s + len, *p, *hend;
	unsigned long port = 0;

	if (!len)
		return "no host";
	if (*s == '[') {
		hend = memchr(s, ']', len);
		if (!hend)
			return "unterminated '[' in IPv6 address";
		for (p = s + 1; p < hend; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			      (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
				return "bad character in IPv6 address";
		if (hend == s + 1)
			return "empty IPv6 address";
		u->host = strndup(s + 1, (size_t)(hend - s - 1));
		p = hend + 1;
		if (p < end && *p != ':')
			return "unexpected character after ']'";
	} else {
		for (p = s; p < end && *p != ':'; p++)
			if (!host_char(*p))
				return "bad character in host name";
		if (p == s)
			return "no host";
		u->host = strndup(s, (size_t)(p - s));
	}
	if (!u->host)
		return "out of memory";
	if (p < end) { /* ':' port */
		p++;
		if (p == end)
			return "empty port";
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return "port is not a number";
			port = port * 10 + (unsigned long)(*p - '0');
			if (port > 65535)
				return "port out of range (1-65535)";
		}
		if (port == 0)
			return "port out of range (1-65535)";
		u->port = (uint16_t)port;
	} else if (!defport) {
		return "a port is required (tcp://host:port)";
	} else {
		u->port = defport;
	}
	return NULL;
}

/* Whatever follows host[:port]: "" or "/..." (with ?query). */
static const char *parse_tail(struct url *u, const char *t)
{
	size_t plen = strcspn(t, "#");
	int bad = 0;

	switch (u->scheme) {
	case URL_TCP:
		if (plen && !(plen == 1 && *t == '/'))
			return "tcp:// URLs take no path";
		return NULL;
	case URL_HTTP:
		if (!plen) {
			u->path = strdup("/");
		} else if (*t == '?') {
			u->path = malloc(plen + 2);
			if (u->path) {
				u->path[0] = '/';
				memcpy(u->path + 1, t, plen);
				u->path[plen + 1] = '\0';
			}
		} else {
			u->path = strndup(t, plen);
		}
		for (size_t i = 0; u->path && u->path[i]; i++)
			if ((unsigned char)u->path[i] <= ' ' || u->path[i] == 0x7f)
				return "space or control character in the path";
		return u->path ? NULL : "out of memory";
	case URL_POSTGRES: {
		size_t dlen = strcspn(t, "?#");

		if (dlen > 1) {
			if (!(u->path = pct_decode(t + 1, dlen - 1, &bad)))
				return bad ? "bad %-escape in the database name" : "out of memory";
		}
		return NULL;
	}
	case URL_REDIS: {
		size_t dlen = strcspn(t, "?#"), i;

		for (i = 1; i < dlen; i++)
			if (t[i] < '0' || t[i] > '9')
				return "the redis database must be a number (redis://host:6379/0)";
		return NULL;
	}
	default:
		return NULL;
	}
}

/* The parse proper; display is s redacted, whole. */
static int parse(const char *s, const char *display, struct url *u, char *err, size_t errlen)
{
	const char *sep, *rest, *auth_end, *at = NULL, *hp, *why = NULL, *p;
	size_t slen, i;
	int found = -1;

	if (!*s)
		return fail(err, errlen, display, "empty URL");
	for (p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f || *p == ' ')
			return fail(err, errlen, display, "space or control character in the URL");
	sep = strstr(s, "://");
	if (!sep)
		return fail(err, errlen, display,
			    "expected SCHEME://..., one of tcp, postgres, redis, http, unix, file");
	slen = (size_t)(sep - s);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].name) == slen && !strncasecmp(s, schemes[i].name, slen))
			found = (int)i;
	if (found < 0) {
		if (slen == 5 && !strncasecmp(s, "https", 5))
			return fail(err, errlen, display,
				    "https is not supported (muster has no TLS); probe the "
				    "plain-HTTP port or use tcp://");
		return fail(err, errlen, display,
			    "unknown scheme; use tcp, postgres, redis, http, unix or file");
	}
	u->scheme = schemes[found].scheme;
	rest = sep + 3;
	if (u->scheme == URL_UNIX || u->scheme == URL_FILE) {
		why = parse_local(u, rest);
	} else {
		auth_end = rest + strcspn(rest, "/?#");
		for (p = rest; p < auth_end; p++)
			if (*p == '@')
				at = p;
		hp = rest;
		if (at) {
			why = parse_userinfo(u, rest, (size_t)(at - rest));
			hp = at + 1;
		}
		if (!why)
			why = parse_hostport(u, hp, (size_t)(auth_end - hp), schemes[found].port);
		if (!why)
			why = parse_tail(u, auth_end);
	}
	if (!why && !(u->display = strdup(display)))
		why = "out of memory";
	if (why) {
		url_free(u);
		return fail(err, errlen, display, why);
	}
	return 0;
}

int url_parse(const char *s, struct url *u, char *err, size_t errlen)
{
	/* the display form is never cut short: a long URL keeps its "***"
	 * (the redaction can add 3 bytes over an empty password) */
	size_t n = (s ? strlen(s) : 0) + 8;
	char *display = malloc(n);
	int r;

	memset(u, 0, sizeof(*u));
	if (!display)
		return fail(err, errlen, "", "out of memory");
	url_redact(s ? s : "", display, n);
	r = parse(s ? s : "", display, u, err, errlen);
	free(display);
	return r;
}
