/* url.c - parse wait/health URLs by their scheme's rules (see url.h).
 * Pure: no I/O, no logs.
 *
 * Hosts are names ([A-Za-z0-9._-]) or IPv6 literals in brackets.  User,
 * password and database name are percent-decoded.  `display` is the URL
 * with its password redacted; error messages only ever show `display`. */
#include "conf/url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/redact.h"

void url_split(const char *s, struct url_parts *p)
{
	const char *sep = strstr(s, "://"), *c;

	memset(p, 0, sizeof(*p));
	if (!sep)
		return;
	p->scheme = s;
	p->scheme_len = (size_t)(sep - s);
	p->auth = sep + 3;
	p->auth_end = p->auth + strcspn(p->auth, "/?#");
	for (c = p->auth; c < p->auth_end; c++)
		if (*c == '@')
			p->at = c;
	if (p->at)
		p->colon = memchr(p->auth, ':', (size_t)(p->at - p->auth));
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

/* A rule of the scheme refuses the URL: in the scheme's words. */
static const char *refused(const char *why)
{
	return why ? why : "not taken by this scheme";
}

/* SCHEME:///path: everything after "://". */
static const char *parse_local(struct url *u, const char *rest)
{
	if (*rest != '/')
		return refused(u->syntax->bad_path);
	if (rest[1] == '\0' && u->syntax->empty_path)
		return u->syntax->empty_path;
	u->path = strdup(rest);
	return u->path ? NULL : "out of memory";
}

static const char *parse_userinfo(struct url *u, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	int bad = 0;

	if (u->syntax->userinfo == URL_NO_USERINFO)
		return refused(u->syntax->no_userinfo);
	if (colon) {
		if (colon > s && !(u->user = pct_decode(s, (size_t)(colon - s), &bad)))
			return bad ? "bad %-escape in the user name" : "out of memory";
		if (colon + 1 < s + len &&
		    !(u->password = pct_decode(colon + 1, len - (size_t)(colon - s) - 1, &bad)))
			return bad ? "bad %-escape in the password" : "out of memory";
	} else if (len) {
		char **dst = u->syntax->userinfo == URL_PASSWORD_FIRST ? &u->password : &u->user;

		if (!(*dst = pct_decode(s, len, &bad)))
			return bad ? "bad %-escape in the user information" : "out of memory";
	}
	return NULL;
}

static const char *parse_hostport(struct url *u, const char *s, size_t len)
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
	} else if (!u->syntax->port) {
		return refused(u->syntax->no_port);
	} else {
		u->port = u->syntax->port;
	}
	return NULL;
}

/* A request target: path and query as written, "/" when empty. */
static const char *parse_target(struct url *u, const char *t, size_t plen)
{
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
}

/* Whatever follows host[:port]: "" or "/..." (with ?query). */
static const char *parse_tail(struct url *u, const char *t)
{
	size_t plen = strcspn(t, "#"), dlen = strcspn(t, "?#"), i;
	int bad = 0;

	switch (u->syntax->path) {
	case URL_PATH_NONE:
		if (plen && !(plen == 1 && *t == '/'))
			return refused(u->syntax->bad_path);
		return NULL;
	case URL_PATH_TARGET:
		return parse_target(u, t, plen);
	case URL_PATH_DBNAME:
		if (dlen > 1 && !(u->path = pct_decode(t + 1, dlen - 1, &bad)))
			return bad ? "bad %-escape in the database name" : "out of memory";
		return NULL;
	case URL_PATH_DBNUMBER:
		for (i = 1; i < dlen; i++)
			if (t[i] < '0' || t[i] > '9')
				return refused(u->syntax->bad_path);
		return NULL;
	default:
		return NULL;
	}
}

/* The parse proper; display is s redacted, whole. */
static int parse(const char *s, const char *display, url_scheme_fn *scheme, struct url *u,
		 char *err, size_t errlen)
{
	struct url_parts p;
	const char *why = NULL, *c, *hp;
	char unknown[200];

	if (!*s)
		return fail(err, errlen, display, "empty URL");
	for (c = s; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f || *c == ' ')
			return fail(err, errlen, display, "space or control character in the URL");
	url_split(s, &p);
	u->syntax = scheme(p.scheme, p.scheme_len, unknown, sizeof(unknown));
	if (!u->syntax)
		return fail(err, errlen, display, unknown);
	if (u->syntax->path == URL_PATH_LOCAL) {
		why = parse_local(u, p.auth);
	} else {
		hp = p.at ? p.at + 1 : p.auth;
		if (p.at)
			why = parse_userinfo(u, p.auth, (size_t)(p.at - p.auth));
		if (!why)
			why = parse_hostport(u, hp, (size_t)(p.auth_end - hp));
		if (!why)
			why = parse_tail(u, p.auth_end);
	}
	if (!why && !(u->display = strdup(display)))
		why = "out of memory";
	if (why) {
		url_free(u);
		return fail(err, errlen, display, why);
	}
	return 0;
}

int url_parse(const char *s, url_scheme_fn *scheme, struct url *u, char *err, size_t errlen)
{
	/* the display form is never cut short: a long URL keeps its "***"
	 * (the redaction can add 3 bytes over an empty password) */
	size_t n = (s ? strlen(s) : 0) + 8;
	char *display = malloc(n);
	int r;

	memset(u, 0, sizeof(*u));
	if (!display)
		return fail(err, errlen, "", "out of memory");
	redact_url(s ? s : "", scheme, REDACT_EXPANDED, display, n);
	r = parse(s ? s : "", display, scheme, u, err, errlen);
	free(display);
	return r;
}
