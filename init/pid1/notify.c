/* notify.c - sd_notify datagrams to NOTIFY_SOCKET (see notify.h). */
#include "init/pid1/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf/log.h"

static struct sockaddr_un addr;
static socklen_t addr_len; /* 0: no service manager (or not this process's to tell) */

void notify_setup(void)
{
	const char *v = getenv("NOTIFY_SOCKET");
	size_t n = v ? strlen(v) : 0;

	if (!n)
		return;
	if ((v[0] != '/' && v[0] != '@') || n >= sizeof(addr.sun_path))
		log_warn("NOTIFY_SOCKET: not a unix socket path or @abstract name, "
			 "not notifying: '%s'",
			 v);
	else {
		addr.sun_family = AF_UNIX;
		memcpy(addr.sun_path, v, n);
		if (v[0] == '@')
			addr.sun_path[0] = '\0'; /* abstract: no trailing NUL in its length */
		addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (v[0] == '/'));
	}
	unsetenv("NOTIFY_SOCKET");
}

int notify_enabled(void)
{
	return addr_len != 0;
}

void notify_send(const char *msg)
{
	int fd, err = 0;

	if (!addr_len)
		return;
	/* a socket for each message: PID 1 holds none in between (a handful
	 * of messages in a container's life) */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT,
			     (const struct sockaddr *)&addr, addr_len) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err)
		log_debug("cannot notify the service manager: %s", strerror(err));
}

void notify_close(void)
{
	addr_len = 0;
}
