/* Unit tests: the seccomp profile parser on good and malformed profiles,
 * errno names, and building the filters (default list, profile files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/log.h"
#include "hooks/sandbox/seccomp.h"
#include "hooks/sandbox/profile.h"
#include "tests/unit/emulated.h"

static int parse(const char *text, struct sc_profile *p, char *err)
{
	return scprof_parse(text, strlen(text), p, err, 128);
}

static void test_good(void **s)
{
	struct sc_profile p;
	char err[128];

	assert_int_equal(parse("# my app\n"
			       "default allow\n"
			       "\n"
			       "deny ptrace          # no debugging\n"
			       "deny clone3 ENOSYS\n"
			       "\tkill  kexec_load \r\n"
			       "allow read\n"
			       "deny mount 13",
			       &p, err),
			 0);
	assert_int_equal(p.def, SC_ALLOW);
	assert_false(p.include_default);
	assert_int_equal(p.n, 5);
	assert_int_equal(p.rules[0].nr, SCMP_SYS(ptrace));
	assert_int_equal(p.rules[0].act, SC_DENY);
	assert_int_equal(p.rules[0].err, EPERM);
	assert_int_equal(p.rules[0].line, 4);
	assert_int_equal(p.rules[1].err, ENOSYS);
	assert_int_equal(p.rules[2].act, SC_KILL);
	assert_int_equal(p.rules[2].nr, SCMP_SYS(kexec_load));
	assert_int_equal(p.rules[3].act, SC_ALLOW);
	assert_int_equal(p.rules[4].err, 13);
	scprof_free(&p);

	assert_int_equal(parse("default deny ENOSYS\nallow execve\n", &p, err), 0);
	assert_int_equal(p.def, SC_DENY);
	assert_int_equal(p.def_err, ENOSYS);
	scprof_free(&p);
	assert_int_equal(parse("include default\ndeny chroot\n", &p, err), 0);
	assert_true(p.include_default);
	assert_int_equal(p.def, SC_ALLOW);
	scprof_free(&p);
	assert_int_equal(parse("", &p, err), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.def, SC_ALLOW);
	scprof_free(&p);
	/* calls by number: one newer than libseccomp's table, any number */
	assert_int_equal(parse("allow nr:467\ndeny nr:0000 ENOSYS\nkill nr:999999 # x\n", &p, err),
			 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.rules[0].nr, 467);
	assert_int_equal(p.rules[0].act, SC_ALLOW);
	assert_int_equal(p.rules[1].nr, 0);
	assert_int_equal(p.rules[1].err, ENOSYS);
	assert_int_equal(p.rules[2].nr, 999999);
	assert_int_equal(p.rules[2].act, SC_KILL);
	scprof_free(&p);
	/* a syscall of another architecture is known to libseccomp */
	assert_int_equal(parse("deny socketcall\n", &p, err), 0);
	scprof_free(&p);
}

static void bad(const char *text, const char *want)
{
	struct sc_profile p;
	char err[128];

	assert_int_equal(parse(text, &p, err), -EINVAL);
	assert_string_equal(err, want);
	assert_null(p.rules);
}

static void test_bad(void **s)
{
	bad("deny nosuchcall\n",
	    "line 1: unknown syscall 'nosuchcall' (one libseccomp does not know: nr:N)");
	bad("\n\nallow read write\n", "line 3: expected 'allow NAME'");
	bad("deny read EWHAT\n", "line 1: unknown errno 'EWHAT'");
	bad("deny read 0\n", "line 1: unknown errno '0'");
	bad("deny read 4096\n", "line 1: unknown errno '4096'");
	bad("deny read EPERM extra\n", "line 1: too many words");
	bad("kill read EPERM\n", "line 1: expected 'kill NAME'");
	bad("deny\n", "line 1: expected 'deny NAME [ERRNO]'");
	bad("permit read\n",
	    "line 1: unknown keyword 'permit' (allow, deny, kill, default, include)");
	bad("DENY read\n", "line 1: unknown keyword 'DENY' (allow, deny, kill, default, include)");
	bad("deny read\ndeny read\n", "line 2: read already has a rule on line 1");
	bad("deny read\nallow read\n", "line 2: read already has a rule on line 1");
	bad("default allow\ndefault kill\n", "line 2: a second 'default' line");
	bad("default\n", "line 1: expected 'default allow|deny [ERRNO]|kill'");
	bad("default maybe\n", "line 1: expected 'default allow|deny [ERRNO]|kill'");
	bad("default allow EPERM\n", "line 1: expected 'default allow|deny [ERRNO]|kill'");
	bad("default deny EX\n", "line 1: unknown errno 'EX'");
	bad("include\n", "line 1: expected 'include default'");
	bad("include docker\n", "line 1: expected 'include default'");
	bad("default kill\ninclude default\n", "line 2: 'include default' needs 'default allow'");
	bad("deny \x01\xff\n", "line 1: unknown syscall '?"
			       "?' (one libseccomp does not know: nr:N)");
	bad("deny aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	    "line 1: unknown syscall 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' "
	    "(one libseccomp does not know: nr:N)");
	bad("allow nr:\n", "line 1: bad syscall number 'nr:' (nr:0 to nr:999999)");
	bad("allow nr:-1\n", "line 1: bad syscall number 'nr:-1' (nr:0 to nr:999999)");
	bad("allow nr:+4\n", "line 1: bad syscall number 'nr:+4' (nr:0 to nr:999999)");
	bad("allow nr:0x1d3\n", "line 1: bad syscall number 'nr:0x1d3' (nr:0 to nr:999999)");
	bad("allow nr:1000000\n", "line 1: bad syscall number 'nr:1000000' (nr:0 to nr:999999)");
	bad("allow nr:46 7\n", "line 1: expected 'allow NAME'");
	bad("allow NR:467\n",
	    "line 1: unknown syscall 'NR:467' (one libseccomp does not know: nr:N)");
	/* the same call by name and by number */
	{
		char text[64], want[64];

		snprintf(text, sizeof(text), "deny read\nallow nr:%d\n", SCMP_SYS(read));
		snprintf(want, sizeof(want), "line 2: nr:%d already has a rule on line 1",
			 SCMP_SYS(read));
		bad(text, want);
	}
	bad("allow nr:467\ndeny nr:0467\n", "line 2: nr:0467 already has a rule on line 1");
	{
		struct sc_profile p;
		char err[128];

		assert_int_equal(scprof_parse("deny read\0x", 11, &p, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "line 0: NUL byte in profile");
	}
}

static void test_errno(void **s)
{
	assert_int_equal(errno_parse("EPERM"), EPERM);
	assert_int_equal(errno_parse("ENOSYS"), ENOSYS);
	assert_int_equal(errno_parse("1"), 1);
	assert_int_equal(errno_parse("4095"), 4095);
	assert_int_equal(errno_parse("4096"), -EINVAL);
	assert_int_equal(errno_parse("0"), -EINVAL);
	assert_int_equal(errno_parse("-1"), -EINVAL);
	assert_int_equal(errno_parse("eperm"), -EINVAL);
	assert_int_equal(errno_parse(""), -EINVAL);
	assert_int_equal(errno_parse("99999"), -EINVAL);
}

static const char *profile_file(const char *text)
{
	static char path[64];
	FILE *f;

	strcpy(path, "/tmp/muster-sc-XXXXXX");
	f = fdopen(mkstemp(path), "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_build(void **s)
{
	void *f = (void *)1;
	const char *path;
	uint32_t attr;

	SKIP_IF_EMULATED("seccomp(2)");
	assert_int_equal(scfilter_build("none", &f), 0);
	assert_null(f);
	assert_int_equal(scfilter_build(NULL, &f), 0);
	assert_null(f);
	assert_int_equal(scfilter_build("default", &f), 0);
	assert_non_null(f);
	/* foreign-architecture syscalls kill; no_new_privs is ours to set */
	assert_int_equal(seccomp_attr_get(f, SCMP_FLTATR_ACT_BADARCH, &attr), 0);
	assert_int_equal(attr, SCMP_ACT_KILL_PROCESS);
	assert_int_equal(seccomp_attr_get(f, SCMP_FLTATR_CTL_NNP, &attr), 0);
	assert_int_equal(attr, 0);
	assert_int_equal(seccomp_arch_exist(f, SCMP_ARCH_NATIVE), 0);
	assert_int_equal(seccomp_arch_exist(f, SCMP_ARCH_X86), -EEXIST);
	scfilter_free(f);

	path = profile_file("include default\nallow ptrace\ndeny chroot\ndeny clone3 EPERM\n");
	assert_int_equal(scfilter_build(path, &f), 0);
	assert_non_null(f);
	scfilter_free(f);
	unlink(path);
	path = profile_file("default deny\nallow execve\nallow exit_group\n");
	assert_int_equal(scfilter_build(path, &f), 0);
	assert_non_null(f);
	scfilter_free(f);
	unlink(path);
	path = profile_file("deny mount\ndeny nosuch\n");
	assert_int_equal(scfilter_build(path, &f), -EINVAL);
	assert_null(f);
	unlink(path);
	assert_int_equal(scfilter_build("/nonexistent/profile", &f), -EINVAL);
	assert_int_equal(scfilter_build("/", &f), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_errno),
	    cmocka_unit_test(test_build),
	};

	log_setup(-1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
