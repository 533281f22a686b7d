/* hpack.c - HPACK decoder and literal encoder (see hpack.h). */
#include "hooks/wait/hpack.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* RFC 7541 Appendix A: name and value of entries 1..61, NUL-separated. */
static const char static_table[] =
	":authority\0" "\0" ":method\0" "GET\0" ":method\0" "POST\0" ":path\0" "/\0"
	":path\0" "/index.html\0" ":scheme\0" "http\0" ":scheme\0" "https\0" ":status\0" "200\0"
	":status\0" "204\0" ":status\0" "206\0" ":status\0" "304\0" ":status\0" "400\0"
	":status\0" "404\0" ":status\0" "500\0" "accept-charset\0" "\0"
	"accept-encoding\0" "gzip, deflate\0" "accept-language\0" "\0" "accept-ranges\0" "\0"
	"accept\0" "\0" "access-control-allow-origin\0" "\0" "age\0" "\0" "allow\0" "\0"
	"authorization\0" "\0" "cache-control\0" "\0" "content-disposition\0" "\0"
	"content-encoding\0" "\0" "content-language\0" "\0" "content-length\0" "\0"
	"content-location\0" "\0" "content-range\0" "\0" "content-type\0" "\0" "cookie\0" "\0"
	"date\0" "\0" "etag\0" "\0" "expect\0" "\0" "expires\0" "\0" "from\0" "\0" "host\0" "\0"
	"if-match\0" "\0" "if-modified-since\0" "\0" "if-none-match\0" "\0" "if-range\0" "\0"
	"if-unmodified-since\0" "\0" "last-modified\0" "\0" "link\0" "\0" "location\0" "\0"
	"max-forwards\0" "\0" "proxy-authenticate\0" "\0" "proxy-authorization\0" "\0" "range\0" "\0"
	"referer\0" "\0" "refresh\0" "\0" "retry-after\0" "\0" "server\0" "\0" "set-cookie\0" "\0"
	"strict-transport-security\0" "\0" "transfer-encoding\0" "\0" "user-agent\0" "\0"
	"vary\0" "\0" "via\0" "\0" "www-authenticate\0" "\0";

/* Appendix B, as a canonical Huffman code (which it is): how many codes
 * of each length, and the symbols in code order (EOS, 256, is last). */
/* code lengths 1..30: how many symbols of each (EOS is the one of 30 past the 256) */
static const uint8_t huff_count[31] = {0, 0, 0, 0, 0, 10, 26, 32, 6, 0, 5, 3, 2, 6, 2, 3, 0, 0, 0, 3, 8, 13, 26, 29, 12, 4, 15, 19, 29, 0, 4};
static const uint8_t huff_sym[256] = {
	48, 49, 50, 97, 99, 101, 105, 111, 115, 116, 32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56,
	57, 61, 65, 95, 98, 100, 102, 103, 104, 108, 109, 110, 112, 114, 117, 58, 66, 67, 68, 69,
	70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107, 113,
	118, 119, 120, 121, 122, 38, 42, 44, 59, 88, 90, 33, 34, 40, 41, 63, 39, 43, 124, 35, 62,
	0, 36, 64, 91, 93, 126, 94, 125, 60, 96, 123, 92, 195, 208, 128, 130, 131, 162, 184, 194,
	224, 226, 153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230, 129, 132, 133,
	134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190,
	196, 198, 228, 232, 233, 1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152,
	155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183, 188, 191, 197, 231, 239, 9, 142,
	144, 145, 148, 159, 171, 206, 215, 225, 236, 237, 199, 207, 234, 235, 192, 193, 200, 201,
	202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255, 203, 204, 211, 212, 214, 221, 222,
	223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254, 2, 3, 4, 5, 6, 7, 8, 11, 12,
	14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249, 10, 13,
	22
};

#define HUFF_EOS 256

int hpack_huffman_decode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *outlen)
{
	unsigned code = 0, first = 0, index = 0, len = 0, count;
	bool ones = true;
	size_t i, o = 0;
	int b;

	for (i = 0; i < n; i++) {
		for (b = 7; b >= 0; b--) {
			unsigned bit = (in[i] >> b) & 1;

			code |= bit;
			ones = ones && bit;
			count = huff_count[++len];
			if (code - first < count) {
				if (index + (code - first) == HUFF_EOS)
					return -EPROTO;
				if (o < cap)
					out[o] = (char)huff_sym[index + (code - first)];
				o++;
				code = first = index = len = 0;
				ones = true;
				continue;
			}
			index += count;
			first = (first + count) << 1;
			code <<= 1;
		}
	}
	*outlen = o;
	/* what is left must be a prefix of EOS (all ones), shorter than a byte */
	return len > 7 || !ones ? -EPROTO : 0;
}

/* An integer with a `bits`-bit prefix at p[*i]; over 2^28 is refused. */
static int get_int(const uint8_t *p, size_t n, size_t *i, unsigned bits, uint32_t *v)
{
	uint32_t max = (1u << bits) - 1, b;
	unsigned m = 0;

	if (*i >= n)
		return -1;
	*v = p[(*i)++] & max;
	if (*v < max)
		return 0;
	do {
		if (*i >= n || m > 21)
			return -1;
		b = p[(*i)++];
		*v += (b & 0x7f) << m;
		m += 7;
	} while (b & 0x80);
	return 0;
}

/* A string literal into out (HPACK_STR_MAX bytes kept); *len: its whole
 * length.  Returns 0 or an error text. */
static const char *get_str(const uint8_t *p, size_t n, size_t *i, char *out, size_t *len)
{
	bool huff = *i < n && (p[*i] & 0x80);
	uint32_t l;

	if (get_int(p, n, i, 7, &l))
		return "truncated string length";
	if (l > n - *i)
		return "string longer than the header block";
	if (huff) {
		if (hpack_huffman_decode(p + *i, l, out, HPACK_STR_MAX, len))
			return "bad Huffman code";
	} else {
		*len = l;
		memcpy(out, p + *i, l < HPACK_STR_MAX ? l : HPACK_STR_MAX);
	}
	*i += l;
	return NULL;
}

void hpack_init(struct hpack_dec *h)
{
	h->limit = HPACK_TABLE_SIZE;
	h->size = h->n = h->used = 0;
}

static void evict_to(struct hpack_dec *h, uint32_t limit)
{
	while (h->n && h->size > limit) {
		unsigned k, bytes = h->e[0].nlen + h->e[0].vlen;

		memmove(h->data, h->data + bytes, h->used - bytes);
		h->used -= bytes;
		h->size -= bytes + 32;
		for (k = 1; k < h->n; k++) {
			h->e[k - 1] = h->e[k];
			h->e[k - 1].off = (uint16_t)(h->e[k - 1].off - bytes);
		}
		h->n--;
	}
}

/* Insert h->name and h->value (which never point into the table). */
static void insert(struct hpack_dec *h, size_t nl, size_t vl)
{
	uint32_t sz = (uint32_t)(nl + vl + 32);

	if (sz > h->limit) { /* RFC 7541 4.4: the table ends up empty */
		evict_to(h, 0);
		return;
	}
	evict_to(h, h->limit - sz);
	memcpy(h->data + h->used, h->name, nl);
	memcpy(h->data + h->used + nl, h->value, vl);
	h->e[h->n].off = (uint16_t)h->used;
	h->e[h->n].nlen = (uint16_t)nl;
	h->e[h->n].vlen = (uint16_t)vl;
	h->n++;
	h->used += (uint32_t)(nl + vl);
	h->size += sz;
}

/* Entry `idx` (1-based: static, then dynamic newest first) into the
 * scratch name (and value when `with_value`).  Returns 0 or -1. */
static int lookup(struct hpack_dec *h, uint32_t idx, bool with_value, size_t *nl, size_t *vl)
{
	const char *s = static_table, *v;

	if (idx == 0 || idx > 61 + h->n)
		return -1;
	if (idx <= 61) {
		while (--idx)
			s += strlen(s) + 1, s += strlen(s) + 1;
		v = s + strlen(s) + 1;
		*nl = strlen(s);
		*vl = strlen(v);
	} else {
		unsigned k = h->n - (idx - 61);

		s = h->data + h->e[k].off;
		v = s + h->e[k].nlen;
		*nl = h->e[k].nlen;
		*vl = h->e[k].vlen;
	}
	memcpy(h->name, s, *nl);
	if (with_value)
		memcpy(h->value, v, *vl);
	return 0;
}

static size_t cut(size_t n)
{
	return n < HPACK_STR_MAX ? n : HPACK_STR_MAX;
}

/* One literal field (incremental indexing when `bits` is 6). */
static const char *literal(struct hpack_dec *h, const uint8_t *p, size_t n, size_t *i,
			   unsigned bits, size_t *nl, size_t *vl)
{
	const char *why;
	uint32_t idx;
	size_t unused;

	if (get_int(p, n, i, bits, &idx))
		return "truncated field";
	if (idx && lookup(h, idx, false, nl, &unused))
		return "field name index out of the tables";
	if (!idx && (why = get_str(p, n, i, h->name, nl)))
		return why;
	if ((why = get_str(p, n, i, h->value, vl)))
		return why;
	if (bits == 6)
		insert(h, *nl, *vl);
	return NULL;
}

int hpack_decode(struct hpack_dec *h, const uint8_t *p, size_t n, hpack_field_fn fn, void *arg,
		 const char **err)
{
	bool fields = false;
	size_t i = 0, nl, vl;
	uint32_t v;
	int r;

	while (i < n) {
		const char *why = NULL;
		bool update = (p[i] & 0xe0) == 0x20;

		if (p[i] & 0x80) {
			if (get_int(p, n, &i, 7, &v) || lookup(h, v, true, &nl, &vl))
				why = "field index out of the tables";
		} else if (p[i] & 0x40) {
			why = literal(h, p, n, &i, 6, &nl, &vl);
		} else if (update) {
			if (fields)
				why = "table size update after a field";
			else if (get_int(p, n, &i, 5, &v) || v > HPACK_TABLE_SIZE)
				why = "table size update over the announced size";
			else
				evict_to(h, h->limit = v);
		} else {
			why = literal(h, p, n, &i, 4, &nl, &vl);
		}
		if (why) {
			*err = why;
			return -EPROTO;
		}
		if (update)
			continue;
		fields = true;
		if ((r = fn(arg, h->name, cut(nl), h->value, cut(vl))))
			return r;
	}
	return 0;
}

static int put_int(uint8_t *buf, size_t cap, size_t *pos, uint8_t first, unsigned bits,
		   size_t v)
{
	size_t max = (1u << bits) - 1;

	if (*pos >= cap)
		return -ENOSPC;
	if (v < max) {
		buf[(*pos)++] = (uint8_t)(first | v);
		return 0;
	}
	buf[(*pos)++] = (uint8_t)(first | max);
	for (v -= max; v >= 128; v >>= 7) {
		if (*pos >= cap)
			return -ENOSPC;
		buf[(*pos)++] = (uint8_t)(0x80 | (v & 0x7f));
	}
	if (*pos >= cap)
		return -ENOSPC;
	buf[(*pos)++] = (uint8_t)v;
	return 0;
}

static int put_str(uint8_t *buf, size_t cap, size_t *pos, const char *s)
{
	size_t l = strlen(s);

	if (put_int(buf, cap, pos, 0, 7, l) || l > cap - *pos)
		return -ENOSPC;
	memcpy(buf + *pos, s, l);
	*pos += l;
	return 0;
}

int hpack_put_field(uint8_t *buf, size_t cap, size_t *pos, unsigned sindex, const char *name,
		    const char *value)
{
	if (put_int(buf, cap, pos, 0x10, 4, sindex) || (!sindex && put_str(buf, cap, pos, name)) ||
	    put_str(buf, cap, pos, value))
		return -ENOSPC;
	return 0;
}
