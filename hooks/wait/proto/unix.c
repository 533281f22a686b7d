/* unix.c - unix:///path: ready when the socket accepts a connection. */
#include "hooks/wait/proto/proto.h"

const struct proto proto_unix = {
    .names = {"unix"},
    .url =
	{
	    .path = URL_PATH_LOCAL,
	    .bad_path = "expected an absolute path after :// (three slashes: unix:///run/x.sock)",
	    .empty_path = "empty socket path",
	},
};
