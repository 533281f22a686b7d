/* file.c - file:///path: ready when the path exists (nothing to connect to). */
#include "hooks/wait/proto/proto.h"

const struct proto proto_file = {
    .names = {"file"},
    .url =
	{
	    .path = URL_PATH_LOCAL,
	    /* the words unix:// uses, example included */
	    .bad_path = "expected an absolute path after :// (three slashes: unix:///run/x.sock)",
	},
    .stat_path = true,
};
