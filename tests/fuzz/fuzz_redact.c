/* fuzz_redact.c - a registered secret never survives redaction, whatever
 * the text around it, on every path muster writes through: redact_url
 * (as written, expanded), redact_header, redact_value, the log lines
 * (JSON and text, read back and unescaped) and out_printf().
 *
 * Input: SECRET NUL TEXT.  Secrets shorter than REDACT_MIN are not
 * masked, and a secret holding '*' could be made of the token itself or
 * '\' of an escape: those inputs are skipped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/redact.h"
#include "hooks/wait/proto/proto.h"

#define TEXT_MAX 1024

static const char *secret;

/* Neither the secret nor any of its lines (what was registered) in s. */
static void check(const char *s)
{
	const char *l = secret;
	size_t n;

	if (strstr(s, secret))
		abort();
	for (; *l; l += n + (l[n] != '\0')) {
		char line[TEXT_MAX + 1];

		n = strcspn(l, "\r\n");
		if (n >= REDACT_MIN && n <= TEXT_MAX) {
			memcpy(line, l, n);
			line[n] = '\0';
			if (strstr(s, line))
				abort();
		}
	}
}

/* Decode the log's escapes from p on (JSON \" \n \u00XX \\xNN, text \n
 * \xNN) up to `stop` ('"' for a JSON string), and check what it says.
 * Exact only for a text without '\' (which the log cannot tell from
 * an escape), the only one asked for. */
static void unescaped_check(const char *p, char stop)
{
	char out[8 * TEXT_MAX], hex[5] = "";
	size_t n = 0;

	if (!p)
		abort();
	for (; *p && *p != stop; p++) {
		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		p += 1 + (p[1] == '\\');
		if (*p == 'x' || *p == 'u') {
			memcpy(hex, p + 1, *p == 'x' ? 2 : 4);
			hex[*p == 'x' ? 2 : 4] = '\0';
			out[n++] = (char)strtol(hex, NULL, 16);
			p += strlen(hex);
		} else
			out[n++] = *p == 'n' ? '\n' : *p;
	}
	out[n] = '\0';
	check(out);
}

/* The log line for `text`, captured from stderr, its message and field
 * checked. */
static void log_check(const char *text, int json)
{
	static int fd = -1;
	const struct log_field f[] = {{"v", text, 0}};
	char line[8 * TEXT_MAX], *p;
	int saved = dup(STDERR_FILENO);
	ssize_t k;

	if (fd < 0 && (fd = memfd_create("log", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		abort();
	dup2(fd, STDERR_FILENO);
	log_setup(LOG_DEBUG, json ? LOGF_JSON : LOGF_TEXT);
	log_fields(LOG_ERROR, f, 1, "bad: %s", text);
	dup2(saved, STDERR_FILENO);
	close(saved);
	k = pread(fd, line, sizeof(line) - 1, 0);
	if (k < 1 || line[k - 1] != '\n')
		abort();
	line[k - 1] = '\0'; /* the line's own end */
	if (strchr(text, '\\'))
		return;
	if (json) {
		p = strstr(line, "\"msg\":\"");
		unescaped_check(p ? p + 7 : NULL, '"');
		p = strstr(line, "\"v\":\"");
		unescaped_check(p ? p + 5 : NULL, '"');
	} else {
		/* the message only: "muster: error: " is no part of it */
		unescaped_check(line + strlen("muster: error: "), '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *z = memchr(data, '\0', size);
	char *sec, *text, out[2 * TEXT_MAX + 64], *mem = NULL;
	size_t memlen = 0;
	FILE *f;

	if (!z)
		return 0;
	sec = strndup((const char *)data, (size_t)(z - data));
	text = strndup((const char *)z + 1, size - (size_t)(z + 1 - data));
	if (!sec || !text || strlen(sec) < REDACT_MIN || strpbrk(sec, "*\\"))
		goto out;
	if (strlen(text) > TEXT_MAX)
		text[TEXT_MAX] = '\0';
	secret = sec;
	redact_secrets_forget();
	if (redact_secret_add(sec))
		abort();

	redact_url(text, proto_url_scheme, REDACT_WRITTEN, out, sizeof(out));
	redact_secrets(out, sizeof(out));
	check(out);
	redact_url(text, proto_url_scheme, REDACT_EXPANDED, out, sizeof(out));
	redact_secrets(out, sizeof(out));
	check(out);
	redact_header(text, out, sizeof(out));
	redact_secrets(out, sizeof(out));
	check(out);
	snprintf(out, sizeof(out), "%s", text);
	redact_value(out, sizeof(out), sec);
	if (strstr(out, sec))
		abort();
	log_check(text, 1);
	log_check(text, 0);
	if ((f = open_memstream(&mem, &memlen))) {
		out_printf(f, "x = %s ; y\n", text);
		fclose(f);
		check(mem);
		free(mem);
	}
out:
	free(sec);
	free(text);
	return 0;
}
