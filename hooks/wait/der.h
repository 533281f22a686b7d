/* der.h - the little DER that TLS needs of muster itself: one TLV reader,
 * the parts of an X.509 certificate (subject, key, validity, CA flag,
 * extensions), public and private keys in BearSSL's shapes, and PEM text
 * to DER.  Pure; it reads certificates servers send (insecure mode, the
 * host check) and key files, so every length is checked.  (BearSSL's own
 * PEM, X.509 and key decoders would cost the static binary 5 KB more.) */
#ifndef MUSTER_DER_H
#define MUSTER_DER_H

#include <bearssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct der {
	const uint8_t *p;
	size_t n;
};

/* The next TLV of *d: its content into *val (and the whole element into
 * *whole when not NULL); advances d.  Returns the tag, or -1 when
 * malformed (long-form tags, indefinite or over-long lengths). */
int der_next(struct der *d, struct der *val, struct der *whole);

struct der_cert {
	struct der subject; /* the whole Name element (a trust anchor's DN) */
	struct der spki;    /* SubjectPublicKeyInfo content */
	struct der exts;    /* content of [3] (SEQUENCE OF Extension), or empty */
	uint32_t nb_days, nb_secs, na_days, na_secs; /* validity, BearSSL's clock:
							days since 1 Jan 0 AD */
	bool ca; /* basicConstraints cA */
};

/* The parts of a DER certificate.  Returns 0 or -EBADMSG. */
int der_cert(const uint8_t *p, size_t n, struct der_cert *c);

/* A SubjectPublicKeyInfo (content) as a BearSSL key, pointing into the
 * DER: RSA, or EC on P-256, P-384, P-521.  Returns 0 or -EBADMSG. */
int der_pubkey(struct der spki, br_x509_pkey *k);

/* A private key (PKCS#1 RSA, SEC1 EC or PKCS#8 of either), pointing into
 * the DER.  Returns BR_KEYTYPE_RSA or BR_KEYTYPE_EC, or -EBADMSG. */
int der_privkey(const uint8_t *p, size_t n, br_rsa_private_key *rsa, br_ec_private_key *ec);

/* The next PEM object of text[*off..n): its label ("CERTIFICATE", ...) and
 * base64-decoded content into out (cap bytes).  Returns its length, 0 when
 * there is none left, -EBADMSG for a broken object, -ENOSPC. */
long pem_next(const char *text, size_t n, size_t *off, char *label, size_t llen, uint8_t *out,
	      size_t cap);

#endif
