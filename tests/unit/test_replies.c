/* test_replies.c - the pure reply parsers and request builders of the
 * Postgres, Redis and HTTP probes, on good and malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf/parse.h"
#include "hooks/wait/probe.h"
#include "hooks/wait/proto/http.h"
#include "hooks/wait/proto/postgres.h"
#include "hooks/wait/proto/redis.h"

static char d[256];

static int pg(const void *b, size_t n, int eof)
{
	d[0] = '\0';
	return pg_reply_parse(b, n, eof, d, sizeof(d));
}

#define PG_E57P03                                                                                  \
	"E\0\0\0\x3e"                                                                              \
	"SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0"

static void t_pg_startup(void **st)
{
	uint8_t b[256], small[20];
	static const uint8_t want[] = "\0\0\0\x36\0\3\0\0user\0app\0database\0db\0"
				      "application_name\0muster\0";
	size_t n = pg_startup_build(b, sizeof(b), "app", "db");

	assert_int_equal(n, 54);
	assert_memory_equal(b, want, 54);
	n = pg_startup_build(b, sizeof(b), NULL, NULL);
	assert_int_equal(n, 4 + 4 + 5 + 9 + 17 + 7 + 1);
	assert_memory_equal(b + 8, "user\0postgres\0application_name", 30);
	assert_int_equal(pg_startup_build(small, sizeof(small), "app", "db"), 0);
}

static void t_pg_replies(void **st)
{
	static const uint8_t auth_md5[] = "R\0\0\0\x0c\0\0\0\x05"
					  "abcd";
	static const uint8_t auth_ok[] = "R\0\0\0\x08\0\0\0\0";
	static const uint8_t e28p01[] = "E\0\0\0\x40"
					"SFATAL\0C28P01\0Mpassword authentication "
					"failed for user \"x\"\0\0";
	static const uint8_t notice_then_r[] = "N\0\0\0\x09"
					       "Mhi\0\0"
					       "R\0\0\0\x08\0\0\0\0";

	assert_int_equal(pg(PG_E57P03, sizeof(PG_E57P03) - 1, 0), REPLY_NOTREADY);
	assert_string_equal(d, "57P03 the database system is starting up");
	assert_int_equal(pg(auth_md5, 13, 0), REPLY_READY);
	assert_string_equal(d, "accepting connections (authentication requested)");
	assert_int_equal(pg(auth_ok, 9, 0), REPLY_READY);
	assert_string_equal(d, "accepting connections");
	assert_int_equal(pg(e28p01, sizeof(e28p01) - 1, 0), REPLY_READY);
	assert_string_equal(d, "up (28P01 password authentication failed for user \"x\")");
	assert_int_equal(pg(notice_then_r, sizeof(notice_then_r) - 1, 0), REPLY_READY);
	assert_int_equal(pg("v\0\0\0\x0c\0\0\0\0\0\0\0\0", 13, 0), REPLY_READY);
}

static void t_pg_partial_and_bad(void **st)
{
	size_t i;

	/* every proper prefix of a reply needs more, and is not ready at EOF */
	for (i = 0; i < sizeof(PG_E57P03) - 1; i++) {
		assert_int_equal(pg(PG_E57P03, i, 0), REPLY_MORE);
		assert_int_equal(pg(PG_E57P03, i, 1), REPLY_NOTREADY);
	}
	assert_string_equal(d, "truncated answer, not a PostgreSQL server?");
	assert_int_equal(pg("", 0, 1), REPLY_NOTREADY);
	assert_string_equal(d, "connection closed without an answer");
	/* the answer to an SSLRequest we did not send */
	assert_int_equal(pg("N", 1, 1), REPLY_READY);
	assert_string_equal(d, "up (answered 'N' and closed)");
	assert_int_equal(pg("S", 1, 1), REPLY_READY);
	assert_int_equal(pg("N", 1, 0), REPLY_MORE);
	assert_int_equal(pg("HTTP/1.1 400 Bad Request\r\n", 26, 0), REPLY_NOTREADY);
	assert_string_equal(d, "not a PostgreSQL server (unexpected bytes)");
	assert_int_equal(pg("X\0\0\0\x04", 5, 0), REPLY_NOTREADY);
	assert_string_equal(d, "not a PostgreSQL server (unexpected message 0x58)");
	assert_int_equal(pg("E\0\0\0\x08"
			    "C575",
			    9, 0),
			 REPLY_NOTREADY);
	assert_string_equal(d, "malformed ErrorResponse from the server");
	assert_int_equal(pg("E\0\0\0\x03", 5, 0), REPLY_READY); /* protocol 2 error text */
	assert_int_equal(pg("EFATAL: sorry, too many clients already\n", 40, 1), REPLY_READY);
	assert_string_equal(d, "up (FATAL: sorry, too many clients already?)");
	assert_int_equal(pg("E\0\0\0\x05\0", 6, 0), REPLY_READY); /* no SQLSTATE */
	assert_string_equal(d, "up (error)");
}

static int rd(const char *s, int eof, int auth)
{
	d[0] = '\0';
	return redis_reply_parse(s, strlen(s), eof, auth, d, sizeof(d));
}

static void t_redis_request(void **st)
{
	char b[256];

	assert_int_equal(redis_request_build(b, sizeof(b), NULL, NULL), 14);
	assert_memory_equal(b, "*1\r\n$4\r\nPING\r\n", 14);
	redis_request_build(b, sizeof(b), NULL, "pw");
	assert_string_equal(b, "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$4\r\nPING\r\n");
	redis_request_build(b, sizeof(b), "al", "pw");
	assert_string_equal(b, "*3\r\n$4\r\nAUTH\r\n$2\r\nal\r\n$2\r\npw\r\n*1\r\n$4\r\nPING\r\n");
	assert_int_equal(redis_request_build(b, 20, NULL, "pw"), 0);
}

static void t_redis_replies(void **st)
{
	assert_int_equal(rd("+PONG\r\n", 0, 0), REPLY_READY);
	assert_string_equal(d, "PONG");
	assert_int_equal(rd("-LOADING Redis is loading the dataset in memory\r\n", 0, 0),
			 REPLY_NOTREADY);
	assert_string_equal(d, "LOADING Redis is loading the dataset in memory");
	assert_int_equal(rd("-BUSY Redis is busy running a script.\r\n", 0, 0), REPLY_NOTREADY);
	assert_int_equal(rd("-MASTERDOWN Link with MASTER is down\r\n", 0, 0), REPLY_NOTREADY);
	assert_int_equal(rd("-NOAUTH Authentication required.\r\n", 0, 0), REPLY_READY);
	assert_string_equal(d, "up (authentication required)");
	assert_int_equal(rd("+OK\r\n+PONG\r\n", 0, 1), REPLY_READY);
	assert_int_equal(rd("+OK\r\n-LOADING x\r\n", 0, 1), REPLY_NOTREADY);
	assert_int_equal(rd("-WRONGPASS invalid username-password pair\r\n-NOAUTH Authentication "
			    "required.\r\n",
			    0, 1),
			 REPLY_NOTREADY);
	assert_string_equal(d, "AUTH failed: WRONGPASS invalid username-password pair");
	assert_int_equal(rd("-ERR AUTH <password> called without any password configured\r\n"
			    "+PONG\r\n",
			    0, 1),
			 REPLY_READY);
	assert_int_equal(rd("-NOPERM no permission\r\n", 0, 0), REPLY_READY);
}

static void t_redis_partial_and_bad(void **st)
{
	assert_int_equal(rd("", 0, 0), REPLY_MORE);
	assert_int_equal(rd("+PO", 0, 0), REPLY_MORE);
	assert_int_equal(rd("+PONG\r", 0, 0), REPLY_MORE);
	assert_int_equal(rd("+PONG\r", 1, 0), REPLY_NOTREADY);
	assert_string_equal(d, "connection closed before the PING answer");
	assert_int_equal(rd("+OK\r\n", 0, 1), REPLY_MORE);
	assert_int_equal(rd("+PONG\n", 0, 0), REPLY_NOTREADY);
	assert_string_equal(d, "not a Redis server (unexpected answer to PING)");
	assert_int_equal(rd("\r\n", 0, 0), REPLY_NOTREADY);
	assert_int_equal(rd("+PONGX\r\n", 0, 0), REPLY_NOTREADY);
	assert_int_equal(rd(":1\r\n", 0, 0), REPLY_NOTREADY);
	assert_int_equal(rd("HTTP/1.1 400\r\n", 0, 1), REPLY_NOTREADY);
	assert_int_equal(rd("$4\r\nPONG\r\n", 0, 0), REPLY_NOTREADY);
	{
		char big[2048];

		memset(big, 'a', sizeof(big) - 1);
		big[0] = '+';
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(rd(big, 0, 0), REPLY_NOTREADY);
	}
}

static void t_http_expect(void **st)
{
	assert_int_equal(http_expect_match(NULL, 200), 1);
	assert_int_equal(http_expect_match(NULL, 299), 1);
	assert_int_equal(http_expect_match(NULL, 300), 0);
	assert_int_equal(http_expect_match("", 199), 0);
	assert_int_equal(http_expect_match("200-399,401", 302), 1);
	assert_int_equal(http_expect_match("200-399,401", 401), 1);
	assert_int_equal(http_expect_match("200-399,401", 400), 0);
	assert_int_equal(http_expect_match("2xx, 304", 304), 1);
	assert_int_equal(http_expect_match("2XX", 250), 1);
	assert_int_equal(http_expect_match("503", 503), 1);
	assert_int_equal(http_expect_match("399-200", 200), -EINVAL);
	assert_int_equal(http_expect_match("20", 200), -EINVAL);
	assert_int_equal(http_expect_match("200,", 200), -EINVAL);
	assert_int_equal(http_expect_match("600", 200), -EINVAL);
	assert_int_equal(http_expect_match("200-", 200), -EINVAL);
	assert_int_equal(http_expect_match("abc", 200), -EINVAL);
}

static void t_http_request(void **st)
{
	struct url u = {.host = "app", .port = 8080, .path = "/h?x=1"};
	const char *hdrs[] = {"X-Probe: 1", "Host: other"};
	struct probe_opts o = {.headers = hdrs, .nheaders = 1};
	char b[1024], err[256];
	int n;

	n = http_request_build(b, sizeof(b), &u, &o, err, sizeof(err));
	assert_true(n > 0);
	assert_string_equal(
	    b, "GET /h?x=1 HTTP/1.1\r\nHost: app:8080\r\nUser-Agent: muster/" MUSTER_VERSION
	       "\r\nAccept: */*\r\nConnection: close\r\n"
	       "X-Probe: 1\r\n\r\n");
	o.nheaders = 2;
	u.host = "::1";
	u.port = 80;
	http_request_build(b, sizeof(b), &u, &o, err, sizeof(err));
	assert_null(strstr(b, "Host: [::1]"));
	assert_non_null(strstr(b, "\r\nHost: other\r\n"));
	o.nheaders = 0;
	http_request_build(b, sizeof(b), &u, &o, err, sizeof(err));
	assert_non_null(strstr(b, "\r\nHost: [::1]\r\n"));
	hdrs[0] = "no colon";
	o.nheaders = 1;
	assert_int_equal(http_request_build(b, sizeof(b), &u, &o, err, sizeof(err)), -EINVAL);
	/* never the header whole: its value may be a secret (a CR in it, say) */
	assert_string_equal(err, "bad HTTP header '***': expected 'Name: value'");
	hdrs[0] = "X: a\r\nInjected: b";
	assert_int_equal(http_request_build(b, sizeof(b), &u, &o, err, sizeof(err)), -EINVAL);
	/* the name, never the value: it may be a secret */
	assert_string_equal(err, "bad HTTP header 'X: ***': expected 'Name: value'");
	hdrs[0] = "X Y: s3cret";
	assert_int_equal(http_request_build(b, sizeof(b), &u, &o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad HTTP header 'X Y: ***': expected 'Name: value'");
	assert_int_equal(http_request_build(b, 30, &u, NULL, err, sizeof(err)), -ENOSPC);
}

static int feed_all(struct http_resp *p, const char *s, size_t chunk)
{
	size_t i, n = strlen(s);
	int r = 0;

	http_resp_init(p);
	for (i = 0; i < n && r == 0; i += chunk)
		r = http_resp_feed(p, (const uint8_t *)s + i, n - i < chunk ? n - i : chunk);
	return r;
}

static void t_http_parse(void **st)
{
	static const char *chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				     "5\r\nhello\r\na;ext=1\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n";
	struct http_resp p;
	size_t c;

	/* any split of the input gives the same result */
	for (c = 1; c < 8; c++) {
		assert_int_equal(feed_all(&p, chunked, c), 1);
		assert_int_equal(p.status, 200);
		assert_int_equal(p.body, 15);
		assert_int_equal(
		    feed_all(&p, "HTTP/1.1 503 Busy\r\nContent-Length: 3\r\n\r\nabc", c), 1);
		assert_int_equal(p.status, 503);
	}
	/* interim 100 Continue, then the final response */
	assert_int_equal(feed_all(&p, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No\r\n\r\n", 64),
			 1);
	assert_int_equal(p.status, 204);
	/* body until close: headers are done, the response is not */
	assert_int_equal(feed_all(&p, "HTTP/1.0 200 OK\nServer: x\n\nbody...", 64), 0);
	assert_true(p.headers_done);
	assert_int_equal(http_resp_eof(&p), 1);
	/* keep-alive with Content-Length: complete without EOF */
	assert_int_equal(feed_all(&p,
				  "HTTP/1.1 401 No\r\nConnection: keep-alive\r\n"
				  "Content-Length: 0\r\n\r\n",
				  64),
			 1);
	assert_int_equal(p.status, 401);
	/* no status line before EOF */
	http_resp_init(&p);
	assert_int_equal(http_resp_eof(&p), -EPROTO);
	assert_string_equal(p.err, "connection closed without an HTTP response");
	assert_int_equal(feed_all(&p, "HTTP/1.1 200 OK\r\nA: b\r\n", 64), 0);
	assert_int_equal(http_resp_eof(&p), -EPROTO);
	assert_string_equal(p.err, "connection closed in the middle of the HTTP headers");
}

static void t_http_malformed(void **st)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
	    {"SSH-2.0-OpenSSH\r\n", "not an HTTP/1.x response"},
	    {"HTTP/2 200\r\n", "not an HTTP/1.x response"},
	    {"HTTP/1.1 2000 OK\r\n", "bad HTTP status line"},
	    {"HTTP/1.1 20 OK\r\n", "bad HTTP status line"},
	    {"HTTP/1.1 20\r\n", "not an HTTP/1.x response"},
	    {"HTTP/1.1 600 OK\r\n", "bad HTTP status line"},
	    {"HTTP/1.1 200 OK\r\nno colon here\r\n", "malformed HTTP header line"},
	    {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n", "bad Content-Length"},
	    {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n",
	     "conflicting Content-Length headers"},
	    {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n",
	     "bad Content-Length"},
	    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
	    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n",
	     "missing CRLF after a chunk"},
	    {"HTTP/1.1 200 OK\r\nX: a\0b\r\n", "NUL byte in an HTTP header"},
	};
	struct http_resp p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].in);

		if (!strcmp(cases[i].why, "NUL byte in an HTTP header"))
			n += 4; /* past the NUL */
		http_resp_init(&p);
		assert_int_equal(http_resp_feed(&p, (const uint8_t *)cases[i].in, n), -EPROTO);
		assert_string_equal(p.err, cases[i].why);
	}
	{
		static char longline[6000];

		memcpy(longline, "HTTP/1.1 200 OK\r\nX: ", 20);
		memset(longline + 20, 'a', sizeof(longline) - 21);
		http_resp_init(&p);
		assert_int_equal(http_resp_feed(&p, (const uint8_t *)longline, strlen(longline)),
				 -EPROTO);
		assert_string_equal(p.err, "HTTP header line too long");
	}
	{
		/* headers that never end, in short lines, and 1xx responses that
		 * never end: both stop at 100 KiB, fed in small pieces */
		static const char *const streams[] = {"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
						      "HTTP/1.1 100 Continue\r\n\r\n"};
		size_t s, fed;

		for (s = 0; s < 2; s++) {
			int r = 0;

			http_resp_init(&p);
			if (s == 0)
				r = http_resp_feed(&p, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17);
			for (fed = 0; r == 0 && fed < 200 * 1024; fed += strlen(streams[s]))
				r = http_resp_feed(&p, (const uint8_t *)streams[s],
						   strlen(streams[s]));
			assert_int_equal(r, -EPROTO);
			assert_string_equal(p.err, "HTTP headers over 100 KiB");
			assert_true(fed > 100 * 1024 - 64 && fed <= 100 * 1024 + 64);
		}
		/* just under the limit is fine */
		http_resp_init(&p);
		assert_int_equal(http_resp_feed(&p, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17), 0);
		for (fed = 17; fed + 36 + 21 <= 100 * 1024; fed += 36)
			assert_int_equal(
			    http_resp_feed(
				&p, (const uint8_t *)"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", 36),
			    0);
		assert_int_equal(
		    http_resp_feed(&p, (const uint8_t *)"Content-Length: 0\r\n\r\n", 21), 1);
		assert_int_equal(p.status, 200);
		assert_true(p.hbytes > 100 * 1024 - 36 && p.hbytes <= 100 * 1024);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_pg_startup),	    cmocka_unit_test(t_pg_replies),
	    cmocka_unit_test(t_pg_partial_and_bad), cmocka_unit_test(t_redis_request),
	    cmocka_unit_test(t_redis_replies),	    cmocka_unit_test(t_redis_partial_and_bad),
	    cmocka_unit_test(t_http_expect),	    cmocka_unit_test(t_http_request),
	    cmocka_unit_test(t_http_parse),	    cmocka_unit_test(t_http_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
