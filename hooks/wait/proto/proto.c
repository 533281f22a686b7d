/* proto.c - the scheme table (see proto.h). */
#include "hooks/wait/proto/proto.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The table, in the order messages list the schemes: one line per
 * scheme, NAME for the entry proto_NAME its file (NAME.c) defines. */
#define SCHEMES(X)                                                                                 \
	X(tcp)                                                                                     \
	X(postgres)                                                                                \
	X(mysql)                                                                                   \
	X(redis)                                                                                   \
	X(amqp)                                                                                    \
	X(http)                                                                                    \
	X(https)                                                                                   \
	X(rediss)                                                                                  \
	X(grpc)                                                                                    \
	X(grpcs)                                                                                   \
	X(unix)                                                                                    \
	X(file)                                                                                    \
	X(dns)

#define DECLARE(name) extern const struct proto proto_##name;
#define ADDRESS(name) &proto_##name,
SCHEMES(DECLARE)
static const struct proto *const table[] = {SCHEMES(ADDRESS)};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool named(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !strncasecmp(name, s, len);
}

void proto_text(char *out, size_t on, const void *s, size_t n)
{
	const uint8_t *b = s;
	size_t i;

	for (i = 0; i < n && i + 1 < on; i++)
		out[i] = (b[i] >= 0x20 && b[i] < 0x7f) ? (char)b[i] : '?';
	if (on)
		out[i] = '\0';
}

const struct proto *proto_find(const char *name, size_t len)
{
	size_t i, k;

	for (i = 0; i < N(table); i++)
		for (k = 0; k < N(table[i]->names) && table[i]->names[k]; k++)
			if (named(name, len, table[i]->names[k]))
				return table[i];
	return NULL;
}

const struct proto *proto_at(size_t i)
{
	return i < N(table) ? table[i] : NULL;
}

const struct proto *proto_of(const struct url *u)
{
	/* the syntax url_parse() was given is a member of its entry */
	return u->syntax ? (const struct proto *)(const void *)((const char *)u->syntax -
								offsetof(struct proto, url))
			 : NULL;
}

/* "tcp, postgres, ... file", the last one after `last` (", " or " or "). */
static void list_names(char *out, size_t n, const char *last)
{
	size_t i, pos = 0;

	out[0] = '\0';
	for (i = 0; i < N(table) && pos < n; i++)
		pos += (size_t)snprintf(out + pos, n - pos, "%s%s",
					!i		   ? ""
					: i + 1 < N(table) ? ", "
							   : last,
					table[i]->names[0]);
}

const struct url_syntax *proto_url_scheme(const char *name, size_t len, char *why, size_t whylen)
{
	const struct proto *p = name ? proto_find(name, len) : NULL;
	char names[128];

	if (p)
		return &p->url;
	if (!why || !whylen)
		return NULL;
	list_names(names, sizeof(names), name ? " or " : ", ");
	snprintf(why, whylen, name ? "unknown scheme; use %s" : "expected SCHEME://..., one of %s",
		 names);
	return NULL;
}
