/* reply.h - verdicts of the pure reply parsers (probe_pg, probe_redis,
 * probe_http): each takes the bytes received so far and says whether it
 * needs more, or whether they mean ready or not ready (with a detail). */
#ifndef MUSTER_REPLY_H
#define MUSTER_REPLY_H

enum reply_verdict {
	REPLY_MORE = 0,	    /* incomplete: read more (or, at EOF, not ready) */
	REPLY_READY = 1,    /* the server is ready */
	REPLY_NOTREADY = 2, /* it answered, but not ready / not what we expect */
};

#endif
