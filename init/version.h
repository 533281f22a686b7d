/* version.h - `muster --version`. */
#ifndef MUSTER_INIT_VERSION_H
#define MUSTER_INIT_VERSION_H

/* Prints "muster VERSION", then one line per library linked in: "NAME
 * VERSION LICENCE" (release builds; the list the SBOM is made from). */
void version_print(void);

#endif
