/* rows.h - shared by the unit tests that walk the option table row by row
 * (test_options.c, test_dump.c, test_ini.c): a valid sample value of each
 * kind, how `muster config` prints it, and the dump of a configuration
 * with the line of one row picked out.  Include after <cmocka.h>. */
#ifndef MUSTER_TEST_ROWS_H
#define MUSTER_TEST_ROWS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/dump.h"
#include "hooks/wait/proto/proto.h"

/* A value of kind `k`, valid from any source, never the default. */
static inline const char *row_sample(enum opt_kind k)
{
	switch (k) {
	case OT_PATH:
		return "/sample";
	case OT_PATHLIST: /* a header the redactor leaves alone */
		return "Host: sample";
	case OT_WORDLIST:
	case OT_LINELIST:
		return "sample";
	case OT_CSVLIST:
		return "SAMPLE";
	case OT_DURATION:
		return "7s";
	case OT_BOOL:
	case OT_TRISTATE:
	case OT_NEGATE:
		return "true";
	case OT_SIGNAL:
		return "USR2";
	case OT_REWRITE:
		return "HUP:TERM";
	case OT_EXITCODES:
		return "42";
	case OT_LOGLEVEL:
		return "debug";
	case OT_LOGFORMAT:
		return "json";
	default:
		return NULL; /* -v, -q: no value */
	}
}

/* How `muster config` prints the owner's value once row_sample(k) was
 * applied to a fresh configuration. */
static inline const char *row_sample_shown(enum opt_kind k)
{
	switch (k) {
	case OT_NEGATE:
		return "false";
	case OT_LOUDER:
		return "debug";
	case OT_QUIETER:
		return "warn";
	default:
		return row_sample(k);
	}
}

/* conf_dump into a malloc'd string. */
static inline char *row_dump(const struct muster_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	conf_dump(c, proto_url_scheme, out);
	fclose(out);
	return buf;
}

/* `got` prints as `want` does; frees both. */
static inline void row_same(struct muster_conf *want, struct muster_conf *got)
{
	char *d1 = row_dump(want), *d2 = row_dump(got);

	assert_string_equal(d2, d1);
	free(d1);
	free(d2);
	conf_free(want);
	conf_free(got);
}

/* The first line of `dump` that prints row `d`: `key = ...` or `# key =`
 * in its [section], or `# lopt ...` before the first section for rows
 * without an INI key.  Copied into `out` without its newline; "" if none. */
static inline const char *row_line(const char *dump, const struct opt_def *d, char *out,
				   size_t len)
{
	const char *key = d->key ? d->key : d->lopt, *p, *nl;
	char cur[128] = "", hdr[64] = "", want[64], unset[64];

	if (d->section)
		snprintf(hdr, sizeof(hdr), "[%s]", d->section);
	snprintf(want, sizeof(want), "%s%s = ", d->key ? "" : "# ", key);
	snprintf(unset, sizeof(unset), "# %s =", key);
	out[0] = '\0';
	for (p = dump; *p; p = nl ? nl + 1 : p + strlen(p)) {
		int n = (int)strcspn(p, "\n");

		nl = strchr(p, '\n');
		if (*p == '[')
			snprintf(cur, sizeof(cur), "%.*s", n, p);
		else if (!strcmp(cur, hdr) &&
			 (!strncmp(p, want, strlen(want)) ||
			  ((size_t)n == strlen(unset) && !strncmp(p, unset, (size_t)n)))) {
			snprintf(out, len, "%.*s", n, p);
			break;
		}
	}
	return out;
}

#endif
