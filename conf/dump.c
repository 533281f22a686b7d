/* dump.c - the effective configuration as an INI file, sources as comments,
 * secrets redacted (see dump.h). */
#include "conf/dump.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "conf/log.h"
#include "conf/redact.h"
#include "conf/parse.h"

void conf_fmt_duration(int64_t ms, char *out, size_t len)
{
	if (ms == 0)
		snprintf(out, len, "0");
	else if (ms % 3600000 == 0)
		snprintf(out, len, "%" PRId64 "h", ms / 3600000);
	else if (ms % 60000 == 0)
		snprintf(out, len, "%" PRId64 "m", ms / 60000);
	else if (ms % 1000 == 0)
		snprintf(out, len, "%" PRId64 "s", ms / 1000);
	else
		snprintf(out, len, "%" PRId64 "ms", ms);
}

static void put_src(const struct muster_conf *c, enum opt_id id, int src, int line, FILE *out)
{
	switch (src) {
	case SRC_FILE:
		out_printf(out, " ; %s:%d\n", c->file ? c->file : "?", line);
		break;
	case SRC_ENV:
		out_printf(out, " ; env %s\n", conf_options[id].env);
		break;
	case SRC_CLI:
		out_printf(out, " ; command line\n");
		break;
	default:
		out_printf(out, " ; default\n");
		break;
	}
}

/* The textual value of a scalar option; "" when unset without default. */
static void scalar(const struct muster_conf *c, const struct opt_def *d, char *v, size_t len)
{
	const void *f = (const char *)c + d->field;
	const char *s = NULL;
	char sig[16];
	size_t pos = 0;
	int i, n;

	v[0] = '\0';
	switch (d->kind) {
	case OT_PATH:
	case OT_REGEX:
	case OT_STATUSES:
		s = *(char *const *)f;
		break;
	case OT_DURATION:
		/* without a default, 0 means none */
		if (*(const int64_t *)f || d->def)
			conf_fmt_duration(*(const int64_t *)f, v, len);
		break;
	case OT_BOOL:
		s = *(const bool *)f ? "true" : "false";
		break;
	case OT_TRISTATE:
		/* auto (-1): on whenever privileges are dropped or a seccomp
		 * filter is loaded (hooks/sandbox/drop.c), so shown that way */
		n = *(const int *)f;
		s = (n >= 0 ? n
			    : (c->user || c->cap_keep.n || (c->seccomp && strcmp(c->seccomp, "none"))))
			? "true"
			: "false";
		break;
	case OT_SIGNAL:
		if ((n = *(const int *)f))
			s = signal_name(n, sig);
		break;
	case OT_REWRITE:
		for (i = 1; i < CONF_NSIG && pos + 40 < len; i++)
			if (((const int *)f)[i]) {
				pos +=
				    (size_t)snprintf(v + pos, len - pos, "%s%s:", pos ? ", " : "",
						     signal_name(i, sig));
				pos += (size_t)snprintf(v + pos, len - pos, "%s",
							signal_name(((const int *)f)[i], sig));
			}
		break;
	case OT_EXITCODES:
		for (i = 0; i < 256 && pos + 8 < len; i++)
			if (((const bool *)f)[i])
				pos += (size_t)snprintf(v + pos, len - pos, "%s%d", pos ? ", " : "",
							i);
		break;
	case OT_LOGLEVEL:
		s = log_level_name(*(const int *)f);
		break;
	case OT_LOGFORMAT:
		s = *(const int *)f == LOGF_JSON ? "json" : "text";
		break;
	default:
		break;
	}
	if (s)
		snprintf(v, len, "%s", s);
}

static void redact(enum opt_id id, const char *s, url_scheme_fn *scheme, char *v, size_t len)
{
	if (id == OPT_WAIT || id == OPT_HEALTH_URL)
		redact_url(s, scheme, REDACT_WRITTEN, v, len);
	else if (id == OPT_HEALTH_HEADER || id == OPT_WAIT_HEADER)
		redact_header(s, v, len);
	else
		snprintf(v, len, "%s", s);
}

/* One option: `key = value ; source`, or one line per list value. */
static void option(const struct muster_conf *c, enum opt_id id, const char *prefix,
		   url_scheme_fn *scheme, FILE *out)
{
	const struct opt_def *d = &conf_options[id];
	const char *key = d->key ? d->key : d->lopt;
	char v[1024];
	size_t i;

	if (conf_kind_is_list(d->kind)) {
		const struct strlist *l = (const void *)((const char *)c + d->field);

		for (i = 0; i < l->n; i++) {
			redact(id, l->v[i].s, scheme, v, sizeof(v));
			out_printf(out, "%s%s = %s", prefix, key, v);
			put_src(c, id, l->v[i].src, l->v[i].line, out);
		}
		if (!l->n)
			out_printf(out, "# %s =\n", key);
		return;
	}
	scalar(c, d, v, sizeof(v));
	if (!v[0]) {
		out_printf(out, "# %s =\n", key);
		return;
	}
	out_printf(out, "%s%s = %s", prefix, key, v);
	put_src(c, id, c->src[id], c->line[id], out);
}

static void hooks(const struct muster_conf *c, FILE *out)
{
	char t[32];
	size_t i;

	for (i = 0; i < c->nhooks; i++) {
		const struct hook_def *h = &c->hooks[i];

		out_printf(out, "\n[hook %s] ; %s:%d\n", h->name, c->file ? c->file : "?", h->line);
		out_printf(out, "exec = %s\n", h->exec ? h->exec : "");
		if (h->timeout_ms >= 0) {
			conf_fmt_duration(h->timeout_ms, t, sizeof(t));
			out_printf(out, "timeout = %s\n", t);
		}
	}
}

void conf_dump(const struct muster_conf *c, url_scheme_fn *scheme, FILE *out)
{
	const char *done[OPT_COUNT];
	size_t ndone = 0, k;
	int i, j;

	out_printf(out, "# muster %s: effective configuration\n", MUSTER_VERSION);
	if (c->config_path)
		out_printf(out, "# config = %s", c->config_path);
	else
		out_printf(out, "# config = %s", c->file ? c->file : "(none)");
	put_src(c, OPT_CONFIG, c->src[OPT_CONFIG], 0, out);
	option(c, OPT_PRE, "# ", scheme, out);
	if (c->argc > 0) {
		out_printf(out, "# command =");
		for (i = 0; i < c->argc; i++)
			out_printf(out, " %s", c->argv[i]);
		out_printf(out, "\n");
	}
	/* sections in the order the table first names them */
	for (i = 0; i < OPT_COUNT; i++) {
		const char *sec = conf_options[i].section;

		if (!sec)
			continue;
		for (k = 0; k < ndone && strcmp(done[k], sec); k++)
			;
		if (k < ndone)
			continue;
		done[ndone++] = sec;
		out_printf(out, "\n[%s]\n", sec);
		for (j = i; j < OPT_COUNT; j++)
			if (conf_options[j].section && !strcmp(conf_options[j].section, sec))
				option(c, (enum opt_id)j, "", scheme, out);
		if (!strcmp(sec, "hooks"))
			hooks(c, out);
	}
}
