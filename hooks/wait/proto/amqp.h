/* amqp.h - AMQP 0-9-1 readiness (amqp://): the client sends the protocol
 * header; a broker that speaks 0-9-1 answers with the Connection.Start
 * method, which means ready.  One that speaks another version answers with
 * the protocol header of the version it does speak, then closes: that is
 * an error naming the version, not readiness.
 *
 * The bytes (AMQP 0-9-1 specification, sections 4.2.2 and 4.2.3):
 *   protocol header  'A' 'M' 'Q' 'P' 0 0 9 1
 *                    (0-8: 'AMQP' 1 1 8 0; 0-9, 0-10: 'AMQP' 1 1 0 9|10;
 *                    1.0: 'AMQP' id 1 0 0, id 0 plain, 2 TLS, 3 SASL)
 *   frame            type (1: method), channel (2), size (4), payload,
 *                    frame-end 0xCE; all integers big-endian
 *   Connection.Start class 10, method 10 (2 + 2), version-major (1),
 *                    version-minor (1), server-properties (field table:
 *                    size (4) then entries), mechanisms (long string:
 *                    size (4) then bytes), locales (long string)
 * Before the connection is tuned a frame is at most 4096 bytes
 * (frame-min-size). */
#ifndef MUSTER_PROTO_AMQP_H
#define MUSTER_PROTO_AMQP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks/wait/proto/proto.h"

#define AMQP_FRAME_MIN_SIZE 4096

/* The protocol header for 0-9-1 into buf.  Returns its length (8), or 0
 * when cap is smaller. */
size_t amqp_header_build(uint8_t *buf, size_t cap);

/* Judge the broker's answer so far (`eof`: it closed after these bytes):
 * REPLY_MORE until a whole frame or header is there; REPLY_READY for a
 * well-formed Connection.Start (detail: "Connection.Start, RabbitMQ
 * 3.10.8", from its product and version properties when it has them);
 * REPLY_NOTREADY for a protocol header (detail names its version), a
 * Connection.Close or anything else.  Never REPLY_MORE at eof.  Pure; buf
 * untrusted. */
enum reply_verdict amqp_reply_parse(const uint8_t *buf, size_t len, bool eof, char *detail,
				    size_t dlen);

#endif
