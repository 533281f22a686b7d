/* test_ere.c - the POSIX ERE engine of --body: matches and errors by
 * table, the same answers as glibc's regexec (REG_EXTENDED, C locale) on
 * chosen and on random patterns, text fed in pieces, bodies with NUL and
 * high bytes, the size limits. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/ere.h"

static int m(const char *pat, const char *text)
{
	struct ere *re;
	char err[128];
	int r;

	if (ere_compile(pat, &re, err, sizeof(err)))
		return -1;
	r = ere_match(re, (const uint8_t *)text, strlen(text));
	ere_free(re);
	return r;
}

/* glibc's answer: 1 match, 0 none, -1 does not compile */
static int libc(const char *pat, const char *text)
{
	regex_t r;
	int v;

	if (regcomp(&r, pat, REG_EXTENDED | REG_NOSUB))
		return -1;
	v = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	return v;
}

static void t_table(void **st)
{
	static const struct {
		const char *pat, *text;
		int want;
	} cases[] = {
	    {"ok", "status: ok", 1},
	    {"ok", "status: OK", 0},
	    {"\"status\": *\"(UP|ok)\"", "{\"status\": \"UP\"}", 1},
	    {"\"status\": *\"(UP|ok)\"", "{\"status\":\"DOWN\"}", 0},
	    {"^ready$", "ready", 1},
	    {"^ready$", "ready\n", 0},
	    {"^ready", "not ready", 0},
	    {"ready$", "ready\nnot", 0},
	    {"a^b", "a^b", 0},
	    {"a\\^b", "a^b", 1},
	    {"a$b", "a$b", 0},
	    {"a\\$b", "a$b", 1},
	    {"", "", 1},
	    {"", "anything", 1},
	    {"^$", "", 1},
	    {"^$", "x", 0},
	    {"()", "x", 1},
	    {"a|", "x", 1},
	    {"x*", "", 1},
	    {"a.c", "a\nc", 1},
	    {"[[:digit:]]{3}", "HTTP 200", 1},
	    {"[[:digit:]]{4}", "HTTP 200", 0},
	    {"^[[:upper:]]+[[:space:]][0-9]+$", "UP 42", 1},
	    {"[^[:alnum:]]", "abc123", 0},
	    {"[^[:alnum:]]", "abc-123", 1},
	    {"[]]", "]", 1},
	    {"[^]]", "]", 0},
	    {"[a-]", "-", 1},
	    {"[--/]", ".", 1},
	    {"[[.-.]]", "-", 1},
	    {"[[=a=]]", "a", 1},
	    {"[\\]", "\\", 1},
	    {"a{2,3}", "aa", 1},
	    {"^a{2,3}$", "aaaa", 0},
	    {"^a{2,}$", "aaaaaaa", 1},
	    {"^a{0}b$", "b", 1},
	    {"^(ab){2}$", "abab", 1},
	    {"^(a|b)*c$", "abbac", 1},
	    {"^(a|b)*c$", "abbad", 0},
	    {"^(a*)*$", "aaaa", 1},
	    {"^(a*)+$", "", 1},
	    {"^(a?){3}a{3}$", "aaa", 1},
	    {"a**", "a", 1},
	    {"a+?", "a", 1},
	    {"x)", "x)", 1},
	    {"\\(x\\)", "(x)", 1},
	    {"a\\.b", "axb", 0},
	    {"a\\{", "a{", 1},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = m(cases[i].pat, cases[i].text);

		if (got != cases[i].want)
			fail_msg("'%s' on '%s': got %d, want %d", cases[i].pat, cases[i].text, got,
				 cases[i].want);
#ifdef __GLIBC__
		/* glibc agrees (the aarch64 unit tests link musl, whose regexec
		 * is not the oracle these cases were checked against) */
		assert_int_equal(libc(cases[i].pat, cases[i].text), cases[i].want);
#endif
	}
}

/* Without REG_NEWLINE a newline is an ordinary character: '$' holds at
 * the end of the text only, '^' at its start only (POSIX).  glibc lets a
 * '$' that is not last match before a newline; this engine does not. */
static void t_newline_is_ordinary(void **st)
{
	assert_int_equal(m("a$.b", "a\nb"), 0);
	assert_int_equal(m("a.b", "a\nb"), 1);
	assert_int_equal(m("a$", "a\nb"), 0);
	assert_int_equal(m("^b", "a\nb"), 0);
	assert_int_equal(m("b$", "a\nb"), 1);
	assert_int_equal(m("a[^x]b", "a\nb"), 1);
}

static void t_errors(void **st)
{
	static const struct {
		const char *pat, *err;
	} cases[] = {
	    {"(ok", "unmatched '(' at offset 3"},
	    {"((a)", "unmatched '(' at offset 4"},
	    {"[ok", "unmatched '[' at offset 3"},
	    {"[[:alpha:]", "unmatched '[' at offset 10"},
	    {"[[:alpha]", "unmatched '[' at offset 1"},
	    {"[[:word:]]", "unknown character class at offset 1"},
	    {"[[.ab.]]", "unsupported collating element at offset 1"},
	    {"[z-a]", "invalid range end at offset 4"},
	    {"[a-[:digit:]]", "invalid range end at offset 12"},
	    {"*a", "nothing to repeat at offset 0"},
	    {"a|*", "nothing to repeat at offset 2"},
	    {"(+a)", "nothing to repeat at offset 1"},
	    {"{1}", "nothing to repeat at offset 0"},
	    {"a{", "bad repetition count at offset 1"},
	    {"a{x}", "bad repetition count at offset 1"},
	    {"a{,2}", "bad repetition count at offset 1"},
	    {"a{3,2}", "bad repetition count at offset 1"},
	    {"a{256}", "bad repetition count at offset 1"},
	    {"a{1,256}", "bad repetition count at offset 1"},
	    {"a{99999999999}", "bad repetition count at offset 1"},
	    {"a{1", "bad repetition count at offset 1"},
	    {"\\d+", "not a POSIX ERE escape (use a bracket expression) at offset 1"},
	    {"a\\n", "not a POSIX ERE escape (use a bracket expression) at offset 2"},
	    {"ok\\", "trailing backslash at offset 3"},
	    {"(a{255}){255}", "pattern too large once repetitions are unrolled at offset 13"},
	};
	struct ere *re = NULL;
	char err[128], deep[200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ere_compile(cases[i].pat, &re, err, sizeof(err)), -EINVAL);
		if (strcmp(err, cases[i].err))
			fail_msg("'%s': got '%s', want '%s'", cases[i].pat, err, cases[i].err);
	}
	memset(deep, '(', 70);
	deep[70] = '\0';
	assert_int_equal(ere_compile(deep, &re, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "groups nested too deeply at offset 65");
	{
		static char big[ERE_MAX_PATTERN + 2];

		memset(big, 'a', sizeof(big) - 1);
		assert_int_equal(ere_compile(big, &re, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "pattern longer than 1024 bytes");
		big[ERE_MAX_PATTERN] = '\0';
		assert_int_equal(ere_compile(big, &re, err, sizeof(err)), 0);
		ere_free(re);
	}
	/* a small error buffer is cut, and a NULL one is fine */
	assert_int_equal(ere_compile("(", &re, err, 8), -EINVAL);
	assert_string_equal(err, "unmatch");
	assert_int_equal(ere_compile("(", &re, NULL, 0), -EINVAL);
}

/* Bodies are bytes: NUL, high bytes and CR LF are characters. */
static void t_bytes(void **st)
{
	static const uint8_t body[] = "a\0b\xff\r\n";
	struct ere *re;
	char err[128];

	assert_int_equal(ere_compile("a.b", &re, err, sizeof(err)), 0);
	assert_true(ere_match(re, body, 6));
	ere_free(re);
	assert_int_equal(ere_compile("b[^a-z]\r$", &re, err, sizeof(err)), 0);
	assert_false(ere_match(re, body, 6));
	assert_true(ere_match(re, body, 5));
	ere_free(re);
	assert_int_equal(ere_compile("\xff", &re, err, sizeof(err)), 0);
	assert_true(ere_match(re, body, 6));
	ere_free(re);
	/* classes are the C locale's: no byte >= 0x80 is a letter */
	assert_int_equal(ere_compile("[[:alpha:]]", &re, err, sizeof(err)), 0);
	assert_false(ere_match(re, (const uint8_t *)"\xe9\xff", 2));
	ere_free(re);
}

/* Fed in pieces of any size: the same answer as in one piece. */
static void t_pieces(void **st)
{
	static const char *const pats[] = {"^a(b|cd)*e$", "cd{2}", "^$", "x$", "(^|,)b(,|$)"};
	static const char *const texts[] = {"abcdbe", "acdde", "", "yx", "a,b", "a,b,c", "b"};
	size_t p, t, cut, cut2;

	for (p = 0; p < sizeof(pats) / sizeof(pats[0]); p++)
		for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
			const uint8_t *s = (const uint8_t *)texts[t];
			size_t n = strlen(texts[t]);
			struct ere *re;
			char err[64];
			bool whole;

			assert_int_equal(ere_compile(pats[p], &re, err, sizeof(err)), 0);
			whole = ere_match(re, s, n);
			assert_int_equal(whole, libc(pats[p], texts[t]));
			for (cut = 0; cut <= n; cut++)
				for (cut2 = cut; cut2 <= n; cut2++) {
					ere_start(re);
					ere_feed(re, s, cut);
					ere_feed(re, s + cut, cut2 - cut);
					ere_feed(re, s + cut2, n - cut2);
					assert_int_equal(ere_end(re), whole);
				}
			ere_free(re);
		}
}

/* Random patterns over a small alphabet and random texts: wherever both
 * compile the pattern, ere and glibc agree. */
static void t_like_glibc(void **st)
{
	static const char *const alphabets[] = {"ab()|*+?{},^$.[]-1\\", "ab[]^-:=.{}2,*c|"};
	unsigned seed = 12345, both = 0, i, k;

#ifndef __GLIBC__
	print_message("skipped: the oracle is glibc's regexec, and this build links musl\n");
	skip();
#endif
	for (i = 0; i < 40000; i++) {
		const char *alpha = alphabets[i & 1];
		char pat[12], text[10];
		size_t pl = (size_t)(rand_r(&seed) % 10), tl = (size_t)(rand_r(&seed) % 9);
		int a, b;

		for (k = 0; k < pl; k++)
			pat[k] = alpha[rand_r(&seed) % strlen(alpha)];
		pat[pl] = '\0';
		for (k = 0; k < tl; k++)
			text[k] = "ab1{,-:]c"[rand_r(&seed) % 9];
		text[tl] = '\0';
		a = m(pat, text);
		b = libc(pat, text);
		if (a < 0 || b < 0)
			continue;
		both++;
		if (a != b)
			fail_msg("'%s' on '%s': ere %d, glibc %d", pat, text, a, b);
	}
	assert_true(both > 5000);
}

/* A 1 MiB body: a match near its end is found, in linear time. */
static void t_large(void **st)
{
	size_t n = 1 << 20;
	uint8_t *body = malloc(n);
	struct ere *re;
	char err[64];

	assert_non_null(body);
	memset(body, 'a', n);
	memcpy(body + n - 9, "\"ok\":true", 9);
	assert_int_equal(ere_compile("(a|b)*\"ok\": *true", &re, err, sizeof(err)), 0);
	assert_true(ere_match(re, body, n));
	body[n - 1] = 'x';
	assert_false(ere_match(re, body, n));
	ere_free(re);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_table),	cmocka_unit_test(t_errors),	cmocka_unit_test(t_bytes),
	    cmocka_unit_test(t_pieces), cmocka_unit_test(t_like_glibc), cmocka_unit_test(t_large),
	    cmocka_unit_test(t_newline_is_ordinary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
