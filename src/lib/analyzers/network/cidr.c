/* SPDX-License-Identifier: MIT */
/*
 * Addresses, prefixes, ranges and port sets for NSG evaluation.  IPv4 is
 * mapped into ::ffff:0:0/96 so one 128-bit comparison serves both
 * families.  Written from RFC 4291 (IPv6 text form, section 2.2), RFC 4632
 * (CIDR), RFC 1918 / 6598 / 4193 (private and shared space).
 */
#include "lib/analyzers/network/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V4MAP_HI	0ULL
#define V4MAP_LO	0x0000ffff00000000ULL

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_v4(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	unsigned octet = 0, ndig = 0, nparts = 0;
	size_t i;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (ndig == 0 || octet > 255 || nparts == 4)
				return OV_EINVALID;
			v = (v << 8) | octet;
			nparts++;
			octet = 0;
			ndig = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ndig == 3)
			return OV_EINVALID;
		octet = octet * 10 + (unsigned)(s[i] - '0');
		ndig++;
	}
	if (nparts != 4)
		return OV_EINVALID;
	*out = v;
	return 0;
}

static int
parse_v6(const char *s, size_t len, uint8_t b[16])
{
	uint16_t words[8];
	int n = 0, gap = -1;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len >= 1 && s[0] == ':')
		return OV_EINVALID;
	while (i < len) {
		size_t start = i;
		unsigned w = 0;
		int nd = 0;

		if (n == 8)
			return OV_EINVALID;
		while (i < len && hexval(s[i]) >= 0 && nd < 5) {
			w = (w << 4) | (unsigned)hexval(s[i]);
			i++;
			nd++;
		}
		if (i < len && s[i] == '.') {
			uint32_t v4;

			/* embedded IPv4 tail, RFC 4291 section 2.2 form 3 */
			if (n > 6 || parse_v4(s + start, len - start, &v4) < 0)
				return OV_EINVALID;
			words[n++] = (uint16_t)(v4 >> 16);
			words[n++] = (uint16_t)(v4 & 0xffff);
			i = len;
			break;
		}
		if (nd == 0 || nd > 4)
			return OV_EINVALID;
		words[n++] = (uint16_t)w;
		if (i == len)
			break;
		if (s[i] != ':')
			return OV_EINVALID;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return OV_EINVALID;
			gap = n;
			i++;
		} else if (i == len)
			return OV_EINVALID;
	}
	if (gap < 0 && n != 8)
		return OV_EINVALID;
	if (gap >= 0 && n > 7)
		return OV_EINVALID;
	memset(b, 0, 16);
	{
		int k, tail = gap < 0 ? 0 : n - gap;

		for (k = 0; k < (gap < 0 ? n : gap); k++) {
			b[2 * k] = (uint8_t)(words[k] >> 8);
			b[2 * k + 1] = (uint8_t)words[k];
		}
		for (k = 0; k < tail; k++) {
			int dst = 8 - tail + k;

			b[2 * dst] = (uint8_t)(words[gap + k] >> 8);
			b[2 * dst + 1] = (uint8_t)words[gap + k];
		}
	}
	return 0;
}

/* Parse one address of either family. */
int
net_addr_parse(struct net_addr *out, bool *v6, const char *s, size_t len)
{
	uint32_t v4;
	uint8_t b[16];
	int i;

	if (len == 0 || len > 45)
		return OV_EINVALID;
	if (memchr(s, ':', len) == NULL) {
		if (parse_v4(s, len, &v4) < 0)
			return OV_EINVALID;
		out->hi = V4MAP_HI;
		out->lo = V4MAP_LO | v4;
		*v6 = false;
		return 0;
	}
	if (parse_v6(s, len, b) < 0)
		return OV_EINVALID;
	out->hi = 0;
	out->lo = 0;
	for (i = 0; i < 8; i++)
		out->hi = (out->hi << 8) | b[i];
	for (i = 8; i < 16; i++)
		out->lo = (out->lo << 8) | b[i];
	*v6 = true;
	return 0;
}

/* Compare two addresses. */
int
net_addr_cmp(const struct net_addr *a, const struct net_addr *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/* Mask the low (128 - bits) bits of a to zero (lo) or one (hi). */
static void
apply_mask(struct net_addr *a, unsigned bits, bool ones)
{
	uint64_t mhi, mlo;

	if (bits >= 128)
		return;
	if (bits >= 64) {
		mhi = ~0ULL;
		mlo = bits == 64 ? 0 : ~0ULL << (128 - bits);
	} else {
		mhi = bits == 0 ? 0 : ~0ULL << (64 - bits);
		mlo = 0;
	}
	if (ones) {
		a->hi |= ~mhi;
		a->lo |= ~mlo;
	} else {
		a->hi &= mhi;
		a->lo &= mlo;
	}
}

/* Parse an address, prefix or dash range. */
int
net_range_parse(struct net_range *out, const char *s, size_t len)
{
	const char *slash, *dash;
	bool v6, v6b;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return OV_EINVALID;
	slash = memchr(s, '/', len);
	dash = memchr(s, '-', len);
	if (dash != NULL && slash == NULL) {
		if (net_addr_parse(&out->lo, &v6, s, (size_t)(dash - s)) < 0 ||
		    net_addr_parse(&out->hi, &v6b, dash + 1,
		    len - (size_t)(dash - s) - 1) < 0 || v6 != v6b ||
		    net_addr_cmp(&out->lo, &out->hi) > 0)
			return OV_EINVALID;
		out->v6 = v6;
		return 0;
	}
	if (slash == NULL) {
		if (net_addr_parse(&out->lo, &v6, s, len) < 0)
			return OV_EINVALID;
		out->hi = out->lo;
		out->v6 = v6;
		return 0;
	} else {
		size_t alen = (size_t)(slash - s), i;
		unsigned bits = 0;

		if (alen + 1 >= len || len - alen - 1 > 3)
			return OV_EINVALID;
		for (i = alen + 1; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return OV_EINVALID;
			bits = bits * 10 + (unsigned)(s[i] - '0');
		}
		if (net_addr_parse(&out->lo, &v6, s, alen) < 0)
			return OV_EINVALID;
		if (bits > (v6 ? 128u : 32u))
			return OV_EINVALID;
		if (!v6)
			bits += 96;
		out->hi = out->lo;
		apply_mask(&out->lo, bits, false);
		apply_mask(&out->hi, bits, true);
		out->v6 = v6;
		return 0;
	}
}

/* True when r contains a. */
bool
net_range_contains(const struct net_range *r, const struct net_addr *a)
{
	return net_addr_cmp(&r->lo, a) <= 0 && net_addr_cmp(a, &r->hi) <= 0;
}

/* True when outer covers inner. */
bool
net_range_covers(const struct net_range *outer, const struct net_range *inner)
{
	return net_addr_cmp(&outer->lo, &inner->lo) <= 0 &&
	    net_addr_cmp(&inner->hi, &outer->hi) <= 0;
}

/* True when a and b share an address. */
bool
net_range_overlaps(const struct net_range *a, const struct net_range *b)
{
	return net_addr_cmp(&a->lo, &b->hi) <= 0 &&
	    net_addr_cmp(&b->lo, &a->hi) <= 0;
}

static bool
range_eq(const struct net_range *r, uint64_t lohi, uint64_t lolo,
    uint64_t hihi, uint64_t hilo)
{
	return r->lo.hi == lohi && r->lo.lo == lolo && r->hi.hi == hihi &&
	    r->hi.lo == hilo;
}

/* True for 0.0.0.0/0 or ::/0. */
bool
net_range_is_all(const struct net_range *r)
{
	if (r->v6)
		return range_eq(r, 0, 0, ~0ULL, ~0ULL);
	return range_eq(r, V4MAP_HI, V4MAP_LO, V4MAP_HI, V4MAP_LO | 0xffffffffULL);
}

/* The non-public blocks, as text; parsed on use (cheap, rare). */
static const char *const private_blocks[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
	"127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8",
	"fc00::/7", "fe80::/10", "::1/128"
};

#define N_PRIVATE (sizeof(private_blocks) / sizeof(private_blocks[0]))

/* True when every address of r is in a private block. */
bool
net_range_is_private(const struct net_range *r)
{
	/* parsed once; the table is constant, so a race only repeats work */
	static struct net_range parsed[N_PRIVATE];
	static int ready;
	size_t i;

	if (!ready) {
		for (i = 0; i < N_PRIVATE; i++)
			(void)net_range_parse(&parsed[i], private_blocks[i],
			    strlen(private_blocks[i]));
		ready = 1;
	}
	for (i = 0; i < N_PRIVATE; i++)
		if (parsed[i].v6 == r->v6 && net_range_covers(&parsed[i], r))
			return true;
	return false;
}

/* True when r is public and at least a /8 (IPv4) or /16 (IPv6) wide. */
bool
net_range_is_broad(const struct net_range *r)
{
	uint64_t span_hi, span_lo;

	if (net_range_is_private(r))
		return false;
	span_hi = r->hi.hi - r->lo.hi - (r->hi.lo < r->lo.lo ? 1 : 0);
	span_lo = r->hi.lo - r->lo.lo;
	if (r->v6)
		return span_hi >= (1ULL << 48) - 1;
	return span_hi > 0 || span_lo >= (1ULL << 24) - 1;
}

/* Format an address. */
void
net_addr_format(const struct net_addr *a, bool v6, char *buf, size_t size)
{
	uint16_t w[8];
	int i, best = -1, bestlen = 0, run = 0;
	size_t off = 0;

	if (!v6) {
		uint32_t v = (uint32_t)a->lo;

		snprintf(buf, size, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255,
		    (v >> 8) & 255, v & 255);
		return;
	}
	for (i = 0; i < 4; i++) {
		w[i] = (uint16_t)(a->hi >> (48 - 16 * i));
		w[4 + i] = (uint16_t)(a->lo >> (48 - 16 * i));
	}
	for (i = 0; i < 8; i++) {
		run = w[i] == 0 ? run + 1 : 0;
		if (run > bestlen && run > 1) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	buf[0] = '\0';
	for (i = 0; i < 8 && off < size; i++) {
		int k;

		if (i == best) {
			k = snprintf(buf + off, size - off, "::");
			i += bestlen - 1;
		} else
			k = snprintf(buf + off, size - off, "%s%x",
			    (i == 0 || (best >= 0 && i == best + bestlen)) ?
			    "" : ":", w[i]);
		if (k < 0)
			return;
		off += (size_t)k;
	}
}

/* ---- ports ---- */

static int
parse_port(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return OV_EINVALID;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return OV_EINVALID;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return OV_EINVALID;
	*out = v;
	return 0;
}

static int
push_range(struct ov_arena *a, struct net_prange **buf, size_t *n,
    size_t *cap, unsigned lo, unsigned hi)
{
	if (*n == *cap) {
		size_t nc = *cap == 0 ? 4 : *cap * 2;
		struct net_prange *nv = ov__arena_alloc(a, nc * sizeof(*nv));

		if (nv == NULL)
			return OV_ENOMEM;
		if (*n > 0)
			memcpy(nv, *buf, *n * sizeof(*nv));
		*buf = nv;
		*cap = nc;
	}
	(*buf)[*n].lo = (uint16_t)lo;
	(*buf)[*n].hi = (uint16_t)hi;
	(*n)++;
	return 0;
}

/* Parse "*", "80", "80-90" or a comma list of them. */
int
net_ports_parse_item(struct ov_arena *a, struct net_prange **buf, size_t *n,
    size_t *cap, const char *s, size_t len)
{
	size_t i = 0;

	while (i <= len) {
		size_t j = i, b, e;
		const char *dash;
		unsigned lo, hi;
		int error;

		while (j < len && s[j] != ',')
			j++;
		b = i;
		e = j;
		while (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e == b)
			return OV_EINVALID;
		if (e - b == 1 && s[b] == '*') {
			lo = 0;
			hi = 65535;
		} else if (e - b == 3 && ov__eq_ci(s + b, 3, "any", 3)) {
			lo = 0;
			hi = 65535;
		} else if ((dash = memchr(s + b, '-', e - b)) != NULL) {
			if (parse_port(s + b, (size_t)(dash - (s + b)), &lo) <
			    0 || parse_port(dash + 1,
			    (size_t)(s + e - dash - 1), &hi) < 0 || lo > hi)
				return OV_EINVALID;
		} else {
			if (parse_port(s + b, e - b, &lo) < 0)
				return OV_EINVALID;
			hi = lo;
		}
		if ((error = push_range(a, buf, n, cap, lo, hi)) < 0)
			return error;
		i = j + 1;
	}
	return 0;
}

static int
cmp_prange(const void *pa, const void *pb)
{
	const struct net_prange *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return (a->hi > b->hi) - (a->hi < b->hi);
}

/* Sort and merge ranges in place. */
size_t
net_ports_normalize(struct net_prange *v, size_t n)
{
	size_t i, o = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_prange);
	for (i = 1; i < n; i++) {
		if ((unsigned)v[i].lo <= (unsigned)v[o].hi + 1) {
			if (v[i].hi > v[o].hi)
				v[o].hi = v[i].hi;
		} else
			v[++o] = v[i];
	}
	return o + 1;
}

/* True when every port is in p. */
bool
net_ports_is_all(const struct net_ports *p)
{
	return p->n == 1 && p->v[0].lo == 0 && p->v[0].hi == 65535;
}

/* True when port is in p. */
bool
net_ports_has(const struct net_ports *p, unsigned port)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].lo <= port && port <= p->v[i].hi)
			return true;
	return false;
}

/* Number of ports in p. */
uint32_t
net_ports_count(const struct net_ports *p)
{
	uint32_t c = 0;
	size_t i;

	for (i = 0; i < p->n; i++)
		c += (uint32_t)p->v[i].hi - p->v[i].lo + 1;
	return c;
}
