/* oom.c - OOM kills from the memory cgroup's counters (see oom.h). */
#include "init/pid1/oom.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define V1_ROOT "/sys/fs/cgroup/memory"
#define V2_ROOT "/sys/fs/cgroup"

/* The contents of a small file, NUL-terminated.  Returns its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The number after "key " at the start of a line of `text`, or -1. */
static long long field(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p;

	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
	return -1;
}

static long long kills_of(const struct oom_watch *w)
{
	char path[300], buf[1024];

	snprintf(path, sizeof(path), "%s/%s", w->dir,
		 w->v1 ? "memory.oom_control" : "memory.events");
	return slurp(path, buf, sizeof(buf)) < 0 ? -1 : field(buf, "oom_kill");
}

/* "N:memory:/path" (v1, memory alone or among others) or "0::/path" (v2). */
static void cgroup_dir(struct oom_watch *w)
{
	char buf[2048], *line, *save = NULL;

	if (slurp("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;
		size_t n;

		if (!path)
			continue;
		n = (size_t)(path - ctl - 1);
		if (n == 0 && !w->dir[0])
			snprintf(w->dir, sizeof(w->dir), V2_ROOT "%s", path + 1);
		else if (n == 6 && !strncmp(ctl + 1, "memory", 6)) {
			snprintf(w->dir, sizeof(w->dir), V1_ROOT "%s", path + 1);
			w->v1 = true;
			return; /* a hybrid system: memory is on v1 */
		}
	}
}

void oom_watch_start(struct oom_watch *w)
{
	memset(w, 0, sizeof(*w));
	cgroup_dir(w);
	if (w->dir[0] && (w->kills = kills_of(w)) < 0)
		w->dir[0] = '\0'; /* no such counter: no memory controller here */
}

/* The limit of the cgroup or its nearest limited ancestor, -1: none. */
static long long limit_of(const struct oom_watch *w)
{
	char dir[256], path[300], buf[64];
	const char *root = w->v1 ? V1_ROOT : V2_ROOT;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", w->dir);
	for (;;) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 w->v1 ? "memory.limit_in_bytes" : "memory.max");
		if (slurp(path, buf, sizeof(buf)) > 0 && buf[0] >= '0' && buf[0] <= '9') {
			long long v = strtoll(buf, NULL, 10);

			if (v > 0 && v < (1ll << 62)) /* v1 says "unlimited" with a huge one */
				return v;
		}
		slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < strlen(root))
			return -1;
		*slash = '\0';
	}
}

bool oom_killed(const struct oom_watch *w, long long *limit)
{
	if (!w->dir[0] || kills_of(w) <= w->kills)
		return false;
	*limit = limit_of(w);
	return true;
}

void oom_fmt_bytes(long long b, char *out, size_t len)
{
	static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (u < 4 && b >= 1024 && (b % 1024 == 0 || b >= 10 * 1024)) {
		b = (b + 512) / 1024;
		u++;
	}
	snprintf(out, len, "%lld %s", b, unit[u]);
}
