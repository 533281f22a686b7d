/* redact.c - see redact.h. */
#include "conf/redact.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* Where the password of the URL split into p starts (it ends at p->at),
 * or NULL when it has none. */
static const char *password_at(const struct url_parts *p, url_scheme_fn *scheme)
{
	const struct url_syntax *syn;

	if (!p->at)
		return NULL;
	if (p->colon)
		return p->colon + 1;
	if (!scheme)
		return p->auth; /* no telling: treat it as a secret */
	syn = scheme(p->scheme, p->scheme_len, NULL, 0);
	/* an unknown scheme: no telling either */
	return !syn || syn->userinfo == URL_PASSWORD_FIRST ? p->auth : NULL;
}

void redact_url(const char *url, url_scheme_fn *scheme, enum redact_text how, char *out, size_t len)
{
	struct url_parts p;
	const char *pw;

	url_split(url, &p);
	pw = password_at(&p, scheme);
	if (!pw || (how == REDACT_WRITTEN && is_one_ref(pw, (size_t)(p.at - pw))))
		snprintf(out, len, "%s", url);
	else
		snprintf(out, len, "%.*s" REDACTED "%s", (int)(pw - url), url, p.at);
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

void redact_value(char *text, size_t size, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0, r = strlen(REDACTED);
	char *hit = text;

	if (!n || !size)
		return;
	while ((hit = strstr(hit, secret))) {
		size_t off = (size_t)(hit - text), tail = strlen(hit + n);

		if (off + r >= size) { /* not even the token fits: cut here */
			*hit = '\0';
			break;
		}
		if (off + r + tail >= size)
			tail = size - 1 - off - r;
		memmove(hit + r, hit + n, tail);
		memcpy(hit, REDACTED, r);
		hit[r + tail] = '\0';
		hit += r;
	}
}
