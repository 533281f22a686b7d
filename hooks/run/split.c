/* split.c - shell-like word splitting of hook command lines. */
#include "hooks/run/split.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/secrets/expand.h"

struct buf {
	char *s;
	size_t n, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

static int push_word(char ***argv, size_t *argc, struct buf *w)
{
	char **nv = realloc(*argv, (*argc + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*argv = nv;
	nv[*argc] = w->s ? w->s : strdup("");
	if (!nv[*argc])
		return -ENOMEM;
	nv[++*argc] = NULL;
	w->s = NULL;
	w->n = w->cap = 0;
	return 0;
}

void split_free(char **argv)
{
	char **p;

	for (p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ${NAME} at s: append the value to w, advance *i. */
static int var(struct buf *w, const char *s, size_t *i, int expand, char *err, size_t errlen)
{
	const char *val;
	size_t len;
	int r;

	if (!expand || s[*i + 1] != '{')
		return put(w, s + (*i)++, 1);
	r = expand_ref(s + *i, &len, &val, err, errlen);
	if (r)
		return r;
	*i += len;
	return put(w, val, strlen(val));
}

int split_words(const char *s, int expand, char ***argv, size_t *argc, char *err, size_t errlen)
{
	struct buf w = {0};
	size_t i = 0;
	int r = 0, inword = 0;

	*argv = calloc(1, sizeof(char *));
	*argc = 0;
	if (!*argv)
		return -ENOMEM;
	while (!r) {
		char c = s[i];

		if (!c || is_space(c)) {
			if (inword)
				r = push_word(argv, argc, &w);
			inword = 0;
			if (!c)
				break;
			i++;
		} else if (c == '\'') {
			const char *end = strchr(s + i + 1, '\'');

			if (!end) {
				snprintf(err, errlen, "unterminated single quote in command line");
				r = -EINVAL;
				break;
			}
			inword = 1;
			r = put(&w, s + i + 1, (size_t)(end - (s + i + 1)));
			i = (size_t)(end - s) + 1;
		} else if (c == '"') {
			inword = 1;
			r = put(&w, "", 0);
			for (i++; !r && s[i] != '"';) {
				if (!s[i]) {
					snprintf(err, errlen,
						 "unterminated double quote in command line");
					r = -EINVAL;
				} else if (s[i] == '\\' && s[i + 1] &&
					   strchr("\"\\$`\n", s[i + 1])) {
					if (s[i + 1] != '\n')
						r = put(&w, s + i + 1, 1);
					i += 2;
				} else if (s[i] == '$') {
					r = var(&w, s, &i, expand, err, errlen);
				} else {
					r = put(&w, s + i++, 1);
				}
			}
			i++;
		} else if (c == '\\') {
			if (!s[i + 1]) {
				snprintf(err, errlen, "trailing backslash in command line");
				r = -EINVAL;
				break;
			}
			if (s[i + 1] != '\n') {
				inword = 1;
				r = put(&w, s + i + 1, 1);
			}
			i += 2;
		} else if (c == '$') {
			size_t before = w.n;
			int ref = expand && s[i + 1] == '{';

			r = var(&w, s, &i, expand, err, errlen);
			if (!ref || w.n > before) /* unquoted and empty: no word */
				inword = 1;
		} else {
			inword = 1;
			r = put(&w, s + i++, 1);
		}
	}
	free(w.s);
	if (r) {
		split_free(*argv);
		*argv = NULL;
		*argc = 0;
	}
	return r;
}
