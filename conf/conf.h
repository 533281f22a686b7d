/* conf.h - the one configuration struct, filled from INI, env and CLI.
 *
 * Every option is one row of the option table, conf_options[] in
 * conf/options.c: its long/short flag, its MUSTER_* env twin, its INI
 * section/key, its kind (the value type), the offset of its field in
 * struct muster_conf and its default as text.  Nothing else names an
 * option's field or default: conf_init() applies each row's default,
 * conf_apply() parses any value into the row's field, and the front ends
 * (which hand every value to conf_apply) and the printers read the table:
 *
 *   conf/cli.c   command line (conf_parse_cli) and --help (conf_usage)
 *   conf/env.c   MUSTER_* environment twins (conf_load_env)
 *   conf/ini.c   the INI file (conf_load_ini), inih underneath
 *   conf/dump.c  the effective configuration for `muster config`
 *   packaging/gen-man-options.c  the OPTIONS section of muster(1)
 *
 * A value is parsed and validated in exactly one place, and the source of
 * each value is recorded for `muster config`.
 *
 * Precedence: command line > environment > INI file > default.  For list
 * options the highest source that gives any value replaces the lower ones.
 */
#ifndef MUSTER_CONF_H
#define MUSTER_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Signals 1..64, and 0: the size of a table indexed by signal number. */
#define CONF_NSIG 65

enum conf_src { SRC_DEFAULT = 0, SRC_FILE, SRC_ENV, SRC_CLI };

/* One value of a list option, with where it came from. */
struct sval {
	char *s;
	unsigned char src; /* enum conf_src */
	int line;          /* INI line, 0 otherwise */
};

struct strlist {
	struct sval *v;
	size_t n;
};

/* A [hook NAME] section of the INI file. */
struct hook_def {
	char *name;
	char *exec;
	int64_t timeout_ms; /* -1: none (falls back to hook_timeout_ms) */
	int line;
};

enum opt_id {
	OPT_CONFIG,
	OPT_WAIT,
	OPT_WAIT_TIMEOUT,
	OPT_WAIT_EXPECT,
	OPT_WAIT_HEADER,
	OPT_WAIT_BODY,
	OPT_PRE,
	OPT_HOOKS_DIR,
	OPT_HOOK_TIMEOUT,
	OPT_HOOKS_AS_ROOT,
	OPT_SECRETS_DIR,
	OPT_SECRET,
	OPT_ENV_DIR,
	OPT_USER,
	OPT_CAP_KEEP,
	OPT_NO_NEW_PRIVS,
	OPT_ALLOW_NEW_PRIVS,
	OPT_SECCOMP,
	OPT_KILL_GROUP,
	OPT_REWRITE,
	OPT_GRACE,
	OPT_STOP_DELAY,
	OPT_SUBREAPER,
	OPT_REMAP_EXIT,
	OPT_PDEATHSIG,
	OPT_EXPAND_ARGS,
	OPT_VERBOSE,
	OPT_QUIET,
	OPT_LOG_LEVEL,
	OPT_LOG_FORMAT,
	OPT_HEALTH_URL,
	OPT_HEALTH_TIMEOUT,
	OPT_HEALTH_EXPECT,
	OPT_HEALTH_HEADER,
	OPT_HEALTH_BODY,
	OPT_HEALTH_UNIX_SOCKET,
	OPT_TLS_CACERT,
	OPT_TLS_INSECURE,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_COUNT
};

/* What an option's value is, and so how it is parsed, stored and printed.
 * The C type of the field each kind stores is in brackets. */
enum opt_kind {
	OT_PATH,      /* [char *] any non-empty string */
	OT_PATHLIST,  /* [struct strlist] repeatable string */
	OT_WORDLIST,  /* [struct strlist] repeatable; env twin split on spaces */
	OT_CSVLIST,   /* [struct strlist] repeatable; every value split on commas */
	OT_LINELIST,  /* [struct strlist] repeatable; env twin split on newlines */
	OT_DURATION,  /* [int64_t] ms, 0 allowed; without a default 0 means none */
	OT_BOOL,      /* [bool] a flag on the CLI, true/false elsewhere */
	OT_TRISTATE,  /* [int] as OT_BOOL (0/1), or -1 from the default "auto" */
	OT_NEGATE,    /* [int] a flag that sets an OT_TRISTATE field to false */
	OT_SIGNAL,    /* [int] signal number, 0: none */
	OT_REWRITE,   /* [int[CONF_NSIG]] SIG:SIG, repeatable; [from] = to, -1: dropped */
	OT_EXITCODES, /* [bool[256]] 0..255, repeatable, comma list in env/INI */
	OT_LOGLEVEL,  /* [int] enum log_level */
	OT_LOGFORMAT, /* [int] enum log_format */
	OT_REGEX,     /* [char *] a POSIX extended regular expression (conf/ere.h) */
	OT_STATUSES,  /* [char *] HTTP statuses, e.g. 200-399,401 (http_expect_match) */
	OT_LOUDER,    /* [int] -v: one log level up, on an OT_LOGLEVEL field */
	OT_QUIETER    /* [int] -q: one log level down, on an OT_LOGLEVEL field */
};

/* One option.  Rows of the modifier kinds (OT_NEGATE, OT_LOUDER,
 * OT_QUIETER) act on the field of another row, its owner (the row of the
 * same field with another kind), which records the source of the value. */
struct opt_def {
	enum opt_id id;
	const char *lopt; /* long option without dashes, NULL: none */
	char sopt;        /* short option, 0: none */
	const char *env;  /* env twin, NULL: none */
	const char *section, *key; /* INI, NULL: none */
	enum opt_kind kind;
	unsigned short field; /* offsetof(struct muster_conf, the field) */
	const char *def;  /* default, parsed as a value; NULL: none (zero) */
	const char *arg;  /* argument name for --help, NULL: flag */
	const char *help;
	unsigned modes;   /* MODE_* bits: where the CLI flag is accepted */
};

/* Subcommands, for which CLI flags each accepts. */
enum { MODE_MAIN = 1, MODE_WAIT = 2, MODE_HEALTH = 4, MODE_CONFIG = 8 };

extern const struct opt_def conf_options[OPT_COUNT];

struct muster_conf {
	char *config_path; /* NULL: /etc/muster.ini if it exists */

	/* [wait] */
	struct strlist wait_urls;
	int64_t wait_timeout_ms; /* 0 = forever */
	char *wait_expect;       /* HTTP statuses of http:// waits, as health_expect */
	struct strlist wait_headers;
	char *wait_body;         /* ERE the first 1 MiB of an http:// body must match */

	/* hooks */
	struct strlist pre;        /* --pre command lines, in order */
	char *hooks_dir;
	int64_t hook_timeout_ms;   /* 0 = none */
	struct hook_def *hooks;    /* [hook NAME] sections, file order */
	size_t nhooks;
	bool hooks_as_root;        /* hooks run as muster (root) rather than --user */

	/* [secrets] */
	struct strlist secrets_dirs;
	struct strlist secret_names;
	char *env_dir;

	/* [security] */
	char *user;               /* USER[:GROUP], NULL: unchanged */
	struct strlist cap_keep;  /* capability names as given */
	int no_new_privs;         /* -1: auto (on when dropping), 0 off, 1 on */
	char *seccomp;            /* "none", "default" or a profile path */

	/* [init] */
	int64_t grace_ms;
	int64_t stop_delay_ms;
	bool kill_group;
	int rewrite[CONF_NSIG];   /* rewrite[from] = to, 0: unchanged, -1: dropped */
	bool remap_exit[256];
	bool subreaper;
	int pdeathsig;            /* 0: none */
	bool expand_args;         /* ${NAME} in the command, after secrets are loaded */

	/* [log] */
	int log_level;            /* enum log_level */
	int log_format;           /* enum log_format */

	/* [health] */
	struct strlist health_urls;
	int64_t health_timeout_ms;
	char *health_expect;       /* statuses, e.g. "200-399,401" */
	struct strlist health_headers;
	char *health_body;         /* ERE, as wait_body */
	char *health_unix_socket;

	/* [tls]: https, rediss, grpcs (waits and health) */
	char *tls_cacert;          /* NULL: $SSL_CERT_FILE, else the system bundle */
	bool tls_insecure;
	char *tls_cert, *tls_key;  /* client certificate and key (mutual TLS) */

	/* the workload */
	char **argv; /* NULL-terminated, points into main's argv */
	int argc;

	/* where each option's value came from, for `muster config` */
	unsigned char src[OPT_COUNT];
	int line[OPT_COUNT];
	const char *file; /* INI file actually read, for messages */
};

/* Zero `c`, then apply every row's default (SRC_DEFAULT). */
void conf_init(struct muster_conf *c);
void conf_free(struct muster_conf *c);

/* Apply one textual value of option `id` from `src`.  `line` is the INI
 * line (0 otherwise).  Validates the value, logs one error naming the
 * culprit (--flag, MUSTER_VAR or file:line) and returns -EINVAL when bad. */
int conf_apply(struct muster_conf *c, enum opt_id id, const char *val, enum conf_src src,
	       int line);

/* The row whose field `id` sets and which records where its value came
 * from: `id` itself, or for a modifier kind the row it modifies. */
enum opt_id conf_owner(enum opt_id id);

/* Whether a kind's field is a struct strlist (the OT_*LIST kinds). */
bool conf_kind_is_list(enum opt_kind kind);

/* Whether a kind takes several values (each INI line adds to the set):
 * the lists, OT_REWRITE and OT_EXITCODES. */
bool conf_kind_repeats(enum opt_kind kind);

/* Name of the option as the user wrote it for `src`, e.g. "--grace",
 * "MUSTER_GRACE" or "grace" (INI).  For messages. */
const char *conf_opt_name(enum opt_id id, enum conf_src src);

/* The error a bad value from `src` is, by kind (the hacking section of the
 * README): -EINVAL for a value the user typed on the command line or in
 * the environment, -EBADMSG for one in the config file. */
int conf_value_error(enum conf_src src);

int strlist_add(struct strlist *l, const char *s, enum conf_src src, int line);
void strlist_clear(struct strlist *l);

#endif
