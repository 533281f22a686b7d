/* log.c - one line per event on stderr; what the commands print on
 * stdout.  Every byte goes through the redactor first. */
#include "conf/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "conf/redact.h"

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

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when the
 * bytes there are not one (a stray continuation byte, an overlong form, a
 * surrogate, past U+10FFFF, or cut short). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Append s to out so that one event is always one line: control bytes
 * made visible (text: \xNN), or escaped for JSON, where every line must
 * also be valid UTF-8: a byte that is not part of a valid sequence is
 * written as the four characters \xNN (JSON "\\xNN"). */
static size_t put_escaped(char *out, size_t pos, size_t cap, const char *s, int json)
{
	while (*s && pos + 8 < cap) {
		unsigned char ch = (unsigned char)*s;
		size_t n = json && ch >= 0x80 ? utf8_len((const unsigned char *)s) : 1;

		if (n > 1) {
			memcpy(out + pos, s, n);
			pos += n;
			s += n;
			continue;
		}
		s++;
		if (json && n == 0)
			pos += (size_t)snprintf(out + pos, cap - pos, "\\\\x%02x", ch);
		else if (json && (ch == '"' || ch == '\\'))
			pos += (size_t)snprintf(out + pos, cap - pos, "\\%c", ch);
		else if (ch == '\n')
			pos += (size_t)snprintf(out + pos, cap - pos, "\\n");
		else if (ch >= 0x20 && ch != 0x7f)
			out[pos++] = (char)ch;
		else if (json)
			pos += (size_t)snprintf(out + pos, cap - pos, "\\u%04x", ch);
		else
			pos += (size_t)snprintf(out + pos, cap - pos, "\\x%02x", ch);
	}
	out[pos] = '\0';
	return pos;
}

/* Append `n` fields as JSON members: ,"key":"str" or ,"key":num. */
static size_t put_fields(char *out, size_t pos, size_t cap, const struct log_field *f, size_t n)
{
	size_t i;

	char v[512];

	for (i = 0; i < n && pos + 40 < cap; i++) {
		pos += (size_t)snprintf(out + pos, cap - pos, ",\"%s\":", f[i].key);
		if (!f[i].str) {
			pos += (size_t)snprintf(out + pos, cap - pos, "%lld", f[i].num);
			continue;
		}
		/* redacted before escaping, which could hide a secret */
		snprintf(v, sizeof(v), "%s", f[i].str);
		redact_secrets(v, sizeof(v));
		out[pos++] = '"';
		pos = put_escaped(out, pos, cap - 2, v, 1);
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
	redact_secrets(msg, sizeof(msg));
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

void out_printf(FILE *f, const char *fmt, ...)
{
	static char pend[4096];
	size_t n = strlen(pend), k;
	char *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pend + n, sizeof(pend) - n, fmt, ap);
	va_end(ap);
	/* all that is held, redacted (again: a secret may have been cut
	 * between two calls); then every whole line, or a full buffer */
	redact_secrets(pend, sizeof(pend));
	n = strlen(pend);
	nl = memrchr(pend, '\n', n);
	k = nl ? (size_t)(nl + 1 - pend) : n + 1 == sizeof(pend) ? n : 0;
	fwrite(pend, 1, k, f);
	memmove(pend, pend + k, n - k + 1);
}
