/* file.h - open a file muster reads from outside (config, /etc/passwd,
 * a secret, a seccomp profile) only if it is a regular file: a FIFO or a
 * device there would block or never end; then read all of it.  A file
 * named inside a directory is opened beneath it, never outside. */
#ifndef MUSTER_CONF_FILE_H
#define MUSTER_CONF_FILE_H

#include <stddef.h>

struct stat;

/* Opens path (relative to dirfd, or AT_FDCWD) read-only, close-on-exec,
 * without waiting on a FIFO; its fstat() into *st when st is not NULL.
 * Returns the fd; -errno when it cannot be opened or stat'ed; -EINVAL
 * when it is not a regular file.  Logs nothing: each caller names the
 * culprit its own way. */
int open_regular(int dirfd, const char *path, struct stat *st);

/* Opens the relative path beneath the directory dirfd as open_regular()
 * does (without the stat), refusing any way out of dirfd: a ".." above it
 * or an absolute symlink is -EXDEV; relative symlinks that stay below it
 * (Kubernetes' KEY -> ..data/KEY, ..data -> ..2024_...) are followed.
 * Returns the fd, -EXDEV, -EINVAL (not a regular file, a directory too),
 * -ENAMETOOLONG (more than 32 directories down) or -errno.  The location is
 * decided on the fds walked, never on a name opened again (file.c). */
int open_beneath(int dirfd, const char *path);

/* Read all of fd (then closed, whatever happens) into a new NUL-terminated
 * buffer *buf of *len bytes (free it).  Returns 0; -EFBIG when there are
 * more than `max` bytes; -ENOMEM; or read(2)'s -errno.  A buffer that is
 * given up is zeroed first: it may hold a secret. */
int fd_read_all(int fd, size_t max, char **buf, size_t *len);

#endif
