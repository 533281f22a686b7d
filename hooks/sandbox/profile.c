/* profile.c - parser of muster's seccomp profile format (see profile.h). */
#include "hooks/sandbox/profile.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#define E(x) {#x, x}
static const struct {
	const char *name;
	int val;
} errnos[] = {
	E(EPERM),  E(ENOENT), E(ESRCH),  E(EINTR),   E(EIO),        E(ENXIO),  E(E2BIG),
	E(EBADF),  E(EAGAIN), E(ENOMEM), E(EACCES),  E(EFAULT),     E(EBUSY),  E(EEXIST),
	E(ENODEV), E(EINVAL), E(ENFILE), E(EMFILE),  E(ENOTTY),     E(EROFS),  E(ENOSPC),
	E(ENOSYS), E(ENOTSUP), E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EPROTONOSUPPORT),
	E(ENOTSOCK), E(ECONNREFUSED), E(ENOTDIR), E(EISDIR), E(EXDEV), E(ENODATA),
};
#undef E
/* clang-format on */

int errno_parse(const char *s)
{
	size_t i;
	long v = 0;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(s, errnos[i].name))
			return errnos[i].val;
	if (!*s || strlen(s) > 4)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	return (v >= 1 && v <= 4095) ? (int)v : -EINVAL;
}

static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "line %d: ", line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int parse_action(const char *w, enum sc_action *a)
{
	if (!strcmp(w, "allow"))
		*a = SC_ALLOW;
	else if (!strcmp(w, "deny"))
		*a = SC_DENY;
	else if (!strcmp(w, "kill"))
		*a = SC_KILL;
	else
		return -EINVAL;
	return 0;
}

/* Split `s` on blanks into at most `max` words; returns the count, or
 * max + 1 when there are more. */
static int words(char *s, char **w, int max)
{
	int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(s, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = tok;
	}
	return n;
}

/* Short, printable form of an untrusted word for error messages. */
static const char *shown(const char *w, char *buf, size_t len)
{
	size_t i;

	for (i = 0; w[i] && i + 4 < len; i++)
		buf[i] = (w[i] >= 0x20 && w[i] < 0x7f) ? w[i] : '?';
	buf[i] = '\0';
	if (w[i])
		strcpy(buf + i, "...");
	return buf;
}

/* *nr for a syscall name libseccomp knows (the number on this
 * architecture, a negative pseudo number for another architecture's call),
 * or for nr:N, a number it does not know.  Returns 0, -ENOENT for an
 * unknown name, -EINVAL for a bad nr:N. */
static int syscall_nr(const char *w, int *nr)
{
	const char *d = w + 3;

	if (strncmp(w, "nr:", 3)) {
		*nr = seccomp_syscall_resolve_name(w);
		return *nr == __NR_SCMP_ERROR ? -ENOENT : 0;
	}
	if (!*d || strlen(d) > 6)
		return -EINVAL;
	for (*nr = 0; *d; d++) {
		if (*d < '0' || *d > '9')
			return -EINVAL;
		*nr = *nr * 10 + (*d - '0');
	}
	return 0;
}

static int parse_line(char *s, int ln, struct sc_profile *p, bool *seen_default, char *err,
		      size_t errlen)
{
	char *w[4], sb[40];
	enum sc_action act;
	struct sc_rule *nr;
	int n, r, nr_sys, e = EPERM;
	size_t i;

	if (strchr(s, '#'))
		*strchr(s, '#') = '\0';
	n = words(s, w, 3);
	if (n == 0)
		return 0;
	if (n > 3)
		return fail(err, errlen, ln, "too many words");
	if (!strcmp(w[0], "include")) {
		if (n != 2 || strcmp(w[1], "default"))
			return fail(err, errlen, ln, "expected 'include default'");
		p->include_default = true;
		return 0;
	}
	if (!strcmp(w[0], "default")) {
		if (*seen_default)
			return fail(err, errlen, ln, "a second 'default' line");
		if (n < 2 || parse_action(w[1], &p->def) || (n == 3 && p->def != SC_DENY))
			return fail(err, errlen, ln, "expected 'default allow|deny [ERRNO]|kill'");
		if (n == 3 && (p->def_err = errno_parse(w[2])) < 0)
			return fail(err, errlen, ln, "unknown errno '%s'",
				    shown(w[2], sb, sizeof(sb)));
		*seen_default = true;
		return 0;
	}
	if (parse_action(w[0], &act))
		return fail(err, errlen, ln,
			    "unknown keyword '%s' (allow, deny, kill, default, "
			    "include)",
			    shown(w[0], sb, sizeof(sb)));
	if (n < 2 || (n == 3 && act != SC_DENY))
		return fail(err, errlen, ln, "expected '%s NAME%s'", w[0],
			    act == SC_DENY ? " [ERRNO]" : "");
	r = syscall_nr(w[1], &nr_sys);
	if (r == -ENOENT)
		return fail(err, errlen, ln,
			    "unknown syscall '%s' (one libseccomp does not know: nr:N)",
			    shown(w[1], sb, sizeof(sb)));
	if (r)
		return fail(err, errlen, ln, "bad syscall number '%s' (nr:0 to nr:%d)",
			    shown(w[1], sb, sizeof(sb)), SCPROF_NR_MAX);
	if (n == 3 && (e = errno_parse(w[2])) < 0)
		return fail(err, errlen, ln, "unknown errno '%s'", shown(w[2], sb, sizeof(sb)));
	for (i = 0; i < p->n; i++)
		if (p->rules[i].nr == nr_sys)
			return fail(err, errlen, ln, "%s already has a rule on line %d", w[1],
				    p->rules[i].line);
	nr = realloc(p->rules, (p->n + 1) * sizeof(*nr));
	if (!nr)
		return fail(err, errlen, ln, "out of memory");
	p->rules = nr;
	p->rules[p->n++] = (struct sc_rule){.nr = nr_sys, .act = act, .err = e, .line = ln};
	return 0;
}

int scprof_parse(const char *text, size_t len, struct sc_profile *p, char *err, size_t errlen)
{
	bool seen_default = false;
	size_t pos = 0;
	int ln = 0, r = 0;
	char *buf;

	memset(p, 0, sizeof(*p));
	p->def = SC_ALLOW;
	p->def_err = EPERM;
	if (err && errlen)
		err[0] = '\0';
	if (len > SCPROF_MAX)
		return fail(err, errlen, 0, "profile larger than %u bytes", SCPROF_MAX);
	if (memchr(text, '\0', len))
		return fail(err, errlen, 0, "NUL byte in profile");
	buf = malloc(len + 1);
	if (!buf)
		return fail(err, errlen, 0, "out of memory");
	memcpy(buf, text, len);
	buf[len] = '\0';
	while (pos < len && !r) {
		char *line = buf + pos, *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		pos += strlen(line) + 1;
		r = parse_line(line, ++ln, p, &seen_default, err, errlen);
	}
	free(buf);
	if (!r && p->include_default && p->def != SC_ALLOW)
		r = fail(err, errlen, ln, "'include default' needs 'default allow'");
	if (r)
		scprof_free(p);
	return r;
}

void scprof_free(struct sc_profile *p)
{
	free(p->rules);
	p->rules = NULL;
	p->n = 0;
}
