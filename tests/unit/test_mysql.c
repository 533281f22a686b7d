/* test_mysql.c - the MySQL/MariaDB greeting parser on real greetings,
 * ERR packets, every truncation and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/proto/mysql.h"

static char d[256];

static int my(const void *b, size_t n, bool eof)
{
	memset(d, 'X', sizeof(d) - 1);
	d[sizeof(d) - 1] = '\0';
	return mysql_greeting_parse(b, n, eof, d, sizeof(d));
}

/* MariaDB 10.11 from Debian 12, as a test's mariadbd sent it */
static const uint8_t MARIADB[] =
    "d\0\0\0\x0a"
    "5.5.5-10.11.19-MariaDB-0+deb12u1\0"
    "\x03\0\0\0]Bs>xeo}\0\xfe\xf7\x08\x02\0\xff\x81\x15\0\0\0\0\0\0\x1d\0\0\0"
    "H/R05[MMz@n+\0mysql_native_password\0";

/* MySQL 8.0 (caching_sha2_password), as the protocol documentation lays
 * it out */
static const uint8_t MYSQL8[] = "J\0\0\0\x0a"
				"8.0.36\0"
				"\x0b\0\0\0\x01\x02\x03\x04\x05\x06\x07\x08\0\xff\xff\xff\x02\0\xff"
				"\xdf\x15\0\0\0\0\0\0\0\0\0\0"
				"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\0"
				"caching_sha2_password\0";

/* ERR 1040 with its SQL state, as a full server sends it */
static const uint8_t TOO_MANY[] = "\x1d\0\0\0\xff\x10\x04#08004Too many connections";

/* ERR 1130 without the state marker: the greeting's ERR, before the
 * server knows the client speaks protocol 4.1 */
static const uint8_t NOT_ALLOWED[] =
    "D\0\0\0\xff\x6a\x04Host '192.0.2.2' is not allowed to connect to this MariaDB server";

static void t_greetings(void **st)
{
	assert_int_equal(MARIADB[0] + 4, sizeof(MARIADB) - 1);
	assert_int_equal(my(MARIADB, sizeof(MARIADB) - 1, false), REPLY_READY);
	assert_string_equal(d, "handshake, server 10.11.19-MariaDB-0+deb12u1");
	assert_int_equal(MYSQL8[0] + 4, sizeof(MYSQL8) - 1);
	assert_int_equal(my(MYSQL8, sizeof(MYSQL8) - 1, true), REPLY_READY);
	assert_string_equal(d, "handshake, server 8.0.36");
	/* the least a V10 greeting may hold: nothing after the lower flags */
	assert_int_equal(my("\x14\0\0\0\x0a"
			    "5.7\0\1\0\0\0abcdefgh\0\xff\xf7",
			    24, false),
			 REPLY_READY);
	assert_string_equal(d, "handshake, server 5.7");
	/* protocol 9 (before 3.21): version, thread id, scramble */
	assert_int_equal(my("\x11\0\0\0\x09"
			    "3.20.0\0\1\0\0\0abcd\0",
			    21, false),
			 REPLY_READY);
	assert_string_equal(d, "handshake (protocol 9), server 3.20.0");
	/* "5.5.5-" alone is a version, not MariaDB's prefix */
	assert_int_equal(my("\x17\0\0\0\x0a"
			    "5.5.5-\0\1\0\0\0abcdefgh\0\xff\xf7",
			    27, false),
			 REPLY_READY);
	assert_string_equal(d, "handshake, server 5.5.5-");
	assert_int_equal(my("\x11\0\0\0\x0a\0\1\0\0\0abcdefgh\0\xff\xf7", 21, false), REPLY_READY);
	assert_string_equal(d, "handshake, server of no version");
}

static void t_err_packets(void **st)
{
	assert_int_equal(TOO_MANY[0] + 4, sizeof(TOO_MANY) - 1);
	assert_int_equal(my(TOO_MANY, sizeof(TOO_MANY) - 1, false), REPLY_READY);
	assert_string_equal(d, "up (ERROR 1040: Too many connections)");
	assert_int_equal(NOT_ALLOWED[0] + 4, sizeof(NOT_ALLOWED) - 1);
	assert_int_equal(my(NOT_ALLOWED, sizeof(NOT_ALLOWED) - 1, true), REPLY_READY);
	assert_string_equal(d, "up (ERROR 1130: Host '192.0.2.2' is not allowed to connect to "
			       "this MariaDB server)");
	/* a code and nothing else; a '#' too short to be a state is text */
	assert_int_equal(my("\3\0\0\0\xff\x15\x04", 7, false), REPLY_READY);
	assert_string_equal(d, "up (ERROR 1045: no message)");
	assert_int_equal(my("\5\0\0\0\xff\x15\x04#x", 9, false), REPLY_READY);
	assert_string_equal(d, "up (ERROR 1045: #x)");
	/* control bytes in the message are shown as '?' */
	assert_int_equal(my("\6\0\0\0\xff\1\0a\nb", 10, false), REPLY_READY);
	assert_string_equal(d, "up (ERROR 1: a?b)");
}

static void t_truncated(void **st)
{
	const struct {
		const uint8_t *b;
		size_t n;
	} all[] = {{MARIADB, sizeof(MARIADB) - 1},
		   {MYSQL8, sizeof(MYSQL8) - 1},
		   {TOO_MANY, sizeof(TOO_MANY) - 1}};
	size_t k, i;

	for (k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		for (i = 0; i < all[k].n; i++) {
			assert_int_equal(my(all[k].b, i, false), REPLY_MORE);
			assert_int_equal(my(all[k].b, i, true), REPLY_NOTREADY);
			assert_string_equal(d,
					    i ? "connection closed in the middle of the handshake"
					      : "connection closed without a handshake");
		}
	/* bytes after the first packet do not matter */
	{
		uint8_t more[sizeof(MARIADB) + 16];

		memcpy(more, MARIADB, sizeof(MARIADB) - 1);
		memset(more + sizeof(MARIADB) - 1, 0xee, 17);
		assert_int_equal(my(more, sizeof(more), false), REPLY_READY);
	}
}

static void t_not_mysql(void **st)
{
	static const struct {
		const char *in;
		size_t n;
		const char *why;
	} cases[] = {
	    /* other servers' first words: judged at once, not at EOF */
	    {"SSH-2.0-OpenSSH_9.2p1\r\n", 23, "not a MySQL server (no handshake packet)"},
	    {"HTTP/1.1 400 Bad Request\r\n", 26, "not a MySQL server (no handshake packet)"},
	    {"+OK\r\n", 5, "not a MySQL server (no handshake packet)"},
	    /* an empty packet, a sequence id that is not 0, a length over the cap */
	    {"\0\0\0\0", 4, "not a MySQL server (no handshake packet)"},
	    {"\x05\0\0\x01\x0a", 5, "not a MySQL server (no handshake packet)"},
	    {"\x01\x04\0\0", 4, "not a MySQL server (no handshake packet)"},
	    {"\xff\xff\xff\0", 4, "not a MySQL server (no handshake packet)"},
	    /* packets a greeting is not */
	    {"\1\0\0\0\0", 5, "not a MySQL server (unexpected packet 0x00)"},
	    {"\1\0\0\0\xfe", 5, "not a MySQL server (unexpected packet 0xfe)"},
	    {"\1\0\0\0\x0b", 5, "not a MySQL server (unexpected packet 0x0b)"},
	    /* a handshake without a NUL after the version, too short, or with a
	     * filler that is not 0 */
	    {"\7\0\0\0\x0a"
	     "8.0.36",
	     11, "not a MySQL server (malformed handshake)"},
	    {"\1\0\0\0\x0a", 5, "not a MySQL server (malformed handshake)"},
	    {"\x13\0\0\0\x0a"
	     "5.7\0\1\0\0\0abcdefgh\0\xff",
	     23, "not a MySQL server (malformed handshake)"},
	    {"\x14\0\0\0\x0a"
	     "5.7\0\1\0\0\0abcdefgh\1\xff\xf7",
	     24, "not a MySQL server (malformed handshake)"},
	    /* protocol 9 without its scramble's NUL, or too short */
	    {"\x11\0\0\0\x09"
	     "3.20.0\0\1\0\0\0abcde",
	     21, "not a MySQL server (malformed handshake)"},
	    {"\x0b\0\0\0\x09"
	     "3.20.0\0\1\0\0",
	     15, "not a MySQL server (malformed handshake)"},
	    /* an ERR packet too short for its code */
	    {"\2\0\0\0\xff\x10", 6, "not a MySQL server (malformed error packet)"},
	    {"\1\0\0\0\xff", 5, "not a MySQL server (malformed error packet)"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(my(cases[i].in, cases[i].n, false), REPLY_NOTREADY);
		assert_string_equal(d, cases[i].why);
		assert_int_equal(my(cases[i].in, cases[i].n, true), REPLY_NOTREADY);
		assert_string_equal(d, cases[i].why);
	}
}

static void t_detail_bounds(void **st)
{
	uint8_t b[4 + MYSQL_GREETING_MAX + 1];
	char small[12];
	size_t n;

	/* a version of 300 printable bytes is cut, control bytes shown as '?' */
	memset(b, 0, sizeof(b));
	b[4] = 0x0a;
	memset(b + 5, 'v', 300);
	b[5] = '\x01';
	n = 1 + 300 + 1 + 15;
	b[0] = (uint8_t)n;
	b[1] = (uint8_t)(n >> 8);
	assert_int_equal(my(b, 4 + n, false), REPLY_READY);
	assert_int_equal(strlen(d), strlen("handshake, server ") + 64);
	assert_int_equal(d[strlen("handshake, server ")], '?');
	/* the largest packet taken, and one byte more */
	n = MYSQL_GREETING_MAX;
	b[0] = (uint8_t)n;
	b[1] = (uint8_t)(n >> 8);
	assert_int_equal(my(b, 4 + n, false), REPLY_READY);
	n++;
	b[0] = (uint8_t)n;
	b[1] = (uint8_t)(n >> 8);
	assert_int_equal(my(b, 4 + n, false), REPLY_NOTREADY);
	/* a small detail buffer is filled and terminated, never overrun */
	memset(small, 'X', sizeof(small));
	assert_int_equal(
	    mysql_greeting_parse(TOO_MANY, sizeof(TOO_MANY) - 1, false, small, sizeof(small) - 1),
	    REPLY_READY);
	assert_string_equal(small, "up (ERROR ");
	assert_int_equal(small[sizeof(small) - 1], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_greetings),     cmocka_unit_test(t_err_packets),
	    cmocka_unit_test(t_truncated),     cmocka_unit_test(t_not_mysql),
	    cmocka_unit_test(t_detail_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
