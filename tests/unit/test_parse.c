/* Unit tests of conf/parse.c: durations, signals, rewrites, exit codes. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "conf/parse.h"

static void durations_good(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;
	} t[] = {{"250ms", 250}, {"10s", 10000}, {"2m", 120000}, {"1h", 3600000},
		 {"0", 0},	 {"7", 7000},	 {"1.5s", 1500}, {"0.25", 250},
		 {"0ms", 0},	 {"1.0005s", 1000}, {"90m", 5400000}};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t ms = -1;

		assert_int_equal(parse_duration(t[i].s, &ms), 0);
		assert_int_equal(ms, t[i].ms);
	}
}

static void durations_bad(void **state)
{
	static const char *bad[] = {"", "s", "ms", "-1s", "1x", "1 s", "1s ", "1.2.3s",
				    "10sec", "1d", ".", "abc", "1e3", "+5"};
	size_t i;
	int64_t ms = 42;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_duration(bad[i], &ms), -EINVAL);
	assert_int_equal(parse_duration(NULL, &ms), -EINVAL);
	assert_int_equal(parse_duration("99999999999999999999h", &ms), -ERANGE);
	assert_int_equal(ms, 42);
}

static void signals(void **state)
{
	assert_int_equal(parse_signal("TERM"), SIGTERM);
	assert_int_equal(parse_signal("SIGTERM"), SIGTERM);
	assert_int_equal(parse_signal("sigterm"), SIGTERM);
	assert_int_equal(parse_signal("15"), 15);
	assert_int_equal(parse_signal("64"), 64);
	assert_int_equal(parse_signal("USR1"), SIGUSR1);
	assert_int_equal(parse_signal("RTMIN"), 34);
	assert_int_equal(parse_signal("RTMIN+3"), 37);
	assert_int_equal(parse_signal("SIGRTMAX"), 64);
	assert_int_equal(parse_signal("RTMAX-2"), 62);
	assert_int_equal(parse_signal("0"), -EINVAL);
	assert_int_equal(parse_signal("65"), -EINVAL);
	assert_int_equal(parse_signal(""), -EINVAL);
	assert_int_equal(parse_signal("SIG"), -EINVAL);
	assert_int_equal(parse_signal("TERMX"), -EINVAL);
	assert_int_equal(parse_signal("RTMIN+31"), -EINVAL);
	assert_int_equal(parse_signal("RTMIN-1"), -EINVAL);
	assert_int_equal(parse_signal("RTMAX+1"), -EINVAL);
	assert_int_equal(parse_signal("15a"), -EINVAL);
	assert_int_equal(parse_signal(NULL), -EINVAL);
}

static void signal_names(void **state)
{
	char buf[16];

	assert_string_equal(signal_name(SIGTERM, buf), "TERM");
	assert_string_equal(signal_name(SIGKILL, buf), "KILL");
	assert_string_equal(signal_name(36, buf), "RTMIN+2");
	assert_string_equal(signal_name(99, buf), "99");
}

static void rewrites(void **state)
{
	int f = 0, t = 0;

	assert_int_equal(parse_rewrite("TERM:QUIT", &f, &t), 0);
	assert_int_equal(f, SIGTERM);
	assert_int_equal(t, SIGQUIT);
	assert_int_equal(parse_rewrite("15:3", &f, &t), 0);
	assert_int_equal(parse_rewrite("SIGINT:SIGKILL", &f, &t), 0);
	assert_int_equal(t, SIGKILL);
	assert_int_equal(parse_rewrite("HUP:0", &f, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(parse_rewrite("HUP:00", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("TERM", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite(":QUIT", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("TERM:", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("KILL:TERM", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("STOP:TERM", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("CHLD:TERM", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("TERM:QUIT:HUP", &f, &t), -EINVAL);
	assert_int_equal(parse_rewrite("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:TERM", &f, &t),
			 -EINVAL);
}

static void exit_codes(void **state)
{
	assert_int_equal(parse_exit_code("0"), 0);
	assert_int_equal(parse_exit_code("143"), 143);
	assert_int_equal(parse_exit_code("255"), 255);
	assert_int_equal(parse_exit_code("256"), -EINVAL);
	assert_int_equal(parse_exit_code("-1"), -EINVAL);
	assert_int_equal(parse_exit_code(""), -EINVAL);
	assert_int_equal(parse_exit_code("99999999999999999999999"), -EINVAL);
}

static void bools(void **state)
{
	assert_int_equal(parse_bool("true"), 1);
	assert_int_equal(parse_bool("YES"), 1);
	assert_int_equal(parse_bool("1"), 1);
	assert_int_equal(parse_bool("off"), 0);
	assert_int_equal(parse_bool("False"), 0);
	assert_int_equal(parse_bool("2"), -EINVAL);
	assert_int_equal(parse_bool(""), -EINVAL);
	assert_int_equal(parse_bool("truee"), -EINVAL);
}

static void status_mapping(void **state)
{
	assert_int_equal(exit_code_of_status(0), 0);
	assert_int_equal(exit_code_of_status(42 << 8), 42);
	assert_int_equal(exit_code_of_status(255 << 8), 255);
	assert_int_equal(exit_code_of_status(SIGTERM), 143);
	assert_int_equal(exit_code_of_status(SIGKILL), 137);
	assert_int_equal(exit_code_of_status(SIGSEGV | 0x80), 139); /* core dumped */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations_good), cmocka_unit_test(durations_bad),
		cmocka_unit_test(signals),	  cmocka_unit_test(signal_names),
		cmocka_unit_test(rewrites),	  cmocka_unit_test(exit_codes),
		cmocka_unit_test(bools),	  cmocka_unit_test(status_mapping),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
