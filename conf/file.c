/* file.c - see file.h. */
#include "conf/file.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* open_regular() with extra open flags (O_NOFOLLOW). */
static int open_reg(int dirfd, const char *path, int flags, struct stat *st)
{
	struct stat own;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags), e;

	if (!st)
		st = &own;
	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int open_regular(int dirfd, const char *path, struct stat *st)
{
	return open_reg(dirfd, path, 0, st);
}

/* open_beneath() walks the path itself, one component at a time, each
 * looked at on the directory fd it lies in: a symlink is read there
 * (readlinkat) and its target walked by the same rules; anything else is
 * opened with O_NOFOLLOW, so what is opened is what was looked at, and a
 * link swapped in meanwhile fails (ELOOP/ENOTDIR) instead of being
 * followed.  ".." goes back to the directory fd held from the way down,
 * never to a parent found by name.  So it needs neither /proc (absent in a
 * FROM-scratch container before muster mounts it) nor openat2() (Linux
 * 5.6, and refused by older container seccomp profiles), and checks no
 * path it then opens again.  The same rules as RESOLVE_BENEATH. */
#define BENEATH_DEPTH 32 /* directories below dirfd held at once */
#define BENEATH_LINKS 40 /* symlinks followed: the kernel's MAXSYMLINKS */

/* buf becomes a symlink's target (n bytes of link), "/", then the rest of
 * the walk.  -EXDEV for an absolute target: it would leave dirfd. */
static int splice_link(char *buf, const char *link, ssize_t n, const char *rest, int *links)
{
	size_t len = strlen(rest);

	if (++*links > BENEATH_LINKS)
		return -ELOOP;
	if (!n || (size_t)n + 1 + len >= PATH_MAX)
		return n ? -ENAMETOOLONG : -ENOENT;
	if (link[0] == '/')
		return -EXDEV;
	memmove(buf + n + 1, rest, len + 1);
	memcpy(buf, link, (size_t)n);
	buf[n] = '/';
	return 0;
}

int open_beneath(int dirfd, const char *path)
{
	char buf[PATH_MAX], link[PATH_MAX], *p = buf, *next;
	int held[BENEATH_DEPTH + 1], depth = 0, links = 0, r = 0;
	ssize_t n;
	bool last, up;

	held[0] = dirfd;
	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	while (!r) {
		p += strspn(p, "/");
		next = p + strcspn(p, "/");
		last = !next[strspn(next, "/")];
		if (*next)
			*next++ = '\0';
		up = !strcmp(p, "..");
		if (up && !depth) {
			r = -EXDEV; /* above dirfd */
		} else if (up || !strcmp(p, ".") || !*p) {
			if (up)
				close(held[depth--]);
			r = last ? -EINVAL : 0; /* a directory is not a regular file */
		} else if ((n = readlinkat(held[depth], p, link, sizeof(link))) >= 0) {
			r = splice_link(buf, link, n, next, &links);
			next = buf;
		} else if (errno != EINVAL) { /* EINVAL: not a symlink */
			r = -errno;
		} else if (last) {
			r = open_reg(held[depth], p, O_NOFOLLOW, NULL);
			break;
		} else if (depth == BENEATH_DEPTH) {
			r = -ENAMETOOLONG;
		} else if ((held[depth + 1] =
				openat(held[depth], p,
				       O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			r = -errno;
		} else {
			depth++;
		}
		p = next;
	}
	while (depth)
		close(held[depth--]);
	return r;
}

/* Drop a buffer that may hold a secret. */
static void drop(char *buf, size_t cap)
{
	if (buf) {
		explicit_bzero(buf, cap);
		free(buf);
	}
}

int fd_read_all(int fd, size_t max, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap), *nb;
	ssize_t got;
	int r = b ? 0 : -ENOMEM;

	while (!r) {
		if (n + 1 == cap) { /* grow by copying: no stale copy left behind */
			if (!(nb = malloc(cap * 2))) {
				r = -ENOMEM;
				break;
			}
			memcpy(nb, b, n);
			drop(b, cap);
			b = nb;
			cap *= 2;
		}
		got = read(fd, b + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r = got < 0 ? -errno : 0;
			break;
		}
		n += (size_t)got;
		if (n > max)
			r = -EFBIG;
	}
	close(fd);
	if (r) {
		drop(b, cap);
		return r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}
