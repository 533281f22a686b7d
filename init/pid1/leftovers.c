/* procs.c - find and signal muster's own children through /proc. */
#include "init/pid1/leftovers.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

pid_t procs_stat_ppid(const char *stat, size_t len)
{
	const char *p = NULL;
	size_t i;
	long v = 0;

	/* "pid (comm) S ppid ...": comm ends at the LAST ')' */
	for (i = len; i > 0; i--)
		if (stat[i - 1] == ')') {
			p = stat + i;
			break;
		}
	if (!p || (size_t)(p - stat) + 4 > len || p[0] != ' ' || p[2] != ' ')
		return -1;
	p += 3;
	if (*p < '0' || *p > '9')
		return -1;
	while (p < stat + len && *p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > 0x7fffffffL)
			return -1;
	}
	return (pid_t)v;
}

int procs_signal_children(int sig, pid_t except)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300], buf[512];
		ssize_t len;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		if (procs_stat_ppid(buf, (size_t)len) == self && atoi(e->d_name) != except) {
			kill((pid_t)atoi(e->d_name), sig);
			n++;
		}
	}
	closedir(d);
	return n;
}
