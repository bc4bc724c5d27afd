/* SPDX-License-Identifier: MIT */
/*
 * The operator contract (DESIGN section 7): who is responsible and who is
 * accountable for each operational duty, at what SLA, how often, and the
 * thresholds the duty analyzers apply.  Read from contract.yaml (see
 * docs/contract.md) or built from the documented defaults.
 *
 * Ownership: a contract from ov_contract__load_file(),
 * ov_contract__load_buffer() or ov_contract__default() is owned by the
 * caller and released with ov_contract_free() (include/overvisor/
 * contract.h).  Every pointer reached from it is borrowed from its arena
 * and lives until then.  Look-ups accept a NULL contract and then answer
 * with the defaults, so an analyzer never needs to test for one.
 */
#ifndef OV_RACI_CONTRACT_H
#define OV_RACI_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/contract.h"
#include "overvisor/finding.h"
#include "util/arena.h"
#include "util/hash.h"

/* Duty names the contract knows (others are accepted as custom duties). */
#define OV_DUTY_OS_PATCHING		"os-patching"
#define OV_DUTY_IDENTITY_REVIEW		"identity-review"
#define OV_DUTY_NSG_REVIEW		"nsg-review"
#define OV_DUTY_DEFENDER_TRIAGE		"defender-triage"
#define OV_DUTY_POLICY_ENFORCEMENT	"policy-enforcement"
#define OV_DUTY_BACKUP_VALIDATION	"backup-validation"
#define OV_DUTY_MONITORING		"monitoring"
#define OV_DUTY_INCIDENT_RESPONSE	"incident-response"
#define OV_DUTY_GOVERNANCE_REPORTING	"governance-reporting"

/* One contact of a party. */
struct ov_contract_contact {
	const char	*name;		/* person or team, may be NULL */
	const char	*email;		/* may be NULL */
	const char	*phone;		/* may be NULL */
	const char	*role;		/* free text, e.g. "service manager" */
};

/* A party: customer IT, the CSP operator, an MSP. */
struct ov_contract_party {
	const char			*id;		/* key used by duties,
							   e.g. "csp" */
	const char			*name;		/* display name */
	const char			*kind;		/* customer, csp, msp */
	struct ov_contract_contact	*contacts;	/* n_contacts of them */
	size_t				 n_contacts;	/* number of contacts */
	const char			*pager;		/* pager address or
							   number, may be NULL */
	int64_t				 pager_response; /* seconds to answer a
							   page; 0 = not set */
	unsigned			 line;		/* where defined, 1-based;
							   0 for defaults */
};

/* One escalation step: after `after` seconds without progress, tell `to`. */
struct ov_contract_escalation {
	int64_t		 after;		/* seconds since the problem started */
	const char	*to;		/* party id */
};

/* Per-severity SLA; indexed by ov_severity.  0 means "no SLA". */
#define OV_CONTRACT_N_SEV	(OV_SEV_CRITICAL + 1)

/* One duty. */
struct ov_contract_duty {
	const char		*name;		/* "os-patching" ... */
	const char		*responsible;	/* party id, or NULL */
	const char		*accountable;	/* party id, or NULL */
	int64_t			 sla[OV_CONTRACT_N_SEV]; /* seconds per
							   severity; 0 = none */
	bool			 has_sla;	/* any SLA given */
	int64_t			 alert_sla[OV_CONTRACT_N_SEV]; /* defender-triage:
						   time to triage an active
						   alert; 0 = none */
	bool			 has_alert_sla;	/* alert-sla given */
	int64_t			 cadence;	/* seconds between performances;
						   0 = not set */
	struct ov_contract_escalation *escalation; /* in order */
	size_t			 n_escalation;	/* number of steps */
	int64_t			 rpo;		/* backup: recovery point
						   objective, seconds; 0 = none */
	int64_t			 rto;		/* backup: recovery time
						   objective, seconds; 0 = none */
	int64_t			 restore_test_window; /* backup: a successful
						   restore must exist within
						   this many seconds; 0 = none */
	int64_t			 assessment_max_age; /* patching: assessment
						   older than this is stale */
	int64_t			 secret_max_lifetime; /* identity: longest
						   allowed client-secret
						   validity */
	int64_t			 max_standing_privileged; /* identity: most
						   permanent holders of one
						   privileged role; -1 none */
	const char		**must_deny;	/* policy: definition names, ids
						   or display names that must
						   run with a deny effect */
	size_t			 n_must_deny;	/* number of must_deny */
	const char		**evidence;	/* hints: where proof of the
						   duty is found */
	size_t			 n_evidence;	/* number of evidence hints */
	const char		**recipients;	/* reporting: who receives it */
	size_t			 n_recipients;	/* number of recipients */
	const char		**contents;	/* reporting: what goes in */
	size_t			 n_contents;	/* number of contents */
	const char		*sign_off;	/* party who signs off the
						   evidence (restore tests,
						   reports), or NULL */
	const char		*last_performed; /* ISO date the operator
						   declares the duty was last
						   done, or NULL */
	bool			 is_default;	/* not in the file: defaults */
	unsigned		 line;		/* where defined, 1-based */
	const char		**consulted;	/* party ids consulted */
	size_t			 n_consulted;	/* number of consulted */
	const char		**informed;	/* party ids kept informed */
	size_t			 n_informed;	/* number of informed */
	const char * const	*consulted_names; /* display names: consulted
						   and sign-off, less R/A */
	size_t			 n_consulted_names; /* their number */
	const char * const	*informed_names; /* display names: informed
						   and escalation targets,
						   less R/A/C */
	size_t			 n_informed_names; /* their number */
	int64_t			 inactive_after; /* identity: an account without
						   a sign-in for longer is
						   inactive */
	const char		**emergency_access; /* identity: emergency-access
						   accounts and groups (UPN,
						   object id or display name,
						   '*' wildcards) */
	size_t			 n_emergency_access; /* number of entries */
};

/* A zone pair traffic must never flow across (network segmentation). */
struct ov_contract_flow {
	const char	*from;		/* zone name (tag value or VNet name) */
	const char	*to;		/* zone name */
	unsigned	 line;		/* where defined, 1-based */
};

/* The whole contract. */
struct ov_contract {
	struct ov_arena			 arena;		/* every string */
	const char			*source;	/* file name, or NULL */
	const char			*customer;	/* customer name */
	const char			*tenant;	/* tenant id or NULL */
	struct ov_contract_party	*parties;	/* n_parties */
	size_t				 n_parties;	/* number of parties */
	struct ov_contract_duty		*duties;	/* n_duties, in file
							   order, then the
							   defaults not given */
	size_t				 n_duties;	/* number of duties */
	const char			**frameworks;	/* in scope */
	size_t				 n_frameworks;	/* number of frameworks */
	const char			*zone_tag;	/* network zone tag */
	struct ov_contract_flow		*forbidden_flows; /* segmentation */
	size_t				 n_forbidden_flows; /* number of flows */
	bool				 is_default;	/* built, not read */
	struct ov_map			 party_ix;	/* id -> party */
};

/*
 * Parse contract YAML from len bytes of data; name is used in errors (may
 * be NULL).  Every invalid field (unknown key, bad duration, unknown party,
 * wrong type) fails with OV_EPARSE and an error on ctx naming the line and
 * column.  On success *out is owned by the caller (ov_contract_free()).
 */
int	ov_contract__load_buffer(struct ov_contract **out, ov_ctx *ctx,
	    const char *name, const char *data, size_t len);
/* As ov_contract__load_buffer, reading path; OV_EIO when unreadable. */
int	ov_contract__load_file(struct ov_contract **out, ov_ctx *ctx,
	    const char *path);
/* The default contract (docs/contract.md, "Defaults"); owned by caller. */
int	ov_contract__default(struct ov_contract **out, ov_ctx *ctx);

/*
 * The duty called name, or NULL when the contract does not have it.  With a
 * NULL contract, the built-in defaults are consulted.
 */
const struct ov_contract_duty *ov_contract__duty(const struct ov_contract *c,
	    const char *name);
/* The party with this id (case-insensitive), or NULL. */
const struct ov_contract_party *ov_contract__party(
	    const struct ov_contract *c, const char *id);
/*
 * The SLA in seconds for severity sev of duty, or 0 when the duty has no
 * SLA for it.  A missing severity uses the nearest higher severity that has
 * one, else the nearest lower one (an SLA for high alone also covers
 * critical); info never borrows from below.  A duty given without any SLA
 * uses the built-in defaults.
 */
int64_t	ov_contract__sla_seconds(const struct ov_contract *c,
	    const char *duty, ov_severity sev);
/*
 * The time allowed to triage an active Defender alert of severity sev: the
 * defender-triage duty's alert-sla, falling back upwards like
 * ov_contract__sla_seconds(), else the built-in alert defaults.
 */
int64_t	ov_contract__alert_sla_seconds(const struct ov_contract *c,
	    ov_severity sev);
/*
 * Due date (Unix seconds) for a problem of severity sev under duty that
 * started at first_seen: first_seen + SLA, or 0 when there is no SLA or
 * first_seen is 0.
 */
int64_t	ov_contract__due(const struct ov_contract *c, const char *duty,
	    ov_severity sev, int64_t first_seen);
/*
 * Display name of the accountable party of duty ("CSP operator (Contoso
 * Cloud)"), falling back to its id; NULL when none is named.
 */
const char *ov_contract__accountable(const struct ov_contract *c,
	    const char *duty);
/* Display name of the responsible party of duty, or NULL. */
const char *ov_contract__responsible(const struct ov_contract *c,
	    const char *duty);
/* The consulted and informed parties of a duty, as display names. */
struct ov_contract_ci {
	const char * const	*consulted;	/* the consulted list and the
						   sign-off party */
	size_t			 n_consulted;	/* their number */
	const char * const	*informed;	/* the informed list and every
						   escalation target */
	size_t			 n_informed;	/* their number */
};

/*
 * Fill *out for duty: none repeats a party already responsible,
 * accountable or consulted.  The arrays are borrowed from the contract;
 * without a contract or duty, both are empty.
 */
void	ov_contract__ci(const struct ov_contract *c, const char *duty,
	    struct ov_contract_ci *out);
/* Owner side of a duty: customer when the accountable party is the
 * customer, shared when a CSP or MSP is responsible for it. */
ov_owner ov_contract__owner(const struct ov_contract *c, const char *duty);

/*
 * True when traffic from zone `from` to zone `to` is forbidden by the
 * contract (case-insensitive; "*" in the contract matches any zone).
 */
bool	ov_contract__flow_forbidden(const struct ov_contract *c,
	    const char *from, const char *to);
/*
 * The layer a duty works in, for findings about the duty itself (an
 * accountability gap, a lapsed exception) that name no resource layer;
 * OV_LAYER_UNKNOWN for a custom duty.
 */
ov_layer ov_contract__duty_layer(const char *duty);
/* The zone tag name: the contract's, or "env". */
const char *ov_contract__zone_tag(const struct ov_contract *c);

/*
 * Parse a contract duration: "7d", "12h", "30m", "45s", "2w", or ISO 8601
 * ("P7D", "PT4H").  Returns false when s is not one.
 */
bool	ov_contract__duration_parse(const char *s, int64_t *out);

#endif
