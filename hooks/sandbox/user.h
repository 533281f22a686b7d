/* user.h - `--user USER[:GROUP]` resolved from the image's /etc/passwd and
 * /etc/group, without NSS (a static binary in a scratch image has none).
 *
 * Semantics of `docker run --user` (runc's GetExecUser): a name or a
 * numeric id; a numeric uid absent from passwd is allowed and gets gid 0
 * and HOME=/; a bare user gets its primary group plus every group of
 * /etc/group that lists it as a member; an explicit GROUP (name or number)
 * replaces the primary group and clears the supplementary ones.  As Docker
 * does since CVE-2022-36109, the primary gid is always the first entry of
 * the supplementary list. */
#ifndef MUSTER_USER_H
#define MUSTER_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One line of /etc/passwd; strings point into the parsed line. */
struct pw_entry {
	const char *name;
	uint32_t uid, gid;
	const char *home;
};

/* One line of /etc/group; strings point into the parsed line. */
struct gr_entry {
	const char *name;
	uint32_t gid;
	const char *members; /* "a,b,c", possibly "" */
};

/* Parse one passwd line (name:pw:uid:gid:gecos:home:shell, trailing
 * newline allowed) in place.  Returns 0, or -EINVAL for a line to skip:
 * blank, comment, NIS "+"/"-" entries, wrong field count, empty name,
 * non-numeric or out-of-range ids. */
int passwd_parse_line(char *line, struct pw_entry *e);

/* Parse one group line (name:pw:gid:members) in place; as above. */
int group_parse_line(char *line, struct gr_entry *e);

/* Whether `user` is one of the comma-separated `members`. */
bool group_has_member(const char *members, const char *user);

/* A decimal id 0..4294967294 (-1 is not an id).  Returns 0 or -EINVAL. */
int id_parse(const char *s, uint32_t *id);

struct ident {
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups, primary first */
	size_t ngroups;
	char *name; /* from passwd, NULL: uid not in passwd */
	char *home; /* from passwd, "/" when unknown or empty */
};

/* Resolve `spec` (USER[:GROUP]) against the two files; a missing file is
 * an empty one.  Returns 0, or -EINVAL after logging (unknown name). */
int user_resolve(const char *spec, const char *passwd_path, const char *group_path,
		 struct ident *id);
void ident_free(struct ident *id);

#endif
