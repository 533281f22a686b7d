/* fuzz_hpack.c - hpack_decode() on arbitrary header blocks, and the
 * Huffman decoder on the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/hpack.h"

static int check(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	(void)arg;
	if (nl > HPACK_NAME_MAX || vl > HPACK_VALUE_MAX || (nl && !n) || (vl && !v))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[256];
	const char *err = NULL;
	size_t n;

	if (hpack_decode(data, size, check, NULL, &err) < 0 && !err)
		abort();
	if (!hpack_huffman_decode(data, size, out, sizeof(out), &n) && n > size * 8 / 5)
		abort(); /* every code is at least 5 bits long */
	return 0;
}
