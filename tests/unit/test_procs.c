/* Unit tests of init/procs.c: /proc/PID/stat parsing on odd input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "init/pid1/leftovers.h"

#define PPID(s) procs_stat_ppid(s, strlen(s))

static void stat_lines(void **state)
{
	assert_int_equal(PPID("12 (sleep) S 1 12 12 0 -1"), 1);
	assert_int_equal(PPID("12 (a b) c) R 4242 1 1"), 4242);
	assert_int_equal(PPID("12 ()) Z 7 0"), 7);
	assert_int_equal(PPID("12 (x) S 0 0"), 0);
	assert_int_equal(PPID("12 (x) S"), -1);
	assert_int_equal(PPID("12 (x) S x"), -1);
	assert_int_equal(PPID("12 (x)S 1"), -1);
	assert_int_equal(PPID("12 x S 1"), -1);
	assert_int_equal(PPID(""), -1);
	assert_int_equal(PPID(")"), -1);
	assert_int_equal(PPID("1 (x) S 99999999999999"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(stat_lines)};

	return cmocka_run_group_tests_name("procs", tests, NULL, NULL);
}
