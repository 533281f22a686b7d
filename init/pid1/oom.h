/* oom.h - did the kernel's OOM killer kill the workload, and under which
 * memory limit: the OOM-kill counter of muster's memory cgroup (cgroup v2
 * memory.events, v1 memory.oom_control), read when the workload starts and
 * again when it dies of SIGKILL. */
#ifndef MUSTER_OOM_H
#define MUSTER_OOM_H

#include <stdbool.h>
#include <stddef.h>

struct oom_watch {
	char dir[256]; /* the cgroup's directory, "" when there is none */
	bool v1;
	long long kills; /* the counter when the watch began */
};

/* Find muster's memory cgroup (/proc/self/cgroup) and note its counter.
 * Without one (no cgroup file system, no memory controller) the watch
 * stays empty and oom_killed() says no. */
void oom_watch_start(struct oom_watch *w);

/* Whether the counter went up since oom_watch_start().  When it did,
 * *limit is the memory limit in bytes that applied (this cgroup's or the
 * nearest ancestor's), -1 for none.  Pure reads, never an error. */
bool oom_killed(const struct oom_watch *w, long long *limit);

/* "64 MiB", "1 GiB", "512 KiB" for a limit in bytes. */
void oom_fmt_bytes(long long bytes, char *out, size_t len);

#endif
