/* SPDX-License-Identifier: MIT */
/* Internal state of a scan, shared by scan.c and the stage files. */
#ifndef OV_SCAN_INT_H
#define OV_SCAN_INT_H

#include "overvisor/report.h"
#include "overvisor/scan.h"
#include "lib/model/model.h"
#include "findings/coverage.h"
#include "util/arena.h"
#include "util/error.h"

struct ov_contract;
struct ov_policy_set;

struct ov_scan_result {
	ov_ctx				*ctx;		/* borrowed */
	const struct ov_snapshot	*snap;		/* borrowed */
	struct ov_arena			 arena;		/* result strings */
	ov_findings			*findings;	/* owned */
	struct ov_contract		*contract;	/* owned, may be NULL */
	bool				 own_contract;	/* free it at the end */
	ov_compliance			*compliance;	/* arena, or NULL */
	ov_source_info			*sources;	/* arena, or NULL */
	size_t				 n_sources;
	size_t				 n_rules;	/* rules evaluated */
	size_t				 n_policy_errors; /* unusable definitions */
	void				*stage;		/* stage-private state */
	struct ov_coverage		 coverage;	/* what was evaluated */
	bool				 policy_ran;	/* the policy stage ran */
	uint64_t			 analyzers_ran;	/* bit i: ov_analyzers[i] */
};

/* Load the contract and describe the sources; before any evaluation. */
int	ov_scan__setup(struct ov_scan_result *r, const ov_scan_options *o);
/* Evaluate the rule pack and --policy paths on every record. */
int	ov_scan__policy(struct ov_scan_result *r, const ov_scan_options *o);
/* Owner, accountable party, due dates, exceptions, framework view. */
int	ov_scan__finish(struct ov_scan_result *r, const ov_scan_options *o);
/* True when the scan reports findings of rule (--framework filters). */
bool	ov_scan__reports_rule(const struct ov_scan_result *r,
	    const char *rule);
/* Release what the stages hold. */
void	ov_scan__teardown(struct ov_scan_result *r);

#endif
