/* fuzz_url.c - url_parse() and url_redact() on arbitrary text; the
 * password must never appear in the display form or the error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/probe.h"
#include "conf/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[600], red[600];
	struct url u;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	url_redact(s, red, sizeof(red));
	if (url_parse(s, &u, err, sizeof(err)) == 0) {
		if (u.password && strlen(u.password) >= 4 && !strstr(u.display, "***"))
			abort();
		url_free(&u);
	}
	free(s);
	return 0;
}
