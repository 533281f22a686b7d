/* secrets.c - NAME_FILE secrets and --env-dir, into the process environment.
 *
 * Semantics of the docker-library images' file_env: NAME_FILE=path sets
 * NAME to the file's content and removes NAME_FILE, when NAME was named
 * with --secret (the file may be anywhere) or the path lies inside a
 * secrets dir.  Any other *_FILE variable (LOG_FILE=/var/log/app.log) is
 * left alone.  A file inside a secrets dir, and every --env-dir entry, is
 * opened once, beneath its directory (conf/file.h's open_beneath): links
 * that stay inside work (Kubernetes' ..data), one leading out is refused. */
#include "hooks/secrets/secrets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* Every failure here is of one kind: something named cannot be used. */
#define FAILED (-EPERM)

static int oom(void)
{
	log_error("out of memory loading secrets");
	return FAILED;
}

/* Append a copy of s[0..len) to the n strings of *v. */
static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv)
		*v = nv;
	if (!nv || !(nv[*n] = strndup(s, len)))
		return oom();
	(*n)++;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

/* Read the open file fd (then closed) into a NUL-terminated, cleaned
 * buffer.  `var` names the variable for messages, `name` is the variable
 * that will hold the value, `shown` the file. */
static int read_value(int fd, const char *var, const char *name, const char *shown, char **out,
		      size_t *outlen)
{
	char *buf = NULL;
	size_t n = 0;

	fd = fd_read_all(fd, ENV_STRLEN_MAX, &buf, &n);
	if (fd < 0 && fd != -EFBIG) {
		log_error("%s: cannot read %s: %s", var, shown, strerror(-fd));
		return FAILED;
	}
	if (fd == 0 && secret_value_clean(buf, &n)) {
		log_error("%s: %s holds a NUL byte, which no environment variable can", var, shown);
		fd = FAILED;
	} else if (fd == -EFBIG || !env_entry_fits(strlen(name), n)) {
		/* more than the limit, whatever cleaning would leave */
		log_error("%s: %s is larger than the kernel allows for one environment "
			  "variable (%u bytes with its name)",
			  var, shown, ENV_STRLEN_MAX);
		fd = FAILED;
	}
	if (fd) {
		if (buf)
			explicit_bzero(buf, n);
		free(buf);
		return FAILED;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

/* Set a loaded value, known to the redactor first: no byte muster writes
 * from now on holds it (conf/redact.h). */
static int set_var(const char *name, const char *value)
{
	if (redact_secret_add(value) || setenv(name, value, 1)) {
		log_error("%s: cannot set: %s", name, strerror(errno));
		return FAILED;
	}
	return 0;
}

/* Set `name` for the variable `var` from the file `shown`, in `dir`:
 * fd is that file opened once, or why it could not be. */
static int load_file(int fd, const char *var, const char *name, const char *shown, const char *dir)
{
	char *val;
	size_t len;
	int r;

	if (fd == -EXDEV)
		log_error("%s: %s leads outside %s", var, shown, dir);
	else if (fd == -EINVAL)
		log_error("%s: %s is not a regular file", var, shown);
	else if (fd < 0)
		log_error("%s: cannot read %s: %s", var, shown, strerror(-fd));
	if (fd < 0 || read_value(fd, var, name, shown, &val, &len))
		return FAILED;
	r = set_var(name, val);
	explicit_bzero(val, len);
	free(val);
	return r;
}

/* One entry of --env-dir `dir` (open as dfd). */
static int env_file_load(int dfd, const char *dir, const char *name)
{
	char shown[PATH_MAX + NAME_MAX + 2];
	int fd = open_beneath(dfd, name), r;

	snprintf(shown, sizeof(shown), "%s/%s", dir, name);
	if (fd == -EINVAL || fd == -ENOENT) { /* or a dangling link */
		log_debug("--env-dir: %s skipped: not a regular file", shown);
		return 0;
	}
	if (!env_name_valid(name)) {
		if (fd >= 0)
			close(fd);
		log_error("--env-dir: %s: '%s' is not a valid variable name", shown, name);
		return FAILED;
	}
	r = load_file(fd, name, name, shown, dir);
	if (!r)
		log_debug("%s set from %s", name, shown);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory is opened once; its entries are opened beneath that fd. */
static int env_dir_load(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int r = 0, err = d ? 0 : errno;

	while (d && !r) {
		errno = 0;
		if (!(e = readdir(d))) {
			err = errno; /* 0: the end */
			break;
		}
		/* dot files: ".", "..", and Kubernetes' ..data machinery */
		if (e->d_name[0] != '.')
			r = push(&names, &n, e->d_name, strlen(e->d_name));
	}
	if (err) {
		log_error("--env-dir %s: %s", dir, strerror(err));
		r = FAILED;
	}
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n && !r; i++)
		r = env_file_load(dirfd(d), dir, names[i]);
	strv_free(names, n);
	if (d)
		closedir(d);
	return r;
}

/* A secrets dir, looked at once per start (path NULL ends the list). */
struct sdir {
	const char *path;
	dev_t dev;
	ino_t ino;
	int err; /* why stat() failed (it does not exist), or 0 */
};

static struct sdir *sdirs_stat(const struct strlist *given)
{
	struct sdir *d = calloc(given->n + 1, sizeof(*d));
	struct stat st;

	for (size_t i = 0; d && i < given->n; i++) {
		d[i].path = given->v[i].s;
		if (stat(d[i].path, &st)) {
			d[i].err = errno;
			continue;
		}
		d[i].dev = st.st_dev;
		d[i].ino = st.st_ino;
	}
	return d;
}

/* The secrets dir that `at` (a directory) is, or NULL. */
static const struct sdir *sdir_of(int at, const struct sdir *d)
{
	struct stat st;

	if (fstat(at, &st))
		return NULL;
	for (; d->path; d++)
		if (!d->err && d->dev == st.st_dev && d->ino == st.st_ino)
			return d;
	return NULL;
}

/* Whether `path` lies in a secrets dir.  Its directories are opened one
 * by one from "/" (or the working directory), and the first one that is a
 * secrets dir (the same inode) is where the rest of the path is opened,
 * beneath it: *fd is the file, or the -errno of opening it; *dir names the
 * secrets dir.  Against a dir that does not exist the path as written
 * decides (there is nothing to open), and when none exists nothing is. */
static bool secret_open(const char *path, const struct sdir *d, int *fd, const char **dir)
{
	const struct sdir *s = NULL;
	char comp[NAME_MAX + 1];
	bool any = false;
	size_t i, len;
	int at, next;

	for (i = 0; d[i].path; i++) {
		if (d[i].err && path_inside(path, d[i].path)) {
			*fd = -d[i].err;
			*dir = d[i].path;
			return true;
		}
		any |= !d[i].err;
	}
	at = any ? open(*path == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	while (at >= 0) {
		path += strspn(path, "/");
		if (!*path)
			break;
		if ((s = sdir_of(at, d))) {
			*fd = open_beneath(at, path);
			*dir = s->path;
			break;
		}
		len = strcspn(path, "/");
		if (!path[len + strspn(path + len, "/")] || len > NAME_MAX)
			break; /* the file itself: in no secrets dir */
		memcpy(comp, path, len);
		comp[len] = '\0';
		path += len;
		next = openat(at, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(at);
		at = next;
	}
	if (at >= 0)
		close(at);
	return s;
}

static bool named(const char *name, const struct strlist *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (!strcmp(names->v[i].s, name))
			return true;
	return false;
}

/* Expand one NAME_FILE variable (`var`), if it is a secret: named with
 * --secret (then it may point anywhere), or in a secrets dir. */
static int expand_one(const struct muster_conf *c, const struct sdir *dirs, const char *var)
{
	const char *path = getenv(var), *cur, *dir = "";
	size_t nl = strlen(var) - 5;
	char name[nl + 1];
	int fd;

	memcpy(name, var, nl);
	name[nl] = '\0';
	if (!path || !*path || !env_name_valid(name))
		return 0;
	if (named(name, &c->secret_names))
		fd = open_regular(AT_FDCWD, path, NULL);
	else if (!secret_open(path, dirs, &fd, &dir))
		return 0;
	cur = getenv(name);
	if (cur && *cur) {
		if (fd >= 0)
			close(fd);
		log_error("both %s and %s are set (but they are exclusive)", name, var);
		return FAILED;
	}
	if (load_file(fd, var, name, path, dir))
		return FAILED;
	unsetenv(var);
	log_debug("%s loaded from %s", name, var);
	return 0;
}

int secrets_load(const struct muster_conf *c)
{
	struct sdir *dirs = NULL;
	char **vars = NULL;
	size_t n = 0, i;
	int r = c->env_dir ? env_dir_load(c->env_dir) : 0;

	/* snapshot the NAME_FILE names: expanding changes environ */
	for (char **e = environ; e && *e && !r; e++) {
		const char *eq = strchr(*e, '=');
		size_t l = eq ? (size_t)(eq - *e) : 0;

		if (l > 5 && !strncmp(*e + l - 5, "_FILE", 5))
			r = push(&vars, &n, *e, l);
	}
	if (n && !r && !(dirs = sdirs_stat(&c->secrets_dirs)))
		r = oom();
	for (i = 0; i < n && !r; i++)
		r = expand_one(c, dirs, vars[i]);
	/* a NAME named with --secret but set directly is one too */
	for (i = 0; i < c->secret_names.n && !r; i++)
		if (redact_secret_add(getenv(c->secret_names.v[i].s)))
			r = oom();
	strv_free(vars, n);
	free(dirs);
	return r;
}
