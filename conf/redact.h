/* redact.h - the redactor: what muster writes about a URL or a header
 * never holds a secret.
 *
 *  - a password in a URL's user info: redis://:<redacted>@cache:6379,
 *    unless it is exactly one `${NAME}` reference (printed as written);
 *  - the value of every HTTP header except Host, Accept, User-Agent,
 *    Content-Type and Connection: `Authorization: <redacted>`.
 * Pure; the input may be malformed. */
#ifndef MUSTER_CONF_REDACT_H
#define MUSTER_CONF_REDACT_H

#include <stddef.h>

/* Copy `url` to `out` (size `len`) with its password redacted. */
void redact_url(const char *url, char *out, size_t len);

/* Copy the header line "K: V" to `out` with V redacted unless K is one of
 * the harmless names above. */
void redact_header(const char *hdr, char *out, size_t len);

#endif
