/* pid1.c - muster's own process attributes (see pid1.h). */
#include "init/pid1/self.h"

#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/log.h"

int pid1_setup(const struct muster_conf *c)
{
	if (c->pdeathsig && prctl(PR_SET_PDEATHSIG, c->pdeathsig) < 0) {
		int e = errno;

		log_error("cannot set the parent-death signal (-p): %s", strerror(e));
		return -e;
	}
	if ((c->subreaper || getpid() != 1) && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		int e = errno;

		if (c->subreaper) {
			log_error("cannot become a child subreaper (-s): %s", strerror(e));
			return -e;
		}
		log_warn("cannot become a child subreaper: %s", strerror(e));
	}
	return 0;
}

/* dl_iterate_phdr's callback: the first object is muster itself. */
static int release_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t page = *(const uintptr_t *)arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr, end = start + ph->p_memsz;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		/* whole pages only: a page shared with a writable segment stays */
		start = (start + page - 1) & ~(page - 1);
		end &= ~(page - 1);
		/* no log line here: it would map back what this drops */
		if (end > start)
			syscall(SYS_madvise, (void *)start, end - start, MADV_DONTNEED);
	}
	return 1; /* muster only, not its shared libraries (dynamic builds) */
}

void pid1_release_setup_pages(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	/* (the page size first: sysconf reads a table of the read-only data
	 * that is about to be dropped) */
	dl_iterate_phdr(release_segments, &page);
}
