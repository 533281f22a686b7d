/* trust.c - CA bundle, client certificate and key for BearSSL (see
 * trust.h).  PEM files are read whole, decoded with BearSSL's PEM and
 * X.509 decoders, and kept for the whole run. */
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

#define PEM_MAX (16 << 20) /* a bigger "CA bundle" is a mistake */

struct buf {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};

static void append(void *arg, const void *data, size_t len)
{
	struct buf *b = arg;

	if (b->oom)
		return;
	if (b->cap - b->n < len) {
		size_t cap = (b->n + len) * 2;
		uint8_t *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

/* The whole file, with a final newline (BearSSL's PEM decoder needs it). */
static int slurp(const char *path, struct buf *b)
{
	struct stat st;
	ssize_t r;
	int fd = open_regular(AT_FDCWD, path, &st), e = 0;

	if (fd < 0)
		return fd;
	if (st.st_size > PEM_MAX) {
		close(fd);
		return -EFBIG;
	}
	b->cap = (size_t)st.st_size + 2;
	b->n = 0;
	if (!(b->p = malloc(b->cap))) {
		close(fd);
		return -ENOMEM;
	}
	while (b->n < b->cap - 1 && (r = read(fd, b->p + b->n, b->cap - 1 - b->n)) != 0) {
		if (r < 0 && errno != EINTR) {
			e = -errno;
			break;
		}
		b->n += r > 0 ? (size_t)r : 0;
	}
	close(fd);
	b->p[b->n++] = '\n';
	return e;
}

typedef int (*pem_fn)(struct tls_trust *t, const char *name, const uint8_t *der, size_t n);

/* Call fn for each object of the PEM text.  Returns 0, -EBADMSG for text
 * that is not PEM, -ENOMEM, or what fn returned. */
static int pem_each(struct tls_trust *t, const struct buf *pem, pem_fn fn)
{
	br_pem_decoder_context pc;
	struct buf der = {0};
	char name[128] = "";
	size_t off = 0;
	int r = 0;

	br_pem_decoder_init(&pc);
	while (off < pem->n && !r) {
		off += br_pem_decoder_push(&pc, pem->p + off, pem->n - off);
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			snprintf(name, sizeof(name), "%s", br_pem_decoder_name(&pc));
			der.n = 0;
			br_pem_decoder_setdest(&pc, append, &der);
			break;
		case BR_PEM_END_OBJ:
			r = der.oom ? -ENOMEM : fn(t, name, der.p, der.n);
			break;
		case BR_PEM_ERROR:
			r = -EBADMSG;
			break;
		default:
			break;
		}
	}
	if (der.p)
		explicit_bzero(der.p, der.cap);
	free(der.p);
	return r;
}

static void *dup_bytes(const void *p, size_t n)
{
	void *d = malloc(n ? n : 1);

	if (d && n)
		memcpy(d, p, n);
	return d;
}

/* A CA certificate into a trust anchor; ones BearSSL cannot use (other
 * key types) are skipped. */
static int add_anchor(struct tls_trust *t, const char *name, const uint8_t *der, size_t n)
{
	br_x509_decoder_context dc;
	struct buf dn = {0};
	const br_x509_pkey *pk;
	br_x509_trust_anchor *ta;

	if (strcmp(name, "CERTIFICATE") && strcmp(name, "TRUSTED CERTIFICATE"))
		return 0;
	br_x509_decoder_init(&dc, append, &dn);
	br_x509_decoder_push(&dc, der, n);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || dn.oom) {
		free(dn.p);
		return dn.oom ? -ENOMEM : 0;
	}
	ta = realloc(t->ta, (t->nta + 1) * sizeof(*ta));
	if (!ta) {
		free(dn.p);
		return -ENOMEM;
	}
	t->ta = ta;
	ta = &t->ta[t->nta];
	memset(ta, 0, sizeof(*ta));
	ta->dn.data = dn.p;
	ta->dn.len = dn.n;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey = *pk;
	t->nta++; /* counted now, so that tls_trust_free() frees it */
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		return ta->pkey.key.rsa.n && ta->pkey.key.rsa.e ? 0 : -ENOMEM;
	}
	ta->pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
	return ta->pkey.key.ec.q ? 0 : -ENOMEM;
}

static int add_cert(struct tls_trust *t, const char *name, const uint8_t *der, size_t n)
{
	br_x509_certificate *c;

	if (strcmp(name, "CERTIFICATE"))
		return 0;
	if (!(c = realloc(t->chain, (t->nchain + 1) * sizeof(*c))))
		return -ENOMEM;
	t->chain = c;
	c[t->nchain].data = dup_bytes(der, n);
	c[t->nchain].data_len = n;
	return c[t->nchain++].data ? 0 : -ENOMEM;
}

static int add_key(struct tls_trust *t, const char *name, const uint8_t *der, size_t n)
{
	if (!strstr(name, "PRIVATE KEY") || t->key)
		return 0;
	if (strstr(name, "ENCRYPTED"))
		return -EKEYREJECTED;
	if (!(t->key = malloc(sizeof(*t->key))))
		return -ENOMEM;
	br_skey_decoder_init(t->key);
	br_skey_decoder_push(t->key, der, n);
	return br_skey_decoder_key_type(t->key) ? 0 : -EKEYREJECTED;
}

/* Read `path` and hand its PEM objects to fn.  Logs why it failed. */
static int load_pem(struct tls_trust *t, const char *what, const char *path, pem_fn fn)
{
	struct buf pem = {0};
	int r = slurp(path, &pem);

	if (!r)
		r = pem_each(t, &pem, fn);
	if (pem.p)
		explicit_bzero(pem.p, pem.cap);
	free(pem.p);
	if (r == -EINVAL)
		log_error("%s %s: not a regular file", what, path);
	else if (r == -EBADMSG)
		log_error("%s %s: not a PEM file", what, path);
	else if (r == -EKEYREJECTED)
		log_error("%s %s: not a key BearSSL can use (RSA or EC, unencrypted)", what, path);
	else if (r)
		log_error("%s %s: %s", what, path, strerror(-r));
	/* not -EINVAL, the kind of a value typed wrong: a file that cannot be used */
	return r == -EINVAL ? -ENOEXEC : r;
}

static int load_bundle(struct tls_trust *t, const struct tls_settings *s)
{
	const char *env = getenv("SSL_CERT_FILE");
	const char *path = s->cacert ? s->cacert : env && *env ? env : TLS_DEFAULT_CA;
	int r;

	snprintf(t->cafile, sizeof(t->cafile), "%s", path);
	r = load_pem(t, "CA bundle", path, add_anchor);
	if (r == -ENOENT)
		log_error("give the CA bundle with --cacert FILE or SSL_CERT_FILE, or --insecure "
			  "to skip verification");
	if (!r && !t->nta) {
		log_error("CA bundle %s: no certificate in it", path);
		r = -ENODATA;
	}
	return r;
}

int tls_trust_load(struct tls_trust *t, const struct tls_settings *s)
{
	int r = 0;

	memset(t, 0, sizeof(*t));
	t->insecure = s->insecure;
	if (!s->cert != !s->key) {
		log_error("%s without %s: mutual TLS needs both", s->cert ? "--cert" : "--key",
			  s->cert ? "--key" : "--cert");
		return -EINVAL;
	}
	if (s->insecure)
		log_warn("--insecure: TLS certificates are not verified; anyone on the path "
			 "can pose as the server");
	else
		r = load_bundle(t, s);
	if (!r && s->cert) {
		r = load_pem(t, "client certificate", s->cert, add_cert);
		if (!r && !t->nchain) {
			log_error("client certificate %s: no certificate in it", s->cert);
			r = -ENODATA;
		}
	}
	if (!r && s->key) {
		r = load_pem(t, "client key", s->key, add_key);
		if (!r && !t->key) {
			log_error("client key %s: no private key in it", s->key);
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

	for (i = 0; i < t->nta; i++) {
		free(t->ta[i].dn.data);
		if (t->ta[i].pkey.key_type == BR_KEYTYPE_RSA) {
			free(t->ta[i].pkey.key.rsa.n);
			free(t->ta[i].pkey.key.rsa.e);
		} else {
			free(t->ta[i].pkey.key.ec.q);
		}
	}
	free(t->ta);
	for (i = 0; i < t->nchain; i++)
		free(t->chain[i].data);
	free(t->chain);
	if (t->key)
		explicit_bzero(t->key, sizeof(*t->key));
	free(t->key);
	memset(t, 0, sizeof(*t));
}
