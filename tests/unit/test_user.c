/* Unit tests: passwd/group line parsers on malformed input, and
 * user_resolve() with `docker run --user` semantics on files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/log.h"
#include "hooks/sandbox/user.h"

static int pw(const char *line, struct pw_entry *e)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s", line);
	return passwd_parse_line(buf, e);
}

static int gr(const char *line, struct gr_entry *e)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s", line);
	return group_parse_line(buf, e);
}

static void test_passwd_line(void **s)
{
	struct pw_entry e;

	assert_int_equal(pw("app:x:1000:1001:App,,,:/home/app:/bin/sh\n", &e), 0);
	assert_string_equal(e.name, "app");
	assert_int_equal(e.uid, 1000);
	assert_int_equal(e.gid, 1001);
	assert_string_equal(e.home, "/home/app");
	assert_int_equal(pw("r:x:0:0:::", &e), 0); /* empty gecos, home, shell */
	assert_string_equal(e.home, "");
	assert_int_equal(pw("big:x:4294967294:0::/:", &e), 0);
	assert_int_equal(e.uid, 4294967294u);

	assert_int_equal(pw("", &e), -EINVAL);
	assert_int_equal(pw("\n", &e), -EINVAL);
	assert_int_equal(pw("# comment:x:0:0::/:", &e), -EINVAL);
	assert_int_equal(pw("+nis:x:0:0::/:", &e), -EINVAL);
	assert_int_equal(pw("-nis:x:0:0::/:", &e), -EINVAL);
	assert_int_equal(pw(":x:0:0::/:/bin/sh", &e), -EINVAL);	     /* no name */
	assert_int_equal(pw("a:x:0:0::/", &e), -EINVAL);	     /* 6 fields */
	assert_int_equal(pw("a:x:0:0::/:sh:extra", &e), -EINVAL);    /* 8 fields */
	assert_int_equal(pw("a:x::0::/:sh", &e), -EINVAL);	     /* empty uid */
	assert_int_equal(pw("a:x:-1:0::/:sh", &e), -EINVAL);	     /* negative */
	assert_int_equal(pw("a:x:1e3:0::/:sh", &e), -EINVAL);	     /* not decimal */
	assert_int_equal(pw("a:x: 1:0::/:sh", &e), -EINVAL);	     /* blank */
	assert_int_equal(pw("a:x:4294967295:0::/:sh", &e), -EINVAL); /* (uid_t)-1 */
	assert_int_equal(pw("a:x:99999999999999999999:0::/:", &e), -EINVAL);
	assert_int_equal(pw("a:x:0:0x10::/:sh", &e), -EINVAL);
	assert_int_equal(pw("just a line", &e), -EINVAL);
	assert_int_equal(pw("::::::", &e), -EINVAL);
}

static void test_group_line(void **s)
{
	struct gr_entry e;

	assert_int_equal(gr("staff:x:50:app,bob\n", &e), 0);
	assert_string_equal(e.name, "staff");
	assert_int_equal(e.gid, 50);
	assert_string_equal(e.members, "app,bob");
	assert_int_equal(gr("app:x:1000:", &e), 0);
	assert_string_equal(e.members, "");
	assert_int_equal(gr("app:x:1000", &e), -EINVAL);
	assert_int_equal(gr("app:x:1000::", &e), -EINVAL);
	assert_int_equal(gr("app:x:abc:", &e), -EINVAL);
	assert_int_equal(gr(":x:1:", &e), -EINVAL);
	assert_int_equal(gr("#app:x:1:", &e), -EINVAL);
	assert_int_equal(gr("", &e), -EINVAL);
}

static void test_members(void **s)
{
	assert_true(group_has_member("app", "app"));
	assert_true(group_has_member("bob,app", "app"));
	assert_true(group_has_member("app,bob", "app"));
	assert_false(group_has_member("apple,bob", "app"));
	assert_false(group_has_member("ap", "app"));
	assert_false(group_has_member("", "app"));
	assert_false(group_has_member(",,", ""));
	assert_false(group_has_member("a,,b", ""));
}

static void test_id_parse(void **s)
{
	uint32_t id;

	assert_int_equal(id_parse("0", &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(id_parse("65534", &id), 0);
	assert_int_equal(id, 65534);
	assert_int_equal(id_parse("", &id), -EINVAL);
	assert_int_equal(id_parse("+1", &id), -EINVAL);
	assert_int_equal(id_parse("4294967295", &id), -EINVAL);
	assert_int_equal(id_parse("app", &id), -EINVAL);
}

/* --- user_resolve on files --- */

static char pwf[64], grf[64];

static const char PASSWD[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "garbage line\n"
			     "app:x:1000:1000:app:/home/app:/bin/sh\n"
			     "nohome:x:1002:1002:::/bin/sh\n"
			     "1234:x:1003:1003::/n:/bin/sh\n"
			     "twin:x:1000:50::/twin:/bin/sh\n";
static const char GROUP[] = "root:x:0:\n"
			    "app:x:1000:\n"
			    "staff:x:50:bob,app\n"
			    "broken:x:oops:app\n"
			    "audio:x:29:app\n"
			    "audio2:x:29:app\n"
			    "nohome:x:1002:\n";

static int setup(void **s)
{
	FILE *f;

	strcpy(pwf, "/tmp/muster-pw-XXXXXX");
	strcpy(grf, "/tmp/muster-gr-XXXXXX");
	f = fdopen(mkstemp(pwf), "w");
	fputs(PASSWD, f);
	fclose(f);
	f = fdopen(mkstemp(grf), "w");
	fputs(GROUP, f);
	fclose(f);
	return 0;
}

static int teardown(void **s)
{
	unlink(pwf);
	unlink(grf);
	return 0;
}

static void expect_groups(const struct ident *id, size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(id->ngroups, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_int_equal(id->groups[i], va_arg(ap, int));
	va_end(ap);
}

static void test_resolve(void **s)
{
	struct ident id;

	/* bare name: primary group first, then memberships (deduplicated) */
	assert_int_equal(user_resolve("app", pwf, grf, &id), 0);
	assert_int_equal(id.uid, 1000);
	assert_int_equal(id.gid, 1000);
	assert_string_equal(id.name, "app");
	assert_string_equal(id.home, "/home/app");
	expect_groups(&id, 3, 1000, 50, 29);
	ident_free(&id);
	/* numeric uid in passwd: its entry (the first one with that uid) */
	assert_int_equal(user_resolve("1000", pwf, grf, &id), 0);
	assert_string_equal(id.name, "app");
	expect_groups(&id, 3, 1000, 50, 29);
	ident_free(&id);
	/* numeric uid not in passwd: gid 0, HOME=/, no name, no groups */
	assert_int_equal(user_resolve("4242", pwf, grf, &id), 0);
	assert_int_equal(id.uid, 4242);
	assert_int_equal(id.gid, 0);
	assert_null(id.name);
	assert_string_equal(id.home, "/");
	expect_groups(&id, 1, 0);
	ident_free(&id);
	/* explicit group by name clears memberships */
	assert_int_equal(user_resolve("app:staff", pwf, grf, &id), 0);
	assert_int_equal(id.gid, 50);
	expect_groups(&id, 1, 50);
	ident_free(&id);
	/* explicit numeric group, in the file or not */
	assert_int_equal(user_resolve("app:29", pwf, grf, &id), 0);
	assert_int_equal(id.gid, 29);
	ident_free(&id);
	assert_int_equal(user_resolve("4242:777", pwf, grf, &id), 0);
	assert_int_equal(id.uid, 4242);
	assert_int_equal(id.gid, 777);
	expect_groups(&id, 1, 777);
	ident_free(&id);
	/* "app:" is "app"; empty home is "/" */
	assert_int_equal(user_resolve("app:", pwf, grf, &id), 0);
	assert_int_equal(id.ngroups, 3);
	ident_free(&id);
	assert_int_equal(user_resolve("nohome", pwf, grf, &id), 0);
	assert_string_equal(id.home, "/");
	ident_free(&id);
	/* a numeric-looking name matches the first line by name or uid */
	assert_int_equal(user_resolve("1234", pwf, grf, &id), 0);
	assert_int_equal(id.uid, 1003);
	ident_free(&id);
}

static void test_resolve_errors(void **s)
{
	struct ident id;

	assert_int_equal(user_resolve("nosuch", pwf, grf, &id), -EINVAL);
	assert_int_equal(user_resolve("app:nosuch", pwf, grf, &id), -EINVAL);
	assert_int_equal(user_resolve(":app", pwf, grf, &id), -EINVAL);
	assert_int_equal(user_resolve("", pwf, grf, &id), -EINVAL);
	assert_int_equal(user_resolve("-1", pwf, grf, &id), -EINVAL);
	assert_int_equal(user_resolve("app:broken", pwf, grf, &id), -EINVAL);
	/* no files at all (scratch image): numbers work, names do not */
	assert_int_equal(user_resolve("1000:1000", "/nonexistent/p", "/nonexistent/g", &id), 0);
	assert_int_equal(id.uid, 1000);
	assert_int_equal(id.gid, 1000);
	ident_free(&id);
	assert_int_equal(user_resolve("app", "/nonexistent/p", grf, &id), -EINVAL);
	/* a file that cannot be read (a directory) is an error, not empty */
	assert_int_equal(user_resolve("1000", "/", grf, &id), -EINVAL);
	/* nor is one that would block or never end: a FIFO with no writer, a
	 * device */
	{
		char fifo[64] = "/tmp/muster-fifo-XXXXXX";

		assert_non_null(mkdtemp(fifo));
		strcat(fifo, "/p");
		assert_int_equal(mkfifo(fifo, 0600), 0);
		assert_int_equal(user_resolve("app", fifo, grf, &id), -EINVAL);
		assert_int_equal(user_resolve("app:staff", pwf, fifo, &id), -EINVAL);
		unlink(fifo);
		*strrchr(fifo, '/') = '\0';
		rmdir(fifo);
	}
	assert_int_equal(user_resolve("app", "/dev/zero", grf, &id), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_passwd_line),
	    cmocka_unit_test(test_group_line),
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_id_parse),
	    cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_errors, setup, teardown),
	};

	log_setup(-1, 0); /* silence expected errors */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
