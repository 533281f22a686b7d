/* rediss.c - rediss://[[user]:pw@]host[:6379]: redis:// over TLS
 * (hooks/wait/tls.h), as managed Redis with in-transit encryption serves
 * it; the same AUTH, PING and judge. */
#include "hooks/wait/proto/proto.h"
#include "hooks/wait/proto/redis.h"

const struct proto proto_rediss = {
    .names = {"rediss"},
    .url =
	{
	    .port = 6379,
	    .userinfo = URL_PASSWORD_FIRST,
	    .path = URL_PATH_DBNUMBER,
	    .bad_path = "the redis database must be a number (rediss://host:6379/0)",
	},
    .tls = true,
    .request = redis_request,
    .judge = redis_judge,
    .server = "Redis",
};
