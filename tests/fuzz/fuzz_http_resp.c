/* fuzz_http_resp.c - the incremental HTTP response parser fed in pieces
 * (sizes taken from the input), then EOF, with every body byte handed to
 * the body callback (--body) and counted; and the --expect matcher. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/parse.h"
#include "hooks/wait/proto/http.h"

static void count(void *arg, const uint8_t *buf, size_t n)
{
	if (n && !buf)
		abort();
	*(uint64_t *)arg += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp p;
	size_t i = 0, step = size ? (size_t)(data[0] % 17) + 1 : 1;
	uint64_t body = 0;
	int r = 0;
	char *s;

	http_resp_init(&p);
	p.on_body = count;
	p.body_arg = &body;
	while (i < size && r == 0) {
		size_t n = size - i < step ? size - i : step;

		r = http_resp_feed(&p, data + i, n);
		i += n;
	}
	if (r == 0)
		r = http_resp_eof(&p);
	if (r < 0 && !p.err)
		abort();
	if (p.headers_done && (p.status < 100 || p.status > 599))
		abort();
	if (p.hbytes > HTTP_MAX_HEADER_BYTES)
		abort();
	if (body != p.body) /* the callback saw every body byte, once */
		abort();
	s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		http_expect_match(s, 200);
		free(s);
	}
	return 0;
}
