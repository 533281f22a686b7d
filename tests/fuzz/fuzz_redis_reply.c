/* fuzz_redis_reply.c - redis_reply_parse() on arbitrary server bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/proto/redis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char d[256];
	int eof, auth;

	for (eof = 0; eof < 2; eof++)
		for (auth = 0; auth < 2; auth++) {
			int v =
			    redis_reply_parse((const char *)data, size, eof, auth, d, sizeof(d));

			if (v < REPLY_MORE || v > REPLY_NOTREADY || (eof && v == REPLY_MORE))
				abort();
		}
	return 0;
}
