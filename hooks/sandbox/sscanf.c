/* sscanf.c - libcap-ng reads the bounding and ambient sets from
 * /proc/self/status with sscanf(3) ("CapBnd:  %08x%08x"), and libc's
 * sscanf drags vfscanf and the floating-point scanner (~9 KB) into the
 * static binary.  This definition, linked before libc in the release build
 * (-u sscanf), scans what that needs, by the C rules for it:
 *   white space   any amount of white space in the input, none too
 *   %%, a byte    that byte (else the scan stops)
 *   %[W]x %[W]u %[W]d   white space skipped, then at most W hex / decimal
 *                 digits (%d: a sign first) into an unsigned / int
 * Any other directive (%s, %f, %lx, %*x, ...) ends the scan.  Returns the
 * number of values stored, EOF when the input ended before the first. */
#include <stdarg.h>
#include <stdio.h>

static int space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int digit(char c, int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* One %x, %u or %d: the digits at *s (at most width, 0: any), *s moved
 * past them.  Returns 0, or -1 when there is none. */
static int number(const char **s, char conv, unsigned width, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0, n = 0, base = conv == 'x' ? 16 : 10;
	int neg = 0, d;

	if (conv == 'd' && (*p == '-' || *p == '+')) {
		neg = *p++ == '-';
		n++;
	}
	for (; (!width || n < width) && (d = digit(*p, (int)base)) >= 0; p++, n++)
		v = v * base + (unsigned)d;
	if (p == *s || digit(p[-1], (int)base) < 0)
		return -1;
	*s = p;
	*out = neg ? 0u - v : v;
	return 0;
}

int sscanf(const char *restrict str, const char *restrict fmt, ...)
{
	const char *s = str;
	unsigned width, v;
	int stored = 0;
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (space(*fmt)) {
			while (space(*s))
				s++;
			continue;
		}
		if (*fmt != '%' || fmt[1] == '%') {
			fmt += *fmt == '%';
			if (*s != *fmt) {
				stored = !*s && !stored ? EOF : stored; /* input ended first */
				break;
			}
			s++;
			continue;
		}
		for (width = 0, fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (unsigned)(*fmt - '0');
		if (*fmt != 'x' && *fmt != 'u' && *fmt != 'd')
			break;
		while (space(*s))
			s++;
		if (!*s && !stored) {
			stored = EOF;
			break;
		}
		if (number(&s, *fmt, width, &v))
			break;
		*va_arg(ap, unsigned *) = v;
		stored++;
	}
	va_end(ap);
	return stored;
}
