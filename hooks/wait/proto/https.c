/* https.c - https://host[:443]/path: http:// over TLS (hooks/wait/tls.h),
 * the same request and reader, --expect, headers and --unix-socket. */
#include "hooks/wait/proto/http.h"
#include "hooks/wait/proto/proto.h"

const struct proto proto_https = {
    .names = {"https"},
    .url =
	{
	    .port = 443,
	    .userinfo = URL_NO_USERINFO,
	    .path = URL_PATH_TARGET,
	    .no_userinfo = "credentials in https:// URLs are not supported; use --header "
			   "'Authorization: ...'",
	},
    .unix_socket = true,
    .tls = true,
    .request = http_request,
    .start = http_start,
    .feed = http_feed,
};
