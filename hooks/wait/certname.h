/* certname.h - which names a server certificate is for, and whether the
 * host muster connected to is one of them: its subjectAltName dNSName and
 * iPAddress entries (a '*' only as the whole left-most label, RFC 6125),
 * the subject's CN only when it has neither.  BearSSL checks DNS names
 * only; this is the one host check of https, rediss and grpcs.  Pure: it
 * reads the DER of a certificate the server sent. */
#ifndef MUSTER_CERTNAME_H
#define MUSTER_CERTNAME_H

#include <stddef.h>
#include <stdint.h>

enum cert_name { CERT_NAME_OK, CERT_NAME_MISMATCH, CERT_NAME_MALFORMED };

/* Check `host` (a DNS name, an IPv4 or an IPv6 address without brackets)
 * against the certificate `der`.  `names` gets the names it is for,
 * comma-separated and printable (cut to fit), for the error line. */
enum cert_name certname_check(const uint8_t *der, size_t n, const char *host, char *names,
			      size_t nlen);

#endif
