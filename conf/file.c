/* regfile.c - see regfile.h. */
#include "conf/file.h"

#include <errno.h>
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
