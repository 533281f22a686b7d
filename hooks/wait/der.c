/* der.c - DER and PEM for TLS (see der.h). */
#include "hooks/wait/der.h"

#include <errno.h>
#include <string.h>

int der_next(struct der *d, struct der *val, struct der *whole)
{
	size_t len, k = 2, nb;
	int tag;

	if (d->n < 2 || (d->p[0] & 0x1f) == 0x1f)
		return -1;
	tag = d->p[0];
	len = d->p[1];
	if (len & 0x80) {
		nb = len & 0x7f;
		if (nb == 0 || nb > 3 || d->n - 2 < nb)
			return -1;
		for (len = 0; nb--;)
			len = len << 8 | d->p[k++];
	}
	if (len > d->n - k)
		return -1;
	if (whole) {
		whole->p = d->p;
		whole->n = k + len;
	}
	val->p = d->p + k;
	val->n = len;
	d->p += k + len;
	d->n -= k + len;
	return tag;
}

static bool oid_is(struct der o, const uint8_t *oid, size_t n)
{
	return o.n == n && !memcmp(o.p, oid, n);
}

static const uint8_t OID_RSA[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const uint8_t OID_EC[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};

/* P-256, P-384, P-521 by their OIDs; -1 for any other. */
static int curve_of(struct der oid)
{
	static const uint8_t p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t p384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};

	if (oid_is(oid, p256, sizeof(p256)))
		return BR_EC_secp256r1;
	if (oid.n == sizeof(p384) && !memcmp(oid.p, p384, 4))
		return oid.p[4] == 0x22 ? BR_EC_secp384r1 : oid.p[4] == 0x23 ? BR_EC_secp521r1 : -1;
	return -1;
}

static int two(const uint8_t *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* UTCTime or GeneralizedTime ("...Z") into days since 1 Jan 0 AD and
 * seconds of the day, as BearSSL counts. */
static int der_time(int tag, struct der v, uint32_t *days, uint32_t *secs)
{
	const uint8_t *p = v.p;
	long y, yy, era, doe;
	int mo, d, h, mi, s;

	if (tag == 0x17 && v.n == 13) {
		if ((y = two(p)) < 0)
			return -1;
		y += y < 50 ? 2000 : 1900;
		p += 2;
	} else if (tag == 0x18 && v.n == 15) {
		if (two(p) < 0 || two(p + 2) < 0)
			return -1;
		y = two(p) * 100 + two(p + 2);
		p += 4;
	} else {
		return -1;
	}
	mo = two(p);
	d = two(p + 2);
	h = two(p + 4);
	mi = two(p + 6);
	s = two(p + 8);
	if (p[10] != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return -1;
	/* days from the civil date (H. Hinnant's algorithm), years >= 0 */
	yy = y - (mo <= 2);
	era = yy / 400;
	doe = (yy - era * 400) * 365 + (yy - era * 400) / 4 - (yy - era * 400) / 100 +
	      (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	*days = (uint32_t)(era * 146097 + doe + 60); /* 1 Mar 0 AD is day 60 */
	*secs = (uint32_t)(h * 3600 + mi * 60 + s);
	return 0;
}

/* basicConstraints among the extensions: cA TRUE. */
static bool is_ca(struct der exts)
{
	static const uint8_t bc[] = {0x55, 0x1d, 0x13};
	struct der ext, oid, v, seq, b;
	int tag;

	while (exts.n) {
		if (der_next(&exts, &ext, NULL) != 0x30 || der_next(&ext, &oid, NULL) != 0x06)
			return false;
		tag = der_next(&ext, &v, NULL);
		if (tag == 0x01)
			tag = der_next(&ext, &v, NULL);
		if (tag == 0x04 && oid_is(oid, bc, sizeof(bc)))
			return der_next(&v, &seq, NULL) == 0x30 && der_next(&seq, &b, NULL) == 0x01 &&
			       b.n == 1 && b.p[0];
	}
	return false;
}

int der_cert(const uint8_t *p, size_t n, struct der_cert *c)
{
	struct der d = {p, n}, cert, tbs, v, t1, t2;
	int k, tag;

	memset(c, 0, sizeof(*c));
	if (der_next(&d, &cert, NULL) != 0x30 || der_next(&cert, &tbs, NULL) != 0x30)
		return -EBADMSG;
	if (tbs.n && tbs.p[0] == 0xa0 && der_next(&tbs, &v, NULL) < 0)
		return -EBADMSG;
	/* serial, signature, issuer, validity, subject, subjectPublicKeyInfo */
	for (k = 0; k < 6; k++)
		if (der_next(&tbs, &v, k == 4 ? &c->subject : NULL) != (k ? 0x30 : 0x02))
			return -EBADMSG;
		else if (k == 3 && (der_time(der_next(&v, &t1, NULL), t1, &c->nb_days, &c->nb_secs) ||
				    der_time(der_next(&v, &t2, NULL), t2, &c->na_days, &c->na_secs)))
			return -EBADMSG;
	c->spki = v;
	while (tbs.n) {
		if ((tag = der_next(&tbs, &v, NULL)) < 0)
			return -EBADMSG;
		if (tag == 0xa3 && der_next(&v, &c->exts, NULL) != 0x30)
			return -EBADMSG;
	}
	c->ca = is_ca(c->exts);
	return 0;
}

/* An INTEGER's content without its leading zeros (at least one byte). */
static unsigned char *uint_of(struct der *v)
{
	while (v->n > 1 && !v->p[0])
		v->p++, v->n--;
	return (unsigned char *)(uintptr_t)v->p;
}

int der_pubkey(struct der spki, br_x509_pkey *k)
{
	struct der alg, oid, param, bits, seq, n, e;

	if (der_next(&spki, &alg, NULL) != 0x30 || der_next(&alg, &oid, NULL) != 0x06 ||
	    der_next(&spki, &bits, NULL) != 0x03 || !bits.n || bits.p[0])
		return -EBADMSG;
	bits.p++;
	bits.n--;
	if (oid_is(oid, OID_RSA, sizeof(OID_RSA))) {
		if (der_next(&bits, &seq, NULL) != 0x30 || der_next(&seq, &n, NULL) != 0x02 ||
		    der_next(&seq, &e, NULL) != 0x02 || !n.n || !e.n)
			return -EBADMSG;
		k->key_type = BR_KEYTYPE_RSA;
		k->key.rsa.n = uint_of(&n);
		k->key.rsa.nlen = n.n;
		k->key.rsa.e = uint_of(&e);
		k->key.rsa.elen = e.n;
		return 0;
	}
	if (!oid_is(oid, OID_EC, sizeof(OID_EC)) || der_next(&alg, &param, NULL) != 0x06 ||
	    curve_of(param) < 0 || !bits.n)
		return -EBADMSG;
	k->key_type = BR_KEYTYPE_EC;
	k->key.ec.curve = curve_of(param);
	k->key.ec.q = (unsigned char *)(uintptr_t)bits.p;
	k->key.ec.qlen = bits.n;
	return 0;
}

/* RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv. */
static int rsa_priv(struct der seq, br_rsa_private_key *rsa)
{
	struct der f[9];
	unsigned b;
	int i;

	for (i = 0; i < 9; i++)
		if (der_next(&seq, &f[i], NULL) != 0x02 || !f[i].n)
			return -EBADMSG;
	uint_of(&f[1]);
	for (b = 0; b < 8 && f[1].p[0] >> b; b++)
		;
	rsa->n_bitlen = (uint32_t)((f[1].n - 1) * 8 + b);
	rsa->p = uint_of(&f[4]);
	rsa->plen = f[4].n;
	rsa->q = uint_of(&f[5]);
	rsa->qlen = f[5].n;
	rsa->dp = uint_of(&f[6]);
	rsa->dplen = f[6].n;
	rsa->dq = uint_of(&f[7]);
	rsa->dqlen = f[7].n;
	rsa->iq = uint_of(&f[8]);
	rsa->iqlen = f[8].n;
	return BR_KEYTYPE_RSA;
}

/* ECPrivateKey: version, privateKey, [0] curve (else `curve`), [1]. */
static int ec_priv(struct der seq, int curve, br_ec_private_key *ec)
{
	struct der ver, x, ctx, oid;

	if (der_next(&seq, &ver, NULL) != 0x02 || der_next(&seq, &x, NULL) != 0x04 || !x.n)
		return -EBADMSG;
	while (seq.n) {
		int tag = der_next(&seq, &ctx, NULL);

		if (tag < 0)
			return -EBADMSG;
		if (tag == 0xa0 && der_next(&ctx, &oid, NULL) == 0x06)
			curve = curve_of(oid);
	}
	if (curve < 0)
		return -EBADMSG;
	ec->curve = curve;
	ec->x = (unsigned char *)(uintptr_t)x.p;
	ec->xlen = x.n;
	return BR_KEYTYPE_EC;
}

int der_privkey(const uint8_t *p, size_t n, br_rsa_private_key *rsa, br_ec_private_key *ec)
{
	struct der d = {p, n}, seq, rest, a, alg, oid, param, oct, inner;
	int tag;

	if (der_next(&d, &seq, NULL) != 0x30)
		return -EBADMSG;
	rest = seq;
	if (der_next(&rest, &a, NULL) != 0x02)
		return -EBADMSG;
	tag = der_next(&rest, &alg, NULL);
	if (tag == 0x02)
		return rsa_priv(seq, rsa);
	if (tag == 0x04)
		return ec_priv(seq, -1, ec);
	/* PKCS#8: version, AlgorithmIdentifier, OCTET STRING */
	if (tag != 0x30 || der_next(&alg, &oid, NULL) != 0x06 ||
	    der_next(&rest, &oct, NULL) != 0x04 || der_next(&oct, &inner, NULL) != 0x30)
		return -EBADMSG;
	if (oid_is(oid, OID_RSA, sizeof(OID_RSA)))
		return rsa_priv(inner, rsa);
	if (!oid_is(oid, OID_EC, sizeof(OID_EC)) || der_next(&alg, &param, NULL) != 0x06)
		return -EBADMSG;
	return ec_priv(inner, curve_of(param), ec);
}

static int b64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* s in t[from..n): a plain scan (musl's memmem costs the static binary
 * 800 bytes; PEM files are small). */
static const char *find(const char *t, size_t n, size_t from, const char *s)
{
	size_t k = strlen(s);

	for (; from + k <= n; from++)
		if (t[from] == s[0] && !memcmp(t + from, s, k))
			return t + from;
	return NULL;
}

long pem_next(const char *t, size_t n, size_t *off, char *label, size_t llen, uint8_t *out,
	      size_t cap)
{
	const char *b = find(t, n, *off, "-----BEGIN "), *l, *e, *p;
	unsigned acc = 0, bits = 0;
	size_t o = 0, k;

	if (!b) {
		*off = n;
		return 0;
	}
	l = b + 11;
	if (!(e = find(t, n, (size_t)(l - t), "-----")) || memchr(l, '\n', (size_t)(e - l)) ||
	    (size_t)(e - l) >= llen)
		return -EBADMSG;
	memcpy(label, l, (size_t)(e - l));
	label[e - l] = '\0';
	p = e + 5;
	if (!(e = find(t, n, (size_t)(p - t), "-----END ")))
		return -EBADMSG;
	for (; p < e; p++) {
		int v = b64(*p);

		if (v < 0) {
			if (*p == '=' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
				continue;
			return -EBADMSG;
		}
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o >= cap)
				return -ENOSPC;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	k = (size_t)(e - t) + 9;
	while (k < n && t[k] != '\n')
		k++;
	*off = k;
	return (long)o;
}
