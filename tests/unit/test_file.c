/* Unit tests of conf/file.c: open_regular(), open_beneath() and fd_read_all(). */
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
#include "capture.h"

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

/* --- open_beneath: a tree in a temporary directory --- */

/* readlinkat() as the walk sees it: `swapped` names an entry that is
 * reported as no symlink, as if a link replaced it right after the look. */
ssize_t __real_readlinkat(int dirfd, const char *path, char *buf, size_t len);
static const char *swapped;

ssize_t __wrap_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	if (swapped && !strcmp(path, swapped)) {
		errno = EINVAL;
		return -1;
	}
	return __real_readlinkat(dirfd, path, buf, len);
}

static char top[64];
static int topfd, within; /* within: the dir `top`/in, the one walked beneath */

static void mk(const char *rel, const char *link)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (!link) {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, rel, strlen(rel)), (ssize_t)strlen(rel));
		close(fd);
	} else if (!*link) {
		assert_int_equal(mkdir(p, 0700), 0);
	} else {
		assert_int_equal(symlink(link, p), 0);
	}
}

static int tree_up(void **st)
{
	strcpy(top, "/tmp/muster-ft-XXXXXX");
	assert_non_null(mkdtemp(top));
	topfd = open(top, O_RDONLY | O_DIRECTORY);
	mk("in", "");
	mk("in/sub", "");
	mk("in/f", NULL);
	mk("in/sub/g", NULL);
	mk("outside", NULL);
	/* Kubernetes' secret and configmap volumes, exactly */
	mk("in/..2024_01_01_00_00_00.123456789", "");
	mk("in/..2024_01_01_00_00_00.123456789/KEY", NULL);
	mk("in/..data", "..2024_01_01_00_00_00.123456789");
	mk("in/KEY", "..data/KEY");
	/* links that stay inside */
	mk("in/rel", "sub/g");
	mk("in/sub/up", "../f");
	mk("in/chain", "rel");
	mk("in/subdir", "sub/");
	/* links that leave */
	mk("in/abs", "/etc/passwd");
	mk("in/absin", top); /* absolute, even towards the dir itself */
	mk("in/dotdot", "../outside");
	mk("in/sub/deep", "../../outside");
	mk("in/loop", "loop");
	mk("in/dangling", "nothing");
	within = openat(topfd, "in", O_RDONLY | O_DIRECTORY);
	assert_true(within >= 0);
	return 0;
}

static int tree_down(void **st)
{
	char cmd[128];

	close(within);
	close(topfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	return system(cmd) ? -1 : 0;
}

/* open_beneath(within, path) reads `want` (a file's content is its own
 * path below top), or fails with the error `want_err`. */
static void beneath(const char *path, const char *want, int want_err)
{
	char buf[128] = "";
	int fd = open_beneath(within, path);

	if (!want) {
		assert_int_equal(fd, want_err);
		return;
	}
	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	assert_string_equal(buf, want);
}

static void t_beneath_inside(void **st)
{
	int fds = fd_count();

	beneath("f", "in/f", 0);
	beneath("sub/g", "in/sub/g", 0);
	beneath("//sub//g", "in/sub/g", 0);
	beneath("./sub/./g", "in/sub/g", 0);
	beneath("sub/../f", "in/f", 0);
	beneath("KEY", "in/..2024_01_01_00_00_00.123456789/KEY", 0);
	beneath("..data/KEY", "in/..2024_01_01_00_00_00.123456789/KEY", 0);
	beneath("rel", "in/sub/g", 0);
	beneath("chain", "in/sub/g", 0);
	beneath("sub/up", "in/f", 0);
	beneath("subdir/g", "in/sub/g", 0);
	assert_int_equal(fd_count(), fds); /* every directory fd closed */
}

static void t_beneath_refused(void **st)
{
	char deep[200] = "";
	int fds = fd_count(), i;

	beneath("..", NULL, -EXDEV);
	beneath("../outside", NULL, -EXDEV);
	beneath("sub/../../outside", NULL, -EXDEV);
	beneath("abs", NULL, -EXDEV);
	beneath("absin", NULL, -EXDEV);
	beneath("dotdot", NULL, -EXDEV);
	beneath("sub/deep", NULL, -EXDEV);
	/* not regular files; no file at all */
	beneath("", NULL, -EINVAL);
	beneath(".", NULL, -EINVAL);
	beneath("sub", NULL, -EINVAL);
	beneath("subdir", NULL, -EINVAL);
	beneath("sub/..", NULL, -EINVAL);
	beneath("nope", NULL, -ENOENT);
	beneath("dangling", NULL, -ENOENT);
	beneath("f/x", NULL, -ENOTDIR);
	beneath("loop", NULL, -ELOOP);
	/* 32 directories are held at once: a 33rd is refused */
	strcpy(deep, "sub/../sub/../f"); /* ".." lets go of one */
	beneath(deep, "in/f", 0);
	strcpy(deep, "d");
	for (i = 0; i < 33; i++) {
		mk(deep, ""); /* below top: "d", "d/d", ... */
		strcat(deep, "/d");
	}
	deep[strlen(deep) - 2] = '\0';			      /* 33 d's */
	assert_int_equal(open_beneath(topfd, deep), -EINVAL); /* a directory */
	strcat(deep, "/x");
	assert_int_equal(open_beneath(topfd, deep), -ENAMETOOLONG);
	deep[strlen(deep) - 4] = '\0';
	strcat(deep, "/x"); /* 32 d's, then x */
	assert_int_equal(open_beneath(topfd, deep), -ENOENT);
	assert_int_equal(fd_count(), fds);
}

/* A link that appears between the look (readlinkat: not a link) and the
 * open is never followed: the open (O_NOFOLLOW) fails instead. */
static void t_beneath_swap(void **st)
{
	int fds = fd_count();

	swapped = "abs"; /* -> /etc/passwd, as the last component */
	beneath("abs", NULL, -ELOOP);
	swapped = "subdir"; /* -> sub/, as a directory on the way */
	beneath("subdir/g", NULL, -ENOTDIR);
	swapped = NULL;
	beneath("subdir/g", "in/sub/g", 0);
	assert_int_equal(fd_count(), fds);
}

static void t_beneath_fifo(void **st)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/in/fifo", top);
	assert_int_equal(mkfifo(p, 0600), 0);
	beneath("fifo", NULL, -EINVAL); /* without blocking: nobody writes */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_sizes),
	    cmocka_unit_test(t_read_error_closes),
	    cmocka_unit_test(t_open_regular),
	    cmocka_unit_test_setup_teardown(t_beneath_inside, tree_up, tree_down),
	    cmocka_unit_test_setup_teardown(t_beneath_refused, tree_up, tree_down),
	    cmocka_unit_test_setup_teardown(t_beneath_swap, tree_up, tree_down),
	    cmocka_unit_test_setup_teardown(t_beneath_fifo, tree_up, tree_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
