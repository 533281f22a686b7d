/* test_hpack.c - the HPACK decoder (RFC 7541 Appendix C vectors, Huffman;
 * the dynamic table is off: its uses are errors) on good and malformed
 * input, and the literal encoder against the decoder. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/hpack.h"

static char got[8192];

static int collect(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	size_t o = strlen(got);

	(void)arg;
	snprintf(got + o, sizeof(got) - o, "%.*s: %.*s\n", (int)nl, n, (int)vl, v);
	return 0;
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	unsigned b;

	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
		hex += 2;
	}
	return n;
}

/* Decode a hex block; returns hpack_decode()'s result, fields in got. */
static int dec(const char *hex, const char **err)
{
	static uint8_t b[4096];
	const char *e = NULL;
	size_t n = unhex(hex, b);

	got[0] = '\0';
	return hpack_decode(b, n, collect, NULL, err ? err : &e);
}

/* C.4.1: a request, Huffman-coded, with a field "with incremental
 * indexing" (decoded; the table is off, so nothing is kept). */
static void t_request_c4(void **st)
{
	const char *err = NULL;

	(void)st;
	assert_int_equal(dec("828684418cf1e3c2e5f23a6ba0ab90f4ff", NULL), 0);
	assert_string_equal(got, ":method: GET\n:scheme: http\n:path: /\n"
				 ":authority: www.example.com\n");
	/* C.4.2 refers to the entry C.4.1 would have made: refused */
	assert_int_equal(dec("828684be5886a8eb10649cbf", &err), -EPROTO);
	assert_string_equal(err, "index into a dynamic table, which muster turned off");
	assert_string_equal(got, ":method: GET\n:scheme: http\n:path: /\n");
}

/* C.6.1: a response, Huffman-coded, after the size update to 0 that a
 * server sends once it has muster's SETTINGS. */
static void t_response_c6(void **st)
{
	(void)st;
	assert_int_equal(dec("20 4882640258 85aec3771a4b "
			     "6196d07abe941054d444a8200595040b8166e082a62d1bff "
			     "6e919d29ad171863c78f0b97c8e9ae82ae43d3",
			     NULL),
			 0);
	assert_string_equal(got, ":status: 302\ncache-control: private\n"
				 "date: Mon, 21 Oct 2013 20:13:21 GMT\n"
				 "location: https://www.example.com\n");
	assert_int_equal(dec("4883640effc1c0bf", NULL), -EPROTO); /* C.6.2: dynamic */
	assert_int_equal(dec("88 0f0d023130", NULL), 0); /* without indexing, static name */
	assert_string_equal(got, ":status: 200\ncontent-length: 10\n");
}

static void t_huffman(void **st)
{
	static const uint8_t www[] = {0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a,
				      0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff};
	static const uint8_t eos[] = {0xff, 0xff, 0xff, 0xff};	 /* EOS + padding */
	static const uint8_t longpad[] = {0x1f, 0xff};		 /* 'a'? then 8+ ones */
	static const uint8_t zeropad[] = {0x00};		 /* '0' + 3 zero bits */
	static const uint8_t ok1[] = {0x07};			 /* '0' (00000) + 111 */
	char out[64];
	size_t n;

	(void)st;
	assert_int_equal(hpack_huffman_decode(www, sizeof(www), out, sizeof(out), &n), 0);
	assert_int_equal(n, 15);
	assert_memory_equal(out, "www.example.com", 15);
	assert_int_equal(hpack_huffman_decode(eos, sizeof(eos), out, sizeof(out), &n), -EPROTO);
	assert_int_equal(hpack_huffman_decode(longpad, 2, out, sizeof(out), &n), -EPROTO);
	assert_int_equal(hpack_huffman_decode(zeropad, 1, out, sizeof(out), &n), -EPROTO);
	assert_int_equal(hpack_huffman_decode(ok1, 1, out, sizeof(out), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], '0');
	/* output longer than the buffer: cut, whole length told */
	assert_int_equal(hpack_huffman_decode(www, sizeof(www), out, 3, &n), 0);
	assert_int_equal(n, 15);
	assert_memory_equal(out, "www", 3);
	assert_int_equal(hpack_huffman_decode(www, 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
}

static void t_malformed(void **st)
{
	const char *err = NULL;

	(void)st;
	assert_int_equal(dec("80", &err), -EPROTO); /* index 0 */
	assert_string_equal(err, "field index 0");
	assert_int_equal(dec("be", &err), -EPROTO); /* 62: the dynamic table */
	assert_int_equal(dec("7e01", &err), -EPROTO); /* name index 62 */
	assert_int_equal(dec("ff", &err), -EPROTO); /* truncated integer */
	assert_int_equal(dec("ffffffffff7f", &err), -EPROTO); /* integer overflow */
	assert_int_equal(dec("4005", &err), -EPROTO);		/* name length past the end */
	assert_int_equal(dec("400161", &err), -EPROTO);		/* no value */
	assert_int_equal(dec("0001618100", &err), -EPROTO);	/* huffman: bad padding */
	assert_string_equal(err, "bad Huffman code");
	assert_int_equal(dec("21", &err), -EPROTO); /* size update to 1 */
	assert_string_equal(err, "table size update over the announced size (0)");
	assert_int_equal(dec("3fe11f", &err), -EPROTO); /* size update 4096 */
	assert_int_equal(dec("82 20", &err), -EPROTO); /* update after a field */
	assert_string_equal(err, "table size update after a field");
	assert_int_equal(dec("20 20 82", &err), 0);	/* updates to 0 first: fine */
	assert_int_equal(dec("", &err), 0);		/* empty block */
}

/* Names and values longer than kept are cut, and the decoding goes on. */
static void t_long_strings(void **st)
{
	uint8_t b[1200];
	size_t pos = 0;
	char name[300], value[700];
	const char *err = NULL;

	(void)st;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 0, name, value), 0);
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 0, "a", "b"), 0);
	got[0] = '\0';
	assert_int_equal(hpack_decode(b, pos, collect, NULL, &err), 0);
	assert_int_equal(strlen(got), HPACK_NAME_MAX + 2 + HPACK_VALUE_MAX + 1 + 5);
	assert_string_equal(got + strlen(got) - 5, "a: b\n");
}

static void t_encoder(void **st)
{
	uint8_t b[600];
	char longv[150];
	size_t pos = 0;
	const char *err = NULL;

	(void)st;
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 4, NULL, "/a"), 0);
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 0, "te", "trailers"), 0);
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 58, NULL, longv), 0);
	assert_int_equal(b[0], 0x14);
	got[0] = '\0';
	assert_int_equal(hpack_decode(b, pos, collect, NULL, &err), 0);
	assert_memory_equal(got, ":path: /a\nte: trailers\nuser-agent: xxx", 38);
	assert_int_equal(strlen(got), 10 + 13 + 12 + 149 + 1);
	pos = 0;
	assert_int_equal(hpack_put_field(b, 10, &pos, 0, "te", longv), -ENOSPC);
	pos = 0;
	assert_int_equal(hpack_put_field(b, 1, &pos, 20, NULL, ""), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_request_c4), cmocka_unit_test(t_response_c6),
	    cmocka_unit_test(t_huffman),    cmocka_unit_test(t_malformed),
	    cmocka_unit_test(t_long_strings), cmocka_unit_test(t_encoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
