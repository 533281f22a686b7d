/* grpc.h - gRPC health checking (grpc.health.v1.Health/Check) for
 * grpc://host:port[/SERVICE] (cleartext HTTP/2, prior knowledge) and
 * grpcs:// (grpcs.c): the request, and the verdict on the server's HTTP/2
 * bytes (through h2.c).  SERVING is ready; NOT_SERVING, UNKNOWN,
 * SERVICE_UNKNOWN and any grpc-status but 0 (OK) are not, and the detail
 * names them.  Pure. */
#ifndef MUSTER_GRPC_H
#define MUSTER_GRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/h2.h"
#include "hooks/wait/proto/proto.h"

#define GRPC_HEALTH_PATH "/grpc.health.v1.Health/Check"
#define GRPC_MSG_MAX	 256 /* a HealthCheckResponse is a few bytes */

struct grpc_health {
	int http_status;  /* :status, 0 until seen */
	bool grpc_type;	  /* content-type application/grpc[+...;...] */
	char ctype[48];	  /* the content-type, when it is not */
	int grpc_status;  /* -1 until seen */
	char message[96]; /* grpc-message, decoded, printable */
	uint8_t msg[GRPC_MSG_MAX]; /* the first gRPC message, 5-byte prefix included */
	size_t msglen;
	bool msg_over; /* it was longer than GRPC_MSG_MAX */
	struct h2_client h2;
};

/* The HTTP/2 bytes of one Check call for `service` ("" for the server as
 * a whole).  Returns the length or -ENOSPC. */
int grpc_health_request(uint8_t *buf, size_t cap, const char *authority, bool tls,
			const char *service);

void grpc_health_init(struct grpc_health *g);

/* Feed the server's bytes (eof: it closed the connection).  Returns
 * REPLY_MORE, REPLY_READY or REPLY_NOTREADY, with what was seen in detail.
 * Frames to send back (acks) wait in g->h2.out. */
enum reply_verdict grpc_health_feed(struct grpc_health *g, const uint8_t *p, size_t n, bool eof,
				    char *detail, size_t dlen);

/* "OK", "CANCELLED", ... "UNAUTHENTICATED", or "" past 16. */
const char *grpc_code_name(int code);

/* The scheme-table entry's request (the URL's path is the service), its
 * streamed reader and its acks (see struct proto), shared with grpcs://. */
int grpc_request(char *buf, size_t cap, const struct url *u, const struct probe_opts *o,
		 char *err, size_t errlen);
void grpc_start(union proto_state *st);
enum reply_verdict grpc_feed(union proto_state *st, const uint8_t *buf, size_t n, bool eof,
			     const struct probe_opts *o, struct probe_result *res);
size_t grpc_reply(union proto_state *st, uint8_t *buf, size_t cap);

#endif
