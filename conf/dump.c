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
		fprintf(out, " ; %s:%d\n", c->file ? c->file : "?", line);
		break;
	case SRC_ENV:
		fprintf(out, " ; env %s\n", conf_options[id].env);
		break;
	case SRC_CLI:
		fprintf(out, " ; command line\n");
		break;
	default:
		fprintf(out, " ; default\n");
		break;
	}
}

static const struct strlist *list_of(const struct muster_conf *c, enum opt_id id)
{
	switch (id) {
	case OPT_WAIT:
		return &c->wait_urls;
	case OPT_PRE:
		return &c->pre;
	case OPT_SECRETS_DIR:
		return &c->secrets_dirs;
	case OPT_SECRET:
		return &c->secret_names;
	case OPT_CAP_KEEP:
		return &c->cap_keep;
	case OPT_HEALTH_URL:
		return &c->health_urls;
	case OPT_HEALTH_HEADER:
		return &c->health_headers;
	default:
		return NULL;
	}
}

static const char *str_of(const struct muster_conf *c, enum opt_id id)
{
	switch (id) {
	case OPT_CONFIG:
		return c->config_path;
	case OPT_HOOKS_DIR:
		return c->hooks_dir;
	case OPT_ENV_DIR:
		return c->env_dir;
	case OPT_USER:
		return c->user;
	case OPT_SECCOMP:
		return c->seccomp ? c->seccomp : "none";
	case OPT_HEALTH_EXPECT:
		return c->health_expect ? c->health_expect : "200-299";
	case OPT_HEALTH_UNIX_SOCKET:
		return c->health_unix_socket;
	default:
		return NULL;
	}
}

/* The textual value of a scalar option; "" when unset without default. */
static void scalar(const struct muster_conf *c, enum opt_id id, char *v, size_t len)
{
	const char *s;
	char sig[16];
	size_t pos = 0;
	int i;

	v[0] = '\0';
	switch (conf_options[id].type) {
	case OT_DURATION: {
		int64_t ms = id == OPT_WAIT_TIMEOUT   ? c->wait_timeout_ms
			     : id == OPT_HOOK_TIMEOUT ? c->hook_timeout_ms
			     : id == OPT_GRACE	      ? c->grace_ms
			     : id == OPT_STOP_DELAY   ? c->stop_delay_ms
						      : c->health_timeout_ms;

		if (id != OPT_HOOK_TIMEOUT || ms)
			conf_fmt_duration(ms, v, len);
		break;
	}
	case OT_BOOL: {
		int b = id == OPT_HOOKS_AS_ROOT ? c->hooks_as_root
			: id == OPT_KILL_GROUP	? c->kill_group
			: id == OPT_SUBREAPER	? c->subreaper
			: c->no_new_privs >= 0	? c->no_new_privs
						: (c->user || c->cap_keep.n);

		snprintf(v, len, "%s", b ? "true" : "false");
		break;
	}
	case OT_SIGNAL:
		if (c->pdeathsig)
			snprintf(v, len, "%s", signal_name(c->pdeathsig, sig));
		break;
	case OT_REWRITE:
		for (i = 1; i < 65 && pos + 40 < len; i++)
			if (c->rewrite[i]) {
				pos +=
				    (size_t)snprintf(v + pos, len - pos, "%s%s:", pos ? ", " : "",
						     signal_name(i, sig));
				pos += (size_t)snprintf(v + pos, len - pos, "%s",
							signal_name(c->rewrite[i], sig));
			}
		break;
	case OT_EXITCODES:
		for (i = 0; i < 256 && pos + 8 < len; i++)
			if (c->remap_exit[i])
				pos += (size_t)snprintf(v + pos, len - pos, "%s%d", pos ? ", " : "",
							i);
		break;
	case OT_LOGLEVEL:
		snprintf(v, len, "%s", log_level_name(c->log_level));
		break;
	case OT_LOGFORMAT:
		snprintf(v, len, "%s", c->log_format == LOGF_JSON ? "json" : "text");
		break;
	default:
		s = str_of(c, id);
		if (s)
			snprintf(v, len, "%s", s);
		break;
	}
}

static void redact(enum opt_id id, const char *s, char *v, size_t len)
{
	if (id == OPT_WAIT || id == OPT_HEALTH_URL)
		redact_url(s, v, len);
	else if (id == OPT_HEALTH_HEADER)
		redact_header(s, v, len);
	else
		snprintf(v, len, "%s", s);
}

/* One option: `key = value ; source`, or one line per list value. */
static void option(const struct muster_conf *c, enum opt_id id, const char *prefix, FILE *out)
{
	const struct opt_def *d = &conf_options[id];
	const char *key = d->key ? d->key : d->lopt;
	const struct strlist *l = list_of(c, id);
	char v[1024];
	size_t i;

	if (l) {
		for (i = 0; i < l->n; i++) {
			redact(id, l->v[i].s, v, sizeof(v));
			fprintf(out, "%s%s = %s", prefix, key, v);
			put_src(c, id, l->v[i].src, l->v[i].line, out);
		}
		if (!l->n)
			fprintf(out, "# %s =\n", key);
		return;
	}
	scalar(c, id, v, sizeof(v));
	if (!v[0]) {
		fprintf(out, "# %s =\n", key);
		return;
	}
	fprintf(out, "%s%s = %s", prefix, key, v);
	put_src(c, id, c->src[id], c->line[id], out);
}

static void hooks(const struct muster_conf *c, FILE *out)
{
	char t[32];
	size_t i;

	for (i = 0; i < c->nhooks; i++) {
		const struct hook_def *h = &c->hooks[i];

		fprintf(out, "\n[hook %s] ; %s:%d\n", h->name, c->file ? c->file : "?", h->line);
		fprintf(out, "exec = %s\n", h->exec ? h->exec : "");
		if (h->timeout_ms >= 0) {
			conf_fmt_duration(h->timeout_ms, t, sizeof(t));
			fprintf(out, "timeout = %s\n", t);
		}
	}
}

void conf_dump(const struct muster_conf *c, FILE *out)
{
	const char *done[OPT_COUNT];
	size_t ndone = 0, k;
	int i, j;

	fprintf(out, "# muster %s: effective configuration\n", MUSTER_VERSION);
	if (c->config_path)
		fprintf(out, "# config = %s", c->config_path);
	else
		fprintf(out, "# config = %s", c->file ? c->file : "(none)");
	put_src(c, OPT_CONFIG, c->src[OPT_CONFIG], 0, out);
	option(c, OPT_PRE, "# ", out);
	if (c->argc > 0) {
		fprintf(out, "# command =");
		for (i = 0; i < c->argc; i++)
			fprintf(out, " %s", c->argv[i]);
		fprintf(out, "\n");
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
		fprintf(out, "\n[%s]\n", sec);
		for (j = i; j < OPT_COUNT; j++)
			if (conf_options[j].section && !strcmp(conf_options[j].section, sec))
				option(c, (enum opt_id)j, "", out);
		if (!strcmp(sec, "hooks"))
			hooks(c, out);
	}
}
