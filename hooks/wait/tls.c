/* tls.c - a TLS client connection with BearSSL's engine (see tls.h).
 *
 * The profile is kept small for the static binary: TLS 1.2, ECDHE_ECDSA
 * and ECDHE_RSA with AES-128-GCM and AES-256-GCM (the suites RFC 9113
 * requires of HTTP/2 included) with the constant-time 32-bit AES and GHASH
 * (the smallest that are; speed does not matter for one request), the
 * generic NIST-curve code (P-256, P-384, P-521) for key exchange and ECDSA,
 * i31 RSA, SHA-256/384/512.
 *
 * Certificates go through BearSSL's X.509 "minimal" engine (chain, dates,
 * signatures) wrapped in `struct xcheck`, which keeps the server's own
 * certificate to check the host name itself (certname.c: DNS and IP
 * entries; BearSSL has no IP check) and to name the cause of a failure,
 * and which, with --insecure, accepts any certificate's key. */
#include "hooks/wait/tls.h"

#include <bearssl.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "hooks/wait/certname.h"
#include "hooks/wait/der.h"
#include "hooks/wait/trust.h"

#define EE_MAX	 16384	    /* the server's certificate, kept for the checks */
#define OBUF_LEN (4096 + 85) /* requests are small: 4 KiB records out */

struct xcheck {
	const br_x509_class *vtable; /* first: BearSSL calls through it */
	br_x509_minimal_context xm;
	struct der_cert cert; /* the server's certificate: dates, key */
	bool parsed;	      /* ... when it is readable */
	br_x509_pkey pkey;    /* its key, with --insecure */
	const char *host;
	bool insecure;
	unsigned ncert;
	size_t eelen;
	bool ee_over;
	char names[160]; /* who the certificate is for, after a mismatch */
	uint8_t ee[EE_MAX];
};

struct tls_conn {
	br_ssl_client_context cc;
	struct xcheck x;
	const struct tls_trust *trust;
	const char *alpn[1];
	bool ready, eof;
	char host[256];
	uint8_t ibuf[BR_SSL_BUFSIZE_INPUT];
	uint8_t obuf[OBUF_LEN];
};

static struct xcheck *xc_of(const br_x509_class *const *ctx)
{
	return (struct xcheck *)(uintptr_t)ctx;
}

static void xc_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct xcheck *x = xc_of(ctx);

	(void)server_name; /* the name check is ours: x->host */
	x->ncert = 0;
	x->eelen = 0;
	x->ee_over = false;
	x->names[0] = '\0';
	x->parsed = false;
	x->xm.vtable->start_chain(&x->xm.vtable, NULL);
}

static void xc_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct xcheck *x = xc_of(ctx);

	x->ncert++;
	x->xm.vtable->start_cert(&x->xm.vtable, length);
}

static void xc_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct xcheck *x = xc_of(ctx);

	if (x->ncert == 1) {
		size_t k = len < EE_MAX - x->eelen ? len : EE_MAX - x->eelen;

		memcpy(x->ee + x->eelen, buf, k);
		x->eelen += k;
		x->ee_over |= k < len;
	}
	x->xm.vtable->append(&x->xm.vtable, buf, len);
}

static void xc_end_cert(const br_x509_class **ctx)
{
	struct xcheck *x = xc_of(ctx);

	x->xm.vtable->end_cert(&x->xm.vtable);
}

static unsigned xc_end_chain(const br_x509_class **ctx)
{
	struct xcheck *x = xc_of(ctx);
	unsigned r = x->xm.vtable->end_chain(&x->xm.vtable);

	x->parsed = !x->ee_over && !der_cert(x->ee, x->eelen, &x->cert);
	if (x->insecure)
		return x->parsed && !der_pubkey(x->cert.spki, &x->pkey) ? 0 : BR_ERR_X509_UNSUPPORTED;
	if (r)
		return r;
	if (x->ee_over) {
		snprintf(x->names, sizeof(x->names), "a certificate over %d bytes", EE_MAX);
		return BR_ERR_X509_BAD_SERVER_NAME;
	}
	switch (certname_check(x->ee, x->eelen, x->host, x->names, sizeof(x->names))) {
	case CERT_NAME_OK:
		return 0;
	case CERT_NAME_MISMATCH:
		return BR_ERR_X509_BAD_SERVER_NAME;
	default:
		return BR_ERR_X509_INVALID_VALUE;
	}
}

static const br_x509_pkey *xc_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct xcheck *x = xc_of(ctx);

	if (!x->insecure)
		return x->xm.vtable->get_pkey(&x->xm.vtable, usages);
	if (usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return &x->pkey;
}

static const br_x509_class xcheck_class = {
    sizeof(struct xcheck), xc_start_chain, xc_start_cert, xc_append,
    xc_end_cert,	   xc_end_chain,   xc_get_pkey};

/* The engine's algorithms (see the top of this file). */
static void profile(struct tls_conn *t)
{
	static const uint16_t suites[] = {
	    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384};
	static const br_hash_class *const hashes[] = {&br_sha256_vtable, &br_sha384_vtable,
						      &br_sha512_vtable};
	br_ssl_engine_context *eng = &t->cc.eng;
	br_x509_minimal_context *xm = &t->x.xm;
	size_t i;

	br_ssl_client_zero(&t->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, suites, sizeof(suites) / sizeof(suites[0]));
	br_ssl_engine_set_ec(eng, &br_ec_prime_i31);
	br_ssl_engine_set_rsavrfy(eng, &br_rsa_i31_pkcs1_vrfy);
	br_ssl_engine_set_ecdsa(eng, &br_ecdsa_i31_vrfy_asn1);
	br_x509_minimal_init(xm, &br_sha256_vtable, t->trust->ta, t->trust->nta);
	br_x509_minimal_set_rsa(xm, &br_rsa_i31_pkcs1_vrfy);
	br_x509_minimal_set_ecdsa(xm, &br_ec_prime_i31, &br_ecdsa_i31_vrfy_asn1);
	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		int id = (int)((hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK);

		br_ssl_engine_set_hash(eng, id, hashes[i]);
		br_x509_minimal_set_hash(xm, id, hashes[i]);
	}
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct_ctr_vtable);
	br_ssl_engine_set_ghash(eng, &br_ghash_ctmul);
	t->x.vtable = &xcheck_class;
	br_ssl_engine_set_x509(eng, &t->x.vtable);
}

/* Mutual TLS: the chain and key of tls_trust, RSA or EC. */
static void client_cert(struct tls_conn *t)
{
	const struct tls_trust *tr = t->trust;

	if (tr->key_type == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(&t->cc, tr->chain, tr->nchain, &tr->rsa,
					     br_rsa_i31_pkcs1_sign);
	else if (tr->key_type == BR_KEYTYPE_EC)
		br_ssl_client_set_single_ec(&t->cc, tr->chain, tr->nchain, &tr->ec,
					    BR_KEYTYPE_SIGN, 0, &br_ec_prime_i31,
					    br_ecdsa_i31_sign_asn1);
}

static bool is_address(const char *host)
{
	return strchr(host, ':') || strspn(host, "0123456789.") == strlen(host);
}

int tls_conn_new(struct tls_conn **out, const struct tls_trust *trust, const char *host,
		 const char *alpn)
{
	struct tls_conn *t = malloc(sizeof(*t));
	uint8_t seed[32];

	*out = NULL;
	if (!t)
		return -ENOMEM;
	memset(t, 0, offsetof(struct tls_conn, ibuf));
	t->trust = trust;
	snprintf(t->host, sizeof(t->host), "%s", host);
	t->x.host = t->host;
	t->x.insecure = trust->insecure;
	profile(t);
	client_cert(t);
	br_ssl_engine_set_buffers_bidi(&t->cc.eng, t->ibuf, sizeof(t->ibuf), t->obuf,
				       sizeof(t->obuf));
	br_ssl_engine_add_flags(&t->cc.eng, BR_OPT_NO_RENEGOTIATION);
	if (alpn) {
		t->alpn[0] = alpn;
		br_ssl_engine_set_protocol_names(&t->cc.eng, t->alpn, 1);
	}
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		br_ssl_engine_inject_entropy(&t->cc.eng, seed, sizeof(seed));
	explicit_bzero(seed, sizeof(seed));
	/* SNI for a name only (RFC 6066); the name check is xcheck's */
	if (!br_ssl_client_reset(&t->cc, is_address(host) ? NULL : t->host, 0)) {
		free(t);
		return -EIO;
	}
	*out = t;
	return 0;
}

void tls_conn_free(struct tls_conn *t)
{
	if (t)
		explicit_bzero(t, sizeof(*t));
	free(t);
}

/* The socket failed on send: what the server sent before it closed (an
 * alert that says why) may still be waiting; hand it to the engine. */
static void read_last_words(struct tls_conn *t, int fd)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	unsigned char *buf;
	size_t len;
	ssize_t n;

	while (br_ssl_engine_current_state(eng) & BR_SSL_RECVREC) {
		buf = br_ssl_engine_recvrec_buf(eng, &len);
		n = recv(fd, buf, len, MSG_DONTWAIT);
		if (n <= 0)
			break;
		br_ssl_engine_recvrec_ack(eng, (size_t)n);
	}
}

int tls_pump(struct tls_conn *t, int fd)
{
	br_ssl_engine_context *eng = &t->cc.eng;

	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		unsigned char *buf;
		size_t len;
		ssize_t n;

		if (st & BR_SSL_CLOSED)
			return br_ssl_engine_last_error(eng) ? -EPROTO : 1;
		if (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))
			t->ready = true;
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(fd, buf, len, MSG_NOSIGNAL);
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				continue;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				int e = errno;

				read_last_words(t, fd);
				return br_ssl_engine_last_error(eng) ? -EPROTO : -e;
			}
		}
		if ((st & BR_SSL_RECVREC) && !t->eof) {
			buf = br_ssl_engine_recvrec_buf(eng, &len);
			n = recv(fd, buf, len, 0);
			if (n > 0) {
				br_ssl_engine_recvrec_ack(eng, (size_t)n);
				continue;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
			t->eof = n == 0;
		}
		/* a close without close_notify: the end, after the handshake */
		if (t->eof)
			return t->ready ? 1 : -EPROTO;
		return 0;
	}
}

short tls_events(const struct tls_conn *t)
{
	unsigned st = br_ssl_engine_current_state(&t->cc.eng);
	short ev = 0;

	if (st & BR_SSL_SENDREC)
		ev |= POLLOUT;
	if ((st & BR_SSL_RECVREC) && !t->eof)
		ev |= POLLIN;
	return ev;
}

bool tls_ready(const struct tls_conn *t)
{
	return t->ready;
}

size_t tls_write(struct tls_conn *t, const void *p, size_t n)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	unsigned char *buf;
	size_t len;

	if (!(br_ssl_engine_current_state(eng) & BR_SSL_SENDAPP))
		return 0;
	buf = br_ssl_engine_sendapp_buf(eng, &len);
	if (len > n)
		len = n;
	memcpy(buf, p, len);
	br_ssl_engine_sendapp_ack(eng, len);
	br_ssl_engine_flush(eng, 0);
	return len;
}

bool tls_flushed(const struct tls_conn *t)
{
	return !(br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_SENDREC);
}

size_t tls_read(struct tls_conn *t, void *p, size_t n)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	unsigned char *buf;
	size_t len;

	if (!(br_ssl_engine_current_state(eng) & BR_SSL_RECVAPP))
		return 0;
	buf = br_ssl_engine_recvapp_buf(eng, &len);
	if (len > n)
		len = n;
	memcpy(p, buf, len);
	br_ssl_engine_recvapp_ack(eng, len);
	return len;
}

/* The text after key `k` in a table of (key byte, text NUL) pairs ending
 * with a 0 key, or NULL. */
static const char *lookup(const char *table, int k)
{
	for (; *table; table += strlen(table) + 1)
		if ((unsigned char)*table == k)
			return table + 1;
	return NULL;
}

/* A fatal alert the server sent.  A handshake_failure after the server
 * sent its certificate (so a cipher suite was agreed) means it wanted one
 * from muster. */
static void alert_why(const struct tls_conn *t, int alert, char *buf, size_t n)
{
	static const char known[] =
	    "\x28" "the server refused the handshake: no cipher suite in common?\0"
	    "\x2a" "the server rejected the client certificate\0"
	    "\x2b" "the server cannot use the client certificate\0"
	    "\x2d" "the server says the client certificate expired\0"
	    "\x2e" "the server does not trust the client certificate\0"
	    "\x30" "the server does not trust the client certificate: unknown CA\0"
	    "\x46" "the server refused TLS 1.2\0"
	    "\x70" "the server does not know this host name (SNI)\0"
	    "\x74" "the server requires a client certificate: --cert/--key\0"
	    "\x78" "the server does not speak h2 (ALPN)\0";
	const char *why = lookup(known, alert);

	if (alert == 40 && t->x.ncert && !t->trust->key_type)
		why = lookup(known, 116);
	snprintf(buf, n, "%s (alert %d)", why ? why : "the server ended the handshake", alert);
}

/* An expired chain: the server's own certificate, or one above it. */
static void dates_why(const struct tls_conn *t, char *buf, size_t n)
{
	const struct der_cert *c = &t->x.cert;
	time_t now = time(NULL);
	uint32_t days = (uint32_t)(now / 86400) + 719528, secs = (uint32_t)(now % 86400);

	if (!t->x.parsed)
		snprintf(buf, n, "certificate expired or not yet valid");
	else if (c->na_days < days || (c->na_days == days && c->na_secs < secs))
		snprintf(buf, n, "certificate expired");
	else if (c->nb_days > days || (c->nb_days == days && c->nb_secs > secs))
		snprintf(buf, n, "certificate not yet valid");
	else
		snprintf(buf, n, "certificate expired (a CA certificate of the chain)");
}

void tls_why(const struct tls_conn *t, char *buf, size_t n)
{
	static const char known[] = "\x10" "no cipher suite in common (muster: ECDHE, AES-GCM)\0"
				    "\x34" "bad certificate signature\0"
				    "\x39" "certificate has an unsupported critical extension\0"
				    "\x3a" "certificate issued by a certificate that is not a CA\0"
				    "\x3b" "certificate key usage forbids TLS server use\0"
				    "\x3c" "certificate key too weak\0"
				    "\x31" "certificate algorithm not supported\0"
				    "\x23" "the server sent no certificate\0"
				    "\x35" "no clock to check certificate dates\0"
				    "\x21" "malformed certificate\0";
	int e = br_ssl_engine_last_error(&t->cc.eng);
	const char *why = e > 0 && e < 256 ? lookup(known, e) : NULL;

	if (e == BR_ERR_X509_EXPIRED)
		dates_why(t, buf, n);
	else if (e == BR_ERR_X509_NOT_TRUSTED)
		snprintf(buf, n, "unknown CA (not signed by a CA in %s)", t->trust->cafile);
	else if (e == BR_ERR_X509_BAD_SERVER_NAME)
		snprintf(buf, n, "name mismatch (certificate is for %s, not %s)",
			 *t->x.names ? t->x.names : "no name", t->host);
	else if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT)
		alert_why(t, e - BR_ERR_RECV_FATAL_ALERT, buf, n);
	else if (why)
		snprintf(buf, n, "%s", why);
	else if (!t->ready && e < BR_ERR_X509_OK)
		snprintf(buf, n, "TLS handshake failed: %s (error %d; not a TLS server?)",
			 t->eof ? "connection closed" : "unexpected answer", e);
	else
		snprintf(buf, n, "TLS error %d", e);
}
