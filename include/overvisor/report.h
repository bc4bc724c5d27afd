/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/report.h
 * @brief Reporters: text, json, ndjson, csv, sarif, junit (and more).
 *
 * Ownership: the reporters only read what they are given; nothing is kept
 * after ov_report_write() returns.  Output is deterministic: findings are
 * written in the list's order (sort it first with ov_findings_sort()), keys
 * in a fixed order, and timestamps come from the input, never the clock.
 */
#ifndef OVERVISOR_REPORT_H
#define OVERVISOR_REPORT_H

#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/governance.h"
#include "overvisor/raci.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output formats. */
typedef enum {
	OV_REPORT_TEXT = 0,
	OV_REPORT_JSON,
	OV_REPORT_NDJSON,
	OV_REPORT_CSV,
	OV_REPORT_SARIF,
	OV_REPORT_JUNIT,
	OV_REPORT_OCSF,
	OV_REPORT_HTML,
	OV_REPORT__COUNT
} ov_report_format;

/** Everything a reporter writes. */
typedef struct {
	const char		*tool_version;	/**< OV_VERSION */
	const char		*snapshot;	/**< input path(s), space-joined */
	const char		*tenant;	/**< may be NULL */
	const char		*collected_at;	/**< ISO 8601, may be NULL */
	int64_t			 generated_at;	/**< Unix seconds (ctx clock) */
	size_t			 n_records;	/**< records scanned */
	size_t			 n_files;	/**< input files */
	size_t			 n_input_errors; /**< bad files and lines */
	size_t			 n_rules;	/**< rules evaluated */
	const ov_findings	*findings;	/**< sorted */
	const ov_compliance	*compliance;	/**< NULL unless --framework */
	const ov_source_info	*sources;	/**< manifest sources, or NULL */
	size_t			 n_sources;
	const char		*title;		/**< report title, may be NULL */
	unsigned		 width;		/**< text: terminal columns;
						     0 for 120 */
	ov_severity		 min_severity;	/**< text, html: list only
						     findings at or above it
						     (the summary counts all) */
	const char		*note;		/**< one line said once about the
						     whole scan (what did not run
						     and why), or NULL */
} ov_report_input;

/**
 * Fill a report input from a pipeline result (the snapshot's metadata
 * included).  Strings are borrowed from the result and its snapshot.
 */
OV_EXTERN(void) ov_scan_report_input(const ov_scan_result *r,
    const char *snapshot_label, ov_report_input *out);

/** Writer flags. */
#define OV_REPORT_COLOR		0x01	/**< ANSI colours (text on a TTY) */
#define OV_REPORT_VERBOSE	0x02	/**< text: full id, evidence, controls,
					     remediation and every party */
#define OV_REPORT_SHOW_EXEMPT	0x04	/**< text: list exempt findings, not
					     only count them */

/** Parse a format name ("sarif"); OV_EINVALID when unknown. */
OV_EXTERN(int) ov_report_format_parse(const char *name,
    ov_report_format *out);

/** The name of a format. */
OV_EXTERN(const char *) ov_report_format_name(ov_report_format fmt);

/**
 * Write in to f in the given format.  Returns 0, OV_EIO when writing fails,
 * or OV_EUNSUPPORTED for a format not built in.
 */
OV_EXTERN(int) ov_report_write(FILE *f, ov_report_format fmt,
    const ov_report_input *in, unsigned flags);

/** Output formats of the governance report. */
typedef enum {
	OV_GOVERNANCE_HTML = 0,	/**< one self-contained page, printable */
	OV_GOVERNANCE_MARKDOWN	/**< GitHub-flavoured Markdown */
} ov_governance_format;

/**
 * Write the report to f.  Deterministic: the same store and options give
 * the same bytes.  Returns 0 or OV_EIO.
 */
OV_EXTERN(int) ov_governance_write(FILE *f, ov_governance_format fmt,
    const ov_governance *g, unsigned flags);

/**
 * Write one CSV row of n fields (NULL is an empty field) exactly as the
 * csv report writes its rows: RFC 4180 quoting, CRLF, a leading single
 * quote on a cell a spreadsheet would read as a formula (= + - @, TAB,
 * CR), invalid UTF-8 replaced and control characters dropped.  Every CSV
 * overvisor writes goes through it.  Returns 0 or OV_EIO.
 */
OV_EXTERN(int) ov_report_csv_row(FILE *f, const char *const *fields,
    size_t n);

/**
 * Write the text s (NULL: nothing) to f escaped as every HTML report
 * overvisor writes escapes text: the HTML special characters as entities,
 * invalid UTF-8 replaced, control characters dropped.  Returns 0 or
 * OV_EIO.
 */
OV_EXTERN(int) ov_report_html_text(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif
