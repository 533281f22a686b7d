/* capture.h - shared by the fault-injection tests: stderr captured into a
 * memfd (so the lines muster logs, also from forked children, can be
 * counted and compared) and the number of open fds.  Include after
 * <cmocka.h>. */
#ifndef MUSTER_TEST_CAPTURE_H
#define MUSTER_TEST_CAPTURE_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int capture_saved_err = -1, capture_fd = -1;

/* From here on, stderr goes into a memfd. */
static inline void capture_start(void)
{
	fflush(stderr);
	capture_fd = memfd_create("stderr", 0);
	assert_true(capture_fd >= 0);
	capture_saved_err = dup(STDERR_FILENO);
	assert_true(capture_saved_err >= 0);
	assert_int_equal(dup2(capture_fd, STDERR_FILENO), STDERR_FILENO);
}

/* Stop capturing; the captured text into buf; returns its line count. */
static inline int capture_end(char *buf, size_t n)
{
	ssize_t k;
	int lines = 0;
	char *p;

	dup2(capture_saved_err, STDERR_FILENO);
	close(capture_saved_err);
	k = pread(capture_fd, buf, n - 1, 0);
	close(capture_fd);
	buf[k > 0 ? k : 0] = '\0';
	for (p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	return lines;
}

/* Open fds of this process (a leak check: compare before and after). */
static inline int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

#endif
