/* redact.h - the redactor: what muster writes about a URL, a header or a
 * server's answer never holds a secret.  Every output goes through it:
 * logs, `muster config`, `muster health`, `muster wait`.
 *
 *  - the password in a URL's user information: redis://:***@cache:6379,
 *    and the whole user information of a scheme where one without ':' is
 *    a password (`***@cache` for redis); in a URL as written, a password that
 *    is exactly one `${NAME}` reference is shown as written (it names a
 *    secret, it is not one);
 *  - every value of a URL's query: `?key=***&x=***` (as written, a value
 *    that is one `${NAME}` is kept);
 *  - the value of every HTTP header except Host, Accept, User-Agent,
 *    Content-Type and Connection: `Authorization: ***`;
 *  - a secret a server echoes back, wherever it is in a text;
 *  - every value muster loaded as a secret (redact_secret_add()), wherever
 *    it is in any byte muster writes: conf/log.h passes every line through
 *    redact_secrets().
 * The input may be malformed. */
#ifndef MUSTER_CONF_REDACT_H
#define MUSTER_CONF_REDACT_H

#include <stddef.h>

#include "conf/url.h"

/* What every secret is shown as. */
#define REDACTED "***"

/* Where the text of a URL comes from. */
enum redact_text {
	REDACT_WRITTEN,	 /* as the user wrote it: `${NAME}` references not expanded */
	REDACT_EXPANDED, /* after expansion: all of a password is the secret */
};

/* Copy `url` to `out` (size `len`) with every loaded secret masked (whole,
 * first) and its password and query values redacted; `scheme`
 * (the scheme table) says which schemes read a user information without
 * ':' as a password; NULL, or a scheme it does not know: every such user
 * information is redacted. */
void redact_url(const char *url, url_scheme_fn *scheme, enum redact_text how, char *out,
		size_t len);

/* Copy the header line "K: V" to `out` with every loaded secret masked and
 * V redacted unless K is one of the harmless names above. */
void redact_header(const char *hdr, char *out, size_t len);

/* Replace every occurrence of `secret` (NULL or "": none) in the string
 * `text` (a buffer of `size` bytes) by REDACTED, cutting what no longer
 * fits.  An occurrence is the secret's bytes each as itself or
 * percent-encoded (`%2F` or `%2f`; a space also as `+`), as in a URL. */
void redact_value(char *text, size_t size, const char *secret);

/* The shortest value redact_secrets() masks: a shorter one would erase
 * every such byte of every line. */
#define REDACT_MIN 4

/* Register a value muster loaded as a secret (a copy is kept until exit):
 * from now on redact_secrets() masks it, and each of its lines (split at
 * CR and LF) of at least REDACT_MIN bytes too.  NULL: none.  Returns 0
 * or -ENOMEM. */
int redact_secret_add(const char *value);

/* redact_value() for every registered secret, the longest first. */
void redact_secrets(char *text, size_t size);

/* Forget every registered secret (the tests). */
void redact_secrets_forget(void);

#endif
