/* log.c - one line per event on stderr. */
#include "conf/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int cur_level = LOG_INFO;
static int cur_format = LOGF_TEXT;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_setup(int level, int format)
{
	cur_level = level;
	cur_format = format;
}

int log_get_level(void)
{
	return cur_level;
}

int log_enabled(int level)
{
	return level <= cur_level;
}

int log_level_parse(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcasecmp(s, level_names[i]))
			return i;
	if (!strcasecmp(s, "warning"))
		return LOG_WARN;
	return -1;
}

const char *log_level_name(int level)
{
	return (level >= 0 && level < 4) ? level_names[level] : "?";
}

int log_format_parse(const char *s)
{
	if (!strcasecmp(s, "text"))
		return LOGF_TEXT;
	if (!strcasecmp(s, "json"))
		return LOGF_JSON;
	return -1;
}

/* Append s to out escaped for JSON (json) or with control bytes made
 * visible (text), so one event is always one line. */
static size_t put_escaped(char *out, size_t pos, size_t cap, const char *s, int json)
{
	for (; *s && pos + 7 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\n' || ch == '\r' || ch == '\t' || ch < 0x20 || ch == 0x7f ||
		    (json && (ch == '"' || ch == '\\'))) {
			if (json && (ch == '"' || ch == '\\'))
				pos += (size_t)snprintf(out + pos, cap - pos, "\\%c", ch);
			else if (ch == '\n')
				pos += (size_t)snprintf(out + pos, cap - pos, "\\n");
			else if (json)
				pos += (size_t)snprintf(out + pos, cap - pos, "\\u%04x", ch);
			else
				pos += (size_t)snprintf(out + pos, cap - pos, "\\x%02x", ch);
		} else {
			out[pos++] = (char)ch;
		}
	}
	out[pos] = '\0';
	return pos;
}

/* Append `n` fields as JSON members: ,"key":"str" or ,"key":num. */
static size_t put_fields(char *out, size_t pos, size_t cap, const struct log_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n && pos + 40 < cap; i++) {
		pos += (size_t)snprintf(out + pos, cap - pos, ",\"%s\":", f[i].key);
		if (!f[i].str) {
			pos += (size_t)snprintf(out + pos, cap - pos, "%lld", f[i].num);
			continue;
		}
		out[pos++] = '"';
		pos = put_escaped(out, pos, cap - 2, f[i].str, 1);
		out[pos++] = '"';
	}
	return pos;
}

static void vlog(int level, const struct log_field *f, size_t n, const char *fmt, va_list ap)
{
	char msg[2048], line[4608];
	size_t pos = 0;
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (cur_format == LOGF_JSON) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		pos = (size_t)snprintf(line, sizeof(line),
				       "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\","
				       "\"level\":\"%s\",\"pid\":%d,\"msg\":\"",
				       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				       tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
				       level_names[level], (int)getpid());
		pos = put_escaped(line, pos, sizeof(line) - 600, msg, 1);
		line[pos++] = '"';
		pos = put_fields(line, pos, sizeof(line) - 4, f, n);
		memcpy(line + pos, "}\n", 3);
		pos += 2;
	} else {
		pos = (size_t)snprintf(line, sizeof(line), "muster: %s",
				       level == LOG_ERROR ? "error: "
				       : level == LOG_WARN ? "warning: "
							   : "");
		pos = put_escaped(line, pos, sizeof(line) - 2, msg, 0);
		line[pos++] = '\n';
		line[pos] = '\0';
	}
	/* one write(2) per line so concurrent writers do not interleave */
	if (write(STDERR_FILENO, line, pos) < 0) {
		/* nowhere left to report it */
	}
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vlog(level, NULL, 0, fmt, ap);
	va_end(ap);
}

void log_fields(int level, const struct log_field *f, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vlog(level, f, n, fmt, ap);
	va_end(ap);
}
