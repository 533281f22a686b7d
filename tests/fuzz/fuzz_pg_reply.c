/* fuzz_pg_reply.c - pg_reply_parse() on arbitrary server bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/proto/postgres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char d[256];
	int eof;

	for (eof = 0; eof < 2; eof++) {
		int v = pg_reply_parse(data, size, eof, d, sizeof(d));

		if (v < REPLY_MORE || v > REPLY_NOTREADY || (eof && v == REPLY_MORE))
			abort();
		if (v != REPLY_MORE && strlen(d) >= sizeof(d))
			abort();
	}
	return 0;
}
