/* trust.c - CA bundle, client certificate and key for BearSSL (see
 * trust.h).  PEM files are read whole, decoded by der.c, and what BearSSL
 * needs is kept for the whole run. */
#include "hooks/wait/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/file.h"
#include "conf/log.h"
#include "hooks/wait/der.h"

#define PEM_MAX (16 << 20) /* a bigger "CA bundle" is a mistake */

/* A PEM file, whole and NUL-terminated (conf/file.h). */
struct buf {
	char *p;
	size_t n;
};

static int slurp(const char *path, struct buf *b)
{
	int fd = open_regular(AT_FDCWD, path, NULL);

	return fd < 0 ? fd : fd_read_all(fd, PEM_MAX, &b->p, &b->n);
}

typedef int (*pem_fn)(struct tls_trust *t, const char *label, const uint8_t *der, size_t n);

/* Call fn for each object of the PEM text (`secret`: wipe the DER after).
 * Returns 0, -EBADMSG for a broken PEM object, -ENOMEM, or what fn
 * returned. */
static int pem_each(struct tls_trust *t, const struct buf *pem, pem_fn fn, bool secret)
{
	uint8_t *der = malloc(pem->n + 1);
	char label[64];
	size_t off = 0;
	long n = 0;
	int r = 0;

	if (!der)
		return -ENOMEM;
	while (!r && (n = pem_next(pem->p, pem->n, &off, label, sizeof(label), der, pem->n)) > 0)
		r = fn(t, label, der, (size_t)n);
	if (!r && n < 0)
		r = -EBADMSG;
	if (secret)
		explicit_bzero(der, pem->n);
	free(der);
	return r;
}

static void *dup_bytes(const void *p, size_t n)
{
	void *d = malloc(n ? n : 1);

	if (d && n)
		memcpy(d, p, n);
	return d;
}

/* A CA certificate into a trust anchor (its DN and key copied into one
 * block); ones BearSSL cannot use (other key types) are skipped. */
static int add_anchor(struct tls_trust *t, const char *label, const uint8_t *der, size_t n)
{
	struct der_cert c;
	br_x509_pkey k;
	br_x509_trust_anchor *ta;
	uint8_t *blk;
	size_t kl;

	if (strcmp(label, "CERTIFICATE") && strcmp(label, "TRUSTED CERTIFICATE"))
		return 0;
	if (der_cert(der, n, &c) || der_pubkey(c.spki, &k))
		return 0;
	kl = k.key_type == BR_KEYTYPE_RSA ? k.key.rsa.nlen + k.key.rsa.elen : k.key.ec.qlen;
	if (!(ta = realloc(t->ta, (t->nta + 1) * sizeof(*ta))))
		return -ENOMEM;
	t->ta = ta;
	if (!(blk = malloc(c.subject.n + kl)))
		return -ENOMEM;
	ta = &t->ta[t->nta++];
	memcpy(blk, c.subject.p, c.subject.n);
	ta->dn.data = blk;
	ta->dn.len = c.subject.n;
	ta->flags = c.ca ? BR_X509_TA_CA : 0;
	ta->pkey = k;
	blk += c.subject.n;
	if (k.key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = memcpy(blk, k.key.rsa.n, k.key.rsa.nlen);
		ta->pkey.key.rsa.e = memcpy(blk + k.key.rsa.nlen, k.key.rsa.e, k.key.rsa.elen);
	} else {
		ta->pkey.key.ec.q = memcpy(blk, k.key.ec.q, k.key.ec.qlen);
	}
	return 0;
}

static int add_cert(struct tls_trust *t, const char *label, const uint8_t *der, size_t n)
{
	br_x509_certificate *c;

	if (strcmp(label, "CERTIFICATE"))
		return 0;
	if (!(c = realloc(t->chain, (t->nchain + 1) * sizeof(*c))))
		return -ENOMEM;
	t->chain = c;
	c[t->nchain].data = dup_bytes(der, n);
	c[t->nchain].data_len = n;
	return c[t->nchain++].data ? 0 : -ENOMEM;
}

static int add_key(struct tls_trust *t, const char *label, const uint8_t *der, size_t n)
{
	int r;

	if (!strstr(label, "PRIVATE KEY") || t->key_type)
		return 0;
	if (strstr(label, "ENCRYPTED"))
		return -EKEYREJECTED;
	if (!(t->keyder = dup_bytes(der, n)))
		return -ENOMEM;
	t->keylen = n;
	r = der_privkey(t->keyder, n, &t->rsa, &t->ec);
	if (r < 0)
		return -EKEYREJECTED;
	t->key_type = r;
	return 0;
}

/* Read `path` and hand its PEM objects to fn; why it failed into err. */
static int load_pem(struct tls_trust *t, const char *what, const char *path, pem_fn fn,
		    char *err, size_t errlen)
{
	struct buf pem = {0};
	int r = slurp(path, &pem);

	if (!r)
		r = pem_each(t, &pem, fn, fn == add_key);
	if (r == -EBADMSG && fn == add_key && strstr(pem.p, "ENCRYPTED"))
		r = -EKEYREJECTED; /* an old-style encrypted key has headers */
	if (pem.p && fn == add_key)
		explicit_bzero(pem.p, pem.n);
	free(pem.p);
	if (r == -EINVAL)
		snprintf(err, errlen, "%s %s: not a regular file", what, path);
	else if (r == -EBADMSG)
		snprintf(err, errlen, "%s %s: not a PEM file", what, path);
	else if (r == -EKEYREJECTED)
		snprintf(err, errlen, "%s %s: not a key muster can use (RSA or EC, unencrypted)",
			 what, path);
	else if (r == -ENOENT && fn == add_anchor)
		snprintf(err, errlen,
			 "%s %s: %s (give one with --cacert FILE or SSL_CERT_FILE, or skip "
			 "verification with --insecure)",
			 what, path, strerror(-r));
	else if (r)
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(-r));
	/* not -EINVAL, the kind of a value typed wrong: a file that cannot be used */
	return r == -EINVAL ? -ENOEXEC : r;
}

/* The certificates or key `fn` takes from `path`; -ENODATA when none. */
static int load_some(struct tls_trust *t, const char *what, const char *path, pem_fn fn,
		     const size_t *count, char *err, size_t errlen)
{
	int r = load_pem(t, what, path, fn, err, errlen);

	if (!r && !*count) {
		snprintf(err, errlen, "%s %s: no %s in it", what, path,
			 fn == add_key ? "private key" : "certificate");
		r = -ENODATA;
	}
	return r;
}

int tls_trust_load(struct tls_trust *t, const struct tls_settings *s, char *err, size_t errlen)
{
	const char *env = getenv("SSL_CERT_FILE");
	int r = 0;

	memset(t, 0, sizeof(*t));
	t->insecure = s->insecure;
	if (!s->cert != !s->key) {
		snprintf(err, errlen, "%s without %s: mutual TLS needs both",
			 s->cert ? "--cert" : "--key", s->cert ? "--key" : "--cert");
		return -EINVAL;
	}
	snprintf(t->cafile, sizeof(t->cafile), "%s",
		 s->cacert ? s->cacert : env && *env ? env : TLS_DEFAULT_CA);
	if (s->insecure)
		log_warn("--insecure: TLS certificates are not verified; anyone on the path "
			 "can pose as the server");
	else
		r = load_some(t, "CA bundle", t->cafile, add_anchor, &t->nta, err, errlen);
	if (!r && s->cert)
		r = load_some(t, "client certificate", s->cert, add_cert, &t->nchain, err,
			      errlen);
	if (!r && s->key) {
		r = load_pem(t, "client key", s->key, add_key, err, errlen);
		if (!r && !t->key_type) {
			snprintf(err, errlen, "client key %s: no private key in it", s->key);
			r = -ENODATA;
		}
	}
	if (r)
		tls_trust_free(t);
	return r;
}

void tls_trust_free(struct tls_trust *t)
{
	size_t i;

	for (i = 0; i < t->nta; i++)
		free(t->ta[i].dn.data); /* the block of its DN and key */
	free(t->ta);
	for (i = 0; i < t->nchain; i++)
		free(t->chain[i].data);
	free(t->chain);
	if (t->keyder)
		explicit_bzero(t->keyder, t->keylen);
	free(t->keyder);
	memset(t, 0, sizeof(*t));
}

struct tls_settings tls_settings_of(const struct muster_conf *c)
{
	return (struct tls_settings){c->tls_cacert, c->tls_cert, c->tls_key, c->tls_insecure};
}

const struct tls_trust *tls_trust_once(const struct tls_settings *s, int *kind, char *err,
				       size_t errlen)
{
	static const struct tls_settings defaults;
	static struct tls_trust trust;
	static char why[512];
	static int rc = 1; /* 1: not loaded yet */

	if (!s)
		s = &defaults;
	if (rc == 1)
		rc = tls_trust_load(&trust, s, why, sizeof(why));
	if (!rc)
		return &trust;
	*kind = rc;
	snprintf(err, errlen, "%s", why);
	return NULL;
}
