/* profile.h - muster's own seccomp profile format (pure parser).
 *
 *   # comment (also after a rule)
 *   default allow            one of: allow | deny [ERRNO] | kill  (default: allow)
 *   include default          start from the built-in filter (seccomp.h): it
 *                            decides every call the profile does not name
 *                            (a `default` line beside it may only say allow)
 *   deny NAME [ERRNO]        the call fails with ERRNO (default EPERM)
 *   allow NAME
 *   kill NAME                the process is killed (SIGSYS)
 *
 * One rule per line, each syscall at most once; NAME is a syscall name as
 * libseccomp knows it, or nr:N (N = 0..SCPROF_NR_MAX) for a call by its
 * number on this architecture (one newer than libseccomp's table); ERRNO
 * is a name (EPERM, ENOSYS, ...) or 1..4095. */
#ifndef MUSTER_SCPROF_H
#define MUSTER_SCPROF_H

#include <stdbool.h>
#include <stddef.h>

enum sc_action { SC_ALLOW = 0, SC_DENY, SC_KILL };

struct sc_rule {
	int nr; /* native syscall number, or a negative libseccomp pseudo number */
	enum sc_action act;
	int err; /* SC_DENY */
	int line;
};

struct sc_profile {
	enum sc_action def;
	int def_err;
	bool include_default;
	struct sc_rule *rules;
	size_t n;
};

/* The largest N of nr:N (six digits). */
#define SCPROF_NR_MAX 999999

/* Size limit of a profile file. */
#define SCPROF_MAX (1u << 20)

/* Parse `len` bytes of `text` (NUL bytes are an error).  Returns 0, or
 * -EINVAL with a one-line reason "line N: ..." in err. */
int scprof_parse(const char *text, size_t len, struct sc_profile *p, char *err, size_t errlen);
void scprof_free(struct sc_profile *p);

/* "EPERM", "ENOSYS", ... or a number 1..4095.  Returns it or -EINVAL. */
int errno_parse(const char *s);

#endif
