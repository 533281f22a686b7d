/* caps.c - capability names and the drop, straight through capget(2),
 * capset(2) and prctl(2).  (Not libcap-ng: its constructor read
 * /proc/sys/kernel/cap_last_cap and probed prctl at every start of every
 * muster, health and wait included, and it pulled sscanf and the
 * floating-point scanner into the static binary, about 20 KB.) */
#include "hooks/sandbox/caps.h"

#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/log.h"

/* The kernel's names, by number (linux/capability.h, up to 6.x). */
static const char *const names[] = {
    "chown",	     "dac_override",	 "dac_read_search", "fowner",
    "fsetid",	     "kill",		 "setgid",	    "setuid",
    "setpcap",	     "linux_immutable",	 "net_bind_service", "net_broadcast",
    "net_admin",     "net_raw",		 "ipc_lock",	    "ipc_owner",
    "sys_module",    "sys_rawio",	 "sys_chroot",	    "sys_ptrace",
    "sys_pacct",     "sys_admin",	 "sys_boot",	    "sys_nice",
    "sys_resource",  "sys_time",	 "sys_tty_config",  "mknod",
    "lease",	     "audit_write",	 "audit_control",   "setfcap",
    "mac_override",  "mac_admin",	 "syslog",	    "wake_alarm",
    "block_suspend", "audit_read",	 "perfmon",	    "bpf",
    "checkpoint_restore"};
#define NNAMES ((int)(sizeof(names) / sizeof(names[0])))

/* "NET_BIND_SERVICE", for messages. */
static const char *cap_name(int cap)
{
	static char up[24];
	size_t i;

	if (cap < 0 || cap >= NNAMES)
		return "?";
	for (i = 0; names[cap][i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)names[cap][i]);
	up[i] = '\0';
	return up;
}

int cap_parse(const char *name)
{
	int cap;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (cap = 0; cap < NNAMES; cap++)
		if (!strcasecmp(name, names[cap]))
			return cap;
	return -EINVAL;
}

int caps_parse_list(const struct strlist *l, uint64_t *mask)
{
	size_t i;

	*mask = 0;
	for (i = 0; i < l->n; i++) {
		int cap = cap_parse(l->v[i].s);

		if (cap < 0) {
			log_error("--cap-keep: unknown capability '%s'", l->v[i].s);
			return -EINVAL;
		}
		*mask |= 1ull << cap;
	}
	return 0;
}

/* The process's effective, permitted and inheritable sets (64 bits each:
 * the kernel's version-3 layout is two 32-bit words per set).  Returns 0
 * or -errno. */
static int caps_get(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

int caps_check_available(uint64_t keep)
{
	uint64_t eff, prm, inh;
	int cap, r;

	if (!keep)
		return 0; /* nothing to keep: nothing to ask the kernel */
	if ((r = caps_get(&eff, &prm, &inh))) {
		log_error("cannot read muster's capabilities: %s", strerror(-r));
		return -EINVAL;
	}
	for (cap = 0; cap <= 63; cap++) {
		if (!(keep & (1ull << cap)) || (prm & (1ull << cap)))
			continue;
		log_error("--cap-keep %s: muster does not have this capability itself "
			  "(see docker run --cap-add)",
			  cap_name(cap));
		return -EINVAL;
	}
	return 0;
}

bool caps_have_effective(int cap)
{
	uint64_t eff = 0, prm, inh; /* (set only when caps_get succeeds) */

	return !caps_get(&eff, &prm, &inh) && (eff & (1ull << cap));
}

#define BSET_END 2

/* PR_CAPBSET_READ: 1 in the bounding set, 0 not, BSET_END past the
 * kernel's last capability (EINVAL there), or -errno (logged): any other
 * error, or EINVAL for CHOWN, which every kernel has.  An error must not
 * read as the end of the list, or the drop would silently drop nothing. */
static int bset_has(int cap)
{
	int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

	if (in >= 0)
		return in;
	if (errno == EINVAL && cap > 0)
		return BSET_END;
	in = -errno;
	log_error("cannot read the capability bounding set (%s): %s", cap_name(cap), strerror(-in));
	return in;
}

/* The capabilities in the bounding set now that `keep` does not keep, as a
 * mask into *out.  Returns 0 or -errno (logged). */
static int bset_unkept(uint64_t keep, uint64_t *out)
{
	int cap, in;

	*out = 0;
	for (cap = 0; cap <= 63; cap++) {
		in = bset_has(cap);
		if (in < 0)
			return in;
		if (in == BSET_END)
			break;
		if (in == 1 && !(keep & (1ull << cap)))
			*out |= 1ull << cap;
	}
	return 0;
}

int caps_drop_bounding(uint64_t keep, bool may_skip)
{
	uint64_t eff, prm, inh, drop, left;
	int cap, r, err = 0;

	/* read it all first: a read error drops nothing */
	if ((r = bset_unkept(keep, &drop)))
		return r;
	for (cap = 0; cap <= 63; cap++)
		if ((drop & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && !err)
			err = errno;
	/* check the result, whatever each drop said */
	if ((r = bset_unkept(keep, &left)) || !left)
		return r;
	if (may_skip && !caps_get(&eff, &prm, &inh) && !(eff | prm | inh)) {
		log_warn("capability bounding set left as it is: muster already "
			 "runs without capabilities (no CAP_SETPCAP)");
		return 0;
	}
	log_error("cannot drop %s from the capability bounding set (muster lacks CAP_SETPCAP): %s",
		  cap_name(__builtin_ctzll(left)), strerror(err ? err : EPERM));
	return -EPERM;
}

int caps_set(uint64_t keep, bool ambient)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	int i, cap;

	/* effective, permitted and inheritable from scratch; then the ambient
	 * set is cleared, and raised (which needs P and I) */
	for (i = 0; i < 2; i++)
		d[i].effective = d[i].permitted = d[i].inheritable = (uint32_t)(keep >> (32 * i));
	if (syscall(SYS_capset, &h, d)) {
		log_error("cannot set capabilities: %s", strerror(errno));
		return -EPERM;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)) {
		log_error("cannot clear the ambient capabilities: %s", strerror(errno));
		return -EPERM;
	}
	for (cap = 0; ambient && cap <= 63; cap++)
		if ((keep & (1ull << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0)) {
			log_error("cannot raise %s in the ambient set: %s", cap_name(cap),
				  strerror(errno));
			return -EPERM;
		}
	return 0;
}
