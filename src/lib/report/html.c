/* SPDX-License-Identifier: MIT */
/*
 * HTML report of one scan: one self-contained page (inline CSS and SVG, no
 * script, nothing loaded from elsewhere) that reads well from 800 px up and
 * prints on A4 or Letter.
 *
 * In order: the facts of the scan and a sentence saying what needs doing;
 * key figures; charts of the findings that need action (exempt ones are
 * left out) by severity, responsible party, duty and layer; the overdue
 * findings, most days late first; who must act (responsible party and
 * duty, with the accountable, consulted and informed parties); source
 * coverage; the findings grouped by responsible party, duty and severity,
 * each with its evidence, parties and remediation behind <details>; the
 * exempt findings, folded; and the framework view when asked for.
 *
 * "Overdue" counts non-compliant findings whose due date lies before the
 * report's generated_at, so the page is deterministic.  Every string from
 * the input is HTML-escaped (control characters dropped, invalid UTF-8
 * replaced); identifiers may break only after '/', ';' or ','.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/time.h"

#define PART_OVERDUE	"#b71c1c"	/* overdue part of a bar */

static void
party_list(struct ov_rw *w, const char *const *v, size_t n)
{
	size_t i;

	if (n == 0) {
		ov_report__puts(w, "&ndash;");
		return;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			ov_report__puts(w, ", ");
		ov_report__html_esc(w, v[i]);
	}
}

/* The sentence under the title: what needs doing, by whom. */
static void
lead(struct ov_rw *w, const struct ov_report_plan *pl,
    const struct ov_report_tally *parties, size_t n_parties)
{
	size_t i;

	ov_report__printf(w, "<p class=\"lead\"><b>%zu</b> finding%s need%s "
	    "action", pl->n_actionable, pl->n_actionable == 1 ? "" : "s",
	    pl->n_actionable == 1 ? "s" : "");
	if (pl->n_overdue > 0)
		ov_report__printf(w, "; <b class=\"bad\">%zu</b> %s past "
		    "due", pl->n_overdue, pl->n_overdue == 1 ? "is" : "are");
	ov_report__puts(w, ".");
	for (i = 0; i < n_parties; i++) {
		if (parties[i].open == 0)
			continue;
		ov_report__puts(w, i == 0 ? " " : "; ");
		ov_report__html_esc(w, parties[i].party);
		ov_report__printf(w, " must act on %zu", parties[i].open);
		if (parties[i].overdue > 0)
			ov_report__printf(w, " (%zu overdue)",
			    parties[i].overdue);
	}
	if (n_parties > 0)
		ov_report__puts(w, ".");
	if (pl->n_exempt > 0)
		ov_report__printf(w, " %zu exempt finding%s %s left out of the "
		    "figures.", pl->n_exempt, pl->n_exempt == 1 ? "" : "s",
		    pl->n_exempt == 1 ? "is" : "are");
	ov_report__puts(w, "</p>\n");
}

static int
charts(struct ov_rw *w, const ov_report_input *in,
    const struct ov_report_plan *pl, const struct ov_report_tally *parties,
    size_t n_parties)
{
	struct ov_report_bar bars[OV_LAYER__COUNT + 1], *db = NULL;
	struct ov_report_tally *duties = NULL;
	size_t i, n, n_duties, by_layer[OV_LAYER__COUNT] = { 0 };
	size_t late_layer[OV_LAYER__COUNT] = { 0 };
	int sev, error;

	ov_report__puts(w, "<h2>Findings that need action</h2>\n"
	    "<div class=\"charts\">\n");
	for (n = 0, sev = OV_SEV_CRITICAL; sev >= OV_SEV_INFO; sev--, n++) {
		bars[n].label = ov_severity_name((ov_severity)sev);
		bars[n].value = pl->by_severity[sev];
		bars[n].part = 0;
		bars[n].colour = ov_report__sev_colour[sev];
	}
	ov_report__svg_bars(w, "By severity", bars, n, NULL, NULL);
	if (n_parties > 0) {
		if ((db = ov__calloc(n_parties, sizeof(*db))) == NULL)
			return OV_ENOMEM;
		for (i = 0; i < n_parties; i++) {
			db[i].label = parties[i].party;
			db[i].value = parties[i].open;
			db[i].part = parties[i].overdue;
			db[i].colour = "#1f4e79";
		}
		ov_report__svg_bars(w, "By responsible party", db, n_parties,
		    "overdue", PART_OVERDUE);
		ov__free(db);
	}
	/* duties across parties */
	if ((error = ov_report__tally(in, pl, true, &duties, &n_duties)) < 0)
		return error;
	if (n_duties > 0) {
		struct ov_report_bar *dd = ov__calloc(n_duties, sizeof(*dd));
		size_t m = 0, k;

		if (dd == NULL) {
			ov__free(duties);
			return OV_ENOMEM;
		}
		for (i = 0; i < n_duties; i++) {
			for (k = 0; k < m; k++)
				if (strcmp(dd[k].label, duties[i].duty) == 0)
					break;
			if (k == m) {
				dd[m].label = duties[i].duty;
				dd[m].colour = "#4e6e8e";
				m++;
			}
			dd[k].value += duties[i].open;
			dd[k].part += duties[i].overdue;
		}
		for (i = 0, k = 0; i < m; i++)
			if (dd[i].value > 0)
				dd[k++] = dd[i];
		ov_report__svg_bars(w, "By duty", dd, k, "overdue",
		    PART_OVERDUE);
		ov__free(dd);
	}
	ov__free(duties);
	for (i = 0; i < pl->n; i++) {
		const ov_finding *f = pl->items[i];

		if (!ov_report__actionable(f) ||
		    (unsigned)f->layer >= OV_LAYER__COUNT)
			continue;
		by_layer[f->layer]++;
		late_layer[f->layer] += ov_report__overdue(in, f);
	}
	for (n = 0, i = 1; i <= OV_LAYER__COUNT; i++) {
		size_t l = i % OV_LAYER__COUNT;		/* unknown last */

		if (by_layer[l] == 0)
			continue;
		bars[n].label = ov_layer_name((ov_layer)l);
		bars[n].value = by_layer[l];
		bars[n].part = late_layer[l];
		bars[n++].colour = "#607d8b";
	}
	ov_report__svg_bars(w, "By responsibility layer", bars, n, "overdue",
	    PART_OVERDUE);
	ov_report__puts(w, "</div>\n");
	return 0;
}

/* The resource cell: its name, breakable only at separators. */
static void
resource_cell(struct ov_rw *w, const ov_finding *f)
{
	char buf[512];

	ov_report__puts(w, "<td><span class=\"id\">");
	ov_report__html_id(w, ov_report__short_name(f, buf, sizeof(buf)));
	ov_report__puts(w, "</span></td>");
}

/* The due cell: date, or "overdue Nd", or the state when not open. */
static void
due_cell(struct ov_rw *w, const ov_report_input *in, const ov_finding *f)
{
	char due[16];
	int64_t late = ov_report__days_late(in, f);

	if (f->state == OV_STATE_EXEMPT)
		ov_report__puts(w, "<td class=\"nw\">exempt</td>");
	else if (f->state == OV_STATE_INDETERMINATE)
		ov_report__puts(w, "<td class=\"nw warn\">no data</td>");
	else if (late > 0)
		ov_report__printf(w, "<td><span class=\"overdue\">%lldd "
		    "late</span><br><span class=\"meta nw\">%s</span></td>",
		    (long long)late, ov_report__due(f->due, due, sizeof(due)));
	else if (f->due != 0)
		ov_report__printf(w, "<td class=\"nw\">%s</td>",
		    ov_report__due(f->due, due, sizeof(due)));
	else
		ov_report__puts(w, "<td>&ndash;</td>");
}

/* The folded details of a finding. */
static void
details(struct ov_rw *w, const ov_finding *f)
{
	size_t i;

	ov_report__puts(w, "<details><summary>Evidence, parties and fix"
	    "</summary><dl><dt>Resource</dt><dd class=\"id\">");
	ov_report__html_id(w, f->resource_id);
	ov_report__puts(w, "</dd>");
	if (f->resource_type != NULL) {
		ov_report__puts(w, "<dt>Type</dt><dd>");
		ov_report__html_id(w, f->resource_type);
		ov_report__puts(w, "</dd>");
	}
	ov_report__puts(w, "<dt>Layer</dt><dd>");
	ov_report__html_esc(w, ov_layer_name(f->layer));
	ov_report__puts(w, " (owner ");
	ov_report__html_esc(w, ov_owner_name(f->owner));
	ov_report__puts(w, ")</dd><dt>Responsible</dt><dd>");
	ov_report__html_esc(w, f->responsible != NULL ? f->responsible :
	    "nobody named");
	ov_report__puts(w, "</dd><dt>Accountable</dt><dd>");
	ov_report__html_esc(w, f->accountable != NULL ? f->accountable :
	    "nobody named");
	ov_report__puts(w, "</dd><dt>Consulted</dt><dd>");
	party_list(w, f->consulted, f->n_consulted);
	ov_report__puts(w, "</dd><dt>Informed</dt><dd>");
	party_list(w, f->informed, f->n_informed);
	ov_report__puts(w, "</dd>");
	for (i = 0; i < f->n_evidence; i++) {
		const ov_evidence *ev = &f->evidence[i];

		ov_report__puts(w, "<dt>Evidence</dt><dd><code>");
		ov_report__html_id(w, ev->path);
		ov_report__puts(w, "</code> = <code>");
		ov_report__html_id(w, ev->value != NULL ? ev->value :
		    "(absent)");
		ov_report__puts(w, "</code>");
		if (ev->message != NULL) {
			ov_report__puts(w, "<br>");
			ov_report__html_esc(w, ev->message);
		}
		ov_report__puts(w, "</dd>");
	}
	if (f->remediation != NULL) {
		ov_report__puts(w, "<dt>Fix</dt><dd>");
		ov_report__html_esc(w, f->remediation);
		ov_report__puts(w, "</dd>");
	}
	if (f->n_controls > 0) {
		ov_report__puts(w, "<dt>Controls</dt><dd>");
		party_list(w, f->controls, f->n_controls);
		ov_report__puts(w, "</dd>");
	}
	if (f->file != NULL) {
		ov_report__puts(w, "<dt>At</dt><dd class=\"id\">");
		ov_report__html_id(w, f->file);
		ov_report__printf(w, ":%u:%u</dd>", f->line, f->column);
	}
	ov_report__puts(w, "<dt>Fingerprint</dt><dd class=\"id\">");
	ov_report__html_esc(w, f->fingerprint);
	ov_report__puts(w, "</dd></dl></details>");
}

/* One row of a findings table. */
static void
finding_row(struct ov_rw *w, const ov_report_input *in, const ov_finding *f)
{
	ov_report__puts(w, "<tr><td>");
	ov_report__html_sev(w, f->severity);
	ov_report__puts(w, "</td><td class=\"nw\">");
	ov_report__html_esc(w, f->rule);
	ov_report__puts(w, "</td>");
	resource_cell(w, f);
	ov_report__puts(w, "<td>");
	ov_report__html_esc(w, f->title);
	details(w, f);
	ov_report__puts(w, "</td>");
	due_cell(w, in, f);
	ov_report__puts(w, "</tr>\n");
}

static void
table_head(struct ov_rw *w)
{
	ov_report__puts(w, "<table class=\"fx\">"
	    "<colgroup><col style=\"width:86px\"><col style=\"width:112px\">"
	    "<col style=\"width:21%\"><col><col style=\"width:104px\">"
	    "</colgroup><thead><tr><th>Severity</th><th>Rule</th>"
	    "<th>Resource</th><th>Finding</th><th>Due</th></tr></thead>"
	    "<tbody>\n");
}

/* Overdue findings, most days late first. */
static int
overdue(struct ov_rw *w, const ov_report_input *in,
    const struct ov_report_plan *pl)
{
	const ov_finding **v;
	size_t i, j, n = 0;

	ov_report__puts(w, "<h2>Overdue</h2>\n");
	if (pl->n_overdue == 0) {
		ov_report__puts(w, "<p class=\"ok\">Nothing is past its due "
		    "date.</p>\n");
		return 0;
	}
	if ((v = ov__calloc(pl->n_overdue, sizeof(*v))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < pl->n && n < pl->n_overdue; i++)
		if (ov_report__overdue(in, pl->items[i]))
			v[n++] = pl->items[i];
	/* insertion by days late keeps the plan order among equals */
	for (i = 1; i < n; i++) {
		const ov_finding *x = v[i];
		int64_t lx = ov_report__days_late(in, x);

		for (j = i; j > 0 && ov_report__days_late(in, v[j - 1]) < lx;
		    j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	ov_report__printf(w, "<p>%zu finding%s past the due date the contract "
	    "SLA gives %s, most days late first.</p>\n", n, n == 1 ? "" : "s",
	    n == 1 ? "it" : "them");
	ov_report__puts(w, "<table class=\"fx\"><colgroup>"
	    "<col style=\"width:76px\"><col style=\"width:86px\"><col>"
	    "<col style=\"width:28%\"></colgroup><thead><tr>"
	    "<th class=\"n\">Late</th><th>Severity</th><th>Finding</th>"
	    "<th>Responsible / accountable</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		const ov_finding *f = v[i];
		char due[16], buf[512];

		ov_report__printf(w, "<tr><td class=\"n overdue\">%lldd</td>"
		    "<td>", (long long)ov_report__days_late(in, f));
		ov_report__html_sev(w, f->severity);
		ov_report__puts(w, "</td><td>");
		ov_report__html_esc(w, f->title);
		ov_report__puts(w, "<br><span class=\"id\">");
		ov_report__html_esc(w, f->rule);
		ov_report__puts(w, " &middot; ");
		ov_report__html_id(w, ov_report__short_name(f, buf,
		    sizeof(buf)));
		ov_report__printf(w, " &middot; due %s</span></td><td>",
		    ov_report__due(f->due, due, sizeof(due)));
		ov_report__html_esc(w, ov_report__party(f));
		ov_report__puts(w, "<br><span class=\"meta\">");
		ov_report__html_esc(w, f->accountable != NULL ? f->accountable :
		    "nobody accountable");
		ov_report__puts(w, "</span></td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
	ov__free(v);
	return 0;
}

/* Who must act: one row per party, one per duty under it. */
static void
who(struct ov_rw *w, const struct ov_report_tally *rows, size_t n)
{
	size_t i;
	const char *party = NULL;

	ov_report__puts(w, "<h2>Who must act</h2>\n<p>From the operator "
	    "contract: the party responsible for each duty does the work, "
	    "the accountable party answers for it, the consulted parties "
	    "are asked before it is closed, the informed ones are told "
	    "(escalation).</p>\n<table class=\"fx\"><colgroup>"
	    "<col><col style=\"width:24%\"><col style=\"width:20%\">"
	    "<col style=\"width:58px\"><col style=\"width:66px\">"
	    "<col style=\"width:66px\"><col style=\"width:62px\"></colgroup>"
	    "<thead><tr><th>Responsible / duty</th><th>Accountable</th>"
	    "<th>Consulted, informed</th><th class=\"n\">Open</th>"
	    "<th class=\"n\">High+</th><th class=\"n\">Overdue</th>"
	    "<th class=\"n\">Exempt</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		const struct ov_report_tally *r = &rows[i];
		const ov_finding *f = r->first;

		if (party == NULL || strcmp(party, r->party) != 0) {
			size_t k, open = 0, urgent = 0, late = 0, ex = 0;

			party = r->party;
			for (k = i; k < n && strcmp(rows[k].party, party) == 0;
			    k++) {
				open += rows[k].open;
				urgent += rows[k].urgent;
				late += rows[k].overdue;
				ex += rows[k].exempt;
			}
			ov_report__puts(w, "<tr style=\"background:#f5f7fa\">"
			    "<td colspan=\"3\"><b>");
			ov_report__html_esc(w, party);
			ov_report__printf(w, "</b></td><td class=\"n\"><b>%zu"
			    "</b></td><td class=\"n\">%zu</td><td class=\"n%s"
			    "\">%zu</td><td class=\"n\">%zu</td></tr>\n", open,
			    urgent, late > 0 ? " overdue" : "", late, ex);
		}
		ov_report__puts(w, "<tr><td style=\"padding-left:22px\">");
		ov_report__html_esc(w, r->duty);
		ov_report__puts(w, "</td><td>");
		ov_report__html_esc(w, f->accountable != NULL ?
		    f->accountable : "nobody named");
		ov_report__puts(w, "</td><td>");
		party_list(w, f->consulted, f->n_consulted);
		if (f->n_informed > 0) {
			ov_report__puts(w, "<br><span class=\"meta\">"
			    "informed: ");
			party_list(w, f->informed, f->n_informed);
			ov_report__puts(w, "</span>");
		}
		ov_report__printf(w, "</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%zu</td><td class=\"n%s\">%zu</td>"
		    "<td class=\"n\">%zu</td></tr>\n", r->open, r->urgent,
		    r->overdue > 0 ? " overdue" : "", r->overdue, r->exempt);
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static void
sources(struct ov_rw *w, const ov_report_input *in)
{
	size_t i, ok = 0;

	if (in->sources == NULL || in->n_sources == 0)
		return;
	for (i = 0; i < in->n_sources; i++)
		ok += in->sources[i].status != NULL &&
		    strcmp(in->sources[i].status, "collected") == 0;
	ov_report__printf(w, "<h2>Source coverage</h2>\n<p>%zu of %zu "
	    "sources collected in full. A source that was not collected "
	    "cannot prove compliance: the checks that need it are "
	    "indeterminate, never passed.</p>\n", ok, in->n_sources);
	if (ok == in->n_sources)
		ov_report__puts(w, "<details><summary>Every source</summary>");
	ov_report__puts(w, "<table><thead><tr><th>Source</th><th>Status</th>"
	    "</tr></thead><tbody>\n");
	for (i = 0; i < in->n_sources; i++) {
		bool good = in->sources[i].status != NULL &&
		    strcmp(in->sources[i].status, "collected") == 0;

		ov_report__puts(w, "<tr><td class=\"id\">");
		ov_report__html_id(w, in->sources[i].name);
		ov_report__printf(w, "</td><td class=\"%s\">", good ? "ok" :
		    "bad");
		ov_report__html_esc(w, in->sources[i].status);
		if (in->sources[i].reason != NULL) {
			ov_report__puts(w, ": ");
			ov_report__html_esc(w, in->sources[i].reason);
		}
		ov_report__puts(w, "</td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
	if (ok == in->n_sources)
		ov_report__puts(w, "</details>\n");
}

/* Framework compliance view; shared with the governance report. */
void
ov_report__html_compliance(struct ov_rw *w, const ov_compliance *c)
{
	size_t i, k;

	ov_report__puts(w, "<h2>Compliance: ");
	ov_report__html_esc(w, c->title);
	ov_report__puts(w, "</h2>\n<p class=\"meta\">");
	ov_report__html_esc(w, c->id);
	ov_report__puts(w, "</p>\n<table class=\"fx\">"
	    "<colgroup><col style=\"width:16%\"><col><col style=\"width:104px\">"
	    "<col style=\"width:54px\"><col style=\"width:54px\">"
	    "<col style=\"width:62px\"><col style=\"width:18%\"></colgroup>"
	    "<thead><tr><th>Control</th><th>Title</th><th>Status</th>"
	    "<th class=\"n\">Pass</th><th class=\"n\">Fail</th>"
	    "<th class=\"n\">Indet.</th><th>Rules</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];

		ov_report__puts(w, "<tr><td>");
		ov_report__html_id(w, r->id);
		ov_report__puts(w, "</td><td>");
		ov_report__html_esc(w, r->title);
		ov_report__puts(w, "</td><td class=\"nw st-");
		ov_report__xml(w, r->status, true);
		ov_report__puts(w, "\">");
		ov_report__html_esc(w, r->status);
		ov_report__printf(w, "</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>",
		    r->passed, r->failed, r->indeterminate);
		for (k = 0; k < r->n_rules; k++) {
			if (k > 0)
				ov_report__puts(w, ", ");
			ov_report__html_id(w, r->rules[k]);
		}
		ov_report__puts(w, "</td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

/* Findings by party, duty and severity. */
static void
grouped(struct ov_rw *w, const ov_report_input *in,
    const struct ov_report_plan *pl)
{
	const char *party = NULL, *duty = NULL;
	size_t i, listed = 0;
	bool open_table = false;

	for (i = 0; i < pl->n; i++)
		listed += pl->listed[i] && ov_report__actionable(pl->items[i]);
	ov_report__puts(w, "<h2>Findings by responsible party</h2>\n");
	if (pl->n_hidden > 0)
		ov_report__printf(w, "<p class=\"meta\">%zu finding%s below "
		    "%s not listed.</p>\n", pl->n_hidden, pl->n_hidden == 1 ?
		    "" : "s", ov_severity_name(in->min_severity));
	if (listed == 0) {
		ov_report__puts(w, "<p>No findings need action.</p>\n");
		return;
	}
	for (i = 0; i < pl->n; i++) {
		const ov_finding *f = pl->items[i];

		if (!pl->listed[i] || !ov_report__actionable(f))
			continue;
		if (party == NULL || strcmp(party, ov_report__party(f)) != 0) {
			if (open_table)
				ov_report__puts(w, "</tbody></table>\n"
				    "</section>\n");
			open_table = false;
			party = ov_report__party(f);
			duty = NULL;
			ov_report__puts(w, "<section class=\"party\"><h3>");
			ov_report__html_esc(w, party);
			ov_report__puts(w, "</h3>\n");
		}
		if (duty == NULL || strcmp(duty, ov_report__duty(f)) != 0) {
			if (open_table)
				ov_report__puts(w, "</tbody></table>\n");
			duty = ov_report__duty(f);
			ov_report__puts(w, "<h4>");
			ov_report__html_esc(w, duty);
			ov_report__puts(w, " <span class=\"meta\">&middot; "
			    "accountable ");
			ov_report__html_esc(w, f->accountable != NULL ?
			    f->accountable : "nobody named");
			ov_report__puts(w, "</span></h4>\n");
			table_head(w);
			open_table = true;
		}
		finding_row(w, in, f);
	}
	if (open_table)
		ov_report__puts(w, "</tbody></table>\n</section>\n");
}

static void
exempt(struct ov_rw *w, const ov_report_input *in,
    const struct ov_report_plan *pl)
{
	size_t i;

	if (pl->n_exempt == 0)
		return;
	ov_report__printf(w, "<h2>Exempt findings (%zu)</h2>\n<p>Accepted "
	    "by an exception or an Azure Policy exemption, and left out of "
	    "every figure above. An expired exception turns back into an "
	    "open finding.</p>\n<details><summary>List the %zu exempt "
	    "finding%s</summary>\n", pl->n_exempt, pl->n_exempt,
	    pl->n_exempt == 1 ? "" : "s");
	table_head(w);
	for (i = 0; i < pl->n; i++)
		if (pl->items[i]->state == OV_STATE_EXEMPT)
			finding_row(w, in, pl->items[i]);
	ov_report__puts(w, "</tbody></table></details>\n");
}

/* The HTML reporter. */
int
ov_report__write_html(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_report_plan pl;
	struct ov_report_tally *parties = NULL, *rows = NULL;
	struct ov_rw w;
	const char *title = in->title != NULL ? in->title :
	    "overvisor findings report";
	size_t n_parties = 0, n_rows = 0, urgent;
	char ts[32], v[32];
	int error;

	(void)flags;
	if ((error = ov_report__plan(in, &pl)) < 0)
		return error;
	if ((error = ov_report__tally(in, &pl, false, &parties, &n_parties)) < 0 ||
	    (error = ov_report__tally(in, &pl, true, &rows, &n_rows)) < 0)
		goto done;
	ov_report__rw_init(&w, f);
	ov_report__html_begin(&w, title, NULL);
	ov_report__puts(&w, "<h1>");
	ov_report__html_esc(&w, title);
	ov_report__puts(&w, "</h1>\n<p class=\"meta\">Tenant <span "
	    "class=\"id\">");
	ov_report__html_esc(&w, in->tenant);
	ov_report__puts(&w, "</span> &middot; snapshot <span class=\"id\">");
	ov_report__html_id(&w, in->snapshot);
	ov_report__puts(&w, "</span> &middot; collected ");
	ov_report__html_esc(&w, in->collected_at);
	ov_report__puts(&w, " &middot; generated ");
	if (in->generated_at != 0) {
		ov__time_format(in->generated_at, ts, sizeof(ts));
		ov_report__html_esc(&w, ts);
	} else
		ov_report__html_esc(&w, NULL);
	ov_report__printf(&w, "<br>%zu records from %zu files, %zu input "
	    "errors, %zu rules evaluated</p>\n", in->n_records, in->n_files,
	    in->n_input_errors, in->n_rules);
	lead(&w, &pl, parties, n_parties);
	urgent = pl.by_severity[OV_SEV_CRITICAL] + pl.by_severity[OV_SEV_HIGH];
	ov_report__puts(&w, "<div class=\"kpis\">\n");
	snprintf(v, sizeof(v), "%zu", pl.n_actionable);
	ov_report__html_kpi(&w, "", v, "need action");
	snprintf(v, sizeof(v), "%zu", pl.n_overdue);
	ov_report__html_kpi(&w, pl.n_overdue > 0 ? "bad" : "good", v,
	    "overdue");
	snprintf(v, sizeof(v), "%zu", urgent);
	ov_report__html_kpi(&w, urgent > 0 ? "warn" : "good", v,
	    "high or critical");
	snprintf(v, sizeof(v), "%zu", pl.n_indeterminate);
	ov_report__html_kpi(&w, pl.n_indeterminate > 0 ? "warn" : "", v,
	    "indeterminate (data missing)");
	snprintf(v, sizeof(v), "%zu", pl.n_exempt);
	ov_report__html_kpi(&w, "", v, "exempt (not counted)");
	ov_report__puts(&w, "</div>\n");
	if ((error = charts(&w, in, &pl, parties, n_parties)) < 0 ||
	    (error = overdue(&w, in, &pl)) < 0)
		goto done;
	if (n_rows > 0)
		who(&w, rows, n_rows);
	sources(&w, in);
	grouped(&w, in, &pl);
	exempt(&w, in, &pl);
	if (in->compliance != NULL)
		ov_report__html_compliance(&w, in->compliance);
	ov_report__html_end(&w, in->tool_version);
	error = ov_report__rw_finish(&w);
done:
	ov__free(parties);
	ov__free(rows);
	ov_report__plan_free(&pl);
	return error;
}
