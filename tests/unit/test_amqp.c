/* test_amqp.c - the AMQP 0-9-1 header and the parser of the broker's first
 * answer: a real RabbitMQ Connection.Start, protocol-header replies of
 * other versions, every truncation and malformed frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/proto/amqp.h"

static char d[256];

static int amqp(const void *b, size_t n, bool eof)
{
	memset(d, 'X', sizeof(d) - 1);
	d[sizeof(d) - 1] = '\0';
	return amqp_reply_parse(b, n, eof, d, sizeof(d));
}

/* RabbitMQ 3.10.8 from Debian 12, as a test's broker sent it */
static const uint8_t RABBIT[] =
    "\x01\x00\x00\x00\x00\x01\xef\x00\x0a\x00\x0a\x00\x09\x00\x00\x01\xca\x0c"
    "capabilit"
    "iesF\x00\x00\x00\xc7\x12publisher_confirmst\x01\x1a"
    "exchange_exchange_bindingst\x01"
    "\x0a"
    "basic.nackt\x01\x16"
    "consumer_cancel_notifyt\x01\x12"
    "connection.blockedt\x01"
    "\x13"
    "consumer_prioritiest\x01\x1c"
    "authentication_failure_closet\x01\x10per_consu"
    "mer_qost\x01\x0f"
    "direct_reply_tot\x01\x0c"
    "cluster_nameS\x00\x00\x00\x08mtest@vm\x09"
    "copyrightS\x00\x00\x00"
    "7Copyright (c) 2007-2022 VMware, Inc. or its affiliates.\x0b"
    "informationS\x00\x00\x00"
    "9Licensed under the MPL 2.0. Website: https://rabbitmq.co"
    "m\x08platformS\x00\x00\x00\x11"
    "Erlang/OTP 25.2.3\x07productS\x00\x00\x00\x08Rabbit"
    "MQ\x07versionS\x00\x00\x00\x06"
    "3.10.8\x00\x00\x00\x0ePLAIN AMQPLAIN\x00\x00\x00\x05"
    "en_US\xce";

/* A method frame on channel `ch` around payload p[0..n) into out; returns
 * its length. */
static size_t frame(uint8_t *out, uint16_t ch, const void *p, size_t n)
{
	out[0] = 1;
	out[1] = (uint8_t)(ch >> 8);
	out[2] = (uint8_t)ch;
	out[3] = (uint8_t)(n >> 24);
	out[4] = (uint8_t)(n >> 16);
	out[5] = (uint8_t)(n >> 8);
	out[6] = (uint8_t)n;
	memcpy(out + 7, p, n);
	out[7 + n] = 0xce;
	return n + 8;
}

static size_t put32(uint8_t *o, size_t v)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
	return 4;
}

/* Connection.Start 0-9 with the server-properties table t[0..tn) and the
 * usual mechanisms and locales; returns the payload's length. */
static size_t start(uint8_t *o, const void *t, size_t tn)
{
	size_t n = 0;

	memcpy(o, "\0\x0a\0\x0a\0\x09", 6);
	n = 6;
	n += put32(o + n, tn);
	memcpy(o + n, t, tn);
	n += tn;
	n += put32(o + n, 5);
	memcpy(o + n, "PLAIN", 5);
	n += 5;
	n += put32(o + n, 5);
	memcpy(o + n, "en_US", 5);
	return n + 5;
}

static void t_header(void **st)
{
	uint8_t b[16];

	assert_int_equal(amqp_header_build(b, sizeof(b)), 8);
	assert_memory_equal(b, "AMQP\0\0\x09\x01", 8);
	assert_int_equal(amqp_header_build(b, 7), 0);
}

static void t_rabbitmq(void **st)
{
	assert_int_equal(sizeof(RABBIT) - 1, 503);
	assert_int_equal(amqp(RABBIT, sizeof(RABBIT) - 1, false), REPLY_READY);
	assert_string_equal(d, "Connection.Start, RabbitMQ 3.10.8");
	assert_int_equal(amqp(RABBIT, sizeof(RABBIT) - 1, true), REPLY_READY);
}

static void t_truncated(void **st)
{
	size_t i;

	for (i = 0; i < sizeof(RABBIT) - 1; i++) {
		assert_int_equal(amqp(RABBIT, i, false), REPLY_MORE);
		assert_int_equal(amqp(RABBIT, i, true), REPLY_NOTREADY);
		assert_string_equal(d, i ? "connection closed in the middle of the broker's answer"
					 : "connection closed without an answer");
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(amqp("AMQP\0\1\0\0", i, false), REPLY_MORE);
		assert_int_equal(amqp("AMQP\0\1\0\0", i, true), REPLY_NOTREADY);
	}
}

static void t_other_versions(void **st)
{
	static const struct {
		const char *hdr, *version;
	} cases[] = {
	    {"AMQP\0\1\0\0", "AMQP 1.0"},
	    {"AMQP\2\1\0\0", "AMQP 1.0 over TLS"},
	    {"AMQP\3\1\0\0", "AMQP 1.0 with SASL"},
	    {"AMQP\1\1\x08\0", "AMQP 0-8"},
	    {"AMQP\1\1\0\x09", "AMQP 0-9"},
	    {"AMQP\1\1\0\x0a", "AMQP 0-10"},
	    {"AMQP\0\0\x09\0", "AMQP 0-9-0"},
	    {"AMQP\1\1\x09\1", "an unknown AMQP version (1 1 9 1)"},
	    {"AMQP\4\1\0\0", "an unknown AMQP version (4 1 0 0)"},
	    {"AMQP\xff\xff\xff\xff", "an unknown AMQP version (255 255 255 255)"},
	};
	char want[160];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want),
			 "wrong protocol version: the broker speaks %s, not AMQP 0-9-1",
			 cases[i].version);
		assert_int_equal(amqp(cases[i].hdr, 8, false), REPLY_NOTREADY);
		assert_string_equal(d, want);
		assert_int_equal(amqp(cases[i].hdr, 8, true), REPLY_NOTREADY);
		assert_string_equal(d, want);
	}
	/* our own header back: an echo (a socket connected to itself), not a
	 * broker of another version */
	assert_int_equal(amqp("AMQP\0\0\x09\1", 8, false), REPLY_NOTREADY);
	assert_string_equal(d, "wrong protocol: the server sent back the AMQP 0-9-1 header "
			       "instead of Connection.Start");
}

static void t_starts(void **st)
{
	uint8_t p[512], f[600];
	size_t n;

	/* no properties at all */
	n = start(p, "", 0);
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start");
	/* a product without a version; other types before it are skipped */
	n = start(p,
		  "\1at\1"
		  "\1bI\0\0\0\1"
		  "\1cF\0\0\0\0"
		  "\1dA\0\0\0\0"
		  "\1eV"
		  "\1fd\0\0\0\0\0\0\0\0"
		  "\1gD\0\0\0\0\0"
		  "\7productS\0\0\0\4Qpid",
		  4 + 7 + 7 + 7 + 3 + 11 + 8 + 17);
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start, Qpid");
	/* a value of a type we do not know ends the look inside the table,
	 * not the judgement */
	n = start(p, "\1a?\7productS\0\0\0\4Qpid", 3 + 17);
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start");
	/* "product" that is not a long string is no product */
	n = start(p, "\7productI\0\0\0\4", 13);
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start");
	/* a long string property running past the table's end */
	n = start(p, "\7productS\0\0\0\x09Qpid", 17);
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start");
	/* control bytes and long values are cut and shown as '?' */
	n = start(p,
		  "\7versionS\0\0\0\x03"
		  "1\n2",
		  16);
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start, version 1?2");
	/* another version in the Start itself is said */
	n = start(p, "", 0);
	p[5] = 8;
	p[4] = 0;
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_READY);
	assert_string_equal(d, "Connection.Start (version 0-0-8)");
	/* bytes after the frame do not matter */
	n = start(p, "", 0);
	n = frame(f, 0, p, n);
	memset(f + n, 0xee, 10);
	assert_int_equal(amqp(f, n + 10, false), REPLY_READY);
}

static void t_close_and_others(void **st)
{
	uint8_t f[600];

	/* Connection.Close: reply code, text, class and method */
	assert_int_equal(amqp(f,
			      frame(f, 0,
				    "\0\x0a\0\x32\x02\x1d\x0eINTERNAL_ERROR"
				    "\0\0\0\0",
				    4 + 2 + 15 + 4),
			      false),
			 REPLY_NOTREADY);
	assert_string_equal(d, "the broker closed the connection: 541 INTERNAL_ERROR");
	assert_int_equal(amqp(f, frame(f, 0, "\0\x0a\0\x32\x01\x40", 6), false), REPLY_NOTREADY);
	assert_string_equal(d, "the broker closed the connection: 320 (no reason given)");
	assert_int_equal(amqp(f, frame(f, 0, "\0\x0a\0\x32\x01", 5), false), REPLY_NOTREADY);
	assert_string_equal(d, "the broker closed the connection: 0 (no reason given)");
	/* a text running past the frame is not shown */
	assert_int_equal(amqp(f, frame(f, 0, "\0\x0a\0\x32\x01\x40\x09short", 11), false),
			 REPLY_NOTREADY);
	assert_string_equal(d, "the broker closed the connection: 320 (no reason given)");
	/* any other method first */
	assert_int_equal(amqp(f, frame(f, 0, "\0\x0a\0\x1e\0\0", 6), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (method 10.30 before Connection.Start)");
	assert_int_equal(amqp(f, frame(f, 0, "\0\x14\0\x0a", 4), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (method 20.10 before Connection.Start)");
	assert_int_equal(amqp(f, frame(f, 0, "\0\x0a\0", 3), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (malformed method frame)");
	assert_int_equal(amqp(f, frame(f, 0, "", 0), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (malformed method frame)");
}

static void t_malformed_start(void **st)
{
	uint8_t p[512], f[600];
	size_t n;

	/* a table, mechanisms or locales longer than the frame; missing ones */
	n = start(p, "", 0);
	p[9] = 1; /* table size 1, and no byte for it */
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (malformed Connection.Start)");
	n = start(p, "", 0);
	p[6] = 0x80; /* table size 2 GiB */
	assert_int_equal(amqp(f, frame(f, 0, p, n), false), REPLY_NOTREADY);
	n = start(p, "", 0);
	p[13] = 6; /* mechanisms one byte longer than there is before locales */
	p[n - 6] = 0;
	assert_int_equal(amqp(f, frame(f, 0, p, n - 1), false), REPLY_NOTREADY);
	n = start(p, "", 0);
	assert_int_equal(amqp(f, frame(f, 0, p, n - 1), false), REPLY_NOTREADY);
	assert_int_equal(amqp(f, frame(f, 0, p, n - 9), false), REPLY_NOTREADY);
	assert_int_equal(amqp(f, frame(f, 0, p, n - 12), false), REPLY_NOTREADY);
	assert_int_equal(amqp(f, frame(f, 0, p, 9), false), REPLY_NOTREADY);
	assert_int_equal(amqp(f, frame(f, 0, p, 5), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (malformed Connection.Start)");
	assert_int_equal(amqp(f, frame(f, 0, p, 4), false), REPLY_NOTREADY);
	assert_string_equal(d, "not an AMQP 0-9-1 broker (malformed Connection.Start)");
}

static void t_not_amqp(void **st)
{
	static const char *const bad = "not an AMQP 0-9-1 broker (unexpected answer to the "
				       "protocol header)";
	uint8_t p[512], f[AMQP_FRAME_MIN_SIZE + 64];
	size_t n;

	/* other servers' words: judged from the first bytes, not at EOF */
	assert_int_equal(amqp("HTTP/1.1 400 Bad Request\r\n", 26, false), REPLY_NOTREADY);
	assert_string_equal(d, bad);
	assert_int_equal(amqp("-ERR unknown command\r\n", 22, false), REPLY_NOTREADY);
	assert_int_equal(amqp("AMQX", 4, false), REPLY_NOTREADY);
	assert_int_equal(amqp("AM\0", 3, false), REPLY_NOTREADY);
	assert_int_equal(amqp("\x08\0\0\0\0\0\0\xce", 8, false), REPLY_NOTREADY);
	assert_string_equal(d, bad);
	/* a frame on another channel, too large, or without its end octet */
	n = start(p, "", 0);
	frame(f, 1, p, n);
	assert_int_equal(amqp(f, 7, false), REPLY_NOTREADY);
	assert_string_equal(d, bad);
	n = frame(f, 0, p, n);
	f[n - 1] = 0xcd;
	assert_int_equal(amqp(f, n, false), REPLY_NOTREADY);
	assert_string_equal(d, bad);
	memset(f, 0, sizeof(f));
	n = start(p, "", 0);
	memcpy(f + 7, p, n);
	f[0] = 1;
	f[5] = (AMQP_FRAME_MIN_SIZE - 8) >> 8; /* the largest frame taken */
	f[6] = (AMQP_FRAME_MIN_SIZE - 8) & 0xff;
	f[AMQP_FRAME_MIN_SIZE - 1] = 0xce;
	assert_int_equal(amqp(f, AMQP_FRAME_MIN_SIZE, false), REPLY_READY);
	assert_int_equal(amqp(f, AMQP_FRAME_MIN_SIZE - 1, false), REPLY_MORE);
	f[6]++; /* one byte more: refused from its header alone */
	assert_int_equal(amqp(f, 7, false), REPLY_NOTREADY);
	assert_string_equal(d, bad);
	f[3] = 0xff;
	assert_int_equal(amqp(f, 7, false), REPLY_NOTREADY);
}

static void t_detail_bounds(void **st)
{
	char small[12];

	memset(small, 'X', sizeof(small));
	assert_int_equal(
	    amqp_reply_parse(RABBIT, sizeof(RABBIT) - 1, false, small, sizeof(small) - 1),
	    REPLY_READY);
	assert_string_equal(small, "Connection");
	assert_int_equal(small[sizeof(small) - 1], 'X');
	assert_int_equal(amqp_reply_parse(RABBIT, sizeof(RABBIT) - 1, false, small, 0),
			 REPLY_READY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_header),		 cmocka_unit_test(t_rabbitmq),
	    cmocka_unit_test(t_truncated),	 cmocka_unit_test(t_other_versions),
	    cmocka_unit_test(t_starts),		 cmocka_unit_test(t_close_and_others),
	    cmocka_unit_test(t_malformed_start), cmocka_unit_test(t_not_amqp),
	    cmocka_unit_test(t_detail_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
