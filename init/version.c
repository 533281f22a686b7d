/* version.c - `muster --version`.  The library lines come from the build's
 * generated header (Makefile: MUSTER_VERSIONS_H, made by
 * packaging/release-info.sh from the third-party manifest, as the SBOM). */
#include <stdio.h>

#include "init/version.h"
#include MUSTER_VERSIONS_H

void version_print(void)
{
	fputs("muster " MUSTER_VERSION "\n" MUSTER_LINKED, stdout);
}
