/* httpd - the smallest HTTP server the health benchmark needs.
 * usage: httpd PORT
 * Listens on 127.0.0.1:PORT and answers every request, one connection at
 * a time, with "200 OK" and a 3-byte body, then closes the connection.
 * Prints "ready" on stdout once it listens; runs until killed. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char REPLY[] = "HTTP/1.1 200 OK\r\n"
			    "Content-Type: text/plain\r\n"
			    "Content-Length: 3\r\n"
			    "Connection: close\r\n"
			    "\r\n"
			    "ok\n";

static void serve(int c)
{
	char buf[8192];
	size_t have = 0;

	while (have < sizeof(buf) - 1) {
		ssize_t n = read(c, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			return;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	if (write(c, REPLY, sizeof(REPLY) - 1) < 0)
		return;
	shutdown(c, SHUT_WR);
	while (read(c, buf, sizeof(buf)) > 0) /* until the client closes */
		;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int port = argc == 2 ? atoi(argv[1]) : 0, fd, one = 1;

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "usage: httpd PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		perror("httpd");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			continue;
		serve(c);
		close(c);
	}
}
