/* Unit tests: secret value cleaning, env names, path containment, and
 * secrets_load() on real files in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/log.h"
#include "hooks/secrets/secrets.h"

static char tmp[64];

static void clean(const char *in, size_t inlen, const char *want, int rc)
{
	char buf[64];
	size_t n = inlen;

	memcpy(buf, in, inlen);
	assert_int_equal(secret_value_clean(buf, &n), rc);
	if (!rc) {
		assert_int_equal(n, strlen(want));
		assert_memory_equal(buf, want, n + 1);
	}
}

static void test_clean(void **s)
{
	clean("pw", 2, "pw", 0);
	clean("pw\n", 3, "pw", 0);
	clean("pw\r\n", 4, "pw", 0);
	clean("pw\n\n\r\n", 6, "pw", 0);
	clean("a\nb\n", 4, "a\nb", 0);
	clean("pw\r", 3, "pw\r", 0);	 /* a lone CR stays */
	clean("pw\n\r", 4, "pw\n\r", 0); /* CR after the last LF stays */
	clean(" pw \n", 5, " pw ", 0);	 /* blanks are content */
	clean("", 0, "", 0);
	clean("\n", 1, "", 0);
	clean("\r\n", 2, "", 0);
	clean("p\0w", 3, NULL, -EINVAL);
	clean("pw\n\0", 4, NULL, -EINVAL);
	clean("\0", 1, NULL, -EINVAL);
}

static void test_names(void **s)
{
	assert_true(env_name_valid("DB_PASSWORD"));
	assert_true(env_name_valid("_x9"));
	assert_true(env_name_valid("a"));
	assert_false(env_name_valid(""));
	assert_false(env_name_valid(NULL));
	assert_false(env_name_valid("9LIVES"));
	assert_false(env_name_valid("A-B"));
	assert_false(env_name_valid("A=B"));
	assert_false(env_name_valid("A B"));
	assert_false(env_name_valid(".hidden"));
	assert_false(env_name_valid("caf\xc3\xa9"));
}

static void test_fits(void **s)
{
	assert_true(env_entry_fits(4, ENV_STRLEN_MAX - 6));  /* exactly 131072 */
	assert_false(env_entry_fits(4, ENV_STRLEN_MAX - 5)); /* one more */
	assert_false(env_entry_fits(ENV_STRLEN_MAX, 0));
	assert_false(env_entry_fits(1, (size_t)-1));
	assert_true(env_entry_fits(1, 0));
}

static void test_inside(void **s)
{
	assert_true(path_inside("/run/secrets/db", "/run/secrets"));
	assert_true(path_inside("/run/secrets/db", "/run/secrets/"));
	assert_true(path_inside("/run/secrets/a/b", "/run/secrets"));
	assert_true(path_inside("/x", "/"));
	assert_false(path_inside("/run/secrets", "/run/secrets"));
	assert_false(path_inside("/run/secrets/", "/run/secrets"));
	assert_false(path_inside("/run/secretsX/db", "/run/secrets"));
	assert_false(path_inside("/run/secrets/../etc/shadow", "/run/secrets"));
	assert_false(path_inside("/run/secrets/..", "/run/secrets"));
	assert_true(path_inside("/run/secrets/..data", "/run/secrets"));
	assert_false(path_inside("run/secrets/db", "/run/secrets"));
	assert_false(path_inside("/etc/passwd", "/run/secrets"));
	assert_false(path_inside("/", "/"));
	assert_false(path_inside("/../x", "/.."));
	assert_false(path_inside("/a/b", "/a/../a"));
}

/* --- secrets_load on files --- */

static void put(const char *rel, const void *data, size_t len, mode_t mode)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	chmod(p, mode);
}

static const char *at(const char *rel)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmp, rel);
	return p[i];
}

static int setup(void **s)
{
	strcpy(tmp, "/tmp/muster-ut-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	mkdir(at("secrets"), 0700);
	mkdir(at("other"), 0700);
	mkdir(at("envd"), 0700);
	clearenv();
	setenv("PATH", "/bin", 1);
	return 0;
}

static int teardown(void **s)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) ? -1 : 0;
}

static void conf_with_dir(struct muster_conf *c)
{
	conf_init(c);
	strlist_clear(&c->secrets_dirs);
	strlist_add(&c->secrets_dirs, at("secrets"), SRC_CLI, 0);
}

static void test_load_inside(void **s)
{
	struct muster_conf c;

	conf_with_dir(&c);
	put("secrets/db", "s3cr\net\r\n\n", 10, 0600);
	put("other/log", "x", 1, 0600);
	setenv("DB_PASSWORD_FILE", at("secrets/db"), 1);
	setenv("LOG_FILE", at("other/log"), 1);
	setenv("MISSING_ELSEWHERE_FILE", "/nonexistent/x", 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("DB_PASSWORD"), "s3cr\net");
	assert_null(getenv("DB_PASSWORD_FILE"));
	assert_string_equal(getenv("LOG_FILE"), at("other/log")); /* untouched */
	assert_null(getenv("LOG"));
	assert_string_equal(getenv("MISSING_ELSEWHERE_FILE"), "/nonexistent/x");
	conf_free(&c);
}

static void test_load_named_and_symlink(void **s)
{
	struct muster_conf c;
	char target[256];

	conf_with_dir(&c);
	strlist_add(&c.secret_names, "TOKEN", SRC_CLI, 0);
	put("other/token", "tok\n", 4, 0600);
	put("other/notsecret", "no", 2, 0600);
	setenv("TOKEN_FILE", at("other/token"), 1);
	/* a link inside the dir pointing outside is not a secret... */
	snprintf(target, sizeof(target), "%s", at("other/notsecret"));
	assert_int_equal(symlink(target, at("secrets/escape")), 0);
	setenv("ESC_FILE", at("secrets/escape"), 1);
	/* ...but Kubernetes' ..data links inside the dir are */
	mkdir(at("secrets/..2024"), 0700);
	put("secrets/..2024/api", "k8s\n", 4, 0600);
	assert_int_equal(symlink("..2024", at("secrets/..data")), 0);
	assert_int_equal(symlink("..data/api", at("secrets/api")), 0);
	setenv("API_FILE", at("secrets/api"), 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("TOKEN"), "tok");
	assert_null(getenv("TOKEN_FILE"));
	assert_null(getenv("ESC"));
	assert_string_equal(getenv("ESC_FILE"), at("secrets/escape"));
	assert_string_equal(getenv("API"), "k8s");
	conf_free(&c);
}

static void test_load_errors(void **s)
{
	struct muster_conf c;
	static char big[ENV_STRLEN_MAX + 2];

	conf_with_dir(&c);
	/* both set */
	put("secrets/a", "x", 1, 0600);
	setenv("A", "already", 1);
	setenv("A_FILE", at("secrets/a"), 1);
	assert_int_equal(secrets_load(&c), -EINVAL);
	assert_string_equal(getenv("A"), "already");
	unsetenv("A");
	unsetenv("A_FILE");
	/* an empty NAME does not count as set */
	setenv("A", "", 1);
	setenv("A_FILE", at("secrets/a"), 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("A"), "x");
	/* missing file inside a secrets dir */
	setenv("B_FILE", at("secrets/nope"), 1);
	assert_int_equal(secrets_load(&c), -EINVAL);
	unsetenv("B_FILE");
	/* NUL byte */
	put("secrets/nul", "a\0b", 3, 0600);
	setenv("C_FILE", at("secrets/nul"), 1);
	assert_int_equal(secrets_load(&c), -EINVAL);
	assert_null(getenv("C"));
	unsetenv("C_FILE");
	/* the largest value that fits, then one byte more */
	memset(big, 'x', ENV_STRLEN_MAX);
	put("secrets/big", big, ENV_STRLEN_MAX - 3, 0600); /* "D=" + v + NUL */
	setenv("D_FILE", at("secrets/big"), 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_int_equal(strlen(getenv("D")), ENV_STRLEN_MAX - 3);
	unsetenv("D");
	put("secrets/big", big, ENV_STRLEN_MAX - 2, 0600);
	setenv("D_FILE", at("secrets/big"), 1);
	assert_int_equal(secrets_load(&c), -EINVAL);
	/* content past the limit is never cut off, even behind newlines */
	memset(big, '\n', sizeof(big));
	big[0] = 'a';
	big[sizeof(big) - 1] = 'z';
	put("secrets/big", big, sizeof(big), 0600);
	assert_int_equal(secrets_load(&c), -EINVAL);
	unsetenv("D_FILE");
	/* a directory is not a secret file */
	mkdir(at("secrets/dir"), 0700);
	setenv("E_FILE", at("secrets/dir"), 1);
	assert_int_equal(secrets_load(&c), -EINVAL);
	unsetenv("E_FILE");
	/* an invalid NAME part is not a secret: "_FILE", "A-B_FILE" */
	setenv("_FILE", at("secrets/a"), 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_non_null(getenv("_FILE"));
	conf_free(&c);
}

static void test_env_dir(void **s)
{
	struct muster_conf c;

	conf_with_dir(&c);
	c.env_dir = strdup(at("envd"));
	put("envd/HOST", "db.local\n", 9, 0644);
	put("envd/MULTI", "l1\nl2\n", 6, 0644);
	put("envd/EMPTY", "", 0, 0644);
	put("envd/.hidden", "x", 1, 0644);
	mkdir(at("envd/subdir"), 0700);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("HOST"), "db.local");
	assert_string_equal(getenv("MULTI"), "l1\nl2");
	assert_string_equal(getenv("EMPTY"), "");
	assert_null(getenv(".hidden"));
	assert_null(getenv("subdir"));
	/* a file whose name is no variable name */
	put("envd/bad-name", "x", 1, 0644);
	assert_int_equal(secrets_load(&c), -EINVAL);
	unlink(at("envd/bad-name"));
	put("envd/NUL", "a\0", 2, 0644);
	assert_int_equal(secrets_load(&c), -EINVAL);
	unlink(at("envd/NUL"));
	free(c.env_dir);
	c.env_dir = strdup(at("no-such-dir"));
	assert_int_equal(secrets_load(&c), -EINVAL);
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_fits),
	    cmocka_unit_test(test_inside),
	    cmocka_unit_test_setup_teardown(test_load_inside, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_named_and_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_env_dir, setup, teardown),
	};

	log_setup(-1, 0); /* silence expected errors */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
