/* SPDX-License-Identifier: MIT */
/*
 * Shared plumbing of the analyzers: building a finding of a check from the
 * check table (data/analyzers/checks.json: title of the check, severity,
 * state, duty, layer, remediation), with the owner side, the accountable
 * party from the contract and a due date from its SLA; evidence
 * formatting; the single "source not collected" coverage finding;
 * timestamps from records.  The analyzer decides whether a check fires,
 * its instance title and its evidence; severity, state, duty and layer it
 * may set only where the check's row says they depend on the data.
 *
 * Ownership: a struct ov_duty_finding owns a scratch arena for its strings;
 * ov_duty__emit() copies the finding into the analyzer's list and releases
 * the arena, ov_duty__discard() releases it without emitting.
 */
#ifndef OV_ANALYZERS_DUTY_H
#define OV_ANALYZERS_DUTY_H

#include <stdbool.h>
#include <stdint.h>

#include "overvisor/finding.h"
#include "lib/analyzers/analyzer.h"
#include "lib/model/model.h"
#include "lib/rules/checks.h"
#include "util/arena.h"
#include "util/hash.h"

#define OV_DUTY_MAX_EVIDENCE	24	/* evidence lines kept per finding */

/* A finding under construction. */
struct ov_duty_finding {
	struct ov_analyzer_ctx	*actx;		/* where it goes */
	const struct ov_check	*check;		/* its row, or NULL: unknown */
	const char		*bad;		/* why the row refuses what the
						   code set, or NULL */
	struct ov_arena		 scratch;	/* strings until emitted */
	ov_finding		 f;		/* the finding */
	ov_evidence		 ev[OV_DUTY_MAX_EVIDENCE]; /* evidence */
	size_t			 n_ev;		/* used evidence slots */
	bool			 oom;		/* an allocation failed */
};

/*
 * Start a finding of check id about record rec (may be NULL: set
 * f.resource_id yourself): title, severity, state, duty, layer,
 * remediation, source and framework controls come from the check's row.
 */
void	ov_duty__begin(struct ov_duty_finding *df,
	    struct ov_analyzer_ctx *actx, const char *id,
	    const struct ov_record *rec);
/*
 * Values that depend on the data, for a check whose row says so (a
 * severityNote, stateNote, dutyNote or layerNote); setting one the row
 * fixes makes ov_duty__emit() fail as an internal error.
 */
void	ov_duty__severity(struct ov_duty_finding *df, ov_severity sev);
void	ov_duty__state(struct ov_duty_finding *df, ov_state state);
void	ov_duty__duty(struct ov_duty_finding *df, const char *duty);
void	ov_duty__layer(struct ov_duty_finding *df, ov_layer layer);
/* Set the instance title (printf); the check's title when not set. */
void	ov_duty__title(struct ov_duty_finding *df, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Copy s into the finding's scratch arena; NULL stays NULL. */
const char *ov_duty__strdup(struct ov_duty_finding *df, const char *s);
/*
 * Add evidence: path (copied), a value given as raw JSON text (copied, may
 * be NULL for absent) and a message (printf).
 */
void	ov_duty__ev(struct ov_duty_finding *df, const char *path,
	    const char *json_value, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* As ov_duty__ev with a string value, quoted as JSON (NULL: absent). */
void	ov_duty__ev_str(struct ov_duty_finding *df, const char *path,
	    const char *value, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* As ov_duty__ev with an integer value. */
void	ov_duty__ev_int(struct ov_duty_finding *df, const char *path,
	    int64_t value, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/*
 * Finish: started is when the problem began (Unix seconds, 0 = unknown);
 * the due date is started + the contract SLA for the finding's severity.
 * The accountable party and owner side come from the contract.  Returns 0,
 * OV_ENOMEM, or OV_EINVALID (internal) when the check is not in the table
 * or the code set a value its row fixes.  The scratch arena is released
 * either way.
 */
int	ov_duty__emit(struct ov_duty_finding *df, int64_t started);
/* Release a finding that will not be emitted. */
void	ov_duty__discard(struct ov_duty_finding *df);

/*
 * Emit the one indeterminate coverage finding of check id (an analyzer
 * whose source is missing), saying what is missing ("no Graph conditional
 * access policies in the snapshot").
 */
int	ov_duty__coverage(struct ov_analyzer_ctx *actx, const char *id,
	    const char *what);

/*
 * For analyzers that fill an ov_finding themselves (network): take the
 * title, severity, state, duty, layer, remediation, source and controls
 * of check id from its row, keeping sev and state (what the data gave)
 * only where the row lets them vary.  0, or OV_EINVALID (internal) on ctx when the check
 * is not in the table or the data contradicts a fixed value.
 */
int	ov_duty__from_check(ov_ctx *ctx, ov_finding *f, const char *id,
	    ov_severity sev, ov_state state);

/* Parse a JSON string timestamp; false when absent or invalid. */
bool	ov_duty__time(const ov_json *v, int64_t *out);
/* Timestamp at a dotted path of rec; false when absent or invalid. */
bool	ov_duty__rec_time(const struct ov_record *rec, const char *path,
	    int64_t *out);
/*
 * Parse an ISO 8601 duration that may carry fractional seconds
 * ("PT12.4272909S", "P1DT2H"); fractions are truncated.
 */
bool	ov_duty__iso_duration(const char *s, int64_t *out);
/* Whole days in seconds, rounded down (negative stays negative). */
int64_t	ov_duty__days(int64_t seconds);
/* True when a JSON value is true or the string "true" (any case). */
bool	ov_duty__truthy(const ov_json *v);
/* Records of type, or of the alternative type alt (may be NULL), merged
 * by calling fn on each; stops on a negative return. */
int	ov_duty__each(const struct ov_snapshot *s, const char *type,
	    const char *alt, int (*fn)(const struct ov_record *r, void *arg),
	    void *arg);

/* Length of s before the first case-insensitive marker; 0 when absent. */
size_t	ov_duty__prefix_len(const char *s, const char *marker);
/* True when s contains marker, case-insensitively. */
bool	ov_duty__contains_ci(const char *s, const char *marker);

/* ov__map_put for a borrowed const value; 0 or OV_ENOMEM. */
int	ov_duty__map_put(struct ov_map *m, const char *key, size_t klen,
	    const void *value);

struct ov_contract_duty;
/*
 * Newest evidence in snapshot s (or the contract's last-performed date)
 * that duty d was performed: Unix seconds, 0 when none, -1 when the duty is
 * continuous and its mechanism is present.  *what names the evidence.
 * Implemented by the accountability analyzer.
 */
int64_t	ov_duty__last_performed(const struct ov_snapshot *s,
	    const struct ov_contract_duty *d, const char **what);

#endif
