/* test_hpack.c - the HPACK decoder (RFC 7541 Appendix C vectors, the
 * dynamic table and its eviction, Huffman) on good and malformed input,
 * and the literal encoder against the decoder. */
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

static struct hpack_dec H;
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
	return hpack_decode(&H, b, n, collect, NULL, err ? err : &e);
}

static void t_requests_c4(void **st)
{
	(void)st;
	hpack_init(&H);
	assert_int_equal(dec("828684418cf1e3c2e5f23a6ba0ab90f4ff", NULL), 0);
	assert_string_equal(got, ":method: GET\n:scheme: http\n:path: /\n"
				 ":authority: www.example.com\n");
	assert_int_equal(dec("828684be5886a8eb10649cbf", NULL), 0);
	assert_string_equal(got, ":method: GET\n:scheme: http\n:path: /\n"
				 ":authority: www.example.com\ncache-control: no-cache\n");
	assert_int_equal(dec("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf", NULL), 0);
	assert_string_equal(got, ":method: GET\n:scheme: https\n:path: /index.html\n"
				 ":authority: www.example.com\ncustom-key: custom-value\n");
	assert_int_equal(H.n, 3);
	assert_int_equal(H.size, 164);
}

/* C.6: responses with Huffman and eviction, the table cut to 256 bytes by
 * a size update at the start of the first block. */
static void t_responses_c6(void **st)
{
	(void)st;
	hpack_init(&H);
	assert_int_equal(dec("3fe101 4882640258 85aec3771a4b "
			     "6196d07abe941054d444a8200595040b8166e082a62d1bff "
			     "6e919d29ad171863c78f0b97c8e9ae82ae43d3",
			     NULL),
			 0);
	assert_string_equal(got, ":status: 302\ncache-control: private\n"
				 "date: Mon, 21 Oct 2013 20:13:21 GMT\n"
				 "location: https://www.example.com\n");
	assert_int_equal(H.size, 222);
	assert_int_equal(dec("4883640effc1c0bf", NULL), 0);
	assert_string_equal(got, ":status: 307\ncache-control: private\n"
				 "date: Mon, 21 Oct 2013 20:13:21 GMT\n"
				 "location: https://www.example.com\n");
	assert_int_equal(H.size, 222);
	assert_int_equal(
	    dec("88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e782"
		"1dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1"
		"063d5007",
		NULL),
	    0);
	assert_string_equal(got, ":status: 200\ncache-control: private\n"
				 "date: Mon, 21 Oct 2013 20:13:22 GMT\n"
				 "location: https://www.example.com\ncontent-encoding: gzip\n"
				 "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; "
				 "version=1\n");
	assert_int_equal(H.n, 3);
	assert_int_equal(H.size, 215);
	/* the newest entry is index 62 */
	assert_int_equal(dec("be", NULL), 0);
	assert_string_equal(got, "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; "
				 "version=1\n");
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
	hpack_init(&H);
	assert_int_equal(dec("80", &err), -EPROTO); /* index 0 */
	assert_non_null(err);
	assert_int_equal(dec("be", &err), -EPROTO); /* 62: empty dynamic table */
	assert_int_equal(dec("ff", &err), -EPROTO); /* truncated integer */
	assert_int_equal(dec("ffffffffff7f", &err), -EPROTO); /* integer overflow */
	assert_int_equal(dec("4005", &err), -EPROTO);		/* name length past the end */
	assert_int_equal(dec("400161", &err), -EPROTO);		/* no value */
	assert_int_equal(dec("00018a", &err), -EPROTO);		/* huffman: EOS-ish/short */
	assert_int_equal(dec("3fe21f", &err), -EPROTO);		/* size update 4097 */
	assert_string_equal(err, "table size update over the announced size");
	assert_int_equal(dec("82 20", &err), -EPROTO); /* update after a field */
	assert_string_equal(err, "table size update after a field");
	assert_int_equal(dec("7f00", &err), -EPROTO); /* name index 63: out of tables */
	assert_int_equal(dec("", &err), 0);		/* empty block */
}

static void t_table_limits(void **st)
{
	uint8_t b[6000];
	size_t pos = 0, i;
	const char *err = NULL;

	(void)st;
	hpack_init(&H);
	/* an entry as large as the table fits exactly; one byte more empties it */
	b[pos++] = 0x40;
	b[pos++] = 1;
	b[pos++] = 'n';
	b[pos++] = 0x7f;
	b[pos++] = (uint8_t)(4096 - 32 - 1 - 127) | 0x80;
	b[pos++] = (uint8_t)((4096 - 32 - 1 - 127) >> 7);
	for (i = 0; i < 4096 - 32 - 1; i++)
		b[pos++] = 'v';
	got[0] = '\0';
	assert_int_equal(hpack_decode(&H, b, pos, collect, NULL, &err), 0);
	assert_int_equal(H.n, 1);
	assert_int_equal(H.size, 4096);
	b[4]++; /* one byte longer, and one more 'v' */
	b[pos++] = 'v';
	assert_int_equal(hpack_decode(&H, b, pos, collect, NULL, &err), 0);
	assert_int_equal(H.n, 0);
	assert_int_equal(H.size, 0);
	/* a size update to 0 evicts everything; then indexing inserts nothing */
	assert_int_equal(dec("400161016220", &err), -EPROTO); /* update after field */
	hpack_init(&H);
	assert_int_equal(dec("4001610162", NULL), 0);
	assert_int_equal(H.n, 1);
	assert_int_equal(dec("20 4001610162", NULL), 0);
	assert_int_equal(H.n, 0);
	assert_string_equal(got, "a: b\n");
	/* many small entries: the oldest go first, indexes stay right */
	hpack_init(&H);
	for (i = 0; i < 300; i++) {
		char hex[64];

		snprintf(hex, sizeof(hex), "4003%02x%02x%02x0178", 'k', (unsigned)'0' + (unsigned)(i / 100),
			 (unsigned)'0' + (unsigned)(i % 100) / 10);
		assert_int_equal(dec(hex, NULL), 0);
	}
	assert_int_equal(H.n, 4096 / (3 + 1 + 32));
	assert_int_equal(dec("be", NULL), 0);
	assert_string_equal(got, "k29: x\n");
}

static void t_encoder(void **st)
{
	uint8_t b[600];
	char longv[300];
	size_t pos = 0;
	const char *err = NULL;

	(void)st;
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 4, NULL, "/a"), 0);
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 0, "te", "trailers"), 0);
	assert_int_equal(hpack_put_field(b, sizeof(b), &pos, 58, NULL, longv), 0);
	assert_int_equal(b[0], 0x14);
	hpack_init(&H);
	got[0] = '\0';
	assert_int_equal(hpack_decode(&H, b, pos, collect, NULL, &err), 0);
	assert_memory_equal(got, ":path: /a\nte: trailers\nuser-agent: xxx", 38);
	assert_int_equal(H.n, 0); /* never indexed */
	pos = 0;
	assert_int_equal(hpack_put_field(b, 10, &pos, 0, "te", longv), -ENOSPC);
	pos = 0;
	assert_int_equal(hpack_put_field(b, 1, &pos, 20, NULL, ""), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_requests_c4), cmocka_unit_test(t_responses_c6),
	    cmocka_unit_test(t_huffman),     cmocka_unit_test(t_malformed),
	    cmocka_unit_test(t_table_limits), cmocka_unit_test(t_encoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
