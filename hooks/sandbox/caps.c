/* caps.c - capability names and the drop, with libcap-ng. */
#include "hooks/sandbox/caps.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

#include "conf/log.h"

/* "NET_BIND_SERVICE", for messages. */
static const char *cap_name(int cap)
{
	const char *n = capng_capability_to_name((unsigned)cap);
	static char up[64];
	size_t i;

	if (!n)
		return "?";
	for (i = 0; n[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)n[i]);
	up[i] = '\0';
	return up;
}

int cap_parse(const char *name)
{
	char low[64];
	size_t i;
	int cap;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	if (!*name || strlen(name) >= sizeof(low))
		return -EINVAL;
	for (i = 0; name[i]; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return -EINVAL;
		low[i] = (char)tolower((unsigned char)name[i]);
	}
	low[i] = '\0';
	cap = capng_name_to_capability(low);
	if (cap < 0 || cap > 63)
		return -EINVAL;
	return cap;
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

int caps_check_available(uint64_t keep)
{
	int cap;

	capng_get_caps_process();
	for (cap = 0; cap <= 63; cap++) {
		if (!(keep & (1ull << cap)) ||
		    capng_have_capability(CAPNG_PERMITTED, (unsigned)cap))
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
	capng_get_caps_process();
	return capng_have_capability(CAPNG_EFFECTIVE, (unsigned)cap);
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
	uint64_t drop, left;
	int cap, rc, r;

	capng_get_caps_process();
	if ((r = bset_unkept(keep, &drop)))
		return r;
	for (cap = 0; cap <= 63; cap++)
		if (drop & (1ull << cap))
			capng_update(CAPNG_DROP, CAPNG_BOUNDING_SET, (unsigned)cap);
	rc = capng_apply(CAPNG_SELECT_BOUNDS);
	/* libcap-ng skips the drop without CAP_SETPCAP: check the result */
	if ((r = bset_unkept(keep, &left)))
		return r;
	if (!left)
		return 0;
	capng_get_caps_process();
	if (may_skip && capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) {
		log_warn("capability bounding set left as it is: muster already "
			 "runs without capabilities (no CAP_SETPCAP)");
		return 0;
	}
	log_error("cannot drop %s from the capability bounding set "
		  "(muster lacks CAP_SETPCAP; capng_apply: %d)",
		  cap_name(__builtin_ctzll(left)), rc);
	return -EPERM;
}

int caps_set(uint64_t keep, bool ambient)
{
	capng_select_t sel = CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT;
	int cap, rc;

	/* effective, permitted, inheritable and ambient from scratch; the
	 * ambient set is cleared, then raised (it needs P and I) */
	capng_clear(CAPNG_SELECT_ALL);
	for (cap = 0; cap <= 63; cap++) {
		if (!(keep & (1ull << cap)))
			continue;
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE,
			     (unsigned)cap);
		if (ambient)
			capng_update(CAPNG_ADD, CAPNG_AMBIENT, (unsigned)cap);
	}
	rc = capng_apply(sel);
	if (rc) {
		log_error("cannot set capabilities (capng_apply: %d): %s", rc, strerror(errno));
		return -EPERM;
	}
	return 0;
}
