/* proto.h - the scheme table: one `struct proto` per scheme, each in its
 * own file of this folder (tcp.c, unix.c, file.c, dns.c, postgres.c,
 * mysql.c, redis.c, rediss.c, amqp.c, http.c, https.c, grpc.c, grpcs.c),
 * listed once in proto.c.  Everything that differs from one
 * scheme to the next is an entry's field: its names, its URL syntax (with
 * its default port), how it is reached, its request and how its answer is
 * judged.  Adding a scheme: one new file, one line in proto.c's table.
 *
 * The reply judges are pure: they take the bytes received so far and say
 * whether they need more, or whether those mean ready or not ready (with a
 * detail), so that they can be unit-tested and fuzzed without a socket.
 * A ready detail that starts "up (" is an error answer that still means
 * the server is up ("up (ERROR 1040: Too many connections)"): the waits
 * repeat it in their "ready" line. */
#ifndef MUSTER_PROTO_H
#define MUSTER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/url.h"
#include "hooks/wait/probe.h"

enum reply_verdict {
	REPLY_MORE = 0,	    /* incomplete: read more (or, at EOF, not ready) */
	REPLY_READY = 1,    /* the server is ready */
	REPLY_NOTREADY = 2, /* it answered, but not ready / not what we expect */
	REPLY_DRAIN,	    /* streamed: the verdict is known (in the result), read
			       the rest of the answer and drop it */
	REPLY_BAD,	    /* streamed: malformed before a verdict (detail says why) */
};

/* Room for what a streamed reader keeps while it reads an answer (its
 * parser's state), inside each attempt; used the way sockaddr_storage
 * is, a scheme's file checks that its state fits. */
union proto_state {
	max_align_t align;
	unsigned char bytes[4224];
};

struct proto {
	const char *names[3];  /* the first is the one messages list; NULL-ended */
	struct url_syntax url; /* what url_parse() takes, the default port among it */
	bool stat_path;	       /* nothing to connect to: the path existing is the answer */
	bool resolve_only;     /* nothing to connect to: the name resolving is the answer */
	bool unix_socket;      /* probe_opts.unix_socket, when set, replaces host:port */
	bool tls;	       /* over TLS, verified (hooks/wait/tls.h): https, rediss, grpcs */
	const char *alpn;      /* the protocol TLS offers by ALPN ("h2"); NULL: none */
	/* The request, sent once connected; NULL: the server speaks first
	 * when the scheme judges an answer (below), else an accepted
	 * connection is the answer.  Returns its length; -EINVAL when an
	 * option is bad (err says why); 0 or another -errno when it does not
	 * fit. */
	int (*request)(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		       char *err, size_t errlen);
	/* Its answer, either judged whole: the bytes so far (`eof`: the
	 * server closed after them), as many as an attempt keeps ... */
	enum reply_verdict (*judge)(const uint8_t *in, size_t len, bool eof, const struct url *u,
				    char *detail, size_t dlen);
	const char *server; /* ... beyond which: "answer too long, not a <server> server?" */
	/* ... or read as it streams (answers of any length): start() before
	 * the first byte, then feed() every piece (n 0 and eof: closed); it
	 * fills res (ready, detail, http_status) once it knows. */
	void (*start)(union proto_state *st);
	enum reply_verdict (*feed)(union proto_state *st, const uint8_t *buf, size_t n, bool eof,
				   const struct probe_opts *o, struct probe_result *res);
	/* What a streamed reader must send back while it reads (HTTP/2's
	 * SETTINGS and PING acks): at most cap bytes into buf, how many;
	 * NULL: never anything. */
	size_t (*reply)(union proto_state *st, uint8_t *buf, size_t cap);
};

/* Untrusted text from a server, for a detail: at most n bytes of s, as
 * many as fit in out (on bytes, terminated), printable ASCII kept and any
 * other byte shown as '?'. */
void proto_text(char *out, size_t on, const void *s, size_t n);

/* The entry named [name, name+len) in any case, or NULL. */
const struct proto *proto_find(const char *name, size_t len);

/* The i-th entry of the table, or NULL past its end. */
const struct proto *proto_at(size_t i);

/* The entry of a URL url_parse() parsed with proto_url_scheme. */
const struct proto *proto_of(const struct url *u);

/* The table as conf/url.h and conf/redact.h see it (a url_scheme_fn):
 * pass it to url_parse() and redact_url(). */
const struct url_syntax *proto_url_scheme(const char *name, size_t len, char *why, size_t whylen);

#endif
