/* SPDX-License-Identifier: MIT */
/*
 * The finding list's internal side, for the streaming scan: findings
 * evaluated in worker threads go to per-unit lists, each tagged with the
 * record it is about, and are moved into the scan's list in load order;
 * findings of a record that lost to a richer copy of its id are dropped by
 * tag afterwards.
 */
#ifndef OV_FINDINGS_LIST_H
#define OV_FINDINGS_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "overvisor/finding.h"

/*
 * Leave fingerprints to ov_findings_set_tenant() (the tenant is known
 * only after loading): additions skip the hash.
 */
void	ov_findings__defer_fingerprints(ov_findings *list);
/* Tag finding i with tag (0: none). */
void	ov_findings__tag(ov_findings *list, size_t i, uint32_t tag);
/*
 * Move every finding of src to the end of dst, in order, adding base to
 * their non-zero tags; dst takes src's storage over.  0 or OV_ENOMEM
 * (src is then unchanged).
 */
int	ov_findings__absorb(ov_findings *dst, ov_findings *src, uint32_t base);
/*
 * Drop the findings whose tag t (non-zero) has drop[t - 1] set; the
 * others keep their order.  n bounds the tags drop covers.
 */
void	ov_findings__drop(ov_findings *list, const uint8_t *drop, size_t n);

/*
 * Finding i, to change its scalar fields (layer, owner, due) in place;
 * NULL past the end.  Strings go through ov_findings__set_parties.
 */
ov_finding *ov_findings__edit(ov_findings *list, size_t i);
/*
 * Set finding i's responsible, accountable, consulted and informed parties
 * (copied; NULL and empty lists clear them); 0 or OV_ENOMEM.
 */
int	ov_findings__set_parties(ov_findings *list, size_t i,
	    const char *responsible, const char *accountable,
	    const char *const *consulted, size_t n_consulted,
	    const char *const *informed, size_t n_informed);
/* Keep the findings whose keep[i] is set, in order. */
void	ov_findings__keep(ov_findings *list, const uint8_t *keep);

#endif
