/* fuzz_grpc_resp.c - grpc_health_feed() (HTTP/2 frames, HPACK, the gRPC
 * message) on arbitrary server bytes, fed in pieces whose sizes come from
 * the input's first byte; then at EOF, which must give a verdict. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/proto/grpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct grpc_health g;
	char d[256];
	size_t step = size ? (size_t)(data[0] % 64) + 1 : 1, i;
	int v = REPLY_MORE;

	grpc_health_init(&g);
	for (i = size ? 1 : 0; i < size && v == REPLY_MORE; i += step)
		v = grpc_health_feed(&g, data + i, size - i < step ? size - i : step, false, d,
				     sizeof(d));
	if (v == REPLY_MORE)
		v = grpc_health_feed(&g, NULL, 0, true, d, sizeof(d));
	if (v != REPLY_READY && v != REPLY_NOTREADY)
		abort();
	if (!memchr(d, '\0', sizeof(d)) || g.h2.outlen > sizeof(g.h2.out))
		abort();
	return 0;
}
