/* phase.c - PID 1's lifecycle phase, published as an abstract unix socket
 * name and sent as sd_notify STATUS= (see phase.h). */
#include "init/pid1/phase.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/redact.h"
#include "init/pid1/notify.h"

#define PREFIX "muster-phase/"

static const char *const names[] = {"starting", "running", "draining", "stopping"};
static int held = -1;	  /* the socket whose name is the phase */
static char current[160]; /* its text */
static bool stopping_sent, ready_sent;
static bool lent; /* a child (the prober) holds the name: phase_lend() */

/* The key that tells PID namespaces apart: the inode of ours. */
static unsigned long long pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) ? 0 : (unsigned long long)st.st_ino;
}

/* Bind a new socket to "\0muster-phase/NS/text", then let the old one go:
 * there is always exactly one name, never none in between. */
static void publish(const char *text)
{
	static char key[48]; /* "muster-phase/NS/", found once */
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	unsigned long long ns;
	int n, fd;

	if (!key[0]) {
		/* only PID 1 speaks for the container; and with no /proc
		 * nobody could look it up either */
		if (getpid() != 1 || !(ns = pidns()))
			return;
		snprintf(key, sizeof(key), PREFIX "%llu/", ns);
	}
	n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "%s%s", key, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(a.sun_path) - 1) {
		n = (int)sizeof(a.sun_path) - 1; /* cut: the start says enough */
		memcpy(a.sun_path + 1 + n - 3, "...", 3);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a,
			   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0) {
		log_debug("cannot publish the phase '%s'", text);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (held >= 0)
		close(held);
	held = fd;
}

/* Control bytes would break the one line of /proc/net/unix: '?' instead. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void phase_set(enum phase p, const char *detail)
{
	char text[160], msg[200];

	snprintf(text, sizeof(text), detail ? "%s (%s)" : "%s", names[p], detail);
	redact_secrets(text, sizeof(text)); /* any user can read it */
	printable(text);
	if (!strcmp(text, current))
		return;
	memcpy(current, text, sizeof(current));
	if (!lent)
		publish(text);
	if (!notify_enabled())
		return;
	snprintf(msg, sizeof(msg), "%sSTATUS=%s",
		 p >= PHASE_DRAINING && !stopping_sent ? "STOPPING=1\n" : "", text);
	stopping_sent |= p >= PHASE_DRAINING;
	notify_send(msg);
}

void phase_ready(void)
{
	if (!ready_sent && !stopping_sent)
		notify_send("READY=1");
	ready_sent = true;
}

void phase_lend(void)
{
	if (held >= 0)
		close(held);
	held = -1;
	lent = true;
}

void phase_take_back(void)
{
	lent = false;
	publish(current);
}

void phase_close(void)
{
	if (held >= 0)
		close(held);
	held = -1;
	notify_close();
}

/* One line of /proc/net/unix: "Num: RefCount Protocol Flags Type St Inode
 * Path", the path of an abstract name starting with '@'.  Returns the
 * phase of PID namespace `key` ("NS/") in the line, or NULL. */
static char *phase_in(char *line, const char *key, size_t keylen)
{
	char *p = strstr(line, " @" PREFIX);

	if (!p || strncmp(p + 2 + strlen(PREFIX), key, keylen))
		return NULL;
	p += 2 + strlen(PREFIX) + keylen;
	p[strcspn(p, "\n")] = '\0';
	return p;
}

int phase_lookup(char *out, size_t len)
{
	char line[512], key[32], *text;
	unsigned long long ns = pidns();
	size_t keylen;
	int found = 0;
	FILE *f;

	if (!ns || !(f = fopen("/proc/net/unix", "re")))
		return 0;
	keylen = (size_t)snprintf(key, sizeof(key), "%llu/", ns);
	while (!found && fgets(line, sizeof(line), f))
		if ((text = phase_in(line, key, keylen))) {
			snprintf(out, len, "%s", text);
			found = 1;
		}
	fclose(f);
	return found;
}
