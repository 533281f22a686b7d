/* ini.c - the INI front end: inih parses, the option table decides.
 *
 * inih reads lines through our reader (ini_parse_stream), which is where
 * we count lines and refuse what inih would silently misread: indented
 * continuation lines, over-long lines, NUL bytes.  The reader also tracks
 * section headers itself, so that an empty `[hook x]` or an unknown empty
 * section is still seen (inih only reports key = value pairs). */
#include "conf/ini.h"

#include <ini.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/parse.h"
#include "conf/file.h"

#define INI_MAX_FILE  (1024 * 1024)
#define HOOK_NAME_MAX 64

struct ini_state {
	struct muster_conf *c;
	struct muster_conf check; /* every value is validated here too */
	const char *file;
	const char *buf;
	size_t len, pos;
	int line;
	int err;
	/* the section being read */
	char section[64];      /* "" before the first header */
	struct hook_def *hook; /* in a [hook NAME] section */
	int hook_timeout_line;
	int first_line[OPT_COUNT]; /* where a non-list key was first given */
};

static int fail(struct ini_state *st, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Log `FILE:LINE: what` once and stop the parse; returns 0 for inih. */
static int fail(struct ini_state *st, int line, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_error("%s:%d: %s", st->file, line, what);
	st->err = -EINVAL;
	return 0;
}

static bool known_section(const char *s)
{
	int i;

	for (i = 0; i < OPT_COUNT; i++)
		if (conf_options[i].section && !strcmp(conf_options[i].section, s))
			return true;
	return false;
}

/* The hook section just read is complete: it must have an exec. */
static void end_hook(struct ini_state *st)
{
	if (st->hook && !st->hook->exec && !st->err)
		fail(st, st->hook->line, "[hook %s] has no exec = COMMAND", st->hook->name);
	st->hook = NULL;
}

static bool hook_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > HOOK_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

static void start_hook(struct ini_state *st, const char *name, size_t n)
{
	struct muster_conf *c = st->c;
	struct hook_def *h;
	char nm[HOOK_NAME_MAX + 1];
	size_t i;

	memcpy(nm, name, n);
	nm[n] = '\0';
	for (i = 0; i < c->nhooks; i++) {
		if (!strcmp(c->hooks[i].name, nm)) {
			fail(st, st->line, "duplicate [hook %s] (first on line %d)", nm,
			     c->hooks[i].line);
			return;
		}
	}
	h = realloc(c->hooks, (c->nhooks + 1) * sizeof(*h));
	if (!h) {
		st->err = -ENOMEM;
		return;
	}
	c->hooks = h;
	h = &c->hooks[c->nhooks];
	h->name = strdup(nm);
	if (!h->name) {
		st->err = -ENOMEM;
		return;
	}
	h->exec = NULL;
	h->timeout_ms = -1;
	h->line = st->line;
	c->nhooks++;
	st->hook = h;
	st->hook_timeout_line = 0;
}

/* A `[...]` line (p at '['). */
static void section_line(struct ini_state *st, const char *p, size_t n)
{
	const char *end = memchr(p, ']', n), *q, *name;
	size_t len, i;

	end_hook(st);
	if (st->err)
		return;
	if (!end)
		return (void)fail(st, st->line, "missing ']' in section header");
	for (q = end + 1; q < p + n && (*q == ' ' || *q == '\t'); q++)
		;
	if (q < p + n && *q != ';' && *q != '#')
		return (void)fail(st, st->line, "unexpected text after ']'");
	for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	len = (size_t)(end - p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len >= 5 && !strncmp(p, "hook", 4) && (p[4] == ' ' || p[4] == '\t')) {
		for (name = p + 4; *name == ' ' || *name == '\t'; name++)
			;
		i = (size_t)(end - name);
		while (i && (name[i - 1] == ' ' || name[i - 1] == '\t'))
			i--;
		if (!hook_name_ok(name, i))
			return (void)fail(st, st->line,
					  "bad hook name: use [hook NAME] with NAME made of "
					  "letters, digits, '_', '-' or '.'");
		snprintf(st->section, sizeof(st->section), "hook");
		start_hook(st, name, i);
		return;
	}
	if (len == 4 && !strncmp(p, "hook", 4))
		return (void)fail(st, st->line, "[hook] needs a name: [hook NAME]");
	if (len >= sizeof(st->section) || memchr(p, '\0', len)) {
		st->section[0] = '\0';
		return (void)fail(st, st->line, "unknown section");
	}
	memcpy(st->section, p, len);
	st->section[len] = '\0';
	if (!known_section(st->section))
		fail(st, st->line, "unknown section [%s]", st->section);
}

/* inih's reader: hand over one line at a time, after our checks. */
static char *reader(char *out, int num, void *user)
{
	struct ini_state *st = user;
	const char *s, *nl, *p;
	size_t n, max = num > 3 ? (size_t)num - 3 : 0;

	if (st->err || st->pos >= st->len)
		return NULL;
	s = st->buf + st->pos;
	nl = memchr(s, '\n', st->len - st->pos);
	n = nl ? (size_t)(nl - s) : st->len - st->pos;
	st->pos += n + (nl ? 1 : 0);
	st->line++;
	if (st->line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3;
		n -= 3;
	}
	if (n && s[n - 1] == '\r')
		n--;
	if (memchr(s, '\0', n))
		return fail(st, st->line, "NUL byte in line"), NULL;
	if (n > max)
		return fail(st, st->line, "line longer than %zu characters", max), NULL;
	for (p = s; p < s + n && (*p == ' ' || *p == '\t'); p++)
		;
	if (p < s + n && *p != ';' && *p != '#') {
		if (p > s)
			return fail(st, st->line,
				    "indented line (continuation lines are not supported: "
				    "remove the leading whitespace)"),
			       NULL;
		if (*p == '[') {
			section_line(st, p, n);
			if (st->err)
				return NULL;
		} else {
			const char *eq = memchr(p, '=', n), *colon = memchr(p, ':', n);

			if (!eq || (colon && colon < eq))
				return fail(st, st->line,
					    "expected 'key = value', '[section]' or a comment"),
				       NULL;
		}
	}
	memcpy(out, s, n);
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}

static int hook_key(struct ini_state *st, const char *name, const char *val)
{
	struct hook_def *h = st->hook;
	int64_t ms;

	if (!h)
		return 0; /* the section header already failed */
	if (!strcmp(name, "exec")) {
		if (h->exec)
			return fail(st, st->line, "[hook %s] exec given twice", h->name);
		if (!*val)
			return fail(st, st->line, "[hook %s] exec: empty value", h->name);
		h->exec = strdup(val);
		if (!h->exec)
			st->err = -ENOMEM;
		return !st->err;
	}
	if (!strcmp(name, "timeout")) {
		if (st->hook_timeout_line)
			return fail(st, st->line, "[hook %s] timeout given twice", h->name);
		if (parse_duration(val, &ms))
			return fail(st, st->line,
				    "[hook %s] timeout: expected a duration like 250ms, 10s, 2m, "
				    "1h, got '%s'",
				    h->name, val);
		h->timeout_ms = ms;
		st->hook_timeout_line = st->line;
		return 1;
	}
	return fail(st, st->line, "unknown key '%s' in [hook %s] (exec, timeout)", name, h->name);
}

static int handler(void *user, const char *section, const char *name, const char *val)
{
	struct ini_state *st = user;
	int i;

	(void)section; /* ours: inih truncates long section names */
	if (st->err)
		return 0;
	if (!st->section[0])
		return fail(st, st->line, "'%s' outside any section", name);
	if (!strcmp(st->section, "hook"))
		return hook_key(st, name, val);
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];

		if (!d->section || strcmp(d->section, st->section) || strcmp(d->key, name))
			continue;
		if (!conf_kind_repeats(d->kind)) {
			if (st->first_line[i]) {
				return fail(st, st->line, "'%s' given twice (first on line %d)",
					    name, st->first_line[i]);
			}
			st->first_line[i] = st->line;
		}
		/* validate even when a higher source wins, then apply */
		if (conf_apply(&st->check, (enum opt_id)i, val, SRC_FILE, st->line) ||
		    conf_apply(st->c, (enum opt_id)i, val, SRC_FILE, st->line)) {
			st->err = -EINVAL;
			return 0;
		}
		return 1;
	}
	return fail(st, st->line, "unknown key '%s' in [%s]", name, st->section);
}

int conf_ini_max_line(void)
{
	return ini_max_line - 3;
}

int conf_load_ini_buf(struct muster_conf *c, const char *name, const char *buf, size_t len)
{
	struct ini_state st;
	int r;

	memset(&st, 0, sizeof(st));
	st.c = c;
	st.file = name;
	st.buf = buf;
	st.len = len;
	conf_init(&st.check);
	st.check.file = name;
	c->file = name;
	ini_allow_multiline = false; /* belt and braces: the reader refuses them */
	ini_stop_on_first_error = true;
	ini_allow_inline_comments = true;

	r = ini_parse_stream(reader, &st, handler, &st);
	if (!st.err)
		end_hook(&st);
	if (!st.err && r > 0)
		fail(&st, r, "expected 'key = value', '[section]' or a comment");
	else if (!st.err && r < 0)
		st.err = -ENOMEM;
	conf_free(&st.check);
	if (st.err == -ENOMEM)
		log_error("%s: out of memory", name);
	return st.err ? -EBADMSG : 0;
}

/* Read a whole regular file of at most INI_MAX_FILE bytes. */
static int read_file(const char *path, bool explicit_path, char **out, size_t *outlen)
{
	int fd = open_regular(AT_FDCWD, path, NULL);

	if (fd == -ENOENT && !explicit_path)
		return 1;
	if (fd == -EINVAL) {
		log_error("%s: not a regular file", path);
		return -EINVAL;
	}
	if (fd < 0) {
		log_error("%s: cannot open the config file: %s", path, strerror(-fd));
		return -EINVAL;
	}
	fd = fd_read_all(fd, INI_MAX_FILE, out, outlen);
	if (fd == -EFBIG)
		log_error("%s: larger than 1 MiB", path);
	else if (fd)
		log_error("%s: cannot read the config file: %s", path, strerror(-fd));
	return fd ? -EINVAL : 0;
}

int conf_load_ini(struct muster_conf *c, const char *path, bool explicit_path)
{
	char *buf = NULL;
	size_t len = 0;
	int r = read_file(path, explicit_path, &buf, &len);

	if (r == 1)
		return 0; /* no default file: nothing to do */
	if (r)
		return -EBADMSG;
	r = conf_load_ini_buf(c, path, buf, len);
	free(buf);
	return r;
}
