/* options.c - the option table and conf_apply(), the one place values are
 * parsed and validated, whatever front end (CLI, env, INI) they came from. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/log.h"
#include "conf/parse.h"

#define M_ALL (MODE_MAIN | MODE_CONFIG)
#define M_ANY (MODE_MAIN | MODE_CONFIG | MODE_WAIT | MODE_HEALTH)

/* clang-format off */
const struct opt_def conf_options[OPT_COUNT] = {
	{OPT_CONFIG, "config", 'c', "MUSTER_CONFIG", NULL, NULL, OT_PATH, "FILE",
	 "INI file (default /etc/muster.ini when it exists)", M_ALL | MODE_HEALTH},
	{OPT_WAIT, "wait", 'w', "MUSTER_WAIT", "wait", "url", OT_WORDLIST, "URL",
	 "dependency to wait for (repeatable)", M_ALL},
	{OPT_WAIT_TIMEOUT, "wait-timeout", 0, "MUSTER_WAIT_TIMEOUT", "wait", "timeout", OT_DURATION,
	 "DUR", "one deadline for all waits (default 60s; 0 = forever)", M_ALL},
	{OPT_PRE, "pre", 0, "MUSTER_PRE", NULL, NULL, OT_LINELIST, "CMDLINE",
	 "pre-start hook, split like shell words, never run by a shell (repeatable)", M_ALL},
	{OPT_HOOKS_DIR, "hooks-dir", 0, "MUSTER_HOOKS_DIR", "hooks", "dir", OT_PATH, "DIR",
	 "run every executable in DIR as a hook, in name order", M_ALL},
	{OPT_HOOK_TIMEOUT, "hook-timeout", 0, "MUSTER_HOOK_TIMEOUT", "hooks", "timeout",
	 OT_DURATION, "DUR", "time limit for each hook (default none)", M_ALL},
	{OPT_HOOKS_AS_ROOT, "hooks-as-root", 0, "MUSTER_HOOKS_AS_ROOT", "hooks", "as_root",
	 OT_BOOL, NULL, "run hooks as muster's user, not as --user", M_ALL},
	{OPT_SECRETS_DIR, "secrets-dir", 0, "MUSTER_SECRETS_DIR", "secrets", "dir", OT_PATHLIST,
	 "DIR", "NAME_FILE inside DIR is loaded into NAME (default /run/secrets)",
	 M_ALL | MODE_HEALTH},
	{OPT_SECRET, "secret", 0, "MUSTER_SECRETS", "secrets", "name", OT_CSVLIST, "NAME",
	 "always load NAME_FILE into NAME, wherever it points", M_ALL | MODE_HEALTH},
	{OPT_ENV_DIR, "env-dir", 0, "MUSTER_ENV_DIR", "secrets", "env_dir", OT_PATH, "DIR",
	 "each regular file in DIR becomes a variable", M_ALL | MODE_HEALTH},
	{OPT_USER, "user", 'u', "MUSTER_USER", "security", "user", OT_PATH, "USER[:GROUP]",
	 "run the workload as USER (names from the image's /etc/passwd)", M_ALL},
	{OPT_CAP_KEEP, "cap-keep", 0, "MUSTER_CAP_KEEP", "security", "cap_keep", OT_CSVLIST,
	 "CAP[,CAP]", "capabilities that survive; all others are dropped", M_ALL},
	{OPT_NO_NEW_PRIVS, "no-new-privs", 0, "MUSTER_NO_NEW_PRIVS", "security", "no_new_privs",
	 OT_BOOL, NULL, "set no_new_privs (on whenever privileges are dropped)", M_ALL},
	{OPT_ALLOW_NEW_PRIVS, "allow-new-privs", 0, NULL, NULL, NULL, OT_BOOL, NULL,
	 "do not set no_new_privs", M_ALL},
	{OPT_SECCOMP, "seccomp", 0, "MUSTER_SECCOMP", "security", "seccomp", OT_PATH, "PROFILE",
	 "none (default), default, or a profile file", M_ALL},
	{OPT_KILL_GROUP, "group", 'g', "MUSTER_KILL_GROUP", "init", "kill_group", OT_BOOL, NULL,
	 "forward signals to the workload's whole process group", M_ALL},
	{OPT_REWRITE, "rewrite", 'r', "MUSTER_REWRITE", "init", "rewrite", OT_REWRITE, "SIG:SIG",
	 "deliver another signal than the one received (repeatable)", M_ALL},
	{OPT_GRACE, "grace", 't', "MUSTER_GRACE", "init", "grace", OT_DURATION, "DUR",
	 "after a stop signal, time before SIGKILL (default 10s)", M_ALL},
	{OPT_STOP_DELAY, "stop-delay", 0, "MUSTER_STOP_DELAY", "init", "stop_delay", OT_DURATION,
	 "DUR", "on the first stop signal, keep the workload running this long (default 0)", M_ALL},
	{OPT_SUBREAPER, "subreaper", 's', "MUSTER_SUBREAPER", "init", "subreaper", OT_BOOL, NULL,
	 "reap orphans when not PID 1 (automatic when not PID 1)", M_ALL},
	{OPT_REMAP_EXIT, "remap-exit", 'e', "MUSTER_REMAP_EXIT", "init", "remap_exit",
	 OT_EXITCODES, "CODE", "report exit CODE as 0 (repeatable)", M_ALL},
	{OPT_PDEATHSIG, "pdeathsig", 'p', "MUSTER_PDEATHSIG", "init", "pdeathsig", OT_SIGNAL,
	 "SIG", "signal received when muster's parent dies, handled as a stop", M_ALL},
	{OPT_VERBOSE, "verbose", 'v', NULL, NULL, NULL, OT_COUNTER, NULL,
	 "more log output (repeatable)", M_ANY},
	{OPT_QUIET, "quiet", 'q', NULL, NULL, NULL, OT_COUNTER, NULL,
	 "less log output (repeatable)", M_ANY},
	{OPT_LOG_LEVEL, "log-level", 0, "MUSTER_LOG_LEVEL", "log", "level", OT_LOGLEVEL,
	 "LEVEL", "error, warn, info (default) or debug", M_ANY},
	{OPT_LOG_FORMAT, "log-format", 0, "MUSTER_LOG_FORMAT", "log", "format", OT_LOGFORMAT,
	 "FORMAT", "text (default) or json", M_ANY},
	{OPT_HEALTH_URL, NULL, 0, "MUSTER_HEALTH_URL", "health", "url", OT_WORDLIST, "URL",
	 "what `muster health` probes when given no URL", MODE_CONFIG},
	{OPT_HEALTH_TIMEOUT, "timeout", 0, "MUSTER_HEALTH_TIMEOUT", "health", "timeout",
	 OT_DURATION, "DUR", "whole probe time limit (default 3s)", MODE_HEALTH},
	{OPT_HEALTH_EXPECT, "expect", 0, "MUSTER_HEALTH_EXPECT", "health", "expect", OT_PATH,
	 "CODES", "healthy HTTP statuses, e.g. 200-399,401 (default 200-299)", MODE_HEALTH},
	{OPT_HEALTH_HEADER, "header", 'H', NULL, "health", "header", OT_PATHLIST, "'K: V'",
	 "extra HTTP request header (repeatable)", MODE_HEALTH},
	{OPT_HEALTH_UNIX_SOCKET, "unix-socket", 0, "MUSTER_HEALTH_UNIX_SOCKET", "health",
	 "unix_socket", OT_PATH, "PATH", "HTTP over this unix socket, as curl does", MODE_HEALTH},
};
/* clang-format on */

void conf_init(struct muster_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->wait_timeout_ms = 60000;
	c->hook_timeout_ms = 0;
	c->no_new_privs = -1;
	c->grace_ms = 10000;
	c->log_level = LOG_INFO;
	c->log_format = LOGF_TEXT;
	c->health_timeout_ms = 3000;
	strlist_add(&c->secrets_dirs, "/run/secrets", SRC_DEFAULT, 0);
}

int strlist_add(struct strlist *l, const char *s, enum conf_src src, int line)
{
	struct sval *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	char *d;

	if (!v)
		return -ENOMEM;
	l->v = v;
	d = strdup(s);
	if (!d)
		return -ENOMEM;
	l->v[l->n].s = d;
	l->v[l->n].src = (unsigned char)src;
	l->v[l->n].line = line;
	l->n++;
	return 0;
}

void strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void conf_free(struct muster_conf *c)
{
	size_t i;

	free(c->config_path);
	strlist_clear(&c->wait_urls);
	strlist_clear(&c->pre);
	free(c->hooks_dir);
	for (i = 0; i < c->nhooks; i++) {
		free(c->hooks[i].name);
		free(c->hooks[i].exec);
	}
	free(c->hooks);
	strlist_clear(&c->secrets_dirs);
	strlist_clear(&c->secret_names);
	free(c->env_dir);
	free(c->user);
	strlist_clear(&c->cap_keep);
	free(c->seccomp);
	strlist_clear(&c->health_urls);
	free(c->health_expect);
	strlist_clear(&c->health_headers);
	free(c->health_unix_socket);
	memset(c, 0, sizeof(*c));
}

const char *conf_opt_name(enum opt_id id, enum conf_src src)
{
	static char buf[64];
	const struct opt_def *d = &conf_options[id];

	if (src == SRC_ENV && d->env)
		return d->env;
	if (src == SRC_FILE && d->key) {
		snprintf(buf, sizeof(buf), "[%s] %s", d->section, d->key);
		return buf;
	}
	if (d->lopt) {
		snprintf(buf, sizeof(buf), "--%s", d->lopt);
		return buf;
	}
	return d->env ? d->env : "?";
}

int conf_value_error(enum conf_src src)
{
	return src == SRC_FILE ? -EBADMSG : -EINVAL;
}

static char **str_field(struct muster_conf *c, enum opt_id id)
{
	switch (id) {
	case OPT_CONFIG: return &c->config_path;
	case OPT_HOOKS_DIR: return &c->hooks_dir;
	case OPT_ENV_DIR: return &c->env_dir;
	case OPT_USER: return &c->user;
	case OPT_SECCOMP: return &c->seccomp;
	case OPT_HEALTH_EXPECT: return &c->health_expect;
	case OPT_HEALTH_UNIX_SOCKET: return &c->health_unix_socket;
	default: return NULL;
	}
}

static struct strlist *list_field(struct muster_conf *c, enum opt_id id)
{
	switch (id) {
	case OPT_WAIT: return &c->wait_urls;
	case OPT_PRE: return &c->pre;
	case OPT_SECRETS_DIR: return &c->secrets_dirs;
	case OPT_SECRET: return &c->secret_names;
	case OPT_CAP_KEEP: return &c->cap_keep;
	case OPT_HEALTH_URL: return &c->health_urls;
	case OPT_HEALTH_HEADER: return &c->health_headers;
	default: return NULL;
	}
}

static int64_t *dur_field(struct muster_conf *c, enum opt_id id)
{
	switch (id) {
	case OPT_WAIT_TIMEOUT: return &c->wait_timeout_ms;
	case OPT_HOOK_TIMEOUT: return &c->hook_timeout_ms;
	case OPT_GRACE: return &c->grace_ms;
	case OPT_STOP_DELAY: return &c->stop_delay_ms;
	case OPT_HEALTH_TIMEOUT: return &c->health_timeout_ms;
	default: return NULL;
	}
}

/* Report a bad value once, naming the culprit as the user wrote it.  The
 * value itself is shown only for options that cannot carry secrets. */
static int bad(struct muster_conf *c, enum opt_id id, enum conf_src src, int line,
	       const char *val, const char *why)
{
	const char *name = conf_opt_name(id, src);

	if (src == SRC_FILE)
		log_error("%s:%d: %s: %s '%s'", c->file ? c->file : "?", line, name, why, val);
	else
		log_error("%s: %s '%s'", name, why, val);
	return -EINVAL;
}

/* Split `val` on any of `seps` and add each non-empty piece. */
static int add_split(struct strlist *l, const char *val, const char *seps, enum conf_src src,
		     int line)
{
	char *copy = strdup(val), *save = NULL, *tok;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, seps, &save); tok && !r; tok = strtok_r(NULL, seps, &save))
		r = strlist_add(l, tok, src, line);
	free(copy);
	return r;
}

static int apply_list(struct muster_conf *c, enum opt_id id, const char *val,
		      enum conf_src src, int line)
{
	struct strlist *l = list_field(c, id);
	enum opt_type t = conf_options[id].type;

	if (l->n && l->v[0].src > src)
		return 0; /* a higher source already set it */
	if (l->n && l->v[0].src < src)
		strlist_clear(l);
	if (t == OT_CSVLIST)
		return add_split(l, val, ", \t", src, line);
	if (t == OT_WORDLIST && src == SRC_ENV)
		return add_split(l, val, " \t\n", src, line);
	if (t == OT_LINELIST && src == SRC_ENV)
		return add_split(l, val, "\n", src, line);
	if (!*val)
		return bad(c, id, src, line, val, "empty value");
	return strlist_add(l, val, src, line);
}

/* rewrite and remap-exit: several values, comma or space separated */
static int apply_multi(struct muster_conf *c, enum opt_id id, const char *val,
		       enum conf_src src, int line)
{
	char *copy, *save = NULL, *tok;
	int r = 0;

	if (c->src[id] > src)
		return 0;
	if (c->src[id] < src) {
		if (id == OPT_REWRITE)
			memset(c->rewrite, 0, sizeof(c->rewrite));
		else
			memset(c->remap_exit, 0, sizeof(c->remap_exit));
	}
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		int from, to, code;

		if (id == OPT_REWRITE) {
			if (parse_rewrite(tok, &from, &to)) {
				r = bad(c, id, src, line, tok, "expected SIG:SIG, got");
				break;
			}
			c->rewrite[from] = to ? to : -1;
		} else {
			code = parse_exit_code(tok);
			if (code < 0) {
				r = bad(c, id, src, line, tok, "expected an exit code 0-255, got");
				break;
			}
			c->remap_exit[code] = true;
		}
	}
	free(copy);
	if (!*val)
		r = bad(c, id, src, line, val, "empty value");
	return r;
}

int conf_apply(struct muster_conf *c, enum opt_id id, const char *val, enum conf_src src,
	       int line)
{
	const struct opt_def *d = &conf_options[id];
	int r = 0, v;
	int64_t ms;

	if (!val)
		val = "";
	switch (d->type) {
	case OT_PATHLIST:
	case OT_WORDLIST:
	case OT_CSVLIST:
	case OT_LINELIST:
		r = apply_list(c, id, val, src, line);
		break;
	case OT_REWRITE:
	case OT_EXITCODES:
		r = apply_multi(c, id, val, src, line);
		break;
	case OT_COUNTER:
		/* -v / -q move the level from wherever it stands */
		v = c->log_level + (id == OPT_VERBOSE ? 1 : -1);
		if (v >= LOG_ERROR && v <= LOG_DEBUG)
			c->log_level = v;
		c->src[OPT_LOG_LEVEL] = (unsigned char)src;
		break;
	default:
		if (c->src[id] > src)
			return 0;
		break;
	}
	if (d->type == OT_PATH) {
		char **f = str_field(c, id);

		if (!*val)
			return bad(c, id, src, line, val, "empty value");
		free(*f);
		*f = strdup(val);
		if (!*f)
			return -ENOMEM;
	} else if (d->type == OT_DURATION) {
		if (parse_duration(val, &ms))
			return bad(c, id, src, line, val,
				   "expected a duration like 250ms, 10s, 2m, 1h, got");
		*dur_field(c, id) = ms;
	} else if (d->type == OT_BOOL) {
		/* a CLI flag has no value: it means true */
		v = (src == SRC_CLI && !*val) ? 1 : parse_bool(val);
		if (v < 0)
			return bad(c, id, src, line, val, "expected true or false, got");
		switch (id) {
		case OPT_NO_NEW_PRIVS: c->no_new_privs = v; break;
		case OPT_ALLOW_NEW_PRIVS:
			c->no_new_privs = !v;
			c->src[OPT_NO_NEW_PRIVS] = (unsigned char)src;
			break;
		case OPT_HOOKS_AS_ROOT: c->hooks_as_root = v; break;
		case OPT_KILL_GROUP: c->kill_group = v; break;
		case OPT_SUBREAPER: c->subreaper = v; break;
		default: break;
		}
	} else if (d->type == OT_SIGNAL) {
		v = parse_signal(val);
		if (v < 0)
			return bad(c, id, src, line, val, "expected a signal name or number, got");
		c->pdeathsig = v;
	} else if (d->type == OT_LOGLEVEL) {
		v = log_level_parse(val);
		if (v < 0)
			return bad(c, id, src, line, val,
				   "expected error, warn, info or debug, got");
		c->log_level = v;
	} else if (d->type == OT_LOGFORMAT) {
		v = log_format_parse(val);
		if (v < 0)
			return bad(c, id, src, line, val, "expected text or json, got");
		c->log_format = v;
	}
	if (r)
		return r;
	/* never downgrade: list options return early above when a higher
	 * source already holds them */
	if (c->src[id] <= src) {
		c->src[id] = (unsigned char)src;
		c->line[id] = line;
	}
	return 0;
}
