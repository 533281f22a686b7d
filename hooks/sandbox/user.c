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

/* First passwd entry whose name is `user`, or whose uid is `uid` when the
 * user was given as a number (runc's rule). */
static int find_user(const char *path, const char *user, bool numeric, uint32_t uid,
		     struct ident *id, bool *found)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	*found = false;
	if (db_open(path, &f))
		return -EINVAL;
	while (f && getline(&line, &cap, f) > 0) {
		struct pw_entry e;

		if (passwd_parse_line(line, &e))
			continue;
		if (strcmp(e.name, user) && !(numeric && e.uid == uid))
			continue;
		id->uid = e.uid;
		id->gid = e.gid;
		id->name = strdup(e.name);
		id->home = strdup(*e.home ? e.home : "/");
		*found = true;
		break;
	}
	free(line);
	return db_close(f, path);
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

/* With `group` given: the first entry named so (or with that gid when
 * numeric) sets id->gid.  Without: every group listing id->name adds a
 * supplementary gid. */
static int scan_groups(const char *path, const char *group, bool numeric, uint32_t gid,
		       struct ident *id, bool *found)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int r = 0;

	*found = false;
	if (db_open(path, &f))
		return -EINVAL;
	while (f && !r && getline(&line, &cap, f) > 0) {
		struct gr_entry e;

		if (group_parse_line(line, &e))
			continue;
		if (group) {
			if (numeric ? e.gid == gid : !strcmp(e.name, group)) {
				id->gid = e.gid;
				*found = true;
				break;
			}
		} else if (id->name && group_has_member(e.members, id->name)) {
			r = add_group(id, e.gid);
		}
	}
	free(line);
	return db_close(f, path) ?: r;
}

int user_resolve(const char *spec, const char *passwd_path, const char *group_path,
		 struct ident *id)
{
	char *user = strdup(spec), *group;
	uint32_t uid = 0, gid = 0;
	bool unum, gnum, found;
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
	unum = !id_parse(user, &uid);
	if (find_user(passwd_path, user, unum, uid, id, &found))
		goto out;
	if (!found && !unum) {
		log_error("--user: unknown user '%s' (not in %s)", user, passwd_path);
		goto out;
	}
	if (!found) {
		id->uid = uid;
		id->gid = 0;
		id->home = strdup("/");
	}
	if (group) {
		gnum = !id_parse(group, &gid);
		if (scan_groups(group_path, group, gnum, gid, id, &found))
			goto out;
		if (!found && !gnum) {
			log_error("--user: unknown group '%s' (not in %s)", group, group_path);
			goto out;
		}
		if (!found)
			id->gid = gid;
	}
	if (add_group(id, id->gid))
		goto out;
	if (!group && scan_groups(group_path, NULL, false, 0, id, &found))
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
