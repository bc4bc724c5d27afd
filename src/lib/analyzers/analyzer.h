/* SPDX-License-Identifier: MIT */
/*
 * Analyzers (DESIGN section 6): checks that one record cannot answer.  Each
 * analyzer reads the indexed snapshot and appends findings in the common
 * model.  They are listed once, in analyzer_list.h.
 */
#ifndef OV_ANALYZERS_ANALYZER_H
#define OV_ANALYZERS_ANALYZER_H

#include <stdbool.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "lib/model/model.h"
#include "lib/snapshot/retain.h"

struct ov_contract;		/* lib/raci/contract.h; may be absent */
struct ov_coverage;		/* findings/coverage.h */
struct ov_analyzer_config;	/* per-analyzer settings from the CLI */

/* Everything an analyzer may read, and where it writes. */
struct ov_analyzer_ctx {
	ov_ctx				*ctx;		/* errors, clock */
	const struct ov_snapshot	*snap;		/* indexed */
	const struct ov_snapshot	*baseline;	/* previous snapshot for
							   drift, or NULL */
	const struct ov_contract	*contract;	/* or NULL: defaults */
	const char			*zone_tag;	/* network zones tag,
							   "env" by default */
	ov_findings			*out;		/* append here */
	int64_t				 now;		/* ov_ctx_now(ctx) */
	struct ov_coverage		*coverage;	/* what the checks
							   evaluated, or NULL */
	size_t				 n_malformed;	/* records whose data a
							   check could not read
							   (add to it) */
};

/*
 * What an analyzer reads of records beyond their header (id, type, name,
 * location, subscription, resource group, parent): per record type, a
 * dotted path into the body ("[*]" steps into every array element, "*" is
 * the whole body), "tags" for every tag in the header (ov_model__tag), or
 * "tag:NAME" for one ("tag:$zone": the network zone tag).  Type "*" means
 * every type (with "*" or "tag:NAME" only).  A streaming scan keeps exactly
 * this of each record; the equivalence test (tests/e2e/stream.sh) fails
 * when an analyzer reads what it did not declare.
 */
struct ov_analyzer_read {
	const char	*type;		/* record type, "*" any, NULL: end */
	const char	*path;		/* see above */
};

/*
 * A type an analyzer reads through a packer of its own (see
 * lib/snapshot/retain.h) instead of the body: a streaming load builds
 * r->packed while the body is whole; over a snapshot loaded whole
 * (r->packed NULL) the analyzer reads the same view from the body.  For
 * the types an estate has most records of (a tenant's users, Defender
 * assessments, protected items), a few parsed fields cost far less than
 * their JSON.
 */
struct ov_analyzer_pack {
	const char		*type;		/* record type; NULL: end */
	ov_retain_packer	 fn;
};

/* One analyzer. */
struct ov_analyzer {
	const char	*name;		/* "network", "patch" ... */
	const char	*title;		/* one line */
	const char	*duty;		/* default duty of its findings */
	/* Append findings; return 0 or a negative error code. */
	int		(*run)(struct ov_analyzer_ctx *actx);
	const struct ov_analyzer_read *reads; /* what it reads, as data */
	const struct ov_analyzer_pack *packs; /* what it packs, or NULL */
};

/* The registry, in analyzer_list.h order; terminated by NULL. */
extern const struct ov_analyzer *const ov_analyzers[];

/*
 * What the governance evidence walk (evidence.h) reads of records beyond
 * their headers, for a streaming load that feeds the findings store.
 */
extern const struct ov_analyzer_read ov_analyzers__evidence_reads[];

/* The analyzer called name, or NULL. */
const struct ov_analyzer *ov_analyzer__find(const char *name);

/*
 * Declare that check `rule` evaluated every record of `type` with all the
 * data it needs and raised a finding (non-compliant or indeterminate) for
 * each record it did not pass, so a record of that type with no finding
 * from it passed: the store may resolve an earlier finding on it.  Only
 * call it when that holds for the whole type in this snapshot.  Returns 0
 * or OV_ENOMEM (with the error set).
 */
int	ov_analyzer__ran(struct ov_analyzer_ctx *actx, const char *rule,
	    const char *type);

/*
 * Check `rule` could not decide on one record and raised nothing for it:
 * that record never counts as passed.  Returns 0 or OV_ENOMEM.
 */
int	ov_analyzer__unknown(struct ov_analyzer_ctx *actx, const char *rule,
	    const char *resource_id);

#endif
