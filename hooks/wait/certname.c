/* certname.c - the host check of a server certificate (see certname.h). */
#include "hooks/wait/certname.h"

#include "hooks/wait/der.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct check {
	const char *host;
	size_t hlen;	/* without a trailing dot */
	int family;	/* AF_INET, AF_INET6: host is an address; 0: a name */
	uint8_t ip[16];
	bool match, any; /* a name matched; the SAN had a DNS or IP entry */
	char *names;
	size_t nlen, used;
};

static void add_name(struct check *c, const char *s, size_t n)
{
	size_t i;

	if (c->used + 3 >= c->nlen)
		return;
	if (c->used) {
		memcpy(c->names + c->used, ", ", 2);
		c->used += 2;
	}
	for (i = 0; i < n && c->used + 1 < c->nlen; i++)
		c->names[c->used++] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	c->names[c->used] = '\0';
}

static bool same(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && !strncasecmp(a, b, al) && !memchr(a, '\0', al);
}

/* A DNS name of the certificate against the host name. */
static bool dns_match(const struct check *c, const char *pat, size_t pl)
{
	const char *dot;

	if (pl > 2 && pat[0] == '*' && pat[1] == '.') {
		/* one whole left-most label, and never for a top-level domain */
		dot = memchr(c->host, '.', c->hlen);
		if (!dot || dot == c->host || !memchr(pat + 2, '.', pl - 2))
			return false;
		return same(pat + 1, pl - 1, dot, c->hlen - (size_t)(dot - c->host));
	}
	return same(pat, pl, c->host, c->hlen);
}

static void general_name(struct check *c, int tag, const struct der *v)
{
	char text[64];

	if (tag == 0x82) { /* dNSName */
		c->any = true;
		add_name(c, (const char *)v->p, v->n);
		if (!c->family && dns_match(c, (const char *)v->p, v->n))
			c->match = true;
	} else if (tag == 0x87 && (v->n == 4 || v->n == 16)) { /* iPAddress */
		int fam = v->n == 4 ? AF_INET : AF_INET6;

		c->any = true;
		if (inet_ntop(fam, v->p, text, sizeof(text)))
			add_name(c, text, strlen(text));
		if (c->family == fam && !memcmp(c->ip, v->p, v->n))
			c->match = true;
	}
}

/* The extnValue of subjectAltName: SEQUENCE OF GeneralName. */
static int san(struct check *c, struct der ext)
{
	struct der seq, v;
	int tag;

	if (der_next(&ext, &seq, NULL) != 0x30 || ext.n)
		return -1;
	while (seq.n) {
		if ((tag = der_next(&seq, &v, NULL)) < 0)
			return -1;
		general_name(c, tag, &v);
	}
	return 0;
}

static int extensions(struct check *c, struct der seq)
{
	static const uint8_t san_oid[] = {0x55, 0x1d, 0x11};
	struct der ext, oid, v;
	int tag;

	while (seq.n) {
		if (der_next(&seq, &ext, NULL) != 0x30 || der_next(&ext, &oid, NULL) != 0x06)
			return -1;
		tag = der_next(&ext, &v, NULL);
		if (tag == 0x01) /* critical */
			tag = der_next(&ext, &v, NULL);
		if (tag != 0x04)
			return -1;
		if (oid.n == sizeof(san_oid) && !memcmp(oid.p, san_oid, oid.n) && san(c, v))
			return -1;
	}
	return 0;
}

/* The last CN of the subject (the most specific), when there is no SAN. */
static int common_name(struct check *c, struct der subject)
{
	static const uint8_t cn_oid[] = {0x55, 0x04, 0x03};
	struct der set, atv, oid, v, cn = {NULL, 0};

	while (subject.n) {
		if (der_next(&subject, &set, NULL) != 0x31)
			return -1;
		while (set.n) {
			if (der_next(&set, &atv, NULL) != 0x30 || der_next(&atv, &oid, NULL) != 0x06 || der_next(&atv, &v, NULL) < 0)
				return -1;
			if (oid.n == sizeof(cn_oid) && !memcmp(oid.p, cn_oid, oid.n))
				cn = v;
		}
	}
	if (cn.p) {
		add_name(c, (const char *)cn.p, cn.n);
		if (!c->family && dns_match(c, (const char *)cn.p, cn.n))
			c->match = true;
	}
	return 0;
}

enum cert_name certname_check(const uint8_t *der, size_t n, const char *host, char *names,
			      size_t nlen)
{
	struct check c = {.host = host, .names = names, .nlen = nlen};
	struct der_cert dc;
	struct der subject, unused;

	if (nlen)
		names[0] = '\0';
	c.hlen = strlen(host);
	if (c.hlen && host[c.hlen - 1] == '.')
		c.hlen--;
	if (inet_pton(AF_INET, host, c.ip) == 1)
		c.family = AF_INET;
	else if (inet_pton(AF_INET6, host, c.ip) == 1)
		c.family = AF_INET6;
	if (der_cert(der, n, &dc) || extensions(&c, dc.exts) ||
	    (!c.any && (der_next(&dc.subject, &subject, &unused) != 0x30 ||
			common_name(&c, subject))))
		return CERT_NAME_MALFORMED;
	return c.match ? CERT_NAME_OK : CERT_NAME_MISMATCH;
}
