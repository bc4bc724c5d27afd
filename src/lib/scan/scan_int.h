/* SPDX-License-Identifier: MIT */
/*
 * The pipeline's state, shared by its stage files:
 *
 *   setup.c       configuration: contract, exceptions, matrix, framework,
 *                 rule set; the defaults (clock, zone tag, data dir)
 *   evaluate.c    the rules on every record, then the analyzers
 *   detections.c  Sigma detections over the logs given to the scan
 *   accountability.c  exceptions, owner, accountable party, due date,
 *                 the framework view
 *   questions.c   the contract questions, answered from the findings
 *   scan.c        the driver (the stages in order) and the result
 *
 * Each stage reads what the earlier ones left in the result and adds its
 * own part; none reaches back.
 */
#ifndef OV_SCAN_INT_H
#define OV_SCAN_INT_H

#include "overvisor/scan.h"
#include "lib/model/model.h"
#include "findings/coverage.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"

struct ov_contract;

/* One answer with room for its lines. */
#define OV_SCAN_MAX_LINES	16	/* evidence or gap lines per answer */
#define OV_SCAN_N_QUESTIONS	8

struct ov_scan_answer {
	ov_contract_answer	 pub;		/* the public view */
	const char		*ev[OV_SCAN_MAX_LINES]; /* evidence lines */
	const char		*gap[OV_SCAN_MAX_LINES]; /* gap lines */
};

struct ov_scan_result {
	ov_ctx				*ctx;		/* borrowed */
	const struct ov_snapshot	*snap;		/* borrowed, indexed */
	const ov_scan_options		*opts;		/* borrowed, for the
							   run only */
	int64_t				 now;		/* analysis clock */
	const char			*data_dir;	/* rules/ and data/ */
	const char			*zone_tag;	/* network zones */
	struct ov_arena			 arena;		/* result strings */
	ov_findings			*findings;	/* owned */
	const struct ov_contract	*contract;	/* applied contract */
	struct ov_contract		*own_contract;	/* loaded here, or
							   NULL */
	const ov_ruleset		*ruleset;	/* evaluated, or NULL */
	ov_ruleset			*own_ruleset;	/* compiled here, or
							   NULL */
	ov_exceptions			*exceptions;	/* --exceptions, or
							   NULL */
	ov_raci				*raci;		/* responsibility
							   matrix */
	ov_framework			*framework;	/* --framework, or
							   NULL */
	struct ov_map			 tally_index;	/* rule id -> index
							   in tallies + 1 */
	ov_rule_tally			*tallies;	/* per-rule counts */
	size_t				 n_tallies;
	size_t				 tallies_cap;
	ov_compliance			*compliance;	/* owned, or NULL */
	ov_source_info			*sources;	/* arena, or NULL */
	size_t				 n_sources;
	size_t				 n_rules;	/* rules evaluated */
	size_t				 n_policy_errors; /* unusable
							   definitions */
	struct ov_scan_answer		 answers[OV_SCAN_N_QUESTIONS];
	size_t				 n_answers;	/* filled */
	uint64_t			 n_log_events;	/* detections.c */
	uint64_t			 n_log_errors;
	size_t				 n_sigma_unusable;
	struct ov_coverage		 coverage;	/* what the rules and
							   analyzers evaluated */
	bool				 policy_ran;	/* the rule pack ran */
	uint64_t			 analyzers_ran;	/* bit i: ov_analyzers[i]
							   ran */
	size_t				 n_malformed;	/* records an analyzer
							   could not read */
};

/* The stages, in pipeline order; each returns 0 or an error on ctx. */
int	ov_scan__setup(struct ov_scan_result *r);
int	ov_scan__sources(struct ov_scan_result *r);
int	ov_scan__rules(struct ov_scan_result *r);
int	ov_scan__analyzers(struct ov_scan_result *r);
int	ov_scan__detections(struct ov_scan_result *r);
int	ov_scan__accountability(struct ov_scan_result *r);
int	ov_scan__questions(struct ov_scan_result *r);

/*
 * Note in cov that res's rule ran, and veto its pair when the result is
 * neither a pass nor a finding.  0 or OV_ENOMEM.
 */
int	ov_scan__cover(struct ov_coverage *cov, const ov_policy_result *res);

/* True when the result reports findings of rule (--framework filters). */
bool	ov_scan__reports_rule(const struct ov_scan_result *r,
	    const char *rule);

/* Release what the stages hold. */
void	ov_scan__teardown(struct ov_scan_result *r);

/* Count one rule result (rule_id, an ov_state) for the framework view. */
int	ov_scan__tally(struct ov_scan_result *r, const char *rule_id,
	    int state);
/* Count the rules evaluated and the definitions that could not be. */
void	ov_scan__rule_counts(struct ov_scan_result *r);
/* True when the options run the analyzer called name. */
bool	ov_scan__analyzer_wanted(const ov_scan_options *o, const char *name);
/* Start a result; the caller sets snap and the clock. */
int	ov_scan__result_new(struct ov_scan_result **out, ov_ctx *ctx,
	    const ov_snapshot *snap, const ov_scan_options *opts);
/* The stages after the rules, in order: analyzers, accountability, the
 * report order, the contract questions. */
int	ov_scan__finish(struct ov_scan_result *r);

/*
 * The analysis clock for snap: a clock fixed on ctx, else the snapshot's
 * collection time, else the system clock.
 */
int64_t	ov_scan__clock(ov_ctx *ctx, const struct ov_snapshot *snap);

#endif
