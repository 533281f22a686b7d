/* trust.h - what the TLS connections of one run share, loaded once and
 * only when a target needs TLS: the CA bundle as BearSSL trust anchors,
 * the client certificate chain and key (mutual TLS), and --insecure. */
#ifndef MUSTER_TRUST_H
#define MUSTER_TRUST_H

#include <bearssl.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

#define TLS_DEFAULT_CA "/etc/ssl/certs/ca-certificates.crt"

struct tls_settings {
	const char *cacert; /* NULL: $SSL_CERT_FILE, else TLS_DEFAULT_CA */
	const char *cert;   /* client certificate chain (PEM), NULL: none */
	const char *key;    /* its private key (PEM: RSA, EC or PKCS#8) */
	bool insecure;	    /* no verification at all (a warning says so) */
};

struct tls_trust {
	br_x509_trust_anchor *ta;
	size_t nta;
	br_x509_certificate *chain; /* client certificate chain, NULL: none */
	size_t nchain;
	int key_type; /* its key: BR_KEYTYPE_RSA or _EC, 0: none */
	br_rsa_private_key rsa;
	br_ec_private_key ec;
	uint8_t *keyder; /* what rsa or ec point into */
	size_t keylen;
	bool insecure;
	char cafile[256]; /* the bundle, for messages */
};

/* Load what `s` names into *t (once per run, when a target needs TLS;
 * with --insecure, the warning line is logged here).  Returns 0, -EINVAL
 * for --cert without --key or the reverse, -errno when a file cannot be
 * read (-ENOEXEC: not a regular file), -ENODATA when it holds no usable
 * certificate or key, -EKEYREJECTED for an encrypted or unusable key; then
 * err says why in one line, naming the file. */
int tls_trust_load(struct tls_trust *t, const struct tls_settings *s, char *err, size_t errlen);

/* Free what tls_trust_load() allocated (safe on a zeroed struct). */
void tls_trust_free(struct tls_trust *t);

/* The [tls] options of a configuration as settings. */
struct tls_settings tls_settings_of(const struct muster_conf *c);

/* The run's trust store: loaded by the first caller that needs one (a
 * target over TLS), then kept for the rest of the process, so the CA
 * bundle is read once per run and only when a target needs it (s NULL:
 * the defaults).  Returns it, or NULL with *kind (tls_trust_load()'s error) and err saying why, on
 * every call after a failure too. */
const struct tls_trust *tls_trust_once(const struct tls_settings *s, int *kind, char *err,
				       size_t errlen);

#endif
