/* dns.c - dns://NAME: ready when NAME resolves, through the resolver every
 * scheme uses (hooks/wait/resolve.c: /etc/hosts, then the DNS servers of
 * /etc/resolv.conf); nothing is connected to. */
#include "hooks/wait/proto/proto.h"

#define NAME_ALONE "dns:// URLs take a name alone (dns://db)"

const struct proto proto_dns = {
    .names = {"dns"},
    .url =
	{
	    .userinfo = URL_NO_USERINFO,
	    .path = URL_PATH_NONE,
	    .no_userinfo = NAME_ALONE,
	    .bad_path = NAME_ALONE,
	    .bad_port = NAME_ALONE,
	},
    .resolve_only = true,
};
