/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/scan.h
 * @brief The one pipeline over a loaded snapshot: index, evaluate the
 * rules, run the analyzers, apply exceptions and accountability (layer,
 * owner, duty, accountable party, due date), answer the contract
 * questions.  `scan`, `contract check`, `matrix` and `policy eval` are all
 * this pipeline with different stages switched on.
 *
 * Ownership: ov_scan_run() gives the caller an ov_scan_result, released
 * with ov_scan_result_free().  Pointers obtained from a result are borrowed
 * and live as long as it.  The snapshot, the options and what they point
 * to (a rule set, a contract) are only read and must outlive the result;
 * the snapshot's index is built if it was not (a cache: no record
 * changes).
 *
 * The analysis clock: a clock fixed on the context (ov_ctx_set_now())
 * wins; otherwise the snapshot's collection time; otherwise the system
 * clock.  It is in force on ctx while the pipeline runs, and restored
 * after, so one context can scan many snapshots.
 */
#ifndef OVERVISOR_SCAN_H
#define OVERVISOR_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/common.h"
#include "overvisor/contract.h"
#include "overvisor/exceptions.h"
#include "overvisor/finding.h"
#include "overvisor/policy.h"
#include "overvisor/raci.h"
#include "overvisor/rules.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Scan options.  Initialise with OV_SCAN_OPTIONS_INIT. */
typedef struct {
	unsigned		 version;	/**< OV_SCAN_OPTIONS_VERSION */
	const char		*data_dir;	/**< holds rules/ and data/;
						     NULL for the built-in path */
	const char		*rules_dir;	/**< rule pack; NULL for
						     data_dir/rules */
	bool			 no_rules;	/**< skip the rule pack */
	const char * const	*policy_paths;	/**< extra definitions,
						     initiatives, assignments */
	size_t			 n_policy_paths;
	const char		*aliases_path;	/**< full alias table, or NULL */
	const char		*contract_path;	/**< contract.yaml, or NULL */
	const char		*exceptions_path; /**< exceptions.yaml, or NULL */
	const char		*framework;	/**< framework id, or NULL */
	const char * const	*analyzers;	/**< names to run; NULL = all */
	size_t			 n_analyzers;
	bool			 no_analyzers;	/**< run no analyzer */
	const ov_snapshot	*baseline;	/**< for drift, or NULL */
	const char		*zone_tag;	/**< network zones; NULL: the
						     contract's, else "env" */
	bool			 assigned;	/**< evaluate policy_paths through
						     the snapshot's assignments
						     and exemptions */
	const ov_ruleset	*ruleset;	/**< compiled rule set to
						     evaluate (borrowed); NULL:
						     compile one from rules_dir,
						     policy_paths and
						     aliases_path.  With
						     assigned it must be bound
						     to snap */
	const ov_contract	*contract;	/**< contract (borrowed); wins
						     over contract_path */
	bool			 questions;	/**< answer the contract
						     questions
						     (ov_scan_answer) */
	unsigned		 eval_flags;	/**< OV_POLICY_EVAL_* for the
						     rules */
	ov_policy_result_cb	 on_result;	/**< also called with every rule
						     result, or NULL */
	void			*result_payload; /**< passed to on_result */
	const char * const	*log_paths;	/**< Activity Log, sign-in,
						     audit or risk-detection
						     logs: their Sigma
						     detections join the
						     findings */
	size_t			 n_log_paths;
	const char * const	*sigma_paths;	/**< Sigma rules besides
						     data_dir/rules/sigma */
	size_t			 n_sigma_paths;
	bool			 estate_analyzers; /**< run the analyzers only
						     on a live estate: none
						     when the snapshot holds
						     records from templates
						     or plans (they need
						     one) */
} ov_scan_options;

#define OV_SCAN_OPTIONS_VERSION 1
#define OV_SCAN_OPTIONS_INIT { OV_SCAN_OPTIONS_VERSION, NULL, NULL, false, \
	NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, false, NULL, NULL, false, \
	NULL, NULL, false, 0, NULL, NULL, NULL, 0, NULL, 0, false }

typedef struct ov_scan_result ov_scan_result;

/**
 * Run the pipeline.  Findings that are results (non-compliant,
 * indeterminate) never make this fail; it fails only when a rule,
 * contract or exception file cannot be used (with its position on ctx),
 * an analyzer is unknown, on_result stops it, or memory runs out.
 */
OV_EXTERN(int) ov_scan_run(ov_scan_result **out, ov_ctx *ctx,
    const ov_snapshot *snap, const ov_scan_options *opts);

/**
 * Load paths (files or directories, as ov_snapshot_load()) into snap, an
 * empty snapshot, and run the pipeline while loading: each record's rules
 * are evaluated as it is read, on OV_LIMIT_THREADS threads, and the
 * snapshot keeps every record's header but only the parts of bodies the
 * analyzers, the contract questions and the rules that read other records
 * use, so memory follows what the analyses need rather than the estate's
 * size.  flags are OV_LOAD_* (OV_LOAD_DIGEST when the result goes to a
 * store).  The result is the one ov_snapshot_load() and ov_scan_run()
 * give; with opts->assigned, opts->on_result or opts->eval_flags it is
 * exactly that (everything is kept).  snap must outlive the result.
 */
OV_EXTERN(int) ov_scan_paths(ov_scan_result **out, ov_ctx *ctx,
    ov_snapshot *snap, const char * const *paths, size_t n, unsigned flags,
    const ov_scan_options *opts);

/** Release a result.  NULL is ignored. */
OV_EXTERN(void) ov_scan_result_free(ov_scan_result *r);

/** The findings, sorted in report order. */
OV_EXTERN(const ov_findings *) ov_scan_findings(const ov_scan_result *r);

/**
 * Log events read for detections, the bad ones among them (skipped), and
 * the Sigma rules that could not run (see `overvisor sigma check`).
 */
OV_EXTERN(void) ov_scan_log_stats(const ov_scan_result *r,
    uint64_t *events, uint64_t *errors, size_t *unusable_rules);

/** Number of rules evaluated. */
OV_EXTERN(size_t) ov_scan_n_rules(const ov_scan_result *r);

/**
 * Number of policy definitions that could not be used (syntax or
 * semantic errors); `overvisor policy check` lists them with positions.
 */
OV_EXTERN(size_t) ov_scan_n_policy_errors(const ov_scan_result *r);

/** The exceptions the scan applied (--exceptions), or NULL. */
OV_EXTERN(const struct ov_exceptions *) ov_scan_exceptions(
    const ov_scan_result *r);

/** The framework compliance view, or NULL without --framework. */
OV_EXTERN(const ov_compliance *) ov_scan_compliance(const ov_scan_result *r);

/**
 * Number of findings at or above min that are not excepted or compliant:
 * the count behind --fail-on.
 */
OV_EXTERN(size_t) ov_scan_count_at_least(const ov_scan_result *r,
    ov_severity min);

/** The snapshot the result is about. */
OV_EXTERN(const ov_snapshot *) ov_scan_snapshot(const ov_scan_result *r);

/** The analysis clock the pipeline ran with (Unix seconds). */
OV_EXTERN(int64_t) ov_scan_now(const ov_scan_result *r);

/** The contract the pipeline applied (the default one when none given). */
OV_EXTERN(const ov_contract *) ov_scan_contract(const ov_scan_result *r);

/** The manifest sources of the snapshot; *n receives their number. */
OV_EXTERN(const ov_source_info *) ov_scan_sources(const ov_scan_result *r,
    size_t *n);

/** The rule set evaluated, or NULL when no rule ran. */
OV_EXTERN(const ov_ruleset *) ov_scan_ruleset(const ov_scan_result *r);

/** Number of contract answers (8 with questions, else 0). */
OV_EXTERN(size_t) ov_scan_n_answers(const ov_scan_result *r);

/** Contract answer i ("Q1" ... "Q8"), or NULL past the end. */
OV_EXTERN(const ov_contract_answer *) ov_scan_answer(
    const ov_scan_result *r, size_t i);

/**
 * Number of records whose data an analyzer could not read (a malformed
 * NIC or NSG): their checks are indeterminate, reported as findings with
 * the reason.  An input problem: `scan` exits 3 after writing the report.
 */
OV_EXTERN(size_t) ov_scan_n_malformed(const ov_scan_result *r);

/**
 * True when name (case-insensitive) is an analyzer a scan can run
 * (ov_scan_options.analyzers), so a caller can reject a bad name as a
 * usage error before scanning.
 */
OV_EXTERN(bool) ov_scan_analyzer_known(const char *name);

/** A scan's verdict on a (rule, resource) pair it raised no finding for. */
typedef enum {
	OV_VERDICT_UNKNOWN = 0,	/**< not evaluated here: only the absence
				     of the resource from a complete source
				     can settle it */
	OV_VERDICT_PASSED,	/**< the resource is in the snapshot, the
				     rule evaluated it with the data it needs
				     and it passed */
	OV_VERDICT_HOLD		/**< the rule's producer did not run or its
				     findings were filtered out (--no-rules,
				     --analyzer, --framework): nothing about
				     the pair is known */
} ov_verdict;

/**
 * The scan's verdict on rule (from producer source: "policy" or an
 * analyzer name) for resource_id, when the scan raised no finding for the
 * pair.  What `scan --db` uses to resolve a fixed finding from any input,
 * manifest or not.
 */
OV_EXTERN(ov_verdict) ov_scan_verdict(const ov_scan_result *r,
    const char *rule, const char *source, const char *resource_id);

#ifdef __cplusplus
}
#endif
#endif
