/* log.h - one line per event on stderr, prefixed "muster:", text or JSON;
 * and out_printf(), what the commands print on stdout.
 *
 * Never pass a secret value to these functions: callers name variables and
 * files, never their contents.  Should one slip through anyway, every
 * line, and every field before JSON escaping, goes through the redactor
 * (conf/redact.h): a value loaded as a secret is written as `***`. */
#ifndef MUSTER_LOG_H
#define MUSTER_LOG_H

#include <stddef.h>
#include <stdio.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOGF_TEXT = 0, LOGF_JSON };

void log_setup(int level, int format);
int log_get_level(void);
int log_enabled(int level);

/* printf-style; the message is one line (newlines in it are escaped). */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One named value of an event, for the JSON format ("exit_code": 137,
 * "sender": "kill"): a string when str is set, else the number. */
struct log_field {
	const char *key;
	const char *str;
	long long num;
};

/* log_msg() with `n` fields: in JSON each is one more member of the line's
 * object; the text format shows only the message (which says it all). */
void log_fields(int level, const struct log_field *f, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* printf-style, to `f` (stdout), one whole line at a time, redacted like
 * the log lines: the one way muster prints.  Every output ends its last
 * line with '\n' (a line is held until then). */
void out_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "error", "warn", "info", "debug" -> level, or -1. */
int log_level_parse(const char *s);
const char *log_level_name(int level);
/* "text", "json" -> format, or -1. */
int log_format_parse(const char *s);

#endif
