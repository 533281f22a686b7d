/* test_tls.c - the TLS client (tls.c, trust.c) against a BearSSL server
 * in a child process over a socketpair, with certificates made by
 * tests/fixtures/mkcerts.sh (openssl CLI): a good chain (EC and RSA), an
 * expired one, one for another name, a self-signed one, --insecure, a
 * silent peer (handshake timeout), a peer that is not TLS; then the trust
 * store's errors (missing, empty, not PEM, encrypted key, half of mTLS). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/clock.h"
#include "conf/log.h"
#include "hooks/wait/tls.h"
#include "hooks/wait/trust.h"

static char dir[] = "/tmp/muster-tls-XXXXXX";
static char path[3][256];

static const char *f(int k, const char *name)
{
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static int setup(void **st)
{
	char cmd[512];

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "sh tests/fixtures/mkcerts.sh %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **st)
{
	char cmd[512];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int sock_read(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t n = read(*(int *)ctx, buf, len);

	return n > 0 ? (int)n : -1;
}

static int sock_write(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t n = write(*(int *)ctx, buf, len);

	return n > 0 ? (int)n : -1;
}

/* The server: certificate `name` (NAME.pem, NAME.key); answers "pong" to
 * what it reads.  mode 1: read and say nothing (a silent peer); 2: answer
 * plain text (not TLS). */
static pid_t server(int fd, const char *name, int mode)
{
	static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
	char c[300], k[300], in[64];
	struct tls_settings s = {0};
	struct tls_trust t;
	br_ssl_server_context sc;
	br_sslio_context io;
	pid_t pid = fork();

	if (pid)
		return pid;
	if (mode == 1) {
		while (read(fd, in, sizeof(in)) > 0)
			;
		_exit(0);
	}
	if (mode == 2) {
		(void)!write(fd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
		_exit(0);
	}
	snprintf(c, sizeof(c), "%s/%s.pem", dir, name);
	snprintf(k, sizeof(k), "%s/%s.key", dir, name);
	s.cert = c;
	s.key = k;
	s.insecure = true;
	log_setup(LOG_ERROR, LOGF_TEXT); /* no --insecure warning from the server */
	if (tls_trust_load(&t, &s, in, sizeof(in)))
		_exit(3);
	if (t.key_type == BR_KEYTYPE_RSA)
		br_ssl_server_init_full_rsa(&sc, t.chain, t.nchain, &t.rsa);
	else
		br_ssl_server_init_full_ec(&sc, t.chain, t.nchain, BR_KEYTYPE_EC, &t.ec);
	br_ssl_engine_set_buffer(&sc.eng, iobuf, sizeof(iobuf), 1);
	br_ssl_server_reset(&sc);
	br_sslio_init(&io, &sc.eng, sock_read, &fd, sock_write, &fd);
	if (br_sslio_read(&io, in, 4) < 0)
		_exit(4);
	br_sslio_write_all(&io, "pong", 4);
	br_sslio_close(&io);
	_exit(0);
}

/* One client connection to `host` through `trust` against server(name,
 * mode); what came back in got, the failure in why.  Returns 0 when
 * "pong" came back, else tls_pump()'s error or -ETIMEDOUT. */
static char got[64], why[256];

static int run(const struct tls_trust *trust, const char *host, const char *name, int mode)
{
	int sv[2], r = 0, st;
	struct tls_conn *t;
	int64_t deadline = mono_ms() + 2000;
	size_t sent = 0, n = 0;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = server(sv[1], name, mode);
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	assert_int_equal(tls_conn_new(&t, trust, host, NULL), 0);
	got[0] = why[0] = '\0';
	while (r == 0) {
		struct pollfd p = {sv[0], tls_events(t), 0};
		int64_t left = deadline - mono_ms();

		if (left <= 0) {
			r = -ETIMEDOUT;
			snprintf(why, sizeof(why), "%s", tls_ready(t) ? "timeout" : "handshake timeout");
			break;
		}
		poll(&p, 1, (int)left);
		r = tls_pump(t, sv[0]);
		if (tls_ready(t) && sent < 4)
			sent += tls_write(t, "ping" + sent, 4 - sent);
		n += tls_read(t, got + n, sizeof(got) - 1 - n);
		got[n] = '\0';
		if (r == 0 && sent == 4 && tls_flushed(t))
			r = tls_pump(t, sv[0]);
	}
	n += tls_read(t, got + n, sizeof(got) - 1 - n);
	got[n] = '\0';
	if (r < 0 && r != -ETIMEDOUT)
		tls_why(t, why, sizeof(why));
	tls_conn_free(t);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return r == 1 && !strcmp(got, "pong") ? 0 : r;
}

static struct tls_trust T;

static char err[512];

static void load_ca(const char *file)
{
	struct tls_settings s = {.cacert = f(0, file)};

	tls_trust_free(&T);
	assert_int_equal(tls_trust_load(&T, &s, err, sizeof(err)), 0);
}

static void t_good(void **st)
{
	(void)st;
	load_ca("ca.pem");
	assert_int_equal(run(&T, "localhost", "good", 0), 0);
	assert_int_equal(run(&T, "127.0.0.1", "good", 0), 0);
	assert_int_equal(run(&T, "::1", "good", 0), 0);
	assert_int_equal(run(&T, "localhost", "rsa", 0), 0);
	assert_int_equal(run(&T, "localhost", "chain-good", 0), 0);
	/* a self-signed certificate given as the "CA" is trusted directly */
	load_ca("self.pem");
	assert_int_equal(run(&T, "localhost", "self", 0), 0);
}

static void t_causes(void **st)
{
	(void)st;
	load_ca("ca.pem");
	assert_int_equal(run(&T, "localhost", "expired", 0), -EPROTO);
	assert_string_equal(why, "certificate expired");
	assert_int_equal(run(&T, "localhost", "other", 0), -EPROTO);
	assert_string_equal(why, "name mismatch (certificate is for other.example, not localhost)");
	assert_int_equal(run(&T, "127.0.0.2", "good", 0), -EPROTO);
	assert_string_equal(why, "name mismatch (certificate is for localhost, 127.0.0.1, ::1, "
				 "not 127.0.0.2)");
	assert_int_equal(run(&T, "localhost", "self", 0), -EPROTO);
	assert_true(strncmp(why, "unknown CA", 10) == 0);
	assert_int_equal(run(&T, "localhost", "good", 1), -ETIMEDOUT);
	assert_string_equal(why, "handshake timeout");
	assert_true(run(&T, "localhost", "good", 2) < 0);
	assert_non_null(strstr(why, "not a TLS server?"));
}

static void t_insecure(void **st)
{
	struct tls_settings s = {.insecure = true, .cacert = "/nonexistent"};

	(void)st;
	tls_trust_free(&T);
	assert_int_equal(tls_trust_load(&T, &s, err, sizeof(err)), 0); /* not even read */
	assert_int_equal(run(&T, "localhost", "expired", 0), 0);
	assert_int_equal(run(&T, "localhost", "other", 0), 0);
	assert_int_equal(run(&T, "localhost", "self", 0), 0);
	assert_int_equal(run(&T, "localhost", "rsa", 0), 0);
	tls_trust_free(&T);
}

static int load(const char *ca, const char *cert, const char *key)
{
	struct tls_settings s = {.cacert = ca, .cert = cert, .key = key};
	struct tls_trust t;
	int r;

	err[0] = '\0';
	r = tls_trust_load(&t, &s, err, sizeof(err));
	tls_trust_free(&t);
	return r;
}

static void t_trust_errors(void **st)
{
	char empty[300];
	FILE *fp;

	(void)st;
	snprintf(empty, sizeof(empty), "%s/empty.pem", dir);
	fp = fopen(empty, "w");
	assert_non_null(fp);
	fputs("no PEM here\n", fp);
	fclose(fp);
	assert_int_equal(load("/nonexistent/ca.pem", NULL, NULL), -ENOENT);
	assert_string_equal(err, "CA bundle /nonexistent/ca.pem: No such file or directory (give "
				 "one with --cacert FILE or SSL_CERT_FILE, or skip verification "
				 "with --insecure)");
	assert_int_equal(load(dir, NULL, NULL), -ENOEXEC); /* a directory */
	assert_non_null(strstr(err, ": not a regular file"));
	assert_int_equal(load(empty, NULL, NULL), -ENODATA);
	assert_non_null(strstr(err, "empty.pem: no certificate in it"));
	assert_int_equal(load(f(0, "good.key"), NULL, NULL), -ENODATA); /* a key, no cert */
	assert_int_equal(load(f(0, "ca.pem"), f(1, "client.pem"), NULL), -EINVAL);
	assert_string_equal(err, "--cert without --key: mutual TLS needs both");
	assert_int_equal(load(f(0, "ca.pem"), NULL, f(1, "client.key")), -EINVAL);
	assert_int_equal(load(f(0, "ca.pem"), f(1, "client.pem"), f(2, "client.key")), 0);
	assert_int_equal(load(f(0, "ca.pem"), f(1, "client.pem"), f(2, "client.pem")), -ENODATA);
	assert_non_null(strstr(err, "client.pem: no private key in it"));
	assert_int_equal(load(f(0, "ca.pem"), empty, f(2, "client.key")), -ENODATA);
	/* SSL_CERT_FILE when there is no --cacert */
	setenv("SSL_CERT_FILE", "/nonexistent/bundle", 1);
	assert_int_equal(load(NULL, NULL, NULL), -ENOENT);
	setenv("SSL_CERT_FILE", f(0, "ca.pem"), 1);
	assert_int_equal(load(NULL, NULL, NULL), 0);
	unsetenv("SSL_CERT_FILE");
}

/* client.key encrypted by `openssl TOOL ARGS` into NAME: refused, named. */
static void encrypted(const char *tool, const char *args, const char *name)
{
	char cmd[700], want[64];

	snprintf(cmd, sizeof(cmd),
		 "openssl %s -in %s/client.key -out %s/%s %s -passout pass:x >/dev/null 2>&1", tool,
		 dir, dir, name, args);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(load(f(0, "ca.pem"), f(1, "client.pem"), f(2, name)), -EKEYREJECTED);
	snprintf(want, sizeof(want), "%s: not a key muster can use", name);
	assert_non_null(strstr(err, want));
}

static void t_encrypted_key(void **st)
{
	(void)st;
	encrypted("pkcs8", "-topk8", "enc.key");
	encrypted("ec", "-aes128", "old.key"); /* old style: PEM headers */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_good),	      cmocka_unit_test(t_causes),
	    cmocka_unit_test(t_insecure),     cmocka_unit_test(t_trust_errors),
	    cmocka_unit_test(t_encrypted_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
