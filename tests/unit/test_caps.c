/* Unit tests: capability names as users write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>

#include "hooks/sandbox/caps.h"
#include "conf/conf.h"
#include "conf/log.h"

static void test_names(void **s)
{
	assert_int_equal(cap_parse("NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
	assert_int_equal(cap_parse("net_bind_service"), CAP_NET_BIND_SERVICE);
	assert_int_equal(cap_parse("CAP_NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
	assert_int_equal(cap_parse("cap_Net_Bind_Service"), CAP_NET_BIND_SERVICE);
	assert_int_equal(cap_parse("CHOWN"), CAP_CHOWN);
	assert_int_equal(cap_parse("SYS_ADMIN"), CAP_SYS_ADMIN);
	assert_int_equal(cap_parse("CAP_CHECKPOINT_RESTORE"), 40);
	assert_int_equal(cap_parse("NET_BIND"), -EINVAL);
	assert_int_equal(cap_parse("CAP_"), -EINVAL);
	assert_int_equal(cap_parse(""), -EINVAL);
	assert_int_equal(cap_parse("10"), -EINVAL);
	assert_int_equal(cap_parse("NET BIND SERVICE"), -EINVAL);
	assert_int_equal(cap_parse("ALL"), -EINVAL);
	assert_int_equal(cap_parse("CAP_CAP_CHOWN"), -EINVAL);
	assert_int_equal(cap_parse("NET_BIND_SERVICE_NET_BIND_SERVICE_NET_BIND_SERVICE_"
				   "NET_BIND_SERVICE_X"),
			 -EINVAL);
}

static void test_list(void **s)
{
	struct strlist l = {0};
	uint64_t m = 123;

	assert_int_equal(caps_parse_list(&l, &m), 0);
	assert_int_equal(m, 0);
	strlist_add(&l, "NET_BIND_SERVICE", SRC_CLI, 0);
	strlist_add(&l, "cap_chown", SRC_CLI, 0);
	assert_int_equal(caps_parse_list(&l, &m), 0);
	assert_int_equal(m, (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_CHOWN));
	strlist_add(&l, "FLY", SRC_CLI, 0);
	assert_int_equal(caps_parse_list(&l, &m), -EINVAL);
	strlist_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_list),
	};

	log_setup(-1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
