/* libFuzzer: open_beneath() (conf/file.c), which walks paths and symlink
 * targets found in a secrets dir or an env dir (outside bytes).  Input:
 * "TARGET1\nTARGET2\nPATH"; in/l1 and in/sub/l2 become symlinks to the
 * targets, then PATH is opened beneath in/.  Whatever opens must be one of
 * the two regular files inside in/ (never out, next to it, nor anything
 * else on the machine), and no fd may be left open. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[64];
static int in = -1, spare; /* spare: the lowest free fd between runs */
static struct stat inside[2];

static void untree(void)
{
	static const char *const made[] = {"l1", "sub/l2", "a", "sub/b", "../out"};
	char p[128];

	for (size_t i = 0; i < sizeof(made) / sizeof(*made); i++)
		unlinkat(in, made[i], 0);
	unlinkat(in, "sub", AT_REMOVEDIR);
	snprintf(p, sizeof(p), "%s/in", top);
	rmdir(p);
	rmdir(top);
}

static void tree(void)
{
	char p[128];
	int fd;

	strcpy(top, "/tmp/muster-fuzz-XXXXXX");
	if (!mkdtemp(top))
		abort();
	snprintf(p, sizeof(p), "%s/in", top);
	if (mkdir(p, 0700) || (in = open(p, O_RDONLY | O_DIRECTORY)) < 0 ||
	    mkdirat(in, "sub", 0700))
		abort();
	atexit(untree);
	close(openat(in, "a", O_WRONLY | O_CREAT, 0600));
	close(openat(in, "sub/b", O_WRONLY | O_CREAT, 0600));
	close(openat(in, "../out", O_WRONLY | O_CREAT, 0600));
	if (fstatat(in, "a", &inside[0], 0) || fstatat(in, "sub/b", &inside[1], 0))
		abort();
	fd = open("/dev/null", O_RDONLY);
	spare = fd;
	close(fd);
}

/* The next '\n'-terminated field of [*p, end) as a C string (cut at a NUL). */
static char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = (size_t)((nl ? nl : end) - *p);
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *t1, *t2, *path;
	struct stat st;
	int fd;

	if (in < 0)
		tree();
	t1 = field(&p, end);
	t2 = field(&p, end);
	path = field(&p, end);
	unlinkat(in, "l1", 0);
	unlinkat(in, "sub/l2", 0);
	(void)!symlinkat(t1, in, "l1");
	(void)!symlinkat(t2, in, "sub/l2");
	fd = open_beneath(in, path);
	if (fd >= 0) {
		if (fstat(fd, &st) || !S_ISREG(st.st_mode))
			abort();
		if (!((st.st_dev == inside[0].st_dev && st.st_ino == inside[0].st_ino) ||
		      (st.st_dev == inside[1].st_dev && st.st_ino == inside[1].st_ino)))
			abort(); /* it got out */
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd != spare)
		abort(); /* a directory fd left open */
	close(fd);
	free(t1);
	free(t2);
	free(path);
	return 0;
}
