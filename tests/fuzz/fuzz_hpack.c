/* fuzz_hpack.c - hpack_decode() on arbitrary header blocks: the input is
 * split in two blocks at its first byte, so that the second one meets the
 * dynamic table the first one left; the Huffman decoder on the whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/hpack.h"

static size_t fields;

static int count(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	(void)arg;
	if (nl > HPACK_STR_MAX || vl > HPACK_STR_MAX || (nl && !n) || (vl && !v))
		abort();
	fields++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hpack_dec h;
	static char out[256];
	const char *err = NULL;
	size_t cut = size ? data[0] : 0, n;

	if (cut > size)
		cut = size;
	hpack_init(&h);
	if (hpack_decode(&h, data, cut, count, NULL, &err) < 0 && !err)
		abort();
	err = NULL;
	if (hpack_decode(&h, data + cut, size - cut, count, NULL, &err) < 0 && !err)
		abort();
	if (h.size > HPACK_TABLE_SIZE || h.size > h.limit || h.used > sizeof(h.data))
		abort();
	(void)hpack_huffman_decode(data, size, out, sizeof(out), &n);
	return 0;
}
