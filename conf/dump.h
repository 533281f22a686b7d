/* dump.h - print the effective configuration as an INI file (`muster config`).
 *
 * Every option of the table is printed, defaults included, in the section
 * and under the key the INI file uses, with where its value came from as a
 * trailing comment: `; default`, `; env MUSTER_GRACE`, `; FILE:LINE` or
 * `; command line`.  Options without an INI key (--config, --pre) and the
 * workload command are printed as `#` comments.  Unset options without a
 * default are printed commented out (`# user =`).
 *
 * URLs and headers go through conf/redact.h; `${NAME}` references are
 * never expanded here.
 */
#ifndef MUSTER_DUMP_H
#define MUSTER_DUMP_H

#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"
#include "conf/url.h"

/* `scheme`: the scheme table, for the redactor (conf/redact.h). */
void conf_dump(const struct muster_conf *c, url_scheme_fn *scheme, FILE *out);

/* "250ms", "10s", "2m", "1h", "0": the shortest exact form. */
void conf_fmt_duration(int64_t ms, char *out, size_t len);

#endif
