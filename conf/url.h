/* url.h - the URL model: parsing of the wait/health URLs, for every scheme.
 *
 *   SCHEME://[userinfo@]host[:port][/path][?query][#fragment]
 *   SCHEME:///absolute/path                  (schemes without a host)
 *
 * conf/ names no scheme: they live in the scheme table
 * (hooks/wait/proto/proto.c), which hands url_parse() and the redactor a
 * url_scheme_fn, and through it each scheme's struct url_syntax, the
 * rules below.  One parser, whatever the scheme. */
#ifndef MUSTER_CONF_URL_H
#define MUSTER_CONF_URL_H

#include <stddef.h>
#include <stdint.h>

/* What a user information without ':' is, when credentials are allowed. */
enum url_userinfo {
	URL_NO_USERINFO,    /* credentials refused (.no_userinfo says why) */
	URL_USER_FIRST,	    /* user[:password]: "name@" is a user name */
	URL_PASSWORD_FIRST, /* [user]:password or password: "secret@" is a password */
};

/* What follows host[:port]. */
enum url_path {
	URL_PATH_NONE,	   /* nothing, or "/" alone (else .bad_path) */
	URL_PATH_TARGET,   /* a request target: path and query as written, "/" by default */
	URL_PATH_DBNAME,   /* "/name", percent-decoded; the query is ignored */
	URL_PATH_DBNUMBER, /* "/digits" (else .bad_path), checked, not kept */
	URL_PATH_LOCAL,	   /* no host: SCHEME:///absolute/path */
};

/* One scheme's URL syntax.  The messages are the scheme's own words for
 * what its rules refuse. */
struct url_syntax {
	uint16_t port; /* default port; 0: the URL must give one */
	enum url_userinfo userinfo;
	enum url_path path;
	const char *no_port;	 /* port 0 and none given: "a port is required (...)" */
	const char *no_userinfo; /* URL_NO_USERINFO and credentials given */
	const char *bad_path;	 /* a path URL_PATH_NONE, _DBNUMBER, _LOCAL does not take */
	const char *empty_path;	 /* URL_PATH_LOCAL: "/" alone refused; NULL: taken */
	const char *bad_port;	 /* non-NULL: the scheme takes no port (the host alone,
				    u->port 0), and this says so when one is given */
};

/* The scheme table's answer for the scheme [name, name+len) (any case):
 * its syntax, or NULL after writing to why (unless NULL) a one-line reason
 * that names the schemes there are.  name NULL: the URL has no "://". */
typedef const struct url_syntax *url_scheme_fn(const char *name, size_t len, char *why,
					       size_t whylen);

struct url {
	const struct url_syntax *syntax; /* its scheme's, from the scheme table */
	char *host;			 /* no brackets for IPv6 literals; NULL: URL_PATH_LOCAL */
	uint16_t port;			 /* the scheme's default when absent */
	char *user;			 /* NULL: none */
	char *password;			 /* secret: never log; NULL: none */
	char *path;    /* request target, database name or local path; NULL: none */
	char *display; /* the URL as written, its password redacted (conf/redact.h) */
};

/* Where the parts of a URL's text are, found without judging them (any
 * text will do): where the parser and the redactor both start. */
struct url_parts {
	const char *scheme; /* NULL: no "://" (and then no authority either) */
	size_t scheme_len;
	const char *auth;     /* just after "://" */
	const char *auth_end; /* the first '/', '?' or '#' after it, or the end */
	const char *at;	      /* the last '@' of the authority, ending the user info; NULL: none */
	const char *colon;    /* the first ':' of the user information; NULL: none */
};

void url_split(const char *s, struct url_parts *p);

/* The value of one hex digit of a %XX escape (either case), or -1. */
int url_hexval(char c);

/* Parse `s` into `u`, by the rules `scheme` gives for its scheme.  On
 * error returns -EINVAL and writes a one-line reason to err that names the
 * URL by its display form (never with its password). */
int url_parse(const char *s, url_scheme_fn *scheme, struct url *u, char *err, size_t errlen);

/* s points at "${": store how many bytes the reference takes and its
 * variable's value; or return -EINVAL after writing to err why not (naming
 * the variable, never a value).  hooks/secrets/expand.h's expand_ref(). */
typedef int url_ref_fn(const char *s, size_t *len, const char **val, char *err, size_t errlen);

/* url_parse() of a URL template: `s` as written, its ${NAME} references
 * (ref) not yet replaced.  The text is parsed first; then, inside each part
 * that takes them (user, password, host[:port], path, query), every
 * reference is replaced by its value, taken as is: whatever bytes it
 * holds are data of that part, never read as URL syntax ('/', '?', '#',
 * '@', ':', '%' included).  Literal text keeps its URL meaning (%XX in a
 * user, password or database name is decoded).  In a request target
 * (http) a value is percent-encoded, all but A-Z a-z 0-9 - . _ ~; in
 * host[:port] it must read as one (it is checked as host[:port]).  The
 * display form and every message show the URL as written, redacted. */
int url_parse_refs(const char *s, url_scheme_fn *scheme, url_ref_fn *ref, struct url *u, char *err,
		   size_t errlen);
void url_free(struct url *u);

#endif
