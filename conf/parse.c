/* parse.c - pure parsers for option values. */
#include "conf/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (ULONG_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_duration(const char *s, int64_t *ms)
{
	/* integer part and up to 3 fractional digits, then a unit */
	int64_t whole = 0, frac = 0, fscale = 1, mult;
	const char *p = s;
	int digits = 0;

	if (!s || !*s)
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		if (whole > INT64_MAX / 10 - 10)
			return -ERANGE;
		whole = whole * 10 + (*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (fscale < 1000000) {
				frac = frac * 10 + (*p - '0');
				fscale *= 10;
			}
			p++;
			digits++;
		}
	}
	if (!digits)
		return -EINVAL;
	if (!*p || !strcmp(p, "s"))
		mult = 1000;
	else if (!strcmp(p, "ms"))
		mult = 1;
	else if (!strcmp(p, "m"))
		mult = 60 * 1000;
	else if (!strcmp(p, "h"))
		mult = 3600 * 1000;
	else
		return -EINVAL;
	if (whole > INT64_MAX / mult / 2)
		return -ERANGE;
	*ms = whole * mult + frac * mult / fscale;
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signames[] = {
	{"HUP", SIGHUP},	 {"INT", SIGINT},	{"QUIT", SIGQUIT},     {"ILL", SIGILL},
	{"TRAP", SIGTRAP},	 {"ABRT", SIGABRT},	{"IOT", SIGIOT},       {"BUS", SIGBUS},
	{"FPE", SIGFPE},	 {"KILL", SIGKILL},	{"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},	 {"PIPE", SIGPIPE},	{"ALRM", SIGALRM},     {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT},	 {"CHLD", SIGCHLD},	{"CLD", SIGCHLD},      {"CONT", SIGCONT},
	{"STOP", SIGSTOP},	 {"TSTP", SIGTSTP},	{"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},
	{"URG", SIGURG},	 {"XCPU", SIGXCPU},	{"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
	{"PROF", SIGPROF},	 {"WINCH", SIGWINCH},	{"IO", SIGIO},	       {"POLL", SIGPOLL},
	{"PWR", SIGPWR},	 {"SYS", SIGSYS},
};

int parse_signal(const char *s)
{
	unsigned long n;
	size_t i;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		if (parse_uint(s, 64, &n) || n == 0)
			return -EINVAL;
		return (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < sizeof(signames) / sizeof(signames[0]); i++)
		if (!strcasecmp(s, signames[i].name))
			return signames[i].sig;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		/* the kernel's range; glibc reserves the first two for itself
		 * but a user can still send them to the workload */
		int base = toupper((unsigned char)s[3]) == 'I' ? 32 + 2 : 64;
		int sign = toupper((unsigned char)s[3]) == 'I' ? 1 : -1;
		int sig;

		if (!s[5])
			return base;
		if (s[5] != (sign > 0 ? '+' : '-') || parse_uint(s + 6, 30, &n))
			return -EINVAL;
		sig = base + sign * (int)n;
		return (sig >= 34 && sig <= 64) ? sig : -EINVAL;
	}
	return -EINVAL;
}

const char *signal_name(int sig, char buf[16])
{
	size_t i;

	for (i = 0; i < sizeof(signames) / sizeof(signames[0]); i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	if (sig >= 34 && sig <= 64)
		snprintf(buf, 16, "RTMIN+%d", sig - 34);
	else
		snprintf(buf, 16, "%d", sig);
	return buf;
}

int parse_rewrite(const char *s, int *from, int *to)
{
	char left[32];
	const char *colon = s ? strchr(s, ':') : NULL;
	size_t len;
	int f, t;

	if (!colon)
		return -EINVAL;
	len = (size_t)(colon - s);
	if (len == 0 || len >= sizeof(left))
		return -EINVAL;
	memcpy(left, s, len);
	left[len] = '\0';
	f = parse_signal(left);
	t = strcmp(colon + 1, "0") ? parse_signal(colon + 1) : 0; /* 0: drop it */
	if (f < 0 || t < 0 || f == SIGKILL || f == SIGSTOP || f == SIGCHLD)
		return -EINVAL;
	*from = f;
	*to = t;
	return 0;
}

int parse_exit_code(const char *s)
{
	unsigned long v;

	if (parse_uint(s, 255, &v))
		return -EINVAL;
	return (int)v;
}

int parse_bool(const char *s)
{
	static const char *yes[] = {"1", "true", "yes", "on"};
	static const char *no[] = {"0", "false", "no", "off"};
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -EINVAL;
}

int exit_code_of_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Parse a status code 100..599 from [s, e); -1 otherwise.  "Nxx" allowed
 * when `wild` (returns N*100 and sets *is_wild). */
static int code_at(const char **s, int wild, int *is_wild)
{
	const char *p = *s;
	int v;

	*is_wild = 0;
	if (p[0] < '1' || p[0] > '5')
		return -1;
	if (wild && (p[1] == 'x' || p[1] == 'X') && (p[2] == 'x' || p[2] == 'X')) {
		*is_wild = 1;
		*s = p + 3;
		return (p[0] - '0') * 100;
	}
	if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
		return -1;
	v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	*s = p + 3;
	return v;
}

int http_expect_match(const char *expect, int status)
{
	const char *p = expect;
	int match = 0;

	if (!p || !*p)
		return status >= 200 && status <= 299;
	for (;;) {
		int lo, hi, w;

		while (*p == ' ')
			p++;
		lo = code_at(&p, 1, &w);
		if (lo < 0)
			return -EINVAL;
		hi = w ? lo + 99 : lo;
		if (!w && *p == '-') {
			p++;
			hi = code_at(&p, 0, &w);
			if (hi < lo)
				return -EINVAL;
		}
		if (status >= lo && status <= hi)
			match = 1;
		while (*p == ' ')
			p++;
		if (!*p)
			return match;
		if (*p++ != ',')
			return -EINVAL;
	}
}
