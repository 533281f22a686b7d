/* user.c - passwd/group lookups without NSS, `docker run --user` rules. */
#include "hooks/sandbox/user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/file.h"

#define MAX_GROUPS 65536 /* NGROUPS_MAX of Linux */

int id_parse(const char *s, uint32_t *id)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= UINT32_MAX)
			return -EINVAL;
	}
	*id = (uint32_t)v;
	return 0;
}

/* Split `line` at ':' into exactly `n` fields.  Returns 0 or -EINVAL. */
static int split_fields(char *line, char **f, int n)
{
	size_t len = strlen(line);
	int i = 0;
	char *p;

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (!len || line[0] == '#' || line[0] == '+' || line[0] == '-')
		return -EINVAL;
	f[i++] = line;
	for (p = line; *p; p++) {
		if (*p != ':')
			continue;
		if (i == n)
			return -EINVAL;
		*p = '\0';
		f[i++] = p + 1;
	}
	return (i == n && *f[0]) ? 0 : -EINVAL;
}

int passwd_parse_line(char *line, struct pw_entry *e)
{
	char *f[7];

	if (split_fields(line, f, 7) || id_parse(f[2], &e->uid) || id_parse(f[3], &e->gid))
		return -EINVAL;
	e->name = f[0];
	e->home = f[5];
	return 0;
}

int group_parse_line(char *line, struct gr_entry *e)
{
	char *f[4];

	if (split_fields(line, f, 4) || id_parse(f[2], &e->gid))
		return -EINVAL;
	e->name = f[0];
	e->members = f[3];
	return 0;
}

bool group_has_member(const char *members, const char *user)
{
	size_t ul = strlen(user);
	const char *p = members;

	if (!ul)
		return false;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == ul && !strncmp(p, user, ul))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Close a database file; a read error (EISDIR...) is an error. */
static int db_close(FILE *f, const char *path)
{
	int bad;

	if (!f)
		return 0;
	bad = ferror(f);
	fclose(f);
	if (bad) {
		log_error("--user: cannot read %s", path);
		return -EINVAL;
	}
	return 0;
}

/* Open a database file; a missing one reads as empty (scratch images).
 * Only a regular file is read (open_regular). */
static int db_open(const char *path, FILE **f)
{
	int fd = open_regular(AT_FDCWD, path, NULL);

	*f = NULL;
	if (fd == -ENOENT)
		return 0;
	if (fd == -EINVAL) {
		log_error("--user: %s is not a regular file", path);
		return -EINVAL;
	}
	if (fd < 0) {
		log_error("--user: cannot read %s: %s", path, strerror(-fd));
		return -EINVAL;
	}
	*f = fdopen(fd, "r");
	if (!*f) {
		log_error("--user: cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -EINVAL;
	}
	return 0;
}

/* Call fn(line, ctx) for every line of a database file (a missing file has
 * none) until it returns non-zero: 1 stops the scan, < 0 is an error.
 * Returns 0, or the error (logged). */
static int db_scan(const char *path, int (*fn)(char *line, void *ctx), void *ctx)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int r = 0;

	if (db_open(path, &f))
		return -EINVAL;
	while (f && !r && getline(&line, &cap, f) > 0)
		r = fn(line, ctx);
	free(line);
	return db_close(f, path) ?: (r < 0 ? r : 0);
}

struct lookup {
	const char *name; /* user or group name as given */
	bool numeric;	  /* given as a number: match the id too */
	uint32_t num;
	struct ident *id;
	bool found;
};

/* First passwd entry whose name is `user`, or whose uid is `uid` when the
 * user was given as a number (runc's rule). */
static int user_line(char *line, void *ctx)
{
	struct lookup *l = ctx;
	struct pw_entry e;

	if (passwd_parse_line(line, &e) ||
	    (strcmp(e.name, l->name) && !(l->numeric && e.uid == l->num)))
		return 0;
	l->id->uid = e.uid;
	l->id->gid = e.gid;
	l->id->name = strdup(e.name);
	l->id->home = strdup(*e.home ? e.home : "/");
	l->found = true;
	return 1;
}

static int add_group(struct ident *id, gid_t g)
{
	gid_t *n;
	size_t i;

	for (i = 0; i < id->ngroups; i++)
		if (id->groups[i] == g)
			return 0;
	if (id->ngroups >= MAX_GROUPS)
		return 0;
	n = realloc(id->groups, (id->ngroups + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	id->groups = n;
	id->groups[id->ngroups++] = g;
	return 0;
}

/* With a group name given: the first entry named so (or with that gid when
 * numeric) sets id->gid.  Without (name NULL): every group listing
 * id->name adds a supplementary gid. */
static int group_line(char *line, void *ctx)
{
	struct lookup *l = ctx;
	struct gr_entry e;

	if (group_parse_line(line, &e))
		return 0;
	if (!l->name)
		return l->id->name && group_has_member(e.members, l->id->name)
			   ? add_group(l->id, e.gid)
			   : 0;
	if (l->numeric ? e.gid != l->num : strcmp(e.name, l->name) != 0)
		return 0;
	l->id->gid = e.gid;
	l->found = true;
	return 1;
}

/* Scan `path` with `fn` for `name` (a name, or a number: then a missing
 * entry is fine, the number stands).  Returns 0 or -EINVAL (logged). */
static int look_up(const char *path, int (*fn)(char *line, void *ctx), struct lookup *l,
		   const char *name, const char *what)
{
	l->name = name;
	l->found = false;
	l->numeric = !id_parse(name, &l->num);
	if (db_scan(path, fn, l))
		return -EINVAL;
	if (!l->found && !l->numeric) {
		log_error("--user: unknown %s '%s' (not in %s)", what, name, path);
		return -EINVAL;
	}
	return 0;
}

int user_resolve(const char *spec, const char *passwd_path, const char *group_path,
		 struct ident *id)
{
	char *user = strdup(spec), *group;
	struct lookup l = {.id = id};
	int r = -EINVAL;

	memset(id, 0, sizeof(*id));
	if (!user)
		return -ENOMEM;
	group = strchr(user, ':');
	if (group)
		*group++ = '\0';
	if (group && !*group)
		group = NULL; /* "app:" is "app" */
	if (!*user) {
		log_error("--user '%s': no user name or id", spec);
		goto out;
	}
	if (look_up(passwd_path, user_line, &l, user, "user"))
		goto out;
	if (!l.found) {
		id->uid = l.num;
		id->gid = 0;
		id->home = strdup("/");
	}
	if (group) {
		if (look_up(group_path, group_line, &l, group, "group"))
			goto out;
		if (!l.found)
			id->gid = l.num;
	}
	if (add_group(id, id->gid))
		goto out;
	l.name = NULL; /* the groups that list the user */
	if (!group && db_scan(group_path, group_line, &l))
		goto out;
	r = id->home ? 0 : -ENOMEM;
out:
	free(user);
	if (r)
		ident_free(id);
	return r;
}

void ident_free(struct ident *id)
{
	free(id->groups);
	free(id->name);
	free(id->home);
	memset(id, 0, sizeof(*id));
}
