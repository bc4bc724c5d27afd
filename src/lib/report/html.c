/* SPDX-License-Identifier: MIT */
/*
 * HTML governance report: one self-contained page (inline CSS, inline SVG
 * charts, no scripts, no external resources) that prints cleanly on A4.
 * Sections: header with the snapshot facts, key figures, charts by
 * severity, layer, owner and duty, accountability per party (open, urgent,
 * overdue), source coverage, the framework view when present, and the
 * findings table.
 *
 * "Overdue" counts non-compliant findings whose due date lies before the
 * report's generated_at, so the page is deterministic.  Every string from
 * the input is HTML-escaped (control characters dropped, invalid UTF-8
 * replaced).
 */
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/time.h"

#define CHART_WIDTH	520	/* SVG width in px */
#define CHART_LABEL	250	/* px reserved for labels */
#define CHART_BAR	18	/* bar height */
#define CHART_GAP	6	/* space between bars */

static const char *const sev_colour[] = {
	"#607d8b", "#1565c0", "#f9a825", "#e65100", "#b71c1c"
};

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
	"color:#1c1c1c;margin:2em auto;max-width:1100px;padding:0 1em}"
	"h1{font-size:1.6em;margin-bottom:.2em}"
	"h2{font-size:1.2em;border-bottom:2px solid #ddd;padding-bottom:.2em;"
	"margin-top:1.6em}"
	".meta{color:#555;font-size:.9em}"
	".kpis{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}"
	".kpi{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;"
	"min-width:9em}"
	".kpi b{display:block;font-size:1.8em}"
	".charts{display:flex;flex-wrap:wrap;gap:1.5em}"
	".chart h3{font-size:1em;margin:.4em 0}"
	"table{border-collapse:collapse;width:100%;font-size:.85em}"
	"th,td{border-bottom:1px solid #e4e4e4;padding:.3em .5em;"
	"text-align:left;vertical-align:top}"
	"th{background:#f4f4f4}"
	"td.n{text-align:right}"
	".sev{color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}"
	".id{color:#666;font-size:.85em;word-break:break-all}"
	".overdue{color:#b71c1c;font-weight:bold}"
	".st-failed{color:#b71c1c}.st-passed{color:#2e7d32}"
	"@page{size:A4;margin:15mm}"
	"@media print{body{margin:0;max-width:none}"
	"h2{page-break-after:avoid}tr{page-break-inside:avoid}"
	".chart{page-break-inside:avoid}}";

static void
esc(struct ov_rw *w, const char *s)
{
	ov_report__xml(w, s != NULL ? s : "-", false);
}

/* One horizontal bar chart. */
struct bar {
	const char	*label;		/* borrowed */
	size_t		 value;		/* bar length */
	const char	*colour;	/* CSS colour */
};

static void
chart(struct ov_rw *w, const char *title, const struct bar *bars, size_t n)
{
	size_t i, max = 1, height = n * (CHART_BAR + CHART_GAP) + CHART_GAP;
	const size_t room = CHART_WIDTH - CHART_LABEL - 40;

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	ov_report__puts(w, "<div class=\"chart\"><h3>");
	esc(w, title);
	ov_report__printf(w, "</h3><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%zu\" role=\"img\" aria-label=\"",
	    CHART_WIDTH, height);
	ov_report__xml(w, title, true);
	ov_report__puts(w, "\">\n");
	for (i = 0; i < n; i++) {
		size_t y = CHART_GAP + i * (CHART_BAR + CHART_GAP);
		size_t len = bars[i].value * room / max;

		ov_report__printf(w, "<text x=\"%d\" y=\"%zu\" font-size=\"12\" "
		    "text-anchor=\"end\">", CHART_LABEL - 6,
		    y + CHART_BAR - 5);
		esc(w, bars[i].label);
		ov_report__printf(w, "</text><rect x=\"%d\" y=\"%zu\" "
		    "width=\"%zu\" height=\"%d\" fill=\"%s\"/>"
		    "<text x=\"%zu\" y=\"%zu\" font-size=\"12\">%zu</text>\n",
		    CHART_LABEL, y, len, CHART_BAR, bars[i].colour,
		    CHART_LABEL + len + 4, y + CHART_BAR - 5, bars[i].value);
	}
	ov_report__puts(w, "</svg></div>\n");
}

static int
charts(struct ov_rw *w, const ov_report_input *in,
    const struct ov_report_summary *s)
{
	struct bar bars[OV_LAYER__COUNT + 4];
	struct ov_report_group *g = NULL;
	size_t i, n, ng;
	int sev, error;

	ov_report__puts(w, "<div class=\"charts\">\n");
	for (n = 0, sev = OV_SEV_CRITICAL; sev >= OV_SEV_INFO; sev--, n++) {
		bars[n].label = ov_severity_name((ov_severity)sev);
		bars[n].value = s->by_severity[sev];
		bars[n].colour = sev_colour[sev];
	}
	chart(w, "Findings by severity", bars, n);
	for (n = 0, i = 1; i <= OV_LAYER__COUNT; i++) {
		size_t l = i % OV_LAYER__COUNT;	/* unknown last */

		if (l == OV_LAYER_UNKNOWN && s->by_layer[l] == 0)
			continue;
		bars[n].label = ov_layer_name((ov_layer)l);
		bars[n].value = s->by_layer[l];
		bars[n++].colour = "#455a64";
	}
	chart(w, "Findings by responsibility layer", bars, n);
	for (n = 0, i = OV_OWNER_CUSTOMER; i <= OV_OWNER_SHARED + 1; i++) {
		size_t o = i % (OV_OWNER_SHARED + 1);

		if (o == OV_OWNER_UNKNOWN && s->by_owner[o] == 0)
			continue;
		bars[n].label = ov_owner_name((ov_owner)o);
		bars[n].value = s->by_owner[o];
		bars[n++].colour = o == OV_OWNER_CUSTOMER ? "#00695c" :
		    o == OV_OWNER_MICROSOFT ? "#1565c0" : "#6a1b9a";
	}
	chart(w, "Findings by owner side", bars, n);
	if ((error = ov_report__group(in, ov_report__key_duty,
	    OV_REPORT_NO_DUTY, &g, &ng)) < 0)
		return error;
	if (ng > 0) {
		struct bar *db = ov__calloc(ng, sizeof(*db));

		if (db == NULL) {
			ov__free(g);
			return OV_ENOMEM;
		}
		for (i = 0; i < ng; i++) {
			db[i].label = g[i].name;
			db[i].value = g[i].count;
			db[i].colour = "#5d4037";
		}
		chart(w, "Findings by duty", db, ng);
		ov__free(db);
	}
	ov__free(g);
	ov_report__puts(w, "</div>\n");
	return 0;
}

static int
accountability(struct ov_rw *w, const ov_report_input *in)
{
	struct ov_report_group *g = NULL;
	size_t i, ng;
	int error;

	if ((error = ov_report__group(in, ov_report__key_accountable,
	    "(no accountable party)", &g, &ng)) < 0)
		return error;
	ov_report__puts(w, "<h2>Accountability</h2>\n<table><thead><tr>"
	    "<th>Accountable party</th><th>Findings</th>"
	    "<th>Open high/critical</th><th>Overdue</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < ng; i++) {
		ov_report__puts(w, "<tr><td>");
		esc(w, g[i].name);
		ov_report__printf(w, "</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%zu</td><td class=\"n%s\">%zu</td></tr>\n",
		    g[i].count, g[i].urgent, g[i].overdue > 0 ? " overdue" : "",
		    g[i].overdue);
	}
	ov_report__puts(w, "</tbody></table>\n");
	ov__free(g);
	return 0;
}

static void
sources(struct ov_rw *w, const ov_report_input *in)
{
	size_t i;

	if (in->sources == NULL || in->n_sources == 0)
		return;
	ov_report__puts(w, "<h2>Source coverage</h2>\n<p class=\"meta\">"
	    "A source that was not collected cannot prove compliance: "
	    "checks that depend on it are indeterminate.</p>\n<table><thead>"
	    "<tr><th>Source</th><th>Status</th></tr></thead><tbody>\n");
	for (i = 0; i < in->n_sources; i++) {
		ov_report__puts(w, "<tr><td>");
		esc(w, in->sources[i].name);
		ov_report__puts(w, "</td><td>");
		esc(w, in->sources[i].status);
		if (in->sources[i].reason != NULL) {
			ov_report__puts(w, ": ");
			esc(w, in->sources[i].reason);
		}
		ov_report__puts(w, "</td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static void
compliance(struct ov_rw *w, const ov_compliance *c)
{
	size_t i;

	ov_report__puts(w, "<h2>Compliance: ");
	esc(w, c->title);
	ov_report__puts(w, "</h2>\n<p class=\"meta\">");
	esc(w, c->id);
	ov_report__puts(w, "</p>\n<table><thead><tr><th>Control</th>"
	    "<th>Title</th><th>Status</th><th>Passed</th><th>Failed</th>"
	    "<th>Indeterminate</th><th>Rules</th></tr></thead><tbody>\n");
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];
		size_t k;

		ov_report__puts(w, "<tr><td>");
		esc(w, r->id);
		ov_report__puts(w, "</td><td>");
		esc(w, r->title);
		ov_report__puts(w, "</td><td class=\"st-");
		ov_report__xml(w, r->status, true);
		ov_report__puts(w, "\">");
		esc(w, r->status);
		ov_report__printf(w, "</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>",
		    r->passed, r->failed, r->indeterminate);
		for (k = 0; k < r->n_rules; k++) {
			if (k > 0)
				ov_report__puts(w, ", ");
			esc(w, r->rules[k]);
		}
		ov_report__puts(w, "</td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static void
findings(struct ov_rw *w, const ov_report_input *in)
{
	size_t i, n = ov_report__count(in);
	char due[16];

	ov_report__puts(w, "<h2>Findings</h2>\n");
	if (n == 0) {
		ov_report__puts(w, "<p>No findings.</p>\n");
		return;
	}
	ov_report__puts(w, "<table><thead><tr><th>Severity</th><th>Rule</th>"
	    "<th>Finding</th><th>State</th><th>Owner</th><th>Duty</th>"
	    "<th>Accountable</th><th>Due</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);
		bool overdue = f->state == OV_STATE_NON_COMPLIANT &&
		    f->due != 0 && in->generated_at != 0 &&
		    f->due < in->generated_at;

		ov_report__printf(w, "<tr><td><span class=\"sev\" "
		    "style=\"background:%s\">%s</span></td><td>",
		    sev_colour[f->severity], ov_severity_name(f->severity));
		esc(w, f->rule);
		ov_report__puts(w, "</td><td>");
		esc(w, f->title);
		ov_report__puts(w, "<div class=\"id\">");
		esc(w, f->resource_id);
		ov_report__puts(w, "</div></td><td>");
		esc(w, ov_state_name(f->state));
		ov_report__puts(w, "</td><td>");
		esc(w, ov_owner_name(f->owner));
		ov_report__puts(w, "</td><td>");
		esc(w, f->duty);
		ov_report__puts(w, "</td><td>");
		esc(w, f->accountable);
		ov_report__printf(w, "</td><td%s>", overdue ?
		    " class=\"overdue\"" : "");
		esc(w, ov_report__due(f->due, due, sizeof(due)));
		ov_report__puts(w, "</td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

/* The HTML reporter. */
int
ov_report__write_html(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_report_summary s;
	struct ov_rw w;
	const char *title = in->title != NULL ? in->title :
	    "overvisor governance report";
	size_t i, n = ov_report__count(in), urgent = 0, overdue = 0;
	char ts[32];
	int error;

	(void)flags;
	ov_report__summarize(in, &s);
	for (i = 0; i < n; i++) {
		const ov_finding *fd = ov_findings_get(in->findings, i);

		if (fd->state != OV_STATE_NON_COMPLIANT)
			continue;
		urgent += fd->severity >= OV_SEV_HIGH;
		overdue += fd->due != 0 && in->generated_at != 0 &&
		    fd->due < in->generated_at;
	}
	ov_report__rw_init(&w, f);
	ov_report__puts(&w, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	esc(&w, title);
	ov_report__printf(&w, "</title>\n<style>%s</style>\n</head><body>\n"
	    "<h1>", css);
	esc(&w, title);
	ov_report__puts(&w, "</h1>\n<p class=\"meta\">Tenant ");
	esc(&w, in->tenant);
	ov_report__puts(&w, " &middot; snapshot ");
	esc(&w, in->snapshot);
	ov_report__puts(&w, " &middot; collected ");
	esc(&w, in->collected_at);
	ov_report__puts(&w, " &middot; generated ");
	if (in->generated_at != 0) {
		ov__time_format(in->generated_at, ts, sizeof(ts));
		esc(&w, ts);
	} else
		esc(&w, NULL);
	ov_report__printf(&w, "<br>%zu records from %zu files, %zu input "
	    "errors, %zu rules evaluated</p>\n", in->n_records, in->n_files,
	    in->n_input_errors, in->n_rules);
	ov_report__printf(&w, "<div class=\"kpis\">"
	    "<div class=\"kpi\"><b>%zu</b>findings</div>"
	    "<div class=\"kpi\"><b>%zu</b>non-compliant</div>"
	    "<div class=\"kpi\"><b>%zu</b>open high or critical</div>"
	    "<div class=\"kpi\"><b>%zu</b>overdue</div>"
	    "<div class=\"kpi\"><b>%zu</b>indeterminate</div></div>\n",
	    s.total, s.by_state[OV_STATE_NON_COMPLIANT], urgent, overdue,
	    s.by_state[OV_STATE_INDETERMINATE]);
	if ((error = charts(&w, in, &s)) < 0 ||
	    (error = accountability(&w, in)) < 0)
		return error;
	sources(&w, in);
	if (in->compliance != NULL)
		compliance(&w, in->compliance);
	findings(&w, in);
	ov_report__puts(&w, "<p class=\"meta\">overvisor ");
	esc(&w, in->tool_version != NULL ? in->tool_version : OV_VERSION);
	ov_report__puts(&w, "</p>\n</body></html>\n");
	return ov_report__rw_finish(&w);
}
