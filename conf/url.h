/* url.h - helpers around url_parse() (declared in probe.h). */
#ifndef MUSTER_URL_H
#define MUSTER_URL_H

#include <stddef.h>

/* Copy URL text `s` (well-formed or not) into out with any password in its
 * user information replaced by "***" (for redis://, a user information
 * without ':' is a password too). */
void url_redact(const char *s, char *out, size_t n);

#endif
