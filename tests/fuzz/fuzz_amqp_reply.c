/* fuzz_amqp_reply.c - amqp_reply_parse() on arbitrary server bytes:
 * a verdict in range, never "more" at EOF, a terminated detail, and a
 * verdict reached on a prefix that later bytes do not change. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/proto/amqp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char d[256], dp[256];
	int eof, v, vp;

	for (eof = 0; eof < 2; eof++) {
		memset(d, 'X', sizeof(d));
		v = amqp_reply_parse(data, size, eof, d, sizeof(d));
		if (v < REPLY_MORE || v > REPLY_NOTREADY || (eof && v == REPLY_MORE))
			abort();
		if (v != REPLY_MORE && !memchr(d, 0, sizeof(d)))
			abort();
	}
	v = amqp_reply_parse(data, size, false, d, sizeof(d));
	vp = amqp_reply_parse(data, size / 2, false, dp, sizeof(dp));
	if (vp != REPLY_MORE && (vp != v || strcmp(d, dp)))
		abort();
	return 0;
}
