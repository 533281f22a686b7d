/* Unit tests of init/pid1/oom.c: memory limits as the exit line shows them,
 * and a watch without a memory cgroup saying no. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "init/pid1/oom.h"

static void check(long long b, const char *want)
{
	char out[32];

	oom_fmt_bytes(b, out, sizeof(out));
	assert_string_equal(out, want);
}

static void limits(void **state)
{
	check(64ll << 20, "64 MiB");
	check(512ll << 20, "512 MiB");
	check(1ll << 30, "1 GiB");
	check(3ll << 29, "1536 MiB");
	check(100000000, "95 MiB");
	check(1024000, "1000 KiB");
	check(4096, "4 KiB");
	check(1000, "1000 bytes");
	check(2ll << 40, "2 TiB");
}

static void empty_watch(void **state)
{
	struct oom_watch w;
	long long limit = 7;

	memset(&w, 0, sizeof(w));
	assert_false(oom_killed(&w, &limit));
	assert_int_equal(limit, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(limits), cmocka_unit_test(empty_watch)};

	return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
