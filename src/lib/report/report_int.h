/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the reporters: a FILE writer that remembers the first
 * failure, UTF-8 checking, a streaming JSON writer, and the aggregates
 * (summary counts, rule table) several formats print.
 *
 * Every writer function is void: a failed write sets w->error and later
 * writes are skipped, so a reporter checks once, at the end.
 */
#ifndef OV_REPORT_INT_H
#define OV_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "overvisor/report.h"

/* Deepest JSON nesting the writer tracks (evidence values included). */
#define OV_REPORT_JSON_DEPTH	64

/* Reporter signature; one per format, listed in report_list.h. */
typedef int (*ov_report_fn)(FILE *f, const ov_report_input *in,
    unsigned flags);

struct ov_rw {
	FILE	*f;		/* destination */
	int	 error;		/* 0, or OV_EIO after a failed write */
};

void	ov_report__rw_init(struct ov_rw *w, FILE *f);
void	ov_report__write(struct ov_rw *w, const char *s, size_t n);
void	ov_report__puts(struct ov_rw *w, const char *s);
void	ov_report__putc(struct ov_rw *w, char c);
void	ov_report__printf(struct ov_rw *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Flush and return 0 or OV_EIO. */
int	ov_report__rw_finish(struct ov_rw *w);


/* Streaming JSON writer with fixed key order chosen by the caller. */
struct ov_jw {
	struct ov_rw	*w;				/* output */
	bool		 pretty;			/* 2-space indent */
	unsigned	 depth;				/* open containers */
	bool		 empty[OV_REPORT_JSON_DEPTH];	/* nothing written
							   in this level */
	bool		 after_key;			/* value follows a
							   key */
};

void	ov_report__jw_init(struct ov_jw *j, struct ov_rw *w, bool pretty);
void	ov_report__jw_begin_object(struct ov_jw *j);
void	ov_report__jw_end_object(struct ov_jw *j);
void	ov_report__jw_begin_array(struct ov_jw *j);
void	ov_report__jw_end_array(struct ov_jw *j);
void	ov_report__jw_key(struct ov_jw *j, const char *key);
/* A string value, or null when s is NULL. */
void	ov_report__jw_string(struct ov_jw *j, const char *s);
void	ov_report__jw_uint(struct ov_jw *j, unsigned long long v);
void	ov_report__jw_int(struct ov_jw *j, long long v);
void	ov_report__jw_bool(struct ov_jw *j, bool v);
void	ov_report__jw_null(struct ov_jw *j);
/* A number or literal written verbatim (the caller vouches for it). */
void	ov_report__jw_raw(struct ov_jw *j, const char *text);
/*
 * Evidence value: when text is JSON, embed it as JSON (re-indented);
 * otherwise write it as a string; NULL is null.
 */
void	ov_report__jw_json_text(struct ov_jw *j, const char *text);
/* Write s as a JSON string literal with quotes (no structure). */
void	ov_report__json_escape(struct ov_rw *w, const char *s);

/* Shorthands: key then value. */
void	ov_report__jw_kstr(struct ov_jw *j, const char *key, const char *s);
void	ov_report__jw_kuint(struct ov_jw *j, const char *key,
	    unsigned long long v);
void	ov_report__jw_kstrv(struct ov_jw *j, const char *key,
	    const char *const *v, size_t n);

/* "evidence": a finding's evidence array. */
void	ov_report__jw_evidence(struct ov_jw *j, const ov_finding *f);
/* One finding object in the JSON/NDJSON shape. */
void	ov_report__json_finding(struct ov_jw *j, const ov_finding *f);
/* The compliance object (framework, summary, controls). */
void	ov_report__json_compliance(struct ov_jw *j, const ov_compliance *c);

/* Counts every format may print. */
struct ov_report_summary {
	size_t	 total;				/* findings */
	size_t	 by_severity[OV_SEV_CRITICAL + 1];	/* index ov_severity */
	size_t	 by_layer[OV_LAYER__COUNT];	/* index ov_layer */
	size_t	 by_owner[OV_OWNER_SHARED + 1];	/* index ov_owner */
	size_t	 by_state[OV_STATE_ERROR + 1];	/* index ov_state */
};

void	ov_report__summarize(const ov_report_input *in,
	    struct ov_report_summary *s);

/* One distinct rule among the findings. */
struct ov_report_rule {
	const char	*id;		/* rule id */
	const ov_finding *first;	/* first finding with the rule */
	ov_severity	 severity;	/* highest severity seen */
	size_t		 count;		/* findings */
	size_t		 by_state[OV_STATE_ERROR + 1]; /* findings by state */
};

/*
 * The distinct rules sorted by id (bytewise), in a new array the caller
 * frees with ov__free(); *n_out receives the count.  When index_out is not
 * NULL it receives a new array mapping each finding to its rule's index.
 * Returns 0 or OV_ENOMEM.
 */
int	ov_report__rules(const ov_report_input *in,
	    struct ov_report_rule **out, size_t *n_out, size_t **index_out);

/* Findings grouped by a string (duty, accountable party). */
struct ov_report_group {
	const char	*name;		/* key, borrowed */
	size_t		 count;		/* findings */
	size_t		 urgent;	/* non-compliant, high or critical */
	size_t		 overdue;	/* non-compliant, due before
					   generated_at */
};

/*
 * Group the findings by key(f), NULL or empty counting under none; a new
 * array sorted by name, freed with ov__free().  Returns 0 or OV_ENOMEM.
 */
int	ov_report__group(const ov_report_input *in,
	    const char *(*key)(const ov_finding *), const char *none,
	    struct ov_report_group **out, size_t *n_out);
const char *ov_report__key_duty(const ov_finding *f);
const char *ov_report__key_accountable(const ov_finding *f);

/* XML/HTML text (attr false) or attribute value (attr true), escaped. */
void	ov_report__xml(struct ov_rw *w, const char *s, bool attr);

/* "YYYY-MM-DD" for a due date, or NULL for 0; buf at least 11 bytes. */
const char *ov_report__due(int64_t due, char *buf, size_t size);

/* Number of findings in the input (0 when findings is NULL). */
size_t	ov_report__count(const ov_report_input *in);

/* The name written for a finding without a duty. */
#define OV_REPORT_NO_DUTY	"unassigned"
/* The name written for a finding whose duty names nobody responsible. */
#define OV_REPORT_NO_PARTY	"(nobody named)"

/* True when f needs action and its due date lies before the report time. */
bool	ov_report__overdue(const ov_report_input *in, const ov_finding *f);
/* Whole days f is past due, rounded up (0 when not overdue). */
int64_t	ov_report__days_late(const ov_report_input *in, const ov_finding *f);
/* True for a finding that needs action: non-compliant, error or
 * indeterminate (not compliant, not-applicable or exempt). */
bool	ov_report__actionable(const ov_finding *f);

/*
 * The reading order of the people-facing reports (text, html): findings
 * needing action grouped by responsible party, then duty, then severity
 * (highest first), overdue ones first within a severity (most days late
 * first), then rule and resource name; the exempt ones after them in the
 * same order.  Findings below in->min_severity are counted, not listed.
 */
struct ov_report_plan {
	const ov_finding	**items;	/* every finding, in order */
	bool			 *listed;	/* items[i] is listed */
	size_t			  n;		/* findings */
	size_t			  n_actionable;	/* needing action */
	size_t			  n_exempt;	/* exempt */
	size_t			  n_overdue;	/* actionable and overdue */
	size_t			  n_indeterminate; /* of the actionable */
	size_t			  n_hidden;	/* below min_severity */
	size_t			  by_severity[OV_SEV_CRITICAL + 1];
						/* actionable, by severity */
};

/* Open, urgent, overdue and exempt counts of a party (and a duty). */
struct ov_report_tally {
	const char		*party;		/* responsible party */
	const char		*duty;		/* duty, or NULL for a party */
	const ov_finding	*first;		/* a finding needing action
						   if any, for the parties */
	size_t			 open;		/* needing action */
	size_t			 urgent;	/* of which high or critical */
	size_t			 overdue;	/* of which past due */
	size_t			 exempt;	/* exempt */
};

/*
 * The plan's findings (actionable and exempt) counted per party, or per
 * (party, duty) when by_duty: a new array sorted by party (nobody named
 * last) then duty, freed with ov__free().  0 or OV_ENOMEM.
 */
int	ov_report__tally(const ov_report_input *in,
	    const struct ov_report_plan *pl, bool by_duty,
	    struct ov_report_tally **out, size_t *n_out);

/* Build the plan; release with ov_report__plan_free().  0 or OV_ENOMEM. */
int	ov_report__plan(const ov_report_input *in,
	    struct ov_report_plan *plan);
void	ov_report__plan_free(struct ov_report_plan *plan);
/* The responsible party of f as grouped (OV_REPORT_NO_PARTY when none). */
const char *ov_report__party(const ov_finding *f);
/* The duty of f as grouped (OV_REPORT_NO_DUTY when none). */
const char *ov_report__duty(const ov_finding *f);
/*
 * What a person calls f's resource (see report.c); may be written into buf
 * (at least 256 bytes are enough for any name that is not cut).
 */
const char *ov_report__short_name(const ov_finding *f, char *buf,
	    size_t size);

/* HTML pieces shared by the scan page and the governance report. */
extern const char *const ov_report__sev_colour[OV_SEV_CRITICAL + 1];
void	ov_report__html_begin(struct ov_rw *w, const char *title,
	    const char *extra_css);
void	ov_report__html_end(struct ov_rw *w, const char *version);
/* Escaped text; NULL prints as "-". */
void	ov_report__html_esc(struct ov_rw *w, const char *s);
/* An identifier that may break only after '/', ';' or ','. */
void	ov_report__html_id(struct ov_rw *w, const char *s);
void	ov_report__html_kpi(struct ov_rw *w, const char *cls,
	    const char *value, const char *label);
void	ov_report__html_sev(struct ov_rw *w, ov_severity sev);
/* The framework compliance table (html.c). */
void	ov_report__html_compliance(struct ov_rw *w, const ov_compliance *c);

/* One bar of a horizontal bar chart. */
struct ov_report_bar {
	const char	*label;		/* borrowed */
	size_t		 value;		/* bar length */
	size_t		 part;		/* drawn over the start, e.g. overdue */
	const char	*colour;	/* CSS colour */
};

void	ov_report__svg_bars(struct ov_rw *w, const char *title,
	    const struct ov_report_bar *bars, size_t n,
	    const char *part_label, const char *part_colour);
void	ov_report__svg_days(struct ov_rw *w, const char *title,
	    const int64_t *days, size_t n_days, const size_t *const *series,
	    size_t n_series, const char *const *names,
	    const char *const *colours, const size_t *line,
	    const char *line_name, const char *line_colour);

/* Reporters. */
#define OV_REPORT(name, fmt) \
	int ov_report__write_##name(FILE *f, const ov_report_input *in, \
	    unsigned flags);
#include "report_list.h"
#undef OV_REPORT

#endif
