/* redact.c - see redact.h. */
#include "conf/redact.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define REDACTED "<redacted>"

/* Is [s, s+n) exactly one ${NAME} reference? */
static int is_one_ref(const char *s, size_t n)
{
	size_t i;

	if (n < 4 || strncmp(s, "${", 2) || s[n - 1] != '}')
		return 0;
	for (i = 2; i < n - 1; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (i > 2 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

void redact_url(const char *url, char *out, size_t len)
{
	const char *auth = strstr(url, "://"), *end, *at, *colon;

	if (!auth) {
		snprintf(out, len, "%s", url);
		return;
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	/* the last '@' of the authority ends the user info */
	for (at = NULL, colon = auth; colon < end; colon++)
		if (*colon == '@')
			at = colon;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon || is_one_ref(colon + 1, (size_t)(at - colon - 1))) {
		snprintf(out, len, "%s", url);
		return;
	}
	snprintf(out, len, "%.*s" REDACTED "%s", (int)(colon + 1 - url), url, at);
}

void redact_header(const char *hdr, char *out, size_t len)
{
	static const char *const shown[] = {"Host", "Accept", "User-Agent", "Content-Type",
					    "Connection"};
	const char *colon = strchr(hdr, ':');
	size_t i, n;

	if (!colon) {
		snprintf(out, len, REDACTED);
		return;
	}
	n = (size_t)(colon - hdr);
	while (n && (hdr[n - 1] == ' ' || hdr[n - 1] == '\t'))
		n--;
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (strlen(shown[i]) == n && !strncasecmp(hdr, shown[i], n)) {
			snprintf(out, len, "%s", hdr);
			return;
		}
	snprintf(out, len, "%.*s: " REDACTED, (int)n, hdr);
}
