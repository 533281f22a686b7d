/* tcp.c - tcp://host:port: ready when a connection is accepted. */
#include "hooks/wait/proto/proto.h"

const struct proto proto_tcp = {
    .names = {"tcp"},
    .url =
	{
	    .userinfo = URL_NO_USERINFO,
	    .path = URL_PATH_NONE,
	    .no_port = "a port is required (tcp://host:port)",
	    .no_userinfo = "credentials are not allowed in tcp:// URLs",
	    .bad_path = "tcp:// URLs take no path",
	},
};
