/* regfile.c - see regfile.h. */
#include "conf/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int open_regular(int dirfd, const char *path, struct stat *st)
{
	struct stat own;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e;

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
