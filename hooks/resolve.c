/* resolve.c - asynchronous name resolution on top of getaddrinfo_a. */
#include "resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct resolve {
	struct gaicb cb;
	struct addrinfo hints;
	char port[8];
	struct resolve *next_orphan;
	char name[];
};

/* Lookups given up while glibc's thread still runs them: freed once done. */
static struct resolve *orphans;

static void lookup_free(struct resolve *lk)
{
	if (lk->cb.ar_result)
		freeaddrinfo(lk->cb.ar_result);
	free(lk);
}

static void sweep_orphans(void)
{
	struct resolve **pp = &orphans;

	while (*pp) {
		struct resolve *lk = *pp;

		if (gai_error(&lk->cb) != EAI_INPROGRESS) {
			*pp = lk->next_orphan;
			lookup_free(lk);
		} else {
			pp = &lk->next_orphan;
		}
	}
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
	struct gaicb *list[1];
	struct sigevent sev;
	struct resolve *r;
	size_t hlen = strlen(host);
	int e;

	out->n = 0;
	*lk = NULL;
	sweep_orphans();
	if (literal(host, port, out))
		return 0;
	r = calloc(1, sizeof(*r) + hlen + 1);
	if (!r)
		return -ENOMEM;
	memcpy(r->name, host, hlen + 1);
	snprintf(r->port, sizeof(r->port), "%u", (unsigned)port);
	r->hints.ai_family = AF_UNSPEC;
	r->hints.ai_socktype = SOCK_STREAM;
	r->cb.ar_name = r->name;
	r->cb.ar_service = r->port;
	r->cb.ar_request = &r->hints;
	list[0] = &r->cb;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	e = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev);
	if (e) {
		free(r);
		return e == EAI_MEMORY ? -ENOMEM : -EAGAIN;
	}
	*lk = r;
	return 1;
}

int resolve_poll(struct resolve *lk, struct resolve_addrs *out, char *err, size_t errlen)
{
	struct addrinfo *ai;
	int e = gai_error(&lk->cb), r = 0;

	if (e == EAI_INPROGRESS)
		return 1;
	out->n = 0;
	switch (e) {
	case 0:
		/* IPv4 first: what a compose/k8s service name usually means */
		for (ai = lk->cb.ar_result; ai; ai = ai->ai_next)
			if (ai->ai_family == AF_INET)
				add_addr(out, ai->ai_addr, ai->ai_addrlen);
		for (ai = lk->cb.ar_result; ai; ai = ai->ai_next)
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
	lookup_free(lk);
	return r;
}

void resolve_cancel(struct resolve *lk)
{
	if (!lk)
		return;
	if (gai_cancel(&lk->cb) == EAI_NOTCANCELED || gai_error(&lk->cb) == EAI_INPROGRESS) {
		lk->next_orphan = orphans;
		orphans = lk;
		return;
	}
	lookup_free(lk);
}

void resolve_addr_str(const struct sockaddr_storage *a, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)a;

		inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
		snprintf(buf, n, "%s:%u", ip, ntohs(s->sin_port));
	} else if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;

		inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
		snprintf(buf, n, "[%s]:%u", ip, ntohs(s->sin6_port));
	} else {
		snprintf(buf, n, "?");
	}
}
