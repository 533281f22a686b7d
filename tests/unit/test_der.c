/* test_der.c - der.c: the TLV reader, certificate parts (with dates in
 * BearSSL's clock), public and private keys in every file format openssl
 * writes (files made by tests/fixtures/mkcerts.sh), and PEM, on good and
 * malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/der.h"

static char dir[] = "/tmp/muster-der-XXXXXX";

static int setup(void **st)
{
	char cmd[600];

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "sh tests/fixtures/mkcerts.sh %s && cd %s && "
		 "openssl ec -in good.key -out sec1.key 2>/dev/null && "
		 "openssl rsa -traditional -in rsa.key -out pkcs1.key 2>/dev/null",
		 dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **st)
{
	char cmd[300];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static char text[20000];
static uint8_t der[20000];
static char label[64];

/* The first PEM object of file NAME: its DER length. */
static long first(const char *name)
{
	char p[300];
	FILE *f;
	size_t n, off = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "r"));
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	return pem_next(text, n, &off, label, sizeof(label), der, sizeof(der));
}

static void t_tlv(void **st)
{
	static const uint8_t good[] = {0x30, 0x03, 0x02, 0x01, 0x05, 0x04, 0x81, 0x01, 0xaa};
	struct der d = {good, sizeof(good)}, v, w;

	(void)st;
	assert_int_equal(der_next(&d, &v, &w), 0x30);
	assert_int_equal(v.n, 3);
	assert_int_equal(w.n, 5);
	assert_int_equal(der_next(&d, &v, NULL), 0x04);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.p[0], 0xaa);
	assert_int_equal(d.n, 0);
	assert_int_equal(der_next(&d, &v, NULL), -1);
	d = (struct der){(const uint8_t *)"\x30\x80\0\0", 4}; /* indefinite */
	assert_int_equal(der_next(&d, &v, NULL), -1);
	d = (struct der){(const uint8_t *)"\x30\x84\0\0\0\1\0", 7}; /* 4 length bytes */
	assert_int_equal(der_next(&d, &v, NULL), -1);
	d = (struct der){(const uint8_t *)"\x1f\x01\0", 3}; /* long-form tag */
	assert_int_equal(der_next(&d, &v, NULL), -1);
	d = (struct der){(const uint8_t *)"\x04\x05\0", 3}; /* past the end */
	assert_int_equal(der_next(&d, &v, NULL), -1);
	d = (struct der){(const uint8_t *)"\x04\x82\x01", 3}; /* length cut */
	assert_int_equal(der_next(&d, &v, NULL), -1);
}

static void t_cert(void **st)
{
	struct der_cert c;
	br_x509_pkey k;
	long n = first("good.pem");

	(void)st;
	assert_true(n > 0);
	assert_string_equal(label, "CERTIFICATE");
	assert_int_equal(der_cert(der, (size_t)n, &c), 0);
	assert_false(c.ca);
	assert_int_equal(c.subject.p[0], 0x30);
	assert_true(c.na_days > c.nb_days + 800);
	assert_int_equal(der_pubkey(c.spki, &k), 0);
	assert_int_equal(k.key_type, BR_KEYTYPE_EC);
	assert_int_equal(k.key.ec.curve, BR_EC_secp256r1);
	assert_int_equal(k.key.ec.qlen, 65);
	n = first("ca.pem");
	assert_int_equal(der_cert(der, (size_t)n, &c), 0);
	assert_true(c.ca);
	n = first("rsa.pem");
	assert_int_equal(der_cert(der, (size_t)n, &c), 0);
	assert_int_equal(der_pubkey(c.spki, &k), 0);
	assert_int_equal(k.key_type, BR_KEYTYPE_RSA);
	assert_int_equal(k.key.rsa.nlen, 256);
	assert_int_equal(k.key.rsa.elen, 3);
	/* the expired one: 2020-01-01 .. 2020-01-02 in days since 0 AD */
	n = first("expired.pem");
	assert_int_equal(der_cert(der, (size_t)n, &c), 0);
	assert_int_equal(c.nb_days, 719528 + 18262); /* 1970 + 50 years */
	assert_int_equal(c.nb_secs, 0);
	assert_int_equal(c.na_days, 719528 + 18263);
	/* every truncation fails cleanly */
	for (long i = 0; i < n; i++)
		assert_int_equal(der_cert(der, (size_t)i, &c), -EBADMSG);
}

static void t_privkeys(void **st)
{
	static const char *const ec[] = {"good.key", "sec1.key", "client.key"};
	br_rsa_private_key rsa;
	br_ec_private_key eck;
	long n;
	size_t i;

	(void)st;
	for (i = 0; i < 3; i++) {
		n = first(ec[i]);
		assert_true(n > 0);
		assert_int_equal(der_privkey(der, (size_t)n, &rsa, &eck), BR_KEYTYPE_EC);
		assert_int_equal(eck.curve, BR_EC_secp256r1);
		assert_int_equal(eck.xlen, 32);
	}
	assert_string_equal(label, "PRIVATE KEY");
	n = first("sec1.key");
	assert_string_equal(label, "EC PRIVATE KEY");
	n = first("rsa.key");
	assert_int_equal(der_privkey(der, (size_t)n, &rsa, &eck), BR_KEYTYPE_RSA);
	assert_int_equal(rsa.n_bitlen, 2048);
	assert_int_equal(rsa.plen, 128);
	n = first("pkcs1.key");
	assert_string_equal(label, "RSA PRIVATE KEY");
	assert_int_equal(der_privkey(der, (size_t)n, &rsa, &eck), BR_KEYTYPE_RSA);
	assert_int_equal(rsa.n_bitlen, 2048);
	n = first("good.pem");
	assert_int_equal(der_privkey(der, (size_t)n, &rsa, &eck), -EBADMSG);
	for (long k = 0; k < n; k++)
		assert_int_equal(der_privkey(der, (size_t)k, &rsa, &eck), -EBADMSG);
}

static void t_pem(void **st)
{
	static const char two[] = "junk\n-----BEGIN A-----\nAAEC\n-----END A-----\n"
				  "# comment\n-----BEGIN B B-----\r\nYQ==\r\n-----END B B-----";
	size_t off = 0;
	long n;

	(void)st;
	assert_int_equal(pem_next(two, strlen(two), &off, label, sizeof(label), der, 10), 3);
	assert_string_equal(label, "A");
	assert_memory_equal(der, "\0\1\2", 3);
	assert_int_equal(pem_next(two, strlen(two), &off, label, sizeof(label), der, 10), 1);
	assert_string_equal(label, "B B");
	assert_int_equal(der[0], 'a');
	assert_int_equal(pem_next(two, strlen(two), &off, label, sizeof(label), der, 10), 0);
	assert_int_equal(off, strlen(two));
	off = 0;
	n = pem_next("-----BEGIN X-----\nA*AA\n-----END X-----\n", 37, &off, label,
		     sizeof(label), der, 10);
	assert_int_equal(n, -EBADMSG);
	off = 0;
	assert_int_equal(pem_next("-----BEGIN X-----\nAAAA\n", 23, &off, label, sizeof(label), der,
				  10),
			 -EBADMSG); /* no END */
	off = 0;
	assert_int_equal(pem_next("-----BEGIN X\n-----\n", 19, &off, label, sizeof(label), der,
				  10),
			 -EBADMSG); /* label over two lines */
	off = 0;
	assert_int_equal(pem_next("-----BEGIN X-----\nAAAAAAAA\n-----END X-----", 40, &off, label,
				  sizeof(label), der, 5),
			 -ENOSPC);
	off = 0;
	assert_int_equal(pem_next("-----BEGIN X-----", 17, &off, label, 1, der, 5), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_tlv),
	    cmocka_unit_test(t_cert),
	    cmocka_unit_test(t_privkeys),
	    cmocka_unit_test(t_pem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
