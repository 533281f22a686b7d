/* resolve.c - asynchronous name resolution: one detached thread per
 * lookup running plain getaddrinfo(), which glibc (>= 2.34, static) and
 * musl both answer from /etc/hosts and /etc/resolv.conf without shared
 * libraries.  The thread blocks every signal, so they all stay for PID 1's
 * signalfd. */
#include "hooks/wait/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct resolve {
	struct addrinfo *res;
	int err;             /* getaddrinfo's answer, valid once done */
	atomic_int done;
	atomic_int refs;     /* the caller's and the thread's */
	char port[8];
	char name[];
};

static void unref(struct resolve *lk)
{
	if (atomic_fetch_sub(&lk->refs, 1) == 1) {
		if (lk->res)
			freeaddrinfo(lk->res);
		free(lk);
	}
}

static void *lookup_thread(void *arg)
{
	struct resolve *lk = arg;
	struct addrinfo hints;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	lk->err = getaddrinfo(lk->name, lk->port, &hints, &lk->res);
	atomic_store(&lk->done, 1);
	unref(lk);
	return NULL;
}

static void add_addr(struct resolve_addrs *out, const void *sa, socklen_t len)
{
	if (out->n >= RESOLVE_MAX || len > sizeof(out->a[0]))
		return;
	memset(&out->a[out->n], 0, sizeof(out->a[0]));
	memcpy(&out->a[out->n], sa, len);
	out->len[out->n++] = len;
}

static int literal(const char *host, uint16_t port, struct resolve_addrs *out)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, host, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		s4.sin_port = htons(port);
		add_addr(out, &s4, sizeof(s4));
		return 1;
	}
	if (inet_pton(AF_INET6, host, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(port);
		add_addr(out, &s6, sizeof(s6));
		return 1;
	}
	return 0;
}

int resolve_start(const char *host, uint16_t port, struct resolve_addrs *out, struct resolve **lk)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	struct resolve *r;
	size_t hlen = strlen(host);
	int e;

	out->n = 0;
	*lk = NULL;
	if (literal(host, port, out))
		return 0;
	r = calloc(1, sizeof(*r) + hlen + 1);
	if (!r)
		return -ENOMEM;
	memcpy(r->name, host, hlen + 1);
	snprintf(r->port, sizeof(r->port), "%u", (unsigned)port);
	atomic_init(&r->done, 0);
	atomic_init(&r->refs, 2);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread inherits it */
	e = pthread_create(&t, &attr, lookup_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (e) {
		free(r);
		return -e;
	}
	*lk = r;
	return 1;
}

int resolve_poll(struct resolve *lk, struct resolve_addrs *out, char *err, size_t errlen)
{
	struct addrinfo *ai;
	int e, r = 0;

	if (!atomic_load(&lk->done))
		return 1;
	e = lk->err;
	out->n = 0;
	switch (e) {
	case 0:
		/* IPv4 first: what a compose/k8s service name usually means */
		for (ai = lk->res; ai; ai = ai->ai_next)
			if (ai->ai_family == AF_INET)
				add_addr(out, ai->ai_addr, ai->ai_addrlen);
		for (ai = lk->res; ai; ai = ai->ai_next)
			if (ai->ai_family == AF_INET6)
				add_addr(out, ai->ai_addr, ai->ai_addrlen);
		if (!out->n) {
			snprintf(err, errlen, "%s has no IPv4 or IPv6 address", lk->name);
			r = -ENOENT;
		}
		break;
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		snprintf(err, errlen, "cannot resolve %s (no such name yet)", lk->name);
		r = -ENOENT;
		break;
	case EAI_AGAIN:
		snprintf(err, errlen, "cannot resolve %s (DNS temporarily unavailable)", lk->name);
		r = -EAGAIN;
		break;
	default:
		snprintf(err, errlen, "cannot resolve %s: %s", lk->name, gai_strerror(e));
		r = -EAGAIN;
		break;
	}
	unref(lk);
	return r;
}

void resolve_cancel(struct resolve *lk)
{
	if (lk)
		unref(lk); /* a running thread frees it when it is done */
}

void resolve_ip_str(const struct sockaddr_storage *a, char *buf, size_t n)
{
	const void *ip = NULL;

	if (a->ss_family == AF_INET)
		ip = &((const struct sockaddr_in *)a)->sin_addr;
	else if (a->ss_family == AF_INET6)
		ip = &((const struct sockaddr_in6 *)a)->sin6_addr;
	if (!ip || !inet_ntop(a->ss_family, ip, buf, (socklen_t)n))
		snprintf(buf, n, "?");
}

void resolve_addr_str(const struct sockaddr_storage *a, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN];
	bool v6 = a->ss_family == AF_INET6;

	resolve_ip_str(a, ip, sizeof(ip));
	if (a->ss_family != AF_INET && !v6)
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%s%s%s:%u", v6 ? "[" : "", ip, v6 ? "]" : "",
			 ntohs(v6 ? ((const struct sockaddr_in6 *)a)->sin6_port
				  : ((const struct sockaddr_in *)a)->sin_port));
}
