/* clock.h - the one monotonic clock of muster, in milliseconds: deadlines,
 * graces, backoffs and elapsed times all read it. */
#ifndef MUSTER_CLOCK_H
#define MUSTER_CLOCK_H

#include <stdint.h>

int64_t mono_ms(void);

#endif
