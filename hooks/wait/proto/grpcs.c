/* grpcs.c - grpcs://host[:443][/SERVICE]: grpc:// over TLS
 * (hooks/wait/tls.h) with ALPN h2. */
#include "hooks/wait/proto/grpc.h"
#include "hooks/wait/proto/proto.h"

const struct proto proto_grpcs = {
    .names = {"grpcs"},
    .url =
	{
	    .port = 443,
	    .userinfo = URL_NO_USERINFO,
	    .path = URL_PATH_DBNAME,
	    .no_userinfo = "credentials are not allowed in grpcs:// URLs",
	},
    .tls = true,
    .alpn = "h2",
    .request = grpc_request,
    .start = grpc_start,
    .feed = grpc_feed,
    .reply = grpc_reply,
};
