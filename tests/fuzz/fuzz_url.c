/* fuzz_url.c - url_parse() and redact_url() on arbitrary text; the
 * password must never appear in the display form or the error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/redact.h"
#include "conf/url.h"
#include "hooks/wait/proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[600], red[600];
	struct url u;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	redact_url(s, proto_url_scheme, REDACT_WRITTEN, red, sizeof(red));
	if (url_parse(s, proto_url_scheme, &u, err, sizeof(err)) == 0) {
		if (u.password && strlen(u.password) >= 4 && !strstr(u.display, "***"))
			abort();
		url_free(&u);
	}
	free(s);
	return 0;
}
