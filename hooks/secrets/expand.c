/* expand.c - ${NAME} expansion from the environment. */
#include "hooks/secrets/expand.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

int expand_ref(const char *s, size_t *len, const char **val, char *err, size_t errlen)
{
	const char *p = s + 2;
	char name[256];
	size_t n;

	while (name_char(*p))
		p++;
	n = (size_t)(p - (s + 2));
	if (!n || !name_start(s[2]) || *p != '}') {
		snprintf(err, errlen, "bad variable reference '%.*s': expected ${NAME}",
			 (int)(*p == '}' ? n + 3 : n + 2), s);
		return -EINVAL;
	}
	if (n >= sizeof(name)) {
		snprintf(err, errlen, "variable name too long in ${...}");
		return -EINVAL;
	}
	memcpy(name, s + 2, n);
	name[n] = '\0';
	*val = getenv(name);
	if (!*val) {
		snprintf(err, errlen, "${%s}: variable %s is not set", name, name);
		return -EINVAL;
	}
	*len = n + 3;
	return 0;
}

/* expand_vars(); one_line: a value holding CR or LF is refused. */
static int expand(const char *in, char **out, char *err, size_t errlen, int one_line)
{
	size_t cap = strlen(in) + 1, o = 0, i = 0;
	char *buf = malloc(cap), *nb;

	if (!buf)
		return -ENOMEM;
	while (in[i]) {
		const char *val;
		size_t len, vl;
		int r;

		if (in[i] != '$' || in[i + 1] != '{') {
			buf[o++] = in[i++];
			continue;
		}
		r = expand_ref(in + i, &len, &val, err, errlen);
		if (!r && one_line && strpbrk(val, "\r\n")) {
			snprintf(err, errlen, "the value of %.*s holds a line break", (int)len,
				 in + i);
			r = -EINVAL;
		}
		vl = r ? 0 : strlen(val);
		nb = r ? NULL : realloc(buf, cap += vl);
		if (!nb) {
			explicit_bzero(buf, o);
			free(buf);
			return r ? r : -ENOMEM;
		}
		buf = nb;
		memcpy(buf + o, val, vl);
		o += vl;
		i += len;
	}
	buf[o] = '\0';
	*out = buf;
	return 0;
}

int expand_vars(const char *in, char **out, char *err, size_t errlen)
{
	return expand(in, out, err, errlen, 0);
}

int expand_line(const char *in, char **out, char *err, size_t errlen)
{
	return expand(in, out, err, errlen, 1);
}

void expand_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void expand_argv_free(char **argv)
{
	char **p;

	for (p = argv; p && *p; p++)
		expand_free(*p);
	free(argv);
}

int expand_argv(char *const *argv, char ***out, char *err, size_t errlen)
{
	size_t n = 0, i;
	char **v;

	while (argv[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int r = expand_vars(argv[i], &v[i], err, errlen);

		if (r) {
			size_t l = strlen(err);

			if (r == -EINVAL && l < errlen)
				snprintf(err + l, errlen - l, " (argument %zu of the command)", i);
			expand_argv_free(v);
			return r;
		}
	}
	*out = v;
	return 0;
}
