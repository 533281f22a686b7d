/* test_h2.c - the HTTP/2 client (h2.c) and the gRPC health check on top
 * of it (proto/grpc.c): the request's bytes, then server byte streams,
 * good (fed whole and byte by byte) and malformed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/h2.h"
#include "hooks/wait/hpack.h"
#include "hooks/wait/proto/grpc.h"

static uint8_t srv[70000];
static size_t slen;
static struct grpc_health G;
static char d[256];

static void frame(uint8_t type, uint8_t flags, uint32_t stream, const void *p, size_t n)
{
	uint8_t *b = srv + slen;

	b[0] = (uint8_t)(n >> 16);
	b[1] = (uint8_t)(n >> 8);
	b[2] = (uint8_t)n;
	b[3] = type;
	b[4] = flags;
	b[5] = (uint8_t)(stream >> 24);
	b[6] = (uint8_t)(stream >> 16);
	b[7] = (uint8_t)(stream >> 8);
	b[8] = (uint8_t)stream;
	if (n)
		memcpy(b + 9, p, n);
	slen += 9 + n;
}

/* A header block of "name", "value" pairs (NULL-terminated), literal. */
static size_t block(uint8_t *b, const char *const *kv)
{
	size_t pos = 0;

	for (; *kv; kv += 2)
		assert_int_equal(hpack_put_field(b, 4096, &pos, 0, kv[0], kv[1]), 0);
	return pos;
}

static void settings(void)
{
	static const uint8_t s[] = {0, 3, 0, 0, 0, 100};

	frame(4, 0, 0, s, sizeof(s));
}

static void headers(uint8_t flags, const char *const *kv)
{
	uint8_t b[4096];

	frame(1, flags | 4, 1, b, block(b, kv));
}

static const char *const ok_headers[] = {":status", "200", "content-type", "application/grpc",
					 NULL};
static const char *const ok_trailers[] = {"grpc-status", "0", NULL};

static void message(int status)
{
	uint8_t m[7] = {0, 0, 0, 0, status ? 2 : 0, 0x08, (uint8_t)status};

	frame(0, 0, 1, m, status ? 7 : 5);
}

static int feed_all(bool eof)
{
	grpc_health_init(&G);
	d[0] = '\0';
	return grpc_health_feed(&G, srv, slen, eof, d, sizeof(d));
}

/* The same bytes one at a time: the verdict must not change. */
static int feed_bytewise(void)
{
	size_t i;
	int v = REPLY_MORE;

	grpc_health_init(&G);
	d[0] = '\0';
	for (i = 0; i < slen && v == REPLY_MORE; i++)
		v = grpc_health_feed(&G, srv + i, 1, false, d, sizeof(d));
	return v;
}

static void serving(int status)
{
	slen = 0;
	settings();
	frame(4, 1, 0, NULL, 0); /* ack of ours */
	headers(0, ok_headers);
	message(status);
	headers(1, ok_trailers);
}

static char fields[512];

static int collect(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	size_t o = strlen(fields);

	(void)arg;
	snprintf(fields + o, sizeof(fields) - o, "%.*s: %.*s\n", (int)nl, n, (int)vl, v);
	return 0;
}

static void t_request(void **st)
{
	static const uint8_t settings[] = {0, 0, 12, 4, 0, 0, 0, 0, 0, 0, 1, 0,
					   0, 0, 0, 0, 2, 0, 0, 0, 0};
	uint8_t b[1024];
	int n = grpc_health_request(b, sizeof(b), "localhost:50051", false, "my.Svc");
	size_t hl, hs = 24 + sizeof(settings);
	const char *err = NULL;

	(void)st;
	assert_memory_equal(b, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
	assert_memory_equal(b + 24, settings, sizeof(settings)); /* table 0, no push */
	assert_int_equal(b[hs + 3], 1);	/* HEADERS */
	assert_int_equal(b[hs + 4], 4);	/* END_HEADERS */
	assert_int_equal(b[hs + 8], 1);	/* stream 1 */
	hl = (size_t)b[hs] << 16 | (size_t)b[hs + 1] << 8 | b[hs + 2];
	fields[0] = '\0';
	assert_int_equal(hpack_decode(b + hs + 9, hl, collect, NULL, &err), 0);
	assert_string_equal(fields, ":method: POST\n:scheme: http\n"
				    ":path: /grpc.health.v1.Health/Check\n"
				    ":authority: localhost:50051\ncontent-type: application/grpc\n"
				    "te: trailers\nuser-agent: muster/" MUSTER_VERSION "\n");
	/* the DATA frame: END_STREAM, 5-byte prefix, field 1 = "my.Svc" */
	assert_int_equal(b[hs + 9 + hl + 3], 0);
	assert_int_equal(b[hs + 9 + hl + 4], 1);
	assert_memory_equal(b + hs + 9 + hl + 9, "\0\0\0\0\x08\x0a\x06my.Svc", 13);
	assert_int_equal((size_t)n, hs + 9 + hl + 9 + 13);
	/* no service: an empty message; https for grpcs */
	n = grpc_health_request(b, sizeof(b), "h:1", true, "");
	hl = (size_t)b[hs] << 16 | (size_t)b[hs + 1] << 8 | b[hs + 2];
	assert_int_equal((size_t)n, hs + 9 + hl + 9 + 5);
	fields[0] = '\0';
	assert_int_equal(hpack_decode(b + hs + 9, hl, collect, NULL, &err), 0);
	assert_non_null(strstr(fields, ":scheme: https\n"));
	assert_int_equal(grpc_health_request(b, 60, "x", true, ""), -ENOSPC);
}

static void t_serving(void **st)
{
	(void)st;
	serving(1);
	assert_int_equal(feed_all(false), REPLY_READY);
	assert_string_equal(d, "SERVING");
	assert_int_equal(G.h2.outlen, 9); /* the SETTINGS ack to send */
	assert_int_equal(feed_bytewise(), REPLY_READY);
	serving(2);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "NOT_SERVING");
	serving(3);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "SERVICE_UNKNOWN");
	serving(0); /* status absent: proto3's default, UNKNOWN */
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "UNKNOWN");
	serving(9);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "serving status 9");
	/* bytes cut short: more, then "closed" at EOF */
	serving(1);
	slen -= 3;
	assert_int_equal(feed_all(false), REPLY_MORE);
	assert_int_equal(feed_all(true), REPLY_NOTREADY);
	assert_string_equal(d, "connection closed before the gRPC answer");
}

static void t_grpc_status(void **st)
{
	static const char *const only[] = {":status",	   "200",
					   "content-type", "application/grpc+proto",
					   "grpc-status",  "12",
					   "grpc-message", "Method%20not%20found%0a",
					   NULL};
	static const char *const http404[] = {":status", "404", "content-type", "text/html",
					      NULL};
	static const char *const html[] = {":status", "200", "content-type", "text/html", NULL};
	static const char *const bad[] = {"grpc-status", "x", NULL};

	(void)st;
	slen = 0;
	settings();
	headers(1, only); /* trailers-only */
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "grpc-status 12 UNIMPLEMENTED: Method not found?");
	assert_int_equal(feed_bytewise(), REPLY_NOTREADY);
	slen = 0;
	settings();
	headers(1, http404);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "HTTP 404, not a gRPC answer");
	slen = 0;
	settings();
	headers(1, html);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "not a gRPC answer (content-type 'text/html')");
	slen = 0;
	settings();
	headers(0, ok_headers);
	message(1);
	headers(1, bad);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "grpc-status 2 UNKNOWN");
	slen = 0;
	settings();
	headers(0, ok_headers);
	headers(1, ok_trailers); /* OK without a message */
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "grpc-status 0 OK but no HealthCheckResponse");
	assert_string_equal(grpc_code_name(16), "UNAUTHENTICATED");
	assert_string_equal(grpc_code_name(17), "");
}

/* CONTINUATION, padding, priority, PING, WINDOW_UPDATE, unknown frames,
 * a field "with incremental indexing" (decoded, never stored). */
static void t_frames(void **st)
{
	static const uint8_t ping[8] = "12345678", win[4] = {0, 0, 1, 0};
	uint8_t b[4096], p[4200];
	size_t n;

	(void)st;
	slen = 0;
	settings();
	frame(6, 0, 0, ping, 8);
	frame(8, 0, 0, win, 4);
	frame(0xee, 0xff, 7, "zz", 2);
	n = block(b, ok_headers);
	/* HEADERS padded + priority, first half; CONTINUATION the rest */
	p[0] = 3;
	memset(p + 1, 0, 5);
	memcpy(p + 6, b, 4);
	memset(p + 10, 0, 3);
	frame(1, 0x8 | 0x20, 1, p, 13);
	frame(9, 4, 1, b + 4, n - 4);
	/* a padded DATA frame with the message */
	memcpy(p, "\x02\0\0\0\0\x02\x08\x01\0\0", 10);
	frame(0, 0x8, 1, p, 10);
	/* trailers: grpc-status with incremental indexing, then indexed */
	frame(1, 5, 1, "\x40\x0bgrpc-status\x01\x30", 15);
	assert_int_equal(feed_all(false), REPLY_READY);
	assert_int_equal(G.h2.outlen, 9 + 17); /* SETTINGS ack, PING ack */
	assert_memory_equal(G.h2.out + 9 + 9, "12345678", 8);
}

static void t_stream_end_kinds(void **st)
{
	static const uint8_t rst[4] = {0, 0, 0, 7}, ga[8] = {0, 0, 0, 0, 0, 0, 0, 11};
	static const uint8_t ga1[8] = {0, 0, 0, 1, 0, 0, 0, 0};

	(void)st;
	slen = 0;
	settings();
	frame(3, 0, 1, rst, 4);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "stream reset by the server (REFUSED_STREAM)");
	slen = 0;
	settings();
	frame(7, 0, 0, ga, 8);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "the server went away (GOAWAY ENHANCE_YOUR_CALM)");
	/* GOAWAY that still answers stream 1: the answer counts */
	slen = 0;
	settings();
	frame(7, 0, 0, ga1, 8);
	headers(0, ok_headers);
	message(1);
	headers(1, ok_trailers);
	assert_int_equal(feed_all(false), REPLY_READY);
}

static void expect_proto(const char *why)
{
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_true(strncmp(d, "HTTP/2: ", 8) == 0);
	if (why && !strstr(d, why))
		fail_msg("'%s' does not say '%s'", d, why);
}

/* The server's SETTINGS, then one frame: an HTTP/2 error saying `want`. */
static void after_settings(uint8_t type, uint8_t flags, uint32_t stream, const void *p, size_t n,
			   const char *want)
{
	slen = 0;
	settings();
	frame(type, flags, stream, p, n);
	expect_proto(want);
}

static void t_malformed(void **st)
{
	uint8_t big[H2_FRAME_MAX + 1] = {0};

	(void)st;
	memcpy(srv, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
	slen = 28;
	expect_proto("HTTP/1.x");
	slen = 0;
	frame(1, 4, 1, "\x88", 1);
	expect_proto("no SETTINGS first");
	after_settings(0, 0, 1, "x", 1, "DATA before");
	after_settings(4, 0, 0, "\0\0\0", 3, "SETTINGS");
	after_settings(4, 1, 0, "x", 1, "SETTINGS");
	after_settings(6, 0, 0, "1234", 4, "PING");
	after_settings(0, 0, 0, "x", 1, "did not open");
	after_settings(1, 4, 3, "\x88", 1, "did not open");
	after_settings(5, 4, 1, "\0\0\0\2\x88", 5, "PUSH_PROMISE");
	slen = 0;
	settings();
	frame(1, 0, 1, "\x88", 1); /* no END_HEADERS, then not a CONTINUATION */
	frame(6, 0, 0, "12345678", 8);
	expect_proto("inside a header block");
	after_settings(9, 4, 1, "\x88", 1, "CONTINUATION without");
	after_settings(1, 4 | 8, 1, "\x05\x88", 2, "padding");
	after_settings(1, 4 | 0x20, 1, "\x88", 1, "priority");
	/* index 62: the dynamic table, which is off; a table size update to 4096 */
	after_settings(1, 4, 1, "\xbe", 1, "dynamic table");
	after_settings(1, 4, 1, "\x3f\xe1\x1f\x88", 4, "table size update");
	slen = 0;
	settings();
	frame(1, 4, 1, "\x20\x88", 2); /* an update to 0 is what servers send */
	frame(0, 1, 1, NULL, 0);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, "not a gRPC answer (content-type '')");
	slen = 0;
	settings();
	headers(0, ok_headers);
	frame(0, 0x8, 1, NULL, 0);
	expect_proto("pad length");
	after_settings(0, 0, 1, big, sizeof(big), "16 KiB");
	after_settings(3, 0, 0, "\0\0\0\0", 4, "RST_STREAM");
	after_settings(7, 0, 0, "\0\0\0", 3, "GOAWAY");
	slen = 0;
	settings();
	headers(0, ok_headers);
	headers(0, ok_trailers);
	expect_proto("trailers without END_STREAM");
	/* a header block over 3 KiB through a CONTINUATION */
	slen = 0;
	settings();
	frame(1, 0, 1, big, 2000);
	frame(9, 0, 1, big, 2000);
	expect_proto("header block over 3 KiB");
}

/* A whole answer whose gRPC message is `m`: headers, one DATA, trailers
 * with grpc-status 0; the verdict must be not ready, saying `want`. */
static void message_says(const uint8_t *m, size_t n, const char *want)
{
	slen = 0;
	settings();
	headers(0, ok_headers);
	frame(0, 0, 1, m, n);
	headers(1, ok_trailers);
	assert_int_equal(feed_all(false), REPLY_NOTREADY);
	assert_string_equal(d, want);
}

static void t_bad_messages(void **st)
{
	static const uint8_t compressed[] = {1, 0, 0, 0, 2, 8, 1};
	static const uint8_t truncated[] = {0, 0, 0, 0, 9, 8, 1};
	static const uint8_t badpb[] = {0, 0, 0, 0, 2, 8, 0x81};
	static const uint8_t skip[] = {0, 0, 0, 0, 9, 0x12, 2, 'a', 'b', 0x1d, 1, 2, 3, 4};

	(void)st;
	message_says(compressed, sizeof(compressed), "malformed HealthCheckResponse");
	message_says(truncated, sizeof(truncated), "grpc-status 0 OK but no HealthCheckResponse");
	message_says(badpb, sizeof(badpb), "malformed HealthCheckResponse");
	/* unknown fields of every wire type are skipped; field 1 is absent */
	message_says(skip, sizeof(skip), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_request),	  cmocka_unit_test(t_serving),
	    cmocka_unit_test(t_grpc_status),	  cmocka_unit_test(t_frames),
	    cmocka_unit_test(t_stream_end_kinds), cmocka_unit_test(t_malformed),
	    cmocka_unit_test(t_bad_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
