/* dump.h - print the effective configuration as an INI file (`muster config`).
 *
 * Every option of the table is printed, defaults included, in the section
 * and under the key the INI file uses, with where its value came from as a
 * trailing comment: `; default`, `; env MUSTER_GRACE`, `; FILE:LINE` or
 * `; command line`.  Options without an INI key (--config, --pre) and the
 * workload command are printed as `#` comments.  Unset options without a
 * default are printed commented out (`# user =`).
 *
 * Redaction, so that no secret value is ever printed:
 *  - a password in a URL's user info: redis://:<redacted>@cache:6379,
 *    unless it is exactly one `${NAME}` reference (printed as written);
 *  - the value of every HTTP header except Host, Accept, User-Agent,
 *    Content-Type and Connection: `Authorization: <redacted>`.
 * `${NAME}` references are never expanded here.
 */
#ifndef MUSTER_DUMP_H
#define MUSTER_DUMP_H

#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"

void conf_dump(const struct muster_conf *c, FILE *out);

/* Copy `url` to `out` (size `len`) with the password of its user info
 * replaced by <redacted> (see above).  Pure; for dump and tests. */
void conf_redact_url(const char *url, char *out, size_t len);

/* Copy the header line "K: V" to `out` with V replaced by <redacted>
 * unless K is one of the harmless names above. */
void conf_redact_header(const char *hdr, char *out, size_t len);

/* "250ms", "10s", "2m", "1h", "0": the shortest exact form. */
void conf_fmt_duration(int64_t ms, char *out, size_t len);

#endif
