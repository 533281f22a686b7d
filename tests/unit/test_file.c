/* Unit tests of conf/file.c: open_regular() and fd_read_all(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/file.h"

/* A memfd holding n bytes of a pattern, at offset 0. */
static int holding(size_t n)
{
	int fd = memfd_create("t", 0);
	size_t i;

	assert_true(fd >= 0);
	for (i = 0; i < n; i++) {
		char c = (char)('a' + i % 26);

		assert_int_equal(write(fd, &c, 1), 1);
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void reads(size_t n, size_t max, int want)
{
	char *buf = (char *)1;
	size_t len = 7, i;
	int r = fd_read_all(holding(n), max, &buf, &len);

	assert_int_equal(r, want);
	if (want) {
		assert_ptr_equal(buf, (char *)1); /* untouched on an error */
		return;
	}
	assert_int_equal(len, n);
	assert_int_equal(buf[n], '\0');
	for (i = 0; i < n; i++)
		assert_int_equal(buf[i], 'a' + i % 26);
	free(buf);
}

static void t_sizes(void **st)
{
	reads(0, 10, 0);
	reads(10, 10, 0);
	reads(11, 10, -EFBIG);
	reads(4095, 1 << 20, 0); /* the first buffer exactly */
	reads(4096, 1 << 20, 0); /* one more: it grows */
	reads(100000, 1 << 20, 0);
	reads(100000, 99999, -EFBIG);
}

static void t_read_error_closes(void **st)
{
	char *buf = NULL;
	size_t len;
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	assert_int_equal(fd_read_all(fd, 10, &buf, &len), -EISDIR);
	assert_int_equal(fcntl(fd, F_GETFD), -1); /* closed */
}

static void t_open_regular(void **st)
{
	struct stat sb;
	int fd = open_regular(AT_FDCWD, "/etc/passwd", &sb);

	assert_true(fd >= 0);
	assert_true(S_ISREG(sb.st_mode));
	close(fd);
	assert_int_equal(open_regular(AT_FDCWD, "/", NULL), -EINVAL);
	assert_int_equal(open_regular(AT_FDCWD, "/dev/null", NULL), -EINVAL);
	assert_int_equal(open_regular(AT_FDCWD, "/nonexistent/x", NULL), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_sizes),
	    cmocka_unit_test(t_read_error_closes),
	    cmocka_unit_test(t_open_regular),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
