/* fuzz_url.c - url_parse() by the scheme table's rules and redact_url() on
 * arbitrary text: a password never survives redaction.  Whenever the
 * parse finds one (after ':' or, for redis, the whole user information),
 * the display form and the URL redacted as written hold REDACTED in its
 * place, exactly: nothing of it before or after. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/redact.h"
#include "conf/url.h"
#include "hooks/wait/proto/proto.h"

/* Is the user information of the text s exactly [user:]REDACTED, with
 * the ':' where the parse found it (colon: the URL had one)? */
static int hidden(const char *s, int colon)
{
	struct url_parts p;
	size_t r = strlen(REDACTED);

	url_split(s, &p);
	if (!p.at || (size_t)(p.at - p.auth) < r || memcmp(p.at - r, REDACTED, r))
		return 0;
	return colon ? p.colon == p.at - r - 1 : p.at - r == p.auth;
}

/* The password as written looks like a ${NAME} reference (shown as
 * written when it is exactly one). */
static int ref_like(const char *s)
{
	struct url_parts p;
	const char *pw;

	url_split(s, &p);
	pw = p.colon ? p.colon + 1 : p.auth;
	return p.at && p.at - pw >= 4 && !memcmp(pw, "${", 2) && p.at[-1] == '}';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[600], *red = malloc(size + 8);
	struct url u;

	if (!s || !red)
		goto out;
	memcpy(s, data, size);
	s[size] = '\0';
	redact_url(s, proto_url_scheme, REDACT_WRITTEN, red, size + 8);
	if (url_parse(s, proto_url_scheme, &u, err, sizeof(err)) == 0) {
		struct url_parts p;

		url_split(s, &p);
		if (u.password && !hidden(u.display, p.colon != NULL))
			abort();
		if (u.password && !ref_like(s) && !hidden(red, p.colon != NULL))
			abort();
		url_free(&u);
	}
out:
	free(s);
	free(red);
	return 0;
}
