/* regfile.h - open a file muster reads from outside (config, /etc/passwd,
 * a secret, a seccomp profile) only if it is a regular file: a FIFO or a
 * device there would block or never end. */
#ifndef MUSTER_REGFILE_H
#define MUSTER_REGFILE_H

struct stat;

/* Opens path (relative to dirfd, or AT_FDCWD) read-only, close-on-exec,
 * without waiting on a FIFO; its fstat() into *st when st is not NULL.
 * Returns the fd; -errno when it cannot be opened or stat'ed; -EINVAL
 * when it is not a regular file.  Logs nothing: each caller names the
 * culprit its own way. */
int open_regular(int dirfd, const char *path, struct stat *st);

#endif
