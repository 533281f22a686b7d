/* resolve.h - asynchronous host name resolution for the probes.
 *
 * IP literals are parsed at once; names go through getaddrinfo() on a
 * detached thread, which in a static binary (musl, or glibc >= 2.34) reads
 * /etc/hosts and queries the DNS servers of /etc/resolv.conf without any
 * shared library (checked in a runc scratch rootfs: test_wait.py).  So the
 * single poll loop of the waits never blocks on DNS and every attempt
 * keeps its own deadline. */
#ifndef MUSTER_RESOLVE_H
#define MUSTER_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RESOLVE_MAX 8

struct resolve_addrs {
	struct sockaddr_storage a[RESOLVE_MAX];
	socklen_t len[RESOLVE_MAX];
	size_t n;
};

struct resolve; /* one lookup in flight */

/* Start resolving host:port.  Returns 0 with *out filled at once (an IP
 * literal, or "localhost"), 1 with *lk set to a lookup in flight, or a
 * negative errno. */
int resolve_start(const char *host, uint16_t port, struct resolve_addrs *out, struct resolve **lk);

/* Poll a lookup: 1 still in progress; 0 done, *out filled; -ENOENT the
 * name does not resolve (yet); -EAGAIN a temporary DNS failure; other
 * negative errno.  On anything but 1, `err` says why (for the log) and the
 * lookup is freed. */
int resolve_poll(struct resolve *lk, struct resolve_addrs *out, char *err, size_t errlen);

/* Give up on a lookup (it may finish in the background and is freed
 * then). */
void resolve_cancel(struct resolve *lk);

/* Printable form of an address ("10.0.0.7:5432", "[::1]:80"). */
void resolve_addr_str(const struct sockaddr_storage *a, char *buf, size_t n);

/* The address alone ("10.0.0.7", "::1"). */
void resolve_ip_str(const struct sockaddr_storage *a, char *buf, size_t n);

#endif
