/* fuzz_ere.c - the --body ERE engine: any pattern compiles or is refused
 * with a reason; a compiled one searches any text (bytes, NUL included)
 * with the same answer fed whole or in two pieces, and with glibc's
 * regexec's answer (REG_EXTENDED, C locale) whenever glibc compiles the
 * pattern too (on patterns of at most 4 repetition operators, none
 * stacked: glibc's regcomp takes seconds on stacks like (^|$)+++).  Input:
 * pattern, a NUL byte, then the text. */
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/ere.h"

static int quantifier(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/* How hard the pattern is on glibc's regcomp: its repetition operators,
 * 99 when two stand together (a+++: seconds of compile time there). */
static int quantifiers(const char *p)
{
	int n = 0;

	for (; *p; p++) {
		if (quantifier(p[0]) && quantifier(p[1]))
			return 99;
		n += quantifier(*p);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	const uint8_t *text = nul ? nul + 1 : data + size, *nl;
	size_t tn = (size_t)(data + size - text), plain;
	char *pat = malloc(size + 1), *ctext = malloc(tn + 1), err[128];
	struct ere *re;
	bool whole, split;
	regex_t r;

	memcpy(pat, data, size);
	pat[nul ? (size_t)(nul - data) : size] = '\0';
	if (ere_compile(pat, &re, err, sizeof(err))) {
		if (!memchr(err, 0, sizeof(err)) || !*err)
			abort();
		goto out;
	}
	whole = ere_match(re, text, tn);
	ere_start(re);
	ere_feed(re, text, tn / 2);
	ere_feed(re, text + tn / 2, tn - tn / 2);
	split = ere_end(re);
	if (whole != split)
		abort();
	/* glibc, on the text up to its first NUL or newline: without
	 * REG_NEWLINE a newline is an ordinary character (POSIX), yet glibc
	 * lets a '$' that is not last match before one ("a$.b" on "a\nb") */
	nl = memchr(text, '\n', tn);
	plain = strnlen((const char *)text, nl ? (size_t)(nl - text) : tn);
	memcpy(ctext, text, plain);
	ctext[plain] = '\0';
	if (quantifiers(pat) <= 4 && !regcomp(&r, pat, REG_EXTENDED | REG_NOSUB)) {
		if ((regexec(&r, ctext, 0, NULL, 0) == 0) !=
		    ere_match(re, (const uint8_t *)ctext, plain))
			abort();
		regfree(&r);
	}
	ere_free(re);
out:
	free(pat);
	free(ctext);
	return 0;
}
