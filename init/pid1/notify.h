/* notify.h - sd_notify for the service manager that started muster
 * (systemd Type=notify, `podman run --sdnotify=container`): datagrams such
 * as "READY=1" to the unix socket NOTIFY_SOCKET names. */
#ifndef MUSTER_NOTIFY_H
#define MUSTER_NOTIFY_H

/* Take NOTIFY_SOCKET out of the environment (muster speaks for the
 * container: the hooks and the workload must not send READY=1 of their
 * own) and remember where it points: "/path" or "@abstract".  Any other
 * form is one warning, and nothing is ever sent. */
void notify_setup(void);

/* Whether there is a service manager to tell. */
int notify_enabled(void);

/* Send `msg` ("READY=1\nSTATUS=running"), never blocking, through a socket
 * opened for it and closed after it (PID 1 holds none while it waits); a
 * failure is a debug line, never an error: the service manager is not the
 * workload. */
void notify_send(const char *msg);

/* In a child of muster that does not exec (the probes): never tell the
 * service manager anything; that is PID 1's to do. */
void notify_close(void);

#endif
