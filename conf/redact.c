/* redact.c - see redact.h. */
#include "conf/redact.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

/* Append [s, s+n) to out (size len > 0) at *pos, cut to fit. */
static void put(char *out, size_t len, size_t *pos, const char *s, size_t n)
{
	if (*pos + n >= len)
		n = len - 1 - *pos;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
}

/* Is the secret [s, s+n) kept as it is?  Only one ${NAME} as written: it names a
 * secret, it is not one. */
static int kept(const char *s, size_t n, enum redact_text how)
{
	return how == REDACT_WRITTEN && is_one_ref(s, n);
}

/* A copy of s with every loaded secret masked, whole (the redaction by
 * parts could leave a piece of one: what follows a '#' it holds, say);
 * NULL: out of memory. */
static char *masked(const char *s)
{
	char *own = strdup(s);

	if (own)
		redact_secrets(own, strlen(own) + 1);
	return own;
}

void redact_url(const char *url, url_scheme_fn *scheme, enum redact_text how, char *out, size_t len)
{
	struct url_parts p;
	char *own;
	const char *pw, *s, *q, *eq;
	size_t pos = 0;

	if (!len)
		return;
	out[0] = '\0';
	if ((own = masked(url)))
		url = own;
	s = url;
	url_split(url, &p);
	/* the text from s on is still to copy; each secret is skipped */
	pw = password_at(&p, scheme);
	if (pw && !kept(pw, (size_t)(p.at - pw), how)) {
		put(out, len, &pos, s, (size_t)(pw - s));
		put(out, len, &pos, REDACTED, strlen(REDACTED));
		s = p.at;
	}
	/* every query value: ?key=*** */
	q = p.scheme ? p.auth_end : url;
	q += strcspn(q, "?#");
	while (*q == '?' || *q == '&') {
		const char *item = q + 1;

		q = item + strcspn(item, "&#");
		eq = memchr(item, '=', (size_t)(q - item));
		if (!eq || eq + 1 == q || kept(eq + 1, (size_t)(q - eq - 1), how))
			continue;
		put(out, len, &pos, s, (size_t)(eq + 1 - s));
		put(out, len, &pos, REDACTED, strlen(REDACTED));
		s = q;
	}
	put(out, len, &pos, s, strlen(s));
	free(own);
}

void redact_header(const char *hdr, char *out, size_t len)
{
	static const char *const shown[] = {"Host", "Accept", "User-Agent", "Content-Type",
					    "Connection"};
	char *own = masked(hdr);
	const char *h = own ? own : hdr, *colon = strchr(h, ':');
	size_t i = 0, n = colon ? (size_t)(colon - h) : 0;

	while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	while (colon && i < N(shown) && (strlen(shown[i]) != n || strncasecmp(h, shown[i], n)))
		i++;
	if (!colon)
		snprintf(out, len, REDACTED);
	else if (i < N(shown))
		snprintf(out, len, "%s", h);
	else
		snprintf(out, len, "%.*s: " REDACTED, (int)n, h);
	free(own);
}

/* Where the n bytes of secret s end at the start of t, each as itself or,
 * when `dec`, percent-encoded (%2F, %2f; a space also as '+'); NULL: not
 * there.  Decoding is greedy ("%25" is a '%'): a '%' of s followed by hex
 * digits is found as itself by a second pass without `dec`. */
static const char *spelled(const char *t, const char *s, size_t n, int dec)
{
	int hi, lo;

	for (; n; n--, s++) {
		hi = dec && *t == '%' ? url_hexval(t[1]) : -1;
		lo = hi >= 0 ? url_hexval(t[2]) : -1;
		if (lo >= 0 && (hi << 4 | lo) == (unsigned char)*s)
			t += 3;
		else if (*t == *s || (dec && *s == ' ' && *t == '+'))
			t++;
		else
			return NULL;
	}
	return t;
}

void redact_value(char *text, size_t size, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0, r = strlen(REDACTED), off, tail;
	const char *end;
	char *hit;
	int dec, passes = n && strchr(secret, '%') ? 2 : 1;

	for (dec = 1; n && size && passes--; dec = 0)
		for (hit = text; *hit; hit++) {
			if (!(end = spelled(hit, secret, n, dec)))
				continue;
			off = (size_t)(hit - text);
			tail = strlen(end);
			if (off + r >= size) { /* not even the token fits: cut here */
				*hit = '\0';
				break;
			}
			if (off + r + tail >= size)
				tail = size - 1 - off - r;
			memmove(hit + r, end, tail);
			memcpy(hit, REDACTED, r);
			hit[r + tail] = '\0';
			hit += r - 1;
		}
}

/* The registered secrets, longest first (so that a secret holding a
 * shorter one is masked whole). */
static char **secrets;
static size_t nsecrets;

static int add(const char *value, size_t n)
{
	char **v, *copy;
	size_t i;

	if (n < REDACT_MIN)
		return 0;
	if (!(copy = strndup(value, n)) || !(v = realloc(secrets, (nsecrets + 1) * sizeof(*v)))) {
		free(copy);
		return -ENOMEM;
	}
	secrets = v;
	for (i = nsecrets++; i && strlen(v[i - 1]) < n; i--)
		v[i] = v[i - 1];
	v[i] = copy;
	return 0;
}

int redact_secret_add(const char *value)
{
	size_t n = value ? strlen(value) : 0, k;
	int r = 0;

	if (n && value[strcspn(value, "\r\n")])
		for (k = 0; k < n && !r; k += strcspn(value + k, "\r\n") + 1)
			r = add(value + k, strcspn(value + k, "\r\n"));
	return r ? r : add(value, n);
}

void redact_secrets(char *text, size_t size)
{
	size_t i;

	for (i = 0; i < nsecrets; i++)
		redact_value(text, size, secrets[i]);
}

void redact_secrets_forget(void)
{
	while (nsecrets)
		free(secrets[--nsecrets]);
}
