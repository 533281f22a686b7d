/* test_sscanf.c - hooks/sandbox/sscanf.c, the small sscanf libcap-ng gets
 * in the release build: what /proc/self/status gives it, and the same
 * answers as glibc's (vsscanf, not replaced) for the directives it
 * supports, on good and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* glibc's answer: vsscanf is not the one this binary replaces */
static int ref(const char *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsscanf(s, fmt, ap);
	va_end(ap);
	return r;
}

static void t_libcap_ng_lines(void **st)
{
	unsigned hi = 7, lo = 7;

	assert_int_equal(sscanf("CapBnd:\t000001ffffffffff\n", "CapBnd:  %08x%08x", &hi, &lo), 2);
	assert_int_equal(hi, 0x1ff);
	assert_int_equal(lo, 0xffffffff);
	assert_int_equal(sscanf("CapAmb:\t0000000000000400\n", "CapAmb:  %08x%08x", &hi, &lo), 2);
	assert_int_equal(hi, 0);
	assert_int_equal(lo, 0x400);
	/* the real file of this process */
	{
		FILE *f = fopen("/proc/self/status", "r");
		char line[256];
		unsigned a, b, c, d;

		assert_non_null(f);
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "CapBnd:", 7)) {
				assert_int_equal(sscanf(line, "CapBnd:  %08x%08x", &a, &b), 2);
				assert_int_equal(ref(line, "CapBnd:  %08x%08x", &c, &d), 2);
				assert_int_equal(a, c);
				assert_int_equal(b, d);
			}
		fclose(f);
	}
}

static void t_like_glibc(void **st)
{
	static const struct {
		const char *in, *fmt;
	} cases[] = {
	    {"CapBnd:\t000001ffffffffff", "CapBnd:  %08x%08x"},
	    {"CapBnd:\t1ff", "CapBnd:  %08x%08x"},
	    {"CapBnd:\t", "CapBnd:  %08x%08x"},
	    {"CapBnd:", "CapBnd:  %08x%08x"},
	    {"CapB", "CapBnd:  %08x%08x"},
	    {"", "CapBnd:  %08x%08x"},
	    {"", "%x"},
	    {"   ", "%x"},
	    {"CapBnd:\tzz", "CapBnd:  %08x%08x"},
	    {"CapEff:\t0", "CapBnd:  %08x%08x"},
	    {"DEADbeef 12", "%x %u"},
	    {"12 -34 +5", "%u%d%d"},
	    {"-", "%d"},
	    {"+x", "%d"},
	    {"4294967295", "%u"},
	    {"123456", "%2u%3u%u"},
	    {"50% off", "%u%% off"},
	    {"50 off", "%u%% off"},
	    {"a:1", "a : %u"},
	    {"a:  1", "a:%u"},
	    {"x1", "y%u"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned a[3] = {9, 9, 9}, b[3] = {9, 9, 9};
		int got = sscanf(cases[i].in, cases[i].fmt, &a[0], &a[1], &a[2]);
		int want = ref(cases[i].in, cases[i].fmt, &b[0], &b[1], &b[2]);

		if (got != want || memcmp(a, b, sizeof(a)))
			fail_msg("'%s' with '%s': got %d (%x %x %x), glibc %d (%x %x %x)", cases[i].in,
				 cases[i].fmt, got, a[0], a[1], a[2], want, b[0], b[1], b[2]);
	}
}

/* Directives it does not know end the scan: nothing is stored. */
static void t_unsupported(void **st)
{
	unsigned a = 9;
	unsigned long l = 9;
	float f = 9;
	char s[8] = "";
	const char *pct = "%"; /* not a literal: the compiler would refuse it */

	assert_int_equal(sscanf("abc", "%7s", s), 0);
	assert_int_equal(sscanf("1.5", "%f", &f), 0);
	assert_int_equal(sscanf("12", "%lx", &l), 0);
	assert_int_equal(sscanf("12", "%*x%x", &a), 0);
	assert_int_equal(sscanf("12", pct, &a), 0);
	assert_true(a == 9 && l == 9 && f == 9 && !s[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_libcap_ng_lines),
	    cmocka_unit_test(t_like_glibc),
	    cmocka_unit_test(t_unsupported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
