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
#include "init/exit.h"
#include "capture.h"

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

/* secrets_load() fails (-EPERM: exit 78) with exactly the error `want`. */
static void refused(const struct muster_conf *c, const char *want)
{
	char got[512];
	int r;

	capture_start();
	log_setup(LOG_ERROR, 0);
	r = secrets_load(c);
	log_setup(-1, 0);
	assert_int_equal(capture_end(got, sizeof(got)), 1);
	assert_string_equal(got, want);
	assert_int_equal(r, -EPERM);
	assert_int_equal(exit_code_for(r), 78);
}

/* Kubernetes' secret volume layout, exactly, in `dir` (below tmp). */
static void kubernetes(const char *dir, const char *key, const char *value)
{
	char p[128], l[128];

	snprintf(p, sizeof(p), "%s/..2024_01_01_00_00_00.123456789", dir);
	mkdir(at(p), 0700);
	snprintf(p, sizeof(p), "%s/..2024_01_01_00_00_00.123456789/%s", dir, key);
	put(p, value, strlen(value), 0600);
	snprintf(p, sizeof(p), "%s/..data", dir);
	assert_int_equal(symlink("..2024_01_01_00_00_00.123456789", at(p)), 0);
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	snprintf(l, sizeof(l), "..data/%s", key);
	assert_int_equal(symlink(l, at(p)), 0);
}

static void test_load_named_and_symlink(void **s)
{
	struct muster_conf c;
	char want[512], target[256];

	conf_with_dir(&c);
	strlist_add(&c.secret_names, "TOKEN", SRC_CLI, 0);
	put("other/token", "tok\n", 4, 0600);
	put("other/notsecret", "no", 2, 0600);
	/* --secret NAME: its file may be anywhere, through any link */
	snprintf(target, sizeof(target), "%s", at("other/token"));
	assert_int_equal(symlink(target, at("secrets/token")), 0);
	setenv("TOKEN_FILE", at("secrets/token"), 1);
	/* Kubernetes' ..data links inside the dir; a relative link inside */
	kubernetes("secrets", "api", "k8s\n");
	assert_int_equal(symlink("api", at("secrets/alias")), 0);
	setenv("API_FILE", at("secrets/api"), 1);
	setenv("ALIAS_FILE", at("secrets/alias"), 1);
	/* the dir named through a link to it, and a relative path */
	assert_int_equal(symlink("secrets", at("via")), 0);
	setenv("VIA_FILE", at("via/api"), 1);
	assert_int_equal(chdir(at("secrets")), 0);
	setenv("REL_FILE", "api", 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("TOKEN"), "tok");
	assert_null(getenv("TOKEN_FILE"));
	assert_string_equal(getenv("API"), "k8s");
	assert_string_equal(getenv("ALIAS"), "k8s");
	assert_string_equal(getenv("VIA"), "k8s");
	assert_string_equal(getenv("REL"), "k8s");
	assert_int_equal(chdir("/"), 0);
	/* a link inside the dir pointing outside is refused: absolute... */
	snprintf(target, sizeof(target), "%s", at("other/notsecret"));
	assert_int_equal(symlink(target, at("secrets/escape")), 0);
	setenv("ESC_FILE", at("secrets/escape"), 1);
	snprintf(want, sizeof(want), "muster: error: ESC_FILE: %s leads outside %s\n",
		 at("secrets/escape"), at("secrets"));
	refused(&c, want);
	assert_null(getenv("ESC"));
	assert_string_equal(getenv("ESC_FILE"), at("secrets/escape"));
	/* ...relative, or the path itself */
	assert_int_equal(symlink("../other/notsecret", at("secrets/escape2")), 0);
	setenv("ESC_FILE", at("secrets/escape2"), 1);
	snprintf(want, sizeof(want), "muster: error: ESC_FILE: %s leads outside %s\n",
		 at("secrets/escape2"), at("secrets"));
	refused(&c, want);
	setenv("ESC_FILE", at("secrets/../other/notsecret"), 1);
	snprintf(want, sizeof(want), "muster: error: ESC_FILE: %s leads outside %s\n",
		 at("secrets/../other/notsecret"), at("secrets"));
	refused(&c, want);
	unsetenv("ESC_FILE");
	/* a link outside every secrets dir, to a file in one: not a secret */
	assert_int_equal(symlink(at("secrets/api"), at("other/link")), 0);
	setenv("OUT_FILE", at("other/link"), 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("OUT_FILE"), at("other/link"));
	assert_null(getenv("OUT"));
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
	assert_int_equal(secrets_load(&c), -EPERM);
	assert_string_equal(getenv("A"), "already");
	unsetenv("A");
	unsetenv("A_FILE");
	/* an empty NAME does not count as set */
	setenv("A", "", 1);
	setenv("A_FILE", at("secrets/a"), 1);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("A"), "x");
	/* in a secrets dir that does not exist: the path as written decides */
	strlist_add(&c.secrets_dirs, at("gone"), SRC_CLI, 0);
	setenv("G_FILE", at("gone/db"), 1);
	setenv("H_FILE", at("gone"), 1); /* not inside */
	assert_int_equal(secrets_load(&c), -EPERM);
	assert_string_equal(getenv("H_FILE"), at("gone"));
	unsetenv("G_FILE");
	/* missing file inside a secrets dir */
	setenv("B_FILE", at("secrets/nope"), 1);
	assert_int_equal(secrets_load(&c), -EPERM);
	unsetenv("B_FILE");
	/* NUL byte */
	put("secrets/nul", "a\0b", 3, 0600);
	setenv("C_FILE", at("secrets/nul"), 1);
	assert_int_equal(secrets_load(&c), -EPERM);
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
	assert_int_equal(secrets_load(&c), -EPERM);
	/* content past the limit is never cut off, even behind newlines */
	memset(big, '\n', sizeof(big));
	big[0] = 'a';
	big[sizeof(big) - 1] = 'z';
	put("secrets/big", big, sizeof(big), 0600);
	assert_int_equal(secrets_load(&c), -EPERM);
	unsetenv("D_FILE");
	/* a directory is not a secret file */
	mkdir(at("secrets/dir"), 0700);
	setenv("E_FILE", at("secrets/dir"), 1);
	assert_int_equal(secrets_load(&c), -EPERM);
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
	char want[512];

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
	assert_int_equal(secrets_load(&c), -EPERM);
	unlink(at("envd/bad-name"));
	put("envd/NUL", "a\0", 2, 0644);
	assert_int_equal(secrets_load(&c), -EPERM);
	unlink(at("envd/NUL"));
	/* links: inside (Kubernetes' too) followed, a dangling one skipped,
	 * one leading outside refused, naming the file, never the content */
	kubernetes("envd", "K8S", "from k8s\n");
	assert_int_equal(symlink("HOST", at("envd/ALIAS")), 0);
	assert_int_equal(symlink("subdir/nothing", at("envd/DANGLING")), 0);
	mkfifo(at("envd/FIFO"), 0600);
	assert_int_equal(secrets_load(&c), 0);
	assert_string_equal(getenv("K8S"), "from k8s");
	assert_string_equal(getenv("ALIAS"), "db.local");
	assert_null(getenv("DANGLING"));
	assert_null(getenv("FIFO"));
	put("other/root-only", "hunter2", 7, 0600);
	assert_int_equal(symlink(at("other/root-only"), at("envd/LEAK")), 0);
	snprintf(want, sizeof(want), "muster: error: LEAK: %s leads outside %s\n", at("envd/LEAK"),
		 at("envd"));
	refused(&c, want);
	assert_null(getenv("LEAK"));
	unlink(at("envd/LEAK"));
	assert_int_equal(symlink("../other/root-only", at("envd/LEAK")), 0);
	refused(&c, want);
	assert_null(getenv("LEAK"));
	free(c.env_dir);
	c.env_dir = strdup(at("no-such-dir"));
	assert_int_equal(secrets_load(&c), -EPERM);
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
