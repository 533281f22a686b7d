/* test_proto.c - the scheme table (hooks/wait/proto/): every entry found
 * by each of its names in any case, its URL syntax complete, default
 * ports, what an unknown scheme is told. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/wait/proto/proto.h"

static void t_every_name_resolves(void **st)
{
	const struct proto *p;
	char upper[32];
	size_t i, k, j;

	for (i = 0; (p = proto_at(i)); i++) {
		assert_non_null(p->names[0]);
		for (k = 0; k < 3 && p->names[k]; k++) {
			const char *n = p->names[k];

			assert_ptr_equal(proto_find(n, strlen(n)), p);
			assert_ptr_equal(proto_url_scheme(n, strlen(n), NULL, 0), &p->url);
			for (j = 0; n[j] && j + 1 < sizeof(upper); j++)
				upper[j] = (char)(n[j] >= 'a' && n[j] <= 'z' ? n[j] - 32 : n[j]);
			upper[j] = '\0';
			assert_ptr_equal(proto_find(upper, j), p);
		}
	}
	assert_int_equal(i, 13);
	assert_null(proto_find("tcpx", 4));
	assert_null(proto_find("tc", 2));
	assert_null(proto_find("", 0));
}

/* Each rule an entry's syntax sets has the scheme's words for what it
 * refuses; what it is probed with is consistent. */
static void t_entries_complete(void **st)
{
	const struct proto *p;
	size_t i;

	for (i = 0; (p = proto_at(i)); i++) {
		const struct url_syntax *u = &p->url;

		if (u->path != URL_PATH_LOCAL && !u->port && !u->bad_port)
			assert_non_null(u->no_port);
		if (u->bad_port) /* no port at all, so none by default */
			assert_int_equal(u->port, 0);
		if (u->userinfo == URL_NO_USERINFO && u->path != URL_PATH_LOCAL)
			assert_non_null(u->no_userinfo);
		if (u->path == URL_PATH_NONE || u->path == URL_PATH_DBNUMBER ||
		    u->path == URL_PATH_LOCAL)
			assert_non_null(u->bad_path);
		if (p->stat_path)
			assert_int_equal(u->path, URL_PATH_LOCAL);
		if (p->resolve_only) /* a name, nothing asked of what it names */
			assert_true(u->path == URL_PATH_NONE && u->bad_port && !p->request &&
				    !p->judge && !p->feed);
		if (p->judge)
			assert_non_null(p->server);
		/* a request is answered one way, whole or streamed; without one
		 * the server may speak first (mysql), judged the same ways */
		if (p->request)
			assert_true(!p->judge != !p->feed);
		else
			assert_true(!(p->judge && p->feed));
		assert_true(!p->start == !p->feed);
	}
}

static void t_default_ports(void **st)
{
	static const struct {
		const char *name;
		uint16_t port;
	} want[] = {{"tcp", 0},	    {"postgres", 5432}, {"postgresql", 5432}, {"mysql", 3306},
		    {"redis", 6379}, {"amqp", 5672},	{"http", 80},	      {"https", 443},
		    {"rediss", 6379}, {"grpc", 0},	{"grpcs", 443},	      {"unix", 0},
		    {"file", 0},     {"dns", 0}};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct proto *p = proto_find(want[i].name, strlen(want[i].name));

		assert_non_null(p);
		assert_int_equal(p->url.port, want[i].port);
	}
	assert_ptr_equal(proto_find("postgres", 8), proto_find("postgresql", 10));
}

/* "tcp, ... file" with `last` before the last name: built from the table. */
static void table_names(char *out, size_t n, const char *last)
{
	size_t i, pos = 0;

	out[0] = '\0';
	for (i = 0; proto_at(i); i++)
		pos += (size_t)snprintf(out + pos, n - pos, "%s%s",
					!i		  ? ""
					: proto_at(i + 1) ? ", "
							  : last,
					proto_at(i)->names[0]);
}

/* The names listed are the table's, first names only, in its order. */
static void t_unknown_scheme(void **st)
{
	char why[256], names[200], want[256];

	table_names(names, sizeof(names), " or ");
	snprintf(want, sizeof(want), "unknown scheme; use %s", names);
	assert_null(proto_url_scheme("gopher", 6, why, sizeof(why)));
	assert_string_equal(why, want);
	assert_string_equal(why, "unknown scheme; use tcp, postgres, mysql, redis, amqp, http, "
				 "https, rediss, grpc, grpcs, unix, file or dns");
	assert_null(proto_url_scheme("", 0, why, sizeof(why)));
	assert_string_equal(why, want);

	table_names(names, sizeof(names), ", ");
	snprintf(want, sizeof(want), "expected SCHEME://..., one of %s", names);
	assert_null(proto_url_scheme(NULL, 0, why, sizeof(why)));
	assert_string_equal(why, want);
	assert_string_equal(why, "expected SCHEME://..., one of tcp, postgres, mysql, redis, amqp, "
				 "http, https, rediss, grpc, grpcs, unix, file, dns");
	assert_null(proto_url_scheme("gopher", 6, NULL, 0));
}

/* A URL knows its entry again. */
static void t_proto_of(void **st)
{
	struct url u;
	char err[256];

	assert_int_equal(url_parse("postgresql://db", proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_ptr_equal(proto_of(&u), proto_find("postgres", 8));
	url_free(&u);
	assert_int_equal(url_parse("HTTP://app/", proto_url_scheme, &u, err, sizeof(err)), 0);
	assert_ptr_equal(proto_of(&u), proto_find("http", 4));
	url_free(&u);
	assert_null(proto_of(&u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_every_name_resolves),
	    cmocka_unit_test(t_entries_complete),
	    cmocka_unit_test(t_default_ports),
	    cmocka_unit_test(t_unknown_scheme),
	    cmocka_unit_test(t_proto_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
