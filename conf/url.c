/* url.c - parse wait/health URLs by their scheme's rules (see url.h).
 * Pure: no I/O, no logs.
 *
 * Hosts are names ([A-Za-z0-9._-]) or IPv6 literals in brackets.  User,
 * password and database name are percent-decoded.  A template's ${NAME}
 * references are replaced inside each part once the text is split (see
 * url_parse_refs()).  `display` is the URL as written with its password
 * redacted; error messages only ever show `display`. */
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

int url_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

/* The parse: the URL it fills, where ${NAME} values come from. */
struct cx {
	struct url *u;
	url_ref_fn *ref; /* NULL: "${" is text like any other */
	char *err;	 /* where ref says why a reference is bad */
	size_t errlen;
};

/* What place() does with the text as written, and with a value. */
enum place {
	P_RAW,	  /* both as they are */
	P_DECODE, /* %XX decoded; values as they are */
	P_ENCODE, /* text as it is; values percent-encoded */
};

static const char ref_failed[] = "a bad ${NAME}"; /* cx.err says why */

/* The part [s, s+len) into a new string *out, each ${NAME} in it replaced
 * by its value: data, never read as URL syntax.  Returns NULL or why not
 * (`bad`: a bad %-escape or %00). */
static const char *place(const struct cx *c, const char *s, size_t len, enum place how,
			 const char *bad, char **out)
{
	size_t cap = len + 1, o = 0, i = 0, rl;
	char *d = malloc(cap), *nd;
	const char *v, *why = NULL;

	while (d && !why && i < len) {
		if (c->ref && s[i] == '$' && s[i + 1] == '{') {
			if (c->ref(s + i, &rl, &v, c->err, c->errlen)) {
				why = ref_failed;
				break;
			}
			nd = realloc(d, cap += strlen(v) * 3);
			if (!nd)
				break;
			for (d = nd, i += rl; *v; v++)
				if (how == P_ENCODE && !host_char(*v) && *v != '~') {
					d[o++] = '%';
					d[o++] = "0123456789ABCDEF"[(unsigned char)*v >> 4];
					d[o++] = "0123456789ABCDEF"[*v & 15];
				} else {
					d[o++] = *v;
				}
		} else if (how == P_DECODE && s[i] == '%') {
			int h = -1;

			if (i + 2 < len && url_hexval(s[i + 1]) >= 0 && url_hexval(s[i + 2]) >= 0)
				h = url_hexval(s[i + 1]) * 16 + url_hexval(s[i + 2]);
			if (h <= 0)
				why = bad;
			d[o++] = (char)h;
			i += 3;
		} else {
			d[o++] = s[i++];
		}
	}
	if (d && !why && i >= len) {
		d[o] = '\0';
		*out = d;
		return NULL;
	}
	if (d)
		explicit_bzero(d, o);
	free(d);
	return why ? why : "out of memory";
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
static const char *parse_local(const struct cx *c, const char *rest)
{
	const struct url_syntax *syn = c->u->syntax;
	const char *why = place(c, rest, strlen(rest), P_RAW, NULL, &c->u->path);

	if (why)
		return why;
	if (*c->u->path != '/')
		return refused(syn->bad_path);
	return c->u->path[1] == '\0' ? syn->empty_path : NULL;
}

/* A user, password or database name: percent-decoded; empty: none. */
static const char *part(const struct cx *c, const char *s, size_t len, const char *bad, char **dst)
{
	const char *why = place(c, s, len, P_DECODE, bad, dst);

	if (!why && !**dst) {
		free(*dst);
		*dst = NULL;
	}
	return why;
}

static const char *parse_userinfo(const struct cx *c, const char *s, size_t len)
{
	struct url *u = c->u;
	const char *colon = memchr(s, ':', len), *why;

	if (u->syntax->userinfo == URL_NO_USERINFO)
		return refused(u->syntax->no_userinfo);
	if (!colon)
		return part(c, s, len, "bad %-escape in the user information",
			    u->syntax->userinfo == URL_PASSWORD_FIRST ? &u->password : &u->user);
	why = part(c, s, (size_t)(colon - s), "bad %-escape in the user name", &u->user);
	return why ? why
		   : part(c, colon + 1, len - (size_t)(colon - s) - 1,
			  "bad %-escape in the password", &u->password);
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
	if (p < end && u->syntax->bad_port)
		return u->syntax->bad_port;
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
	} else if (!u->syntax->port && !u->syntax->bad_port) {
		return refused(u->syntax->no_port);
	} else {
		u->port = u->syntax->port;
	}
	return NULL;
}

/* A request target: path and query as written, values percent-encoded;
 * "/" first. */
static const char *parse_target(const struct cx *c, const char *t, size_t plen)
{
	char *p;
	const char *why = place(c, t, plen, P_ENCODE, NULL, &p);

	if (why)
		return why;
	if (*p != '/') {
		c->u->path = malloc(strlen(p) + 2);
		if (c->u->path) {
			c->u->path[0] = '/';
			strcpy(c->u->path + 1, p);
		}
		free(p);
		return c->u->path ? NULL : "out of memory";
	}
	c->u->path = p;
	return NULL;
}

/* Whatever follows host[:port]: "" or "/..." (with ?query). */
static const char *parse_tail(const struct cx *c, const char *t)
{
	const struct url_syntax *syn = c->u->syntax;
	size_t plen = strcspn(t, "#"), dlen = strcspn(t, "?#");
	const char *why = NULL;
	char *n;

	switch (syn->path) {
	case URL_PATH_NONE:
		if (plen && !(plen == 1 && *t == '/'))
			return refused(syn->bad_path);
		return NULL;
	case URL_PATH_TARGET:
		return parse_target(c, t, plen);
	case URL_PATH_DBNAME:
		return dlen > 1 ? part(c, t + 1, dlen - 1, "bad %-escape in the database name",
				       &c->u->path)
				: NULL;
	case URL_PATH_DBNUMBER:
		if (dlen && !(why = place(c, t + 1, dlen - 1, P_RAW, NULL, &n))) {
			if (strspn(n, "0123456789") != strlen(n))
				why = refused(syn->bad_path);
			free(n);
		}
		return why;
	default:
		return NULL;
	}
}

/* The parse proper; display is s redacted, whole. */
static int parse(const char *s, const char *display, struct cx *c, url_scheme_fn *scheme, char *err,
		 size_t errlen)
{
	struct url *u = c->u;
	struct url_parts p;
	const char *why = NULL, *q, *hp;
	char unknown[200], *hostport = NULL;
	size_t n;

	if (!*s)
		return fail(err, errlen, display, "empty URL");
	for (q = s; *q; q++)
		if ((unsigned char)*q < ' ' || *q == 0x7f || *q == ' ')
			return fail(err, errlen, display, "space or control character in the URL");
	url_split(s, &p);
	u->syntax = scheme(p.scheme, p.scheme_len, unknown, sizeof(unknown));
	if (!u->syntax)
		return fail(err, errlen, display, unknown);
	if (u->syntax->path == URL_PATH_LOCAL) {
		why = parse_local(c, p.auth);
	} else {
		hp = p.at ? p.at + 1 : p.auth;
		if (p.at)
			why = parse_userinfo(c, p.auth, (size_t)(p.at - p.auth));
		if (!why)
			why = place(c, hp, (size_t)(p.auth_end - hp), P_RAW, NULL, &hostport);
		if (!why)
			why = parse_hostport(u, hostport, strlen(hostport));
		free(hostport);
		if (!why)
			why = parse_tail(c, p.auth_end);
	}
	if (!why && !(u->display = strdup(display)))
		why = "out of memory";
	if (!why)
		return 0;
	url_free(u);
	if (why != ref_failed)
		return fail(err, errlen, display, why);
	n = strlen(err);
	snprintf(err + n, errlen - n, " in URL '%s'", display);
	return -EINVAL;
}

int url_parse_refs(const char *s, url_scheme_fn *scheme, url_ref_fn *ref, struct url *u, char *err,
		   size_t errlen)
{
	/* the display form is never cut short: a long URL keeps its "***"
	 * (the redaction can add 3 bytes over an empty password) */
	size_t n = (s ? strlen(s) : 0) + 8;
	char *display = malloc(n);
	struct cx c = {u, ref, err, errlen};
	int r;

	memset(u, 0, sizeof(*u));
	if (!display)
		return fail(err, errlen, "", "out of memory");
	redact_url(s ? s : "", scheme, ref ? REDACT_WRITTEN : REDACT_EXPANDED, display, n);
	r = parse(s ? s : "", display, &c, scheme, err, errlen);
	free(display);
	return r;
}

int url_parse(const char *s, url_scheme_fn *scheme, struct url *u, char *err, size_t errlen)
{
	return url_parse_refs(s, scheme, NULL, u, err, errlen);
}
