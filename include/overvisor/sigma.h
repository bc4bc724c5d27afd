/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/sigma.h
 * @brief Threat detection: Sigma rules over Azure activity logs, Entra
 * sign-in and audit logs and Identity Protection risk detections, with
 * the detections reported as findings.
 *
 * A rule set is loaded once (ov_sigma_rules_load() for files and
 * directories of Sigma YAML), compiled once (ov_sigma_rules_compile()),
 * and then shared read-only by any number of detectors.  A rule that
 * cannot be used (a construct overvisor does not support, a field with no
 * mapping for its logsource, a logsource with no log reader) is never
 * dropped silently: it is listed among the rule set's diagnostics with its
 * file, line and column and the reason.
 *
 * A detector (ov_sigma_detector) reads log files in any of the supported
 * shapes, detected from their content, one event at a time, and matches
 * each event against the rules through an index on each rule's most
 * selective field.  ov_sigma_detector_finish() adds one finding per (rule,
 * resource or principal) to a findings list: repeats of a detection on
 * the same principal are one finding with the events as evidence.
 *
 * Ownership: every handle is created by a *_new or *_load function, owned
 * by the caller and released by its *_free function; strings returned by
 * getters are borrowed from the handle.
 */
#ifndef OVERVISOR_SIGMA_H
#define OVERVISOR_SIGMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of Sigma rules and correlation rules. */
typedef struct ov_sigma_rules ov_sigma_rules;

/** How bad a rule diagnostic is. */
typedef enum {
	OV_SIGMA_DIAG_ERROR = 0,	/**< the file or rule is invalid */
	OV_SIGMA_DIAG_UNSUPPORTED,	/**< valid Sigma overvisor cannot run */
	OV_SIGMA_DIAG_WARNING		/**< the rule runs; worth a look */
} ov_sigma_diag_level;

/** One diagnostic about a rule file. */
typedef struct {
	ov_sigma_diag_level	 level;		/**< error, unsupported, warning */
	const char		*file;		/**< rule file */
	unsigned		 line;		/**< 1-based; 0 if unknown */
	unsigned		 column;	/**< 1-based; 0 if unknown */
	const char		*rule_id;	/**< the rule's id, or NULL */
	const char		*title;		/**< the rule's title, or NULL */
	const char		*message;	/**< one line, the reason */
} ov_sigma_diag;

/** Options of a rule set. */
typedef struct {
	unsigned	 version;	/**< OV_SIGMA_OPTIONS_VERSION */
	const char	*data_dir;	/**< directory holding data/sigma/
					     (the field maps); NULL for the
					     build tree */
} ov_sigma_options;

#define OV_SIGMA_OPTIONS_VERSION 1
#define OV_SIGMA_OPTIONS_INIT { OV_SIGMA_OPTIONS_VERSION, NULL }

/**
 * Create an empty rule set with the field maps of opts->data_dir.  *out is
 * owned by the caller.  OV_EIO or OV_EPARSE when a field map cannot be
 * read.
 */
OV_EXTERN(int) ov_sigma_rules_new(ov_sigma_rules **out, ov_ctx *ctx,
    const ov_sigma_options *opts);

/** Release a rule set.  NULL is ignored. */
OV_EXTERN(void) ov_sigma_rules_free(ov_sigma_rules *rules);

/**
 * Add the rules of a file, or of every .yml and .yaml file under a
 * directory (recursively, in name order).  A bad or unsupported rule is a
 * diagnostic, not a failure; OV_EIO only when path cannot be read.
 */
OV_EXTERN(int) ov_sigma_rules_load(ov_sigma_rules *rules, const char *path);

/** As ov_sigma_rules_load() for len bytes of YAML named name. */
OV_EXTERN(int) ov_sigma_rules_load_buffer(ov_sigma_rules *rules,
    const char *name, const char *data, size_t len);

/**
 * Resolve the correlation rules' references and build the matching index.
 * Call once after the last load; rules are added no more after it.
 */
OV_EXTERN(int) ov_sigma_rules_compile(ov_sigma_rules *rules);

/** Rules (and correlation rules) that compiled and will run. */
OV_EXTERN(size_t) ov_sigma_rules_count(const ov_sigma_rules *rules);

/** Rule files read. */
OV_EXTERN(size_t) ov_sigma_rules_n_files(const ov_sigma_rules *rules);

/** Diagnostics, in file order. */
OV_EXTERN(size_t) ov_sigma_rules_n_diags(const ov_sigma_rules *rules);
OV_EXTERN(const ov_sigma_diag *) ov_sigma_rules_diag(
    const ov_sigma_rules *rules, size_t i);

/** The name of a diagnostic level ("unsupported"). */
OV_EXTERN(const char *) ov_sigma_diag_level_name(ov_sigma_diag_level l);

/** A detector: reads logs, matches rules, collects detections. */
typedef struct ov_sigma_detector ov_sigma_detector;

struct ov_contract;

/** Options of a detector. */
typedef struct {
	unsigned		 version;	/**< OV_SIGMA_DETECT_VERSION */
	int64_t			 since;		/**< skip events before (Unix
						     seconds); 0 for none */
	int64_t			 until;		/**< skip events at or after;
						     0 for none */
	const struct ov_contract *contract;	/**< triage SLA, accountable
						     party; NULL for the
						     default contract */
	unsigned		 threads;	/**< matching threads; 0 for
						     one per core */
	size_t			 max_evidence;	/**< events kept as evidence
						     per finding; 0 for 5 */
} ov_sigma_detect_options;

#define OV_SIGMA_DETECT_VERSION 1
#define OV_SIGMA_DETECT_OPTIONS_INIT { OV_SIGMA_DETECT_VERSION, 0, 0, NULL, \
	0, 0 }

/**
 * Create a detector over a compiled rule set (which must outlive it).
 * *out is owned by the caller.
 */
OV_EXTERN(int) ov_sigma_detector_new(ov_sigma_detector **out, ov_ctx *ctx,
    const ov_sigma_rules *rules, const ov_sigma_detect_options *opts);

/** Release a detector.  NULL is ignored. */
OV_EXTERN(void) ov_sigma_detector_free(ov_sigma_detector *d);

/**
 * Read a log file (or every .json, .ndjson, .jsonl and .log file under a
 * directory), whatever its shape, and match its events.  Bad events are
 * counted and described (see ov_sigma_detector_n_errors()) and skipped;
 * a file that starts with bad events only is skipped after a few.  OV_EIO
 * when path cannot be read.
 */
OV_EXTERN(int) ov_sigma_detector_read(ov_sigma_detector *d, const char *path);

/** As ov_sigma_detector_read() for len bytes named name. */
OV_EXTERN(int) ov_sigma_detector_read_buffer(ov_sigma_detector *d,
    const char *name, const char *data, size_t len);

/**
 * Flush the correlation state and add one finding per detection to out
 * (state non-compliant, duty defender-triage, source "sigma").
 */
OV_EXTERN(int) ov_sigma_detector_finish(ov_sigma_detector *d,
    ov_findings *out);

/** Counters of a detector. */
typedef struct {
	uint64_t	 files;		/**< log files read */
	uint64_t	 events;	/**< events read and matched */
	uint64_t	 skipped;	/**< events outside --since/--until */
	uint64_t	 errors;	/**< bad events, skipped */
	uint64_t	 matches;	/**< (rule, event) matches */
	uint64_t	 late;		/**< events too late for a correlation
					     window, counted by no window */
	int64_t		 first;		/**< earliest event time; 0 = none */
	int64_t		 last;		/**< latest event time */
} ov_sigma_stats;

/** The counters so far. */
OV_EXTERN(void) ov_sigma_detector_stats(const ov_sigma_detector *d,
    ov_sigma_stats *out);

/**
 * Input errors so far, each "file:line:column: message"; at most
 * OV_LIMIT_ERRORS_PER_FILE kept per file (all are counted).
 */
OV_EXTERN(size_t) ov_sigma_detector_n_errors(const ov_sigma_detector *d);
OV_EXTERN(const char *) ov_sigma_detector_error(const ov_sigma_detector *d,
    size_t i);

/**
 * True when the file at path looks like a log overvisor reads (activity,
 * sign-in, audit, risk detection), judged from its first event; used by
 * scan to route inputs.
 */
OV_EXTERN(bool) ov_sigma_is_log_file(const char *path);

#ifdef __cplusplus
}
#endif
#endif
