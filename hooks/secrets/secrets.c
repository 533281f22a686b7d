/* secrets.c - NAME_FILE secrets and --env-dir, into the process environment.
 *
 * Semantics of the docker-library images' file_env: NAME_FILE=path sets
 * NAME to the file's content and removes NAME_FILE, when the path lies
 * inside a secrets dir (after resolving symlinks, so Kubernetes' ..data
 * links work) or NAME was named with --secret.  Any other *_FILE variable
 * (LOG_FILE=/var/log/app.log) is left alone. */
#include "hooks/secrets/secrets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/file.h"
#include "conf/redact.h"

extern char **environ;

bool env_name_valid(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

int secret_value_clean(char *buf, size_t *len)
{
	size_t n = *len;

	if (memchr(buf, '\0', n))
		return -EINVAL;
	while (n && buf[n - 1] == '\n') {
		n--;
		if (n && buf[n - 1] == '\r')
			n--;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

bool env_entry_fits(size_t namelen, size_t vallen)
{
	/* "NAME" "=" value "\0" */
	return namelen < ENV_STRLEN_MAX && vallen < ENV_STRLEN_MAX &&
	       namelen + vallen + 2 <= ENV_STRLEN_MAX;
}

static bool dotdot(const char *s)
{
	for (const char *p = s; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || p[3] == '\0')
			return true;
	return false;
}

bool path_inside(const char *path, const char *dir)
{
	size_t dl = strlen(dir);
	const char *rest;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (path[0] != '/' || dir[0] != '/')
		return false;
	if (dl == 1)
		rest = path; /* dir is "/" */
	else if (!strncmp(path, dir, dl) && path[dl] == '/')
		rest = path + dl;
	else
		return false;
	/* rest starts with '/' and something must follow; no ".." part in
	 * either (only unresolved paths can have one) */
	return rest[1] && !dotdot(path) && !dotdot(dir);
}

/* Read at most ENV_STRLEN_MAX bytes of `path` (following symlinks) into a
 * NUL-terminated, cleaned buffer.  `var` names the variable for messages,
 * `name` is the variable that will hold the value. */
static int read_value(int dirfd, const char *path, const char *var, const char *name,
		      const char *shown, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t n = 0;
	int fd = open_regular(dirfd, path, NULL);

	if (fd == -EINVAL) {
		log_error("%s: %s is not a regular file", var, shown);
		return -EINVAL;
	}
	if (fd >= 0)
		fd = fd_read_all(fd, ENV_STRLEN_MAX, &buf, &n);
	if (fd < 0 && fd != -EFBIG) {
		log_error("%s: cannot read %s: %s", var, shown, strerror(-fd));
		return -EINVAL;
	}
	if (fd == 0 && secret_value_clean(buf, &n)) {
		log_error("%s: %s holds a NUL byte, which no environment variable can", var, shown);
		fd = -EINVAL;
	} else if (fd == -EFBIG || !env_entry_fits(strlen(name), n)) {
		/* more than the limit, whatever cleaning would leave */
		log_error("%s: %s is larger than the kernel allows for one environment "
			  "variable (%u bytes with its name)",
			  var, shown, ENV_STRLEN_MAX);
		fd = -EINVAL;
	}
	if (fd) {
		if (buf)
			explicit_bzero(buf, n);
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

static void drop_value(char *v, size_t n)
{
	explicit_bzero(v, n);
	free(v);
}

/* Set a loaded value, known to the redactor first: no byte muster writes
 * from now on holds it (conf/redact.h). */
static int set_var(const char *name, const char *value)
{
	if (redact_secret_add(value) || setenv(name, value, 1)) {
		log_error("%s: cannot set: %s", name, strerror(errno));
		return -EINVAL;
	}
	return 0;
}

static int env_dir_load(const char *dir)
{
	struct dirent **ents = NULL;
	int n, i, dfd, r = 0;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		log_error("--env-dir %s: %s", dir, strerror(errno));
		return -EINVAL;
	}
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		log_error("--env-dir %s: %s", dir, strerror(errno));
		close(dfd);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char shown[PATH_MAX + NAME_MAX + 2];
		struct stat st;
		char *val;
		size_t len;

		/* dot files: ".", "..", and Kubernetes' ..data machinery */
		if (r || name[0] == '.')
			continue;
		snprintf(shown, sizeof(shown), "%s/%s", dir, name);
		if (fstatat(dfd, name, &st, 0) || !S_ISREG(st.st_mode)) {
			log_debug("--env-dir: %s skipped: not a regular file", shown);
			continue;
		}
		if (!env_name_valid(name)) {
			log_error("--env-dir: %s: '%s' is not a valid variable name", shown, name);
			r = -EINVAL;
			continue;
		}
		r = read_value(dfd, name, name, name, shown, &val, &len);
		if (r)
			continue;
		r = set_var(name, val);
		drop_value(val, len);
		if (!r)
			log_debug("%s set from %s", name, shown);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	close(dfd);
	return r;
}

/* The resolved form of `path`: realpath(), or for a file that does not
 * exist, its resolved parent plus its name; else the path as given. */
static char *resolve(const char *path)
{
	char *rp = realpath(path, NULL), *a, *b, *parent, *out;

	if (rp)
		return rp;
	a = strdup(path);
	b = strdup(path);
	if (!a || !b) {
		free(a);
		free(b);
		return NULL;
	}
	parent = realpath(dirname(a), NULL);
	if (!parent || asprintf(&out, "%s/%s", strcmp(parent, "/") ? parent : "", basename(b)) < 0)
		out = strdup(path);
	free(parent);
	free(a);
	free(b);
	return out;
}

/* The secrets dirs, resolved once for every NAME_FILE variable. */
struct sdirs {
	const struct strlist *given;
	char **resolved; /* realpath(), NULL when it failed */
	bool *gone;	 /* it does not exist */
};

static int sdirs_resolve(struct sdirs *d, const struct strlist *given)
{
	size_t i;

	d->given = given;
	d->resolved = calloc(given->n + 1, sizeof(*d->resolved));
	d->gone = calloc(given->n + 1, sizeof(*d->gone));
	if (!d->resolved || !d->gone)
		return -ENOMEM;
	for (i = 0; i < given->n; i++) {
		d->resolved[i] = realpath(given->v[i].s, NULL);
		d->gone[i] = !d->resolved[i] && (errno == ENOENT || errno == ENOTDIR);
	}
	return 0;
}

static void sdirs_free(struct sdirs *d)
{
	size_t i;

	for (i = 0; d->resolved && i < d->given->n; i++)
		free(d->resolved[i]);
	free(d->resolved);
	free(d->gone);
}

/* Whether `path` lies inside a secrets dir, symlinks resolved.  Nothing
 * resolves to inside a directory that does not exist, so against such a
 * dir (no /run/secrets outside Docker and Kubernetes) the path as written
 * decides, and no *_FILE variable costs a realpath() there. */
static bool in_secrets_dirs(const char *path, const struct sdirs *d)
{
	char *rp = NULL;
	bool in = false;
	size_t i;

	for (i = 0; i < d->given->n && !in; i++) {
		if (d->gone[i]) {
			in = path_inside(path, d->given->v[i].s);
			continue;
		}
		if (!rp && !(rp = resolve(path)))
			return false;
		in = path_inside(rp, d->resolved[i] ? d->resolved[i] : d->given->v[i].s);
	}
	free(rp);
	return in;
}

static bool named(const char *name, const struct strlist *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (!strcmp(names->v[i].s, name))
			return true;
	return false;
}

/* Expand one NAME_FILE variable (`var`), if it is a secret. */
static int expand_one(const struct muster_conf *c, const struct sdirs *dirs, const char *var)
{
	const char *path = getenv(var), *cur;
	size_t nl = strlen(var) - 5, len;
	char name[nl + 1];
	char *val;
	int r;

	memcpy(name, var, nl);
	name[nl] = '\0';
	if (!path || !*path || !env_name_valid(name))
		return 0;
	if (!named(name, &c->secret_names) && !in_secrets_dirs(path, dirs))
		return 0;
	cur = getenv(name);
	if (cur && *cur) {
		log_error("both %s and %s are set (but they are exclusive)", name, var);
		return -EINVAL;
	}
	r = read_value(AT_FDCWD, path, var, name, path, &val, &len);
	if (r)
		return r;
	r = set_var(name, val);
	drop_value(val, len);
	if (r)
		return r;
	unsetenv(var);
	log_debug("%s loaded from %s", name, var);
	return 0;
}

int secrets_load(const struct muster_conf *c)
{
	struct sdirs dirs = {.given = &c->secrets_dirs};
	char **vars = NULL;
	size_t n = 0, i;
	int r = 0;

	if (c->env_dir && env_dir_load(c->env_dir))
		return -EINVAL;
	/* snapshot the NAME_FILE names: expanding changes environ */
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t l = eq ? (size_t)(eq - *e) : 0;
		char **nv;

		if (l <= 5 || strncmp(*e + l - 5, "_FILE", 5))
			continue;
		nv = realloc(vars, (n + 1) * sizeof(*vars));
		if (!nv || !(nv[n] = strndup(*e, l))) {
			vars = nv ? nv : vars;
			log_error("out of memory loading secrets");
			r = -EINVAL;
			break;
		}
		vars = nv;
		n++;
	}
	if (n && !r && sdirs_resolve(&dirs, &c->secrets_dirs)) {
		log_error("out of memory loading secrets");
		r = -EINVAL;
	}
	for (i = 0; i < n && !r; i++)
		r = expand_one(c, &dirs, vars[i]);
	/* a NAME named with --secret but set directly is one too */
	for (i = 0; i < c->secret_names.n && !r; i++)
		if ((r = redact_secret_add(getenv(c->secret_names.v[i].s))))
			log_error("out of memory loading secrets");
	for (i = 0; i < n; i++)
		free(vars[i]);
	free(vars);
	sdirs_free(&dirs);
	return r ? -EINVAL : 0;
}
