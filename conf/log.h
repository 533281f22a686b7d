/* log.h - one line per event on stderr, prefixed "muster:", text or JSON.
 *
 * Never pass a secret value to these functions: callers name variables and
 * files, never their contents. */
#ifndef MUSTER_LOG_H
#define MUSTER_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOGF_TEXT = 0, LOGF_JSON };

void log_setup(int level, int format);
int log_get_level(void);
int log_enabled(int level);

/* printf-style; the message is one line (newlines in it are escaped). */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* "error", "warn", "info", "debug" -> level, or -1. */
int log_level_parse(const char *s);
const char *log_level_name(int level);
/* "text", "json" -> format, or -1. */
int log_format_parse(const char *s);

#endif
