/* fuzz_der.c - der.c on arbitrary bytes: as a certificate (and its key),
 * as a private key, and as PEM text (every object). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/der.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[4096];
	struct der_cert c;
	br_x509_pkey k;
	br_rsa_private_key rsa;
	br_ec_private_key ec;
	char label[64];
	size_t off = 0;
	long n;
	int t;

	if (!der_cert(data, size, &c)) {
		if (c.subject.p < data || c.subject.p + c.subject.n > data + size)
			abort();
		if (!der_pubkey(c.spki, &k) && k.key_type == BR_KEYTYPE_EC &&
		    (k.key.ec.q < data || k.key.ec.q + k.key.ec.qlen > data + size))
			abort();
	}
	t = der_privkey(data, size, &rsa, &ec);
	if (t == BR_KEYTYPE_EC && (ec.x < data || ec.x + ec.xlen > data + size))
		abort();
	if (t == BR_KEYTYPE_RSA && (rsa.iq < data || rsa.iq + rsa.iqlen > data + size))
		abort();
	while ((n = pem_next((const char *)data, size, &off, label, sizeof(label), out,
			     sizeof(out))) > 0)
		if (!memchr(label, '\0', sizeof(label)) || off > size)
			abort();
	return 0;
}
