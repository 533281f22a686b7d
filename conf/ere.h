/* ere.h - POSIX extended regular expressions (--body), small and in linear
 * time.  musl's regcomp/regexec would add ~49 KB to the release binary;
 * this is the part a readiness check needs, in a few KB:
 *
 *   atoms        c, ., [...] (ranges, [^...], [:class:], [=c=], [.c.]),
 *                (RE), \c for c one of ^.[$()|*+?{\ , ^ and $ (anchors
 *                anywhere, as in POSIX EREs)
 *   repetition   *, +, ?, {m}, {m,}, {m,n} with m <= n <= 255, stackable
 *   alternation  RE|RE (empty branches allowed)
 *
 * Bytes, as in the C locale (a body's byte >= 0x80 is one character, NUL
 * too).  No back-references (EREs have none); an escape other than the
 * ones above (\d, \w, \n ...) is an error rather than a guess.  A ')'
 * without its '(' is an ordinary character (POSIX).
 *
 * The search is a Thompson NFA simulation: any match anywhere (no
 * sub-matches), in time (text length) x (pattern size), fed the text in
 * pieces so that a body is never buffered. */
#ifndef MUSTER_ERE_H
#define MUSTER_ERE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ERE_MAX_PATTERN 1024 /* bytes of pattern */
#define ERE_MAX_PROGRAM 4096 /* NFA states, repetitions unrolled */

struct ere;

/* Compile `pattern`.  Returns 0 and *out (free with ere_free()), -EINVAL
 * with a one-line reason in err ("unmatched '(' at offset 3"), or -ENOMEM. */
int ere_compile(const char *pattern, struct ere **out, char *err, size_t errlen);
void ere_free(struct ere *re);

/* One search at a time per compiled pattern: ere_start(), then ere_feed()
 * each piece of the text in order, then ere_end() once it is all there.
 * ere_feed() and ere_end() return whether the pattern matched somewhere
 * so far; once true, later pieces are not looked at. */
void ere_start(struct ere *re);
bool ere_feed(struct ere *re, const uint8_t *buf, size_t n);
bool ere_end(struct ere *re);

/* The whole search on one text. */
bool ere_match(struct ere *re, const uint8_t *text, size_t n);

#endif
