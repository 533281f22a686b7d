/* test_certname.c - the host check of server certificates (certname.c):
 * subjectAltName DNS and IP entries, wildcards, the CN fallback, and
 * malformed DER, on certificates built here byte by byte. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/certname.h"

struct b {
	uint8_t p[2048];
	size_t n;
};

static void put(struct b *o, const void *p, size_t n)
{
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

/* Append TLV(tag, c) to o. */
static void tlv(struct b *o, int tag, const void *c, size_t n)
{
	o->p[o->n++] = (uint8_t)tag;
	if (n < 128) {
		o->p[o->n++] = (uint8_t)n;
	} else {
		o->p[o->n++] = 0x82;
		o->p[o->n++] = (uint8_t)(n >> 8);
		o->p[o->n++] = (uint8_t)n;
	}
	put(o, c, n);
}

/* A certificate for CN `cn` (NULL: none) with SAN entries "dns:NAME" or
 * "ip:4BYTES" / "ip6:16BYTES" (NULL-terminated; san NULL: no extension). */
static size_t cert(uint8_t *out, const char *cn, const char *const *san)
{
	static const uint8_t cn_oid[] = {0x55, 0x04, 0x03}, san_oid[] = {0x55, 0x1d, 0x11};
	struct b tbs = {0}, x = {0}, y = {0}, z = {0}, c = {0};

	tlv(&tbs, 0xa0, "\x02\x01\x02", 3);
	tlv(&tbs, 0x02, "\x01", 1);
	tlv(&tbs, 0x30, "", 0);
	tlv(&tbs, 0x30, "", 0);
	tlv(&x, 0x17, "200101000000Z", 13); /* validity */
	tlv(&x, 0x18, "20991231235959Z", 15);
	tlv(&tbs, 0x30, x.p, x.n);
	x.n = 0;
	if (cn) { /* subject */
		tlv(&x, 0x06, cn_oid, 3);
		tlv(&x, 0x0c, cn, strlen(cn));
		tlv(&y, 0x30, x.p, x.n);
		x.n = 0;
		tlv(&x, 0x31, y.p, y.n);
		tlv(&tbs, 0x30, x.p, x.n);
	} else {
		tlv(&tbs, 0x30, "", 0);
	}
	tlv(&tbs, 0x30, "", 0); /* spki */
	if (san) {
		x.n = y.n = 0;
		for (; *san; san++) {
			if (!strncmp(*san, "dns:", 4))
				tlv(&x, 0x82, *san + 4, strlen(*san) - 4);
			else if (!strncmp(*san, "ip6:", 4))
				tlv(&x, 0x87, *san + 4, 16);
			else
				tlv(&x, 0x87, *san + 3, 4);
		}
		tlv(&y, 0x30, x.p, x.n); /* GeneralNames */
		x.n = 0;
		tlv(&x, 0x06, "\x55\x1d\x13", 3); /* basicConstraints first */
		tlv(&x, 0x01, "\xff", 1);
		tlv(&x, 0x04, "\x30\x00", 2);
		tlv(&z, 0x30, x.p, x.n);
		x.n = 0;
		tlv(&x, 0x06, san_oid, 3);
		tlv(&x, 0x04, y.p, y.n);
		tlv(&z, 0x30, x.p, x.n);
		x.n = 0;
		tlv(&x, 0x30, z.p, z.n);
		tlv(&tbs, 0xa3, x.p, x.n);
	}
	tlv(&c, 0x30, tbs.p, tbs.n);
	tlv(&c, 0x30, "", 0);
	tlv(&c, 0x03, "\0", 1);
	x.n = 0;
	tlv(&x, 0x30, c.p, c.n);
	memcpy(out, x.p, x.n);
	return x.n;
}

static char names[200];

static enum cert_name check(const uint8_t *c, size_t n, const char *host)
{
	return certname_check(c, n, host, names, sizeof(names));
}

static void t_san(void **st)
{
	static const char *const san[] = {"dns:localhost", "ip:\x7f\0\0\x01", "dns:*.w.example",
					  "ip6:\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", NULL};
	uint8_t c[2048];
	size_t n = cert(c, "cn.example", san);

	(void)st;
	assert_int_equal(check(c, n, "localhost"), CERT_NAME_OK);
	assert_string_equal(names, "localhost, 127.0.0.1, *.w.example, ::1");
	assert_int_equal(check(c, n, "LocalHost."), CERT_NAME_OK);
	assert_int_equal(check(c, n, "127.0.0.1"), CERT_NAME_OK);
	assert_int_equal(check(c, n, "::1"), CERT_NAME_OK);
	assert_int_equal(check(c, n, "0:0::1"), CERT_NAME_OK);
	assert_int_equal(check(c, n, "a.w.example"), CERT_NAME_OK);
	assert_int_equal(check(c, n, "w.example"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, "a.b.w.example"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, "127.0.0.2"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, "cn.example"), CERT_NAME_MISMATCH); /* SAN: no CN */
	assert_int_equal(check(c, n, "localhost.evil"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, ""), CERT_NAME_MISMATCH);
	/* an address never matches a DNS entry spelled like it */
	{
		static const char *const s2[] = {"dns:10.0.0.1", NULL};

		n = cert(c, NULL, s2);
		assert_int_equal(check(c, n, "10.0.0.1"), CERT_NAME_MISMATCH);
	}
}

static void t_wildcards(void **st)
{
	static const char *const tld[] = {"dns:*.com", "dns:f*.example.org", "dns:*", NULL};
	static const char *const nul[] = {"dns:good.exampleX.evil", NULL};
	uint8_t c[2048];
	size_t n = cert(c, NULL, tld);

	(void)st;
	assert_int_equal(check(c, n, "example.com"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, "foo.example.org"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, "x"), CERT_NAME_MISMATCH);
	n = cert(c, NULL, nul);
	*(uint8_t *)memchr(c, 'X', n) = '\0'; /* "good.example\0.evil" */
	assert_int_equal(check(c, n, "good.example"), CERT_NAME_MISMATCH);
	assert_int_equal(check(c, n, "good.example\0.evil"), CERT_NAME_MISMATCH);
}

static void t_cn_fallback(void **st)
{
	static const char *const none[] = {NULL};
	uint8_t c[2048];
	size_t n = cert(c, "cn.example", NULL);

	(void)st;
	assert_int_equal(check(c, n, "cn.example"), CERT_NAME_OK);
	assert_string_equal(names, "cn.example");
	assert_int_equal(check(c, n, "other.example"), CERT_NAME_MISMATCH);
	n = cert(c, "127.0.0.1", NULL);
	assert_int_equal(check(c, n, "127.0.0.1"), CERT_NAME_MISMATCH); /* never for IPs */
	n = cert(c, "cn.example", none); /* an empty SAN: the CN again */
	assert_int_equal(check(c, n, "cn.example"), CERT_NAME_OK);
	n = cert(c, NULL, NULL);
	assert_int_equal(check(c, n, "cn.example"), CERT_NAME_MISMATCH);
	assert_string_equal(names, "");
}

static void t_malformed(void **st)
{
	static const char *const san[] = {"dns:localhost", NULL};
	uint8_t c[2048], m[2048];
	size_t n = cert(c, "x", san), i;

	(void)st;
	assert_int_equal(check(c, 0, "localhost"), CERT_NAME_MALFORMED);
	assert_int_equal(check((const uint8_t *)"\x30\x80", 2, "x"), CERT_NAME_MALFORMED);
	assert_int_equal(check((const uint8_t *)"\x30\x85\1\1\1\1\1", 7, "x"), CERT_NAME_MALFORMED);
	/* every truncation is malformed, never a read past the end */
	for (i = 1; i < n; i++) {
		memcpy(m, c, i);
		assert_int_not_equal(check(m, i, "localhost"), CERT_NAME_OK);
	}
	/* every single-byte corruption: no crash (ASan runs watch) */
	for (i = 0; i < n; i++) {
		memcpy(m, c, n);
		m[i] ^= 0xff;
		(void)check(m, n, "localhost");
	}
	/* the names list is cut to fit */
	assert_int_equal(certname_check(c, n, "x", names, 5), CERT_NAME_MISMATCH);
	assert_true(strlen(names) < 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_san),
	    cmocka_unit_test(t_wildcards),
	    cmocka_unit_test(t_cn_fallback),
	    cmocka_unit_test(t_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
