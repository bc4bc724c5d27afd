/* SPDX-License-Identifier: MIT */
/*
 * The analyzers' check table (data/analyzers/checks.json, compiled into
 * the library): one row per check id with its title, severity, state,
 * duty, layer and remediation.  Analyzers take those from the row and
 * decide only whether a check fires and with what evidence; a row may
 * declare that its severity, state, duty or layer depends on the data
 * (the *_note fields say how), and only then may the analyzer set it.
 * "coverage": true marks an analyzer's one "source not collected" check;
 * "builtins" (built-in policy definitions that check the same
 * requirement) and "controls" feed tools/gen_frameworks.c.
 *
 * The table is parsed once, on first use, and never changes; every
 * pointer into it lives until the process ends.
 */
#ifndef OV_RULES_CHECKS_H
#define OV_RULES_CHECKS_H

#include <stdbool.h>

#include "overvisor/finding.h"
#include "overvisor/rules.h"

struct ov_check {
	ov_check_info	 info;		/* the public view */
	ov_severity	 severity;	/* default severity */
	bool		 severity_varies; /* info.severity_note given */
	ov_state	 state;		/* default state */
	bool		 state_varies;	/* info.state_note given */
	bool		 duty_varies;	/* no fixed duty (info.duty NULL) */
	ov_layer	 layer;		/* OV_LAYER_UNKNOWN when it varies
					   without a default */
	bool		 layer_varies;	/* info.layer_note given */
	bool		 coverage;	/* the analyzer's "source not
					   collected" check */
};

/* The row of check id (case-insensitive), or NULL. */
const struct ov_check *ov_rules__check(const char *id);

/*
 * Why the compiled-in table could not be read, or NULL when it was: a
 * bug in data/analyzers/checks.json that the unit tests catch.
 */
const char *ov_rules__checks_error(void);

#endif
