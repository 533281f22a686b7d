/* options.c - the option table (one row per option, see conf.h) and
 * conf_apply(), the one place values are parsed, validated and stored,
 * whether they are a row's default or came from a front end (CLI, env,
 * INI). */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/ere.h"
#include "conf/log.h"
#include "conf/parse.h"

#define M_ALL (MODE_MAIN | MODE_CONFIG)
#define M_ANY (MODE_MAIN | MODE_CONFIG | MODE_WAIT | MODE_HEALTH)

/* KIND(member): a row's kind and the offset of the field it stores into.
 * The member's C type is checked against the one the kind stores: the
 * pointer comparison, never evaluated, is an error (-Werror) otherwise. */
#define AT(type, m)                                                                                \
	(unsigned short)(offsetof(struct muster_conf, m) +                                         \
			 0 * sizeof((type *)0 == &((struct muster_conf *)0)->m))
#define STR(m)       OT_PATH, AT(char *, m)
#define REGEX(m)     OT_REGEX, AT(char *, m)
#define STATUSES(m)  OT_STATUSES, AT(char *, m)
#define LIST(k, m)   k, AT(struct strlist, m)
#define DUR(m)       OT_DURATION, AT(int64_t, m)
#define BOOL(m)      OT_BOOL, AT(bool, m)
#define INT(k, m)    k, AT(int, m)
#define REWRITE(m)   OT_REWRITE, AT(int, m[0])
#define EXITCODES(m) OT_EXITCODES, AT(bool, m[0])

_Static_assert(sizeof(struct muster_conf) <= 65535, "opt_def.field is an unsigned short");

/* One row per option.  Defaults are written as `muster config` prints
 * them; NULL: none (the field stays zero, printed as `# key =`). */
/* clang-format off */
const struct opt_def conf_options[OPT_COUNT] = {
	{OPT_CONFIG, "config", 'c', "MUSTER_CONFIG", NULL, NULL, STR(config_path), NULL, "FILE",
	 "INI file (default /etc/muster.ini when it exists)", M_ALL | MODE_HEALTH},
	{OPT_WAIT, "wait", 'w', "MUSTER_WAIT", "wait", "url", LIST(OT_WORDLIST, wait_urls), NULL,
	 "URL", "dependency to wait for (repeatable)", M_ALL},
	{OPT_WAIT_TIMEOUT, "wait-timeout", 0, "MUSTER_WAIT_TIMEOUT", "wait", "timeout",
	 DUR(wait_timeout_ms), "1m",
	 "DUR", "one deadline for all waits (default 60s; 0 = forever)", M_ALL},
	{OPT_WAIT_EXPECT, "expect", 0, "MUSTER_WAIT_EXPECT", "wait", "expect", STATUSES(wait_expect),
	 "200-299", "CODES", "HTTP statuses that mean ready, e.g. 200-399,401 (default 200-299)",
	 M_ALL | MODE_WAIT},
	{OPT_WAIT_HEADER, "header", 'H', NULL, "wait", "header", LIST(OT_PATHLIST, wait_headers),
	 NULL, "'K: V'", "extra HTTP request header of the http:// waits (repeatable)",
	 M_ALL | MODE_WAIT},
	{OPT_WAIT_BODY, "body", 0, "MUSTER_WAIT_BODY", "wait", "body", REGEX(wait_body), NULL,
	 "REGEX", "ready only when the first 1 MiB of the body matches (POSIX ERE)",
	 M_ALL | MODE_WAIT},
	{OPT_PRE, "pre", 0, "MUSTER_PRE", NULL, NULL, LIST(OT_LINELIST, pre), NULL, "CMDLINE",
	 "pre-start hook, split like shell words, never run by a shell (repeatable)", M_ALL},
	{OPT_HOOKS_DIR, "hooks-dir", 0, "MUSTER_HOOKS_DIR", "hooks", "dir", STR(hooks_dir), NULL,
	 "DIR", "run every executable in DIR as a hook, in name order", M_ALL},
	{OPT_HOOK_TIMEOUT, "hook-timeout", 0, "MUSTER_HOOK_TIMEOUT", "hooks", "timeout",
	 DUR(hook_timeout_ms), NULL, "DUR", "time limit for each hook (default none)", M_ALL},
	{OPT_HOOKS_AS_ROOT, "hooks-as-root", 0, "MUSTER_HOOKS_AS_ROOT", "hooks", "as_root",
	 BOOL(hooks_as_root), "false", NULL, "run hooks as muster's user, not as --user", M_ALL},
	{OPT_SECRETS_DIR, "secrets-dir", 0, "MUSTER_SECRETS_DIR", "secrets", "dir",
	 LIST(OT_PATHLIST, secrets_dirs), "/run/secrets",
	 "DIR", "NAME_FILE inside DIR is loaded into NAME (default /run/secrets)", M_ANY},
	{OPT_SECRET, "secret", 0, "MUSTER_SECRETS", "secrets", "name",
	 LIST(OT_CSVLIST, secret_names), NULL, "NAME",
	 "always load NAME_FILE into NAME, wherever it points", M_ANY},
	{OPT_ENV_DIR, "env-dir", 0, "MUSTER_ENV_DIR", "secrets", "env_dir", STR(env_dir), NULL,
	 "DIR", "each regular file in DIR becomes a variable", M_ANY},
	{OPT_USER, "user", 'u', "MUSTER_USER", "security", "user", STR(user), NULL,
	 "USER[:GROUP]", "run the workload as USER (names from the image's /etc/passwd)", M_ALL},
	{OPT_CAP_KEEP, "cap-keep", 0, "MUSTER_CAP_KEEP", "security", "cap_keep",
	 LIST(OT_CSVLIST, cap_keep), NULL,
	 "CAP[,CAP]", "capabilities that survive; all others are dropped", M_ALL},
	{OPT_NO_NEW_PRIVS, "no-new-privs", 0, "MUSTER_NO_NEW_PRIVS", "security", "no_new_privs",
	 INT(OT_TRISTATE, no_new_privs), "auto",
	 NULL, "set no_new_privs (on whenever privileges are dropped)", M_ALL},
	{OPT_ALLOW_NEW_PRIVS, "allow-new-privs", 0, NULL, NULL, NULL,
	 INT(OT_NEGATE, no_new_privs), NULL, NULL, "do not set no_new_privs", M_ALL},
	{OPT_SECCOMP, "seccomp", 0, "MUSTER_SECCOMP", "security", "seccomp", STR(seccomp), "none",
	 "PROFILE", "none (default), default, or a profile file", M_ALL},
	{OPT_KILL_GROUP, "group", 'g', "MUSTER_KILL_GROUP", "init", "kill_group", BOOL(kill_group),
	 "false", NULL, "forward signals to the workload's whole process group", M_ALL},
	{OPT_REWRITE, "rewrite", 'r', "MUSTER_REWRITE", "init", "rewrite", REWRITE(rewrite), NULL,
	 "SIG:SIG", "deliver another signal than the one received (repeatable)", M_ALL},
	{OPT_GRACE, "grace", 't', "MUSTER_GRACE", "init", "grace", DUR(grace_ms), "10s", "DUR",
	 "after a stop signal, time before SIGKILL (default 10s)", M_ALL},
	{OPT_STOP_DELAY, "stop-delay", 0, "MUSTER_STOP_DELAY", "init", "stop_delay",
	 DUR(stop_delay_ms), "0", "DUR",
	 "on the first stop signal, keep the workload running this long (default 0)", M_ALL},
	{OPT_SUBREAPER, "subreaper", 's', "MUSTER_SUBREAPER", "init", "subreaper", BOOL(subreaper),
	 "false", NULL, "reap orphans when not PID 1 (automatic when not PID 1)", M_ALL},
	{OPT_REMAP_EXIT, "remap-exit", 'e', "MUSTER_REMAP_EXIT", "init", "remap_exit",
	 EXITCODES(remap_exit), NULL, "CODE", "report exit CODE as 0 (repeatable)", M_ALL},
	{OPT_PDEATHSIG, "pdeathsig", 'p', "MUSTER_PDEATHSIG", "init", "pdeathsig",
	 INT(OT_SIGNAL, pdeathsig), NULL,
	 "SIG", "signal received when muster's parent dies, handled as a stop", M_ALL},
	{OPT_EXPAND_ARGS, "expand-args", 0, "MUSTER_EXPAND_ARGS", "init", "expand_args",
	 BOOL(expand_args), "false", NULL,
	 "expand ${NAME} in COMMAND and its arguments, after secrets are loaded", M_ALL},
	{OPT_VERBOSE, "verbose", 'v', NULL, NULL, NULL, INT(OT_LOUDER, log_level), NULL, NULL,
	 "more log output (repeatable)", M_ANY},
	{OPT_QUIET, "quiet", 'q', NULL, NULL, NULL, INT(OT_QUIETER, log_level), NULL, NULL,
	 "less log output (repeatable)", M_ANY},
	{OPT_LOG_LEVEL, "log-level", 0, "MUSTER_LOG_LEVEL", "log", "level",
	 INT(OT_LOGLEVEL, log_level), "info", "LEVEL", "error, warn, info (default) or debug", M_ANY},
	{OPT_LOG_FORMAT, "log-format", 0, "MUSTER_LOG_FORMAT", "log", "format",
	 INT(OT_LOGFORMAT, log_format), "text", "FORMAT", "text (default) or json", M_ANY},
	{OPT_HEALTH_URL, NULL, 0, "MUSTER_HEALTH_URL", "health", "url",
	 LIST(OT_WORDLIST, health_urls), NULL, "URL",
	 "what `muster health` probes when given no URL", MODE_CONFIG},
	{OPT_HEALTH_TIMEOUT, "timeout", 0, "MUSTER_HEALTH_TIMEOUT", "health", "timeout",
	 DUR(health_timeout_ms), "3s", "DUR", "whole probe time limit (default 3s)", MODE_HEALTH},
	{OPT_HEALTH_EXPECT, "expect", 0, "MUSTER_HEALTH_EXPECT", "health", "expect",
	 STATUSES(health_expect), "200-299",
	 "CODES", "healthy HTTP statuses, e.g. 200-399,401 (default 200-299)", MODE_HEALTH},
	{OPT_HEALTH_HEADER, "header", 'H', NULL, "health", "header",
	 LIST(OT_PATHLIST, health_headers), NULL, "'K: V'",
	 "extra HTTP request header (repeatable)", MODE_HEALTH},
	{OPT_HEALTH_BODY, "body", 0, "MUSTER_HEALTH_BODY", "health", "body", REGEX(health_body),
	 NULL, "REGEX", "healthy only when the first 1 MiB of the body matches (POSIX ERE)",
	 MODE_HEALTH},
	{OPT_HEALTH_UNIX_SOCKET, "unix-socket", 0, "MUSTER_HEALTH_UNIX_SOCKET", "health",
	 "unix_socket", STR(health_unix_socket), NULL,
	 "PATH", "HTTP over this unix socket, as curl does", MODE_HEALTH},
	{OPT_TLS_CACERT, "cacert", 0, "MUSTER_CACERT", "tls", "cacert", STR(tls_cacert), NULL,
	 "FILE", "CA bundle for https, rediss, grpcs (default $SSL_CERT_FILE, else "
	 "/etc/ssl/certs/ca-certificates.crt)", M_ANY},
	{OPT_TLS_INSECURE, "insecure", 0, "MUSTER_TLS_INSECURE", "tls", "insecure",
	 BOOL(tls_insecure), "false", NULL,
	 "do not verify TLS certificates (says so in a warning)", M_ANY},
	{OPT_TLS_CERT, "cert", 0, "MUSTER_TLS_CERT", "tls", "cert", STR(tls_cert), NULL, "FILE",
	 "client certificate chain for mutual TLS (PEM)", M_ANY},
	{OPT_TLS_KEY, "key", 0, "MUSTER_TLS_KEY", "tls", "key", STR(tls_key), NULL, "FILE",
	 "the client certificate's key (PEM: RSA or EC, unencrypted)", M_ANY},
};
/* clang-format on */

static bool modifies(enum opt_kind k)
{
	return k == OT_NEGATE || k == OT_LOUDER || k == OT_QUIETER;
}

bool conf_kind_is_list(enum opt_kind kind)
{
	return kind == OT_PATHLIST || kind == OT_WORDLIST || kind == OT_CSVLIST ||
	       kind == OT_LINELIST;
}

bool conf_kind_repeats(enum opt_kind kind)
{
	return conf_kind_is_list(kind) || kind == OT_REWRITE || kind == OT_EXITCODES;
}

enum opt_id conf_owner(enum opt_id id)
{
	const struct opt_def *d = &conf_options[id];
	int i;

	if (modifies(d->kind))
		for (i = 0; i < OPT_COUNT; i++)
			if (conf_options[i].field == d->field && !modifies(conf_options[i].kind))
				return (enum opt_id)i;
	return id;
}

void conf_init(struct muster_conf *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < OPT_COUNT; i++)
		if (conf_options[i].def)
			conf_apply(c, (enum opt_id)i, conf_options[i].def, SRC_DEFAULT, 0);
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

	/* modifier rows share their owner's field: it is freed once */
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];
		void *f = (char *)c + d->field;

		if (d->kind == OT_PATH || d->kind == OT_REGEX || d->kind == OT_STATUSES)
			free(*(char **)f);
		else if (conf_kind_is_list(d->kind))
			strlist_clear(f);
	}
	for (i = 0; i < c->nhooks; i++) {
		free(c->hooks[i].name);
		free(c->hooks[i].exec);
	}
	free(c->hooks);
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
	return conf_value_error(src);
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

/* The list kinds: the highest source that gives any value replaces the
 * lower ones (each value records its own source). */
static int apply_list(struct muster_conf *c, enum opt_id id, const char *val,
		      enum conf_src src, int line)
{
	enum opt_kind t = conf_options[id].kind;
	struct strlist *l = (struct strlist *)((char *)c + conf_options[id].field);

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

/* rewrite and remap-exit: several values, comma or space separated; a
 * higher source replaces the whole set */
static int apply_multi(struct muster_conf *c, enum opt_id id, const char *val,
		       enum conf_src src, int line)
{
	bool rw = conf_options[id].kind == OT_REWRITE;
	void *f = (char *)c + conf_options[id].field;
	char *copy, *save = NULL, *tok;
	int r = 0;

	if (c->src[id] < src)
		memset(f, 0, rw ? CONF_NSIG * sizeof(int) : 256 * sizeof(bool));
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		int from, to, code;

		if (rw) {
			if (parse_rewrite(tok, &from, &to)) {
				r = bad(c, id, src, line, tok, "expected SIG:SIG, got");
				break;
			}
			((int *)f)[from] = to ? to : -1;
		} else {
			code = parse_exit_code(tok);
			if (code < 0) {
				r = bad(c, id, src, line, tok, "expected an exit code 0-255, got");
				break;
			}
			((bool *)f)[code] = true;
		}
	}
	free(copy);
	if (!*val)
		r = bad(c, id, src, line, val, "empty value");
	return r;
}

/* A regular expression compiles; else *why says why (the reason of the
 * last bad one, kept until the next). */
static int check_regex(const char *val, const char **why)
{
	static char reason[160];
	char err[128];
	struct ere *re;
	int r = ere_compile(val, &re, err, sizeof(err));

	if (r == -EINVAL) {
		snprintf(reason, sizeof(reason), "%s in the regular expression", err);
		*why = reason;
	}
	if (!r)
		ere_free(re);
	return r;
}

/* The kinds with one value: parse `val` into the field `f`.  Returns 0,
 * -ENOMEM, or -EINVAL with *why saying what was expected. */
static int set_scalar(const struct opt_def *d, void *f, const char *val, enum conf_src src,
		      const char **why)
{
	char *s;
	int64_t ms;
	int v;

	switch (d->kind) {
	case OT_PATH:
		if (!*val)
			return *why = "empty value", -EINVAL;
		if (!(s = strdup(val)))
			return -ENOMEM;
		free(*(char **)f);
		*(char **)f = s;
		return 0;
	case OT_REGEX:
	case OT_STATUSES:
		if (!*val)
			return *why = "empty value", -EINVAL;
		if (d->kind == OT_REGEX && (v = check_regex(val, why)))
			return v;
		if (d->kind == OT_STATUSES && http_expect_match(val, 200) < 0)
			return *why = "expected HTTP statuses like 200-399,401, got", -EINVAL;
		if (!(s = strdup(val)))
			return -ENOMEM;
		free(*(char **)f);
		*(char **)f = s;
		return 0;
	case OT_DURATION:
		if (parse_duration(val, &ms))
			return *why = "expected a duration like 250ms, 10s, 2m, 1h, got", -EINVAL;
		*(int64_t *)f = ms;
		return 0;
	case OT_TRISTATE:
		if (src == SRC_DEFAULT && !strcmp(val, "auto"))
			return *(int *)f = -1, 0;
		/* fall through */
	case OT_BOOL:
	case OT_NEGATE:
		/* a CLI flag has no value: it means true */
		v = (src == SRC_CLI && !*val) ? 1 : parse_bool(val);
		if (v < 0)
			return *why = "expected true or false, got", -EINVAL;
		if (d->kind == OT_BOOL)
			*(bool *)f = v;
		else
			*(int *)f = d->kind == OT_NEGATE ? !v : v;
		return 0;
	case OT_SIGNAL:
		if ((v = parse_signal(val)) < 0)
			return *why = "expected a signal name or number, got", -EINVAL;
		return *(int *)f = v, 0;
	case OT_LOGLEVEL:
		if ((v = log_level_parse(val)) < 0)
			return *why = "expected error, warn, info or debug, got", -EINVAL;
		return *(int *)f = v, 0;
	case OT_LOGFORMAT:
		if ((v = log_format_parse(val)) < 0)
			return *why = "expected text or json, got", -EINVAL;
		return *(int *)f = v, 0;
	case OT_LOUDER:
	case OT_QUIETER:
		/* -v / -q move the level from wherever it stands */
		v = *(int *)f + (d->kind == OT_LOUDER ? 1 : -1);
		if (v >= LOG_ERROR && v <= LOG_DEBUG)
			*(int *)f = v;
		return 0;
	default:
		return 0;
	}
}

int conf_apply(struct muster_conf *c, enum opt_id id, const char *val, enum conf_src src,
	       int line)
{
	const struct opt_def *d = &conf_options[id];
	enum opt_id o = conf_owner(id); /* where the source is recorded */
	const char *why = NULL;
	int r;

	if (!val)
		val = "";
	if (conf_kind_is_list(d->kind)) {
		r = apply_list(c, id, val, src, line);
	} else if (c->src[o] > src) {
		return 0; /* a higher source already set it */
	} else if (d->kind == OT_REWRITE || d->kind == OT_EXITCODES) {
		r = apply_multi(c, id, val, src, line);
	} else {
		r = set_scalar(d, (char *)c + d->field, val, src, &why);
		if (why)
			r = bad(c, id, src, line, val, why);
	}
	if (r)
		return r;
	/* never downgrade: list options return early above when a higher
	 * source already holds them */
	if (c->src[o] <= src) {
		c->src[o] = (unsigned char)src;
		c->line[o] = line;
	}
	return 0;
}
