/* conf.h - the one configuration struct, filled from INI, env and CLI.
 *
 * Every option of SPEC.md is one row of the option table (conf/options.c):
 * its long/short flag, its MUSTER_* env twin and its INI section/key.  The
 * three front ends (cli.c, env.c, ini.c) all go through conf_apply(), so a
 * value is parsed and validated in exactly one place, and the source of
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
	OPT_VERBOSE,
	OPT_QUIET,
	OPT_LOG_LEVEL,
	OPT_LOG_FORMAT,
	OPT_HEALTH_URL,
	OPT_HEALTH_TIMEOUT,
	OPT_HEALTH_EXPECT,
	OPT_HEALTH_HEADER,
	OPT_HEALTH_UNIX_SOCKET,
	OPT_COUNT
};

enum opt_type {
	OT_PATH,      /* string, any non-empty value */
	OT_PATHLIST,  /* repeatable string */
	OT_WORDLIST,  /* repeatable; env twin split on spaces */
	OT_CSVLIST,   /* repeatable; every value split on commas */
	OT_LINELIST,  /* repeatable; env twin split on newlines */
	OT_DURATION,  /* int64 ms, 0 allowed */
	OT_BOOL,      /* flag on the CLI, true/false elsewhere */
	OT_SIGNAL,    /* signal number */
	OT_REWRITE,   /* SIG:SIG, repeatable */
	OT_EXITCODES, /* 0..255, repeatable, comma list in env/INI */
	OT_LOGLEVEL,
	OT_LOGFORMAT,
	OT_COUNTER /* -v / -q */
};

struct opt_def {
	enum opt_id id;
	const char *lopt; /* long option without dashes, NULL: none */
	char sopt;        /* short option, 0: none */
	const char *env;  /* env twin, NULL: none */
	const char *section, *key; /* INI, NULL: none */
	enum opt_type type;
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
	int64_t wait_timeout_ms; /* default 60000; 0 = forever */

	/* hooks */
	struct strlist pre;        /* --pre command lines, in order */
	char *hooks_dir;
	int64_t hook_timeout_ms;   /* 0 = none */
	struct hook_def *hooks;    /* [hook NAME] sections, file order */
	size_t nhooks;
	bool hooks_as_root;        /* hooks run as muster (root) rather than --user */

	/* [secrets] */
	struct strlist secrets_dirs; /* default /run/secrets */
	struct strlist secret_names;
	char *env_dir;

	/* [security] */
	char *user;               /* USER[:GROUP], NULL: unchanged */
	struct strlist cap_keep;  /* capability names as given */
	int no_new_privs;         /* -1: auto (on when dropping), 0 off, 1 on */
	char *seccomp;            /* "none", "default" or a profile path */

	/* [init] */
	int64_t grace_ms;         /* default 10000 */
	int64_t stop_delay_ms;    /* default 0: none */
	bool kill_group;
	int rewrite[65];          /* rewrite[from] = to, 0: unchanged, -1: dropped */
	bool remap_exit[256];
	bool subreaper;
	int pdeathsig;            /* 0: none */

	/* [log] */
	int log_level;            /* enum log_level */
	int log_format;           /* enum log_format */

	/* [health] */
	struct strlist health_urls;
	int64_t health_timeout_ms; /* default 3000 */
	char *health_expect;       /* NULL: 200-299 */
	struct strlist health_headers;
	char *health_unix_socket;

	/* the workload */
	char **argv; /* NULL-terminated, points into main's argv */
	int argc;

	/* where each option's value came from, for `muster config` */
	unsigned char src[OPT_COUNT];
	int line[OPT_COUNT];
	const char *file; /* INI file actually read, for messages */
};

void conf_init(struct muster_conf *c);
void conf_free(struct muster_conf *c);

/* Apply one textual value of option `id` from `src`.  `line` is the INI
 * line (0 otherwise).  Validates the value, logs one error naming the
 * culprit (--flag, MUSTER_VAR or file:line) and returns -EINVAL when bad. */
int conf_apply(struct muster_conf *c, enum opt_id id, const char *val, enum conf_src src,
	       int line);

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
