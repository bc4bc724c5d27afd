/* SPDX-License-Identifier: MIT */
/*
 * What the HTML reports share: the page frame with its style sheet (screen
 * and print, A4 and Letter), escaping, identifiers that may break only at
 * their separators, and static SVG charts (horizontal bars, grouped daily
 * columns).  No script, no external resource: a page is one file.
 */
#include <string.h>

#include "lib/report/report_int.h"
#include "util/time.h"

/* Severity colours, indexed by ov_severity. */
const char *const ov_report__sev_colour[OV_SEV_CRITICAL + 1] = {
	"#607d8b", "#1565c0", "#b26a00", "#d84315", "#b71c1c"
};

static const char css[] =
	":root{--ink:#1d2433;--muted:#5b6475;--line:#dfe3ea;--soft:#f5f7fa;"
	"--accent:#1f4e79;--bad:#b71c1c;--good:#2e7d32;--warn:#b26a00}"
	"*{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Helvetica Neue',Arial,sans-serif;color:var(--ink);margin:0;"
	"background:#fff}"
	"main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}"
	"h1{font-size:1.7em;margin:0 0 .15em;color:var(--accent)}"
	"h2{font-size:1.25em;margin:2em 0 .6em;padding-bottom:.25em;"
	"border-bottom:2px solid var(--line);color:var(--accent)}"
	"h3{font-size:1.08em;margin:1.4em 0 .4em}"
	"h4{font-size:.98em;margin:1.1em 0 .3em}"
	"p{margin:.4em 0}"
	".meta{color:var(--muted);font-size:.9em}"
	".lead{font-size:1.05em;max-width:62em}"
	".kpis{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(150px,1fr));gap:12px;margin:1.2em 0}"
	".kpi{border:1px solid var(--line);border-radius:8px;padding:10px 14px;"
	"background:var(--soft)}"
	".kpi b{display:block;font-size:1.9em;line-height:1.2}"
	".kpi span{color:var(--muted);font-size:.88em}"
	".kpi.bad b{color:var(--bad)}.kpi.good b{color:var(--good)}"
	".kpi.warn b{color:var(--warn)}"
	".charts{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(420px,1fr));gap:18px 32px}"
	".chart{min-width:0}"
	".chart h3{font-size:.95em;margin:.2em 0 .4em;color:var(--muted)}"
	".chart svg{display:block;width:100%;max-width:560px;height:auto}"
	".legend{font-size:.82em;color:var(--muted)}"
	".legend i{display:inline-block;width:.8em;height:.8em;"
	"margin:0 .3em 0 .8em;vertical-align:-1px;border-radius:2px}"
	"table{border-collapse:collapse;width:100%;font-size:.88em;"
	"margin:.4em 0 1em}"
	"table.fx{table-layout:fixed}table.fx td{overflow-wrap:anywhere}"
	"table.fx th{white-space:normal}"
	"th,td{border-bottom:1px solid var(--line);padding:5px 8px;"
	"text-align:left;vertical-align:top}"
	"th{background:var(--soft);font-weight:600;white-space:nowrap}"
	"td.n,th.n{text-align:right;white-space:nowrap;"
	"font-variant-numeric:tabular-nums}"
	".nw{white-space:nowrap}"
	".id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
	"font-size:.86em;color:var(--muted);overflow-wrap:anywhere}"
	"code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"monospace;font-size:.9em}"
	".sev{display:inline-block;color:#fff;border-radius:3px;"
	"padding:0 6px;font-size:.8em;font-weight:600;white-space:nowrap;"
	"text-transform:uppercase;letter-spacing:.02em}"
	".overdue{color:var(--bad);font-weight:600;white-space:nowrap}"
	".ok{color:var(--good)}.bad{color:var(--bad)}.warn{color:var(--warn)}"
	".st-failed{color:var(--bad)}.st-passed{color:var(--good)}"
	"details{margin:.2em 0}"
	"summary{cursor:pointer;color:var(--accent);font-size:.9em}"
	"details dl{display:grid;grid-template-columns:max-content 1fr;"
	"gap:2px 12px;margin:.4em 0 .6em;font-size:.92em}"
	"details dt{color:var(--muted)}details dd{margin:0;min-width:0;"
	"overflow-wrap:anywhere}"
	".party{border-left:4px solid var(--accent);padding-left:12px;"
	"margin-top:1.6em}"
	".toc{columns:2;font-size:.92em;padding-left:1.2em}"
	".wide{overflow-x:auto}"
	"@media (max-width:700px){main{padding:16px}.toc{columns:1}}"
	"@page{size:A4;margin:14mm 12mm}"
	"@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
	"h2{break-after:avoid}h3,h4{break-after:avoid}"
	"tr,.kpi,.chart,figure{break-inside:avoid}"
	".pagebreak{break-before:page}summary{color:var(--ink)}"
	"a{color:inherit;text-decoration:none}}";

/* Escaped text; NULL prints as "-". */
void
ov_report__html_esc(struct ov_rw *w, const char *s)
{
	ov_report__xml(w, s != NULL ? s : "-", false);
}

/*
 * An identifier, escaped, that the browser may break only after '/', ';'
 * or ',' (a <wbr> follows each), never inside a name.
 */
void
ov_report__html_id(struct ov_rw *w, const char *s)
{
	const char *p = s != NULL ? s : "-", *q;
	char one[2] = { 0, 0 };

	while (*p != '\0') {
		for (q = p; *q != '\0' && *q != '/' && *q != ';' && *q != ',';
		    q++)
			;
		if (q > p) {
			char buf[512];
			size_t n = (size_t)(q - p);

			while (n > 0) {
				size_t k = n < sizeof(buf) - 1 ? n :
				    sizeof(buf) - 1;

				memcpy(buf, p, k);
				buf[k] = '\0';
				ov_report__xml(w, buf, false);
				p += k;
				n -= k;
			}
		}
		if (*q == '\0')
			break;
		one[0] = *q;
		ov_report__xml(w, one, false);
		ov_report__puts(w, "<wbr>");
		p = q + 1;
	}
}

/*
 * The page head, the style sheet (plus extra_css, may be NULL) and the
 * opening of <main>.
 */
void
ov_report__html_begin(struct ov_rw *w, const char *title,
    const char *extra_css)
{
	ov_report__puts(w, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"overvisor\">\n<title>");
	ov_report__html_esc(w, title);
	ov_report__printf(w, "</title>\n<style>%s%s</style>\n</head><body>"
	    "<main>\n", css, extra_css != NULL ? extra_css : "");
}

/* The footer and the end of the page. */
void
ov_report__html_end(struct ov_rw *w, const char *version)
{
	ov_report__puts(w, "<p class=\"meta\">Generated by overvisor ");
	ov_report__html_esc(w, version != NULL ? version : OV_VERSION);
	ov_report__puts(w, ". Static page: no script, nothing loaded from "
	    "elsewhere.</p>\n</main></body></html>\n");
}

/* A key figure tile; cls is "", "bad", "good" or "warn". */
void
ov_report__html_kpi(struct ov_rw *w, const char *cls, const char *value,
    const char *label)
{
	ov_report__printf(w, "<div class=\"kpi %s\"><b>", cls);
	ov_report__html_esc(w, value);
	ov_report__puts(w, "</b><span>");
	ov_report__html_esc(w, label);
	ov_report__puts(w, "</span></div>\n");
}

/* A severity badge. */
void
ov_report__html_sev(struct ov_rw *w, ov_severity sev)
{
	ov_report__printf(w, "<span class=\"sev\" style=\"background:%s\">"
	    "%s</span>", ov_report__sev_colour[(unsigned)sev <=
	    OV_SEV_CRITICAL ? sev : 0], ov_severity_name(sev));
}

#define BAR_WIDTH	520	/* viewBox width */
#define BAR_LABEL	226	/* room for labels */
#define BAR_H		18	/* bar height */
#define BAR_GAP		7	/* between bars */

/* Cut a label for a chart at a space when it is longer than max bytes. */
static void
chart_label(struct ov_rw *w, const char *s, size_t max)
{
	char buf[128];
	size_t n = strlen(s), cut;

	if (n <= max || max >= sizeof(buf)) {
		ov_report__xml(w, s, false);
		return;
	}
	for (cut = max - 1; cut > 0 && s[cut] != ' '; cut--)
		;
	if (cut == 0)
		cut = max - 1;
	memcpy(buf, s, cut);
	buf[cut] = '\0';
	ov_report__xml(w, buf, false);
	ov_report__puts(w, "\xe2\x80\xa6");
}

/*
 * A horizontal bar chart: one bar per entry, value written at its end; a
 * non-zero part is drawn over the bar's start in part_colour (overdue in a
 * bar of open findings).  Scales to its container.
 */
void
ov_report__svg_bars(struct ov_rw *w, const char *title,
    const struct ov_report_bar *bars, size_t n, const char *part_label,
    const char *part_colour)
{
	size_t i, max = 1, h = n * (BAR_H + BAR_GAP) + BAR_GAP;
	const size_t room = BAR_WIDTH - BAR_LABEL - (part_label != NULL ?
	    124 : 40);

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	ov_report__puts(w, "<figure class=\"chart\" style=\"margin:0\"><h3>");
	ov_report__html_esc(w, title);
	ov_report__printf(w, "</h3><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %zu\" role=\"img\" aria-label=\"", BAR_WIDTH,
	    h > 0 ? h : 1);
	ov_report__xml(w, title, true);
	ov_report__puts(w, "\" font-family=\"system-ui,sans-serif\" "
	    "font-size=\"13\">\n");
	for (i = 0; i < n; i++) {
		size_t y = BAR_GAP + i * (BAR_H + BAR_GAP);
		size_t len = bars[i].value * room / max;
		size_t plen = bars[i].part * room / max;

		if (bars[i].value > 0 && len == 0)
			len = 1;
		ov_report__printf(w, "<text x=\"%d\" y=\"%zu\" "
		    "text-anchor=\"end\" fill=\"#1d2433\">", BAR_LABEL - 8,
		    y + BAR_H - 5);
		chart_label(w, bars[i].label != NULL ? bars[i].label : "-", 32);
		ov_report__printf(w, "</text><rect x=\"%d\" y=\"%zu\" "
		    "width=\"%zu\" height=\"%d\" rx=\"2\" fill=\"%s\"/>",
		    BAR_LABEL, y, len, BAR_H, bars[i].colour);
		if (plen > 0 && part_colour != NULL)
			ov_report__printf(w, "<rect x=\"%d\" y=\"%zu\" "
			    "width=\"%zu\" height=\"%d\" rx=\"2\" "
			    "fill=\"%s\"/>", BAR_LABEL, y, plen, BAR_H,
			    part_colour);
		ov_report__printf(w, "<text x=\"%zu\" y=\"%zu\" "
		    "fill=\"#1d2433\">%zu", BAR_LABEL + len + 5,
		    y + BAR_H - 5, bars[i].value);
		if (bars[i].part > 0 && part_label != NULL)
			ov_report__printf(w, "<tspan fill=\"%s\"> (%zu %s)"
			    "</tspan>", part_colour, bars[i].part, part_label);
		ov_report__puts(w, "</text>\n");
	}
	ov_report__puts(w, "</svg>");
	if (part_label != NULL && part_colour != NULL)
		ov_report__printf(w, "<div class=\"legend\"><i style=\""
		    "background:%s\"></i>%s</div>", part_colour, part_label);
	ov_report__puts(w, "</figure>\n");
}

#define COL_W		640	/* viewBox width */
#define COL_H		190	/* viewBox height */
#define COL_LEFT	34	/* y axis labels */
#define COL_BOTTOM	26	/* x axis labels */

/* A round axis maximum at or above v: 1, 2, 5, 10, 20, 50... */
static size_t
nice_max(size_t v)
{
	size_t m = 1;

	while (m < v) {
		if (m * 2 >= v)
			return m * 2;
		if (m * 5 >= v)
			return m * 5;
		m *= 10;
	}
	return m;
}

/*
 * Grouped columns, one group per day: n_series values per day (series i
 * in colours[i]), with day-of-month labels and a light grid.  An optional
 * line (line != NULL, one value per day) is drawn over the columns in
 * line_colour on the same scale.
 */
void
ov_report__svg_days(struct ov_rw *w, const char *title,
    const int64_t *days, size_t n_days, const size_t *const *series,
    size_t n_series, const char *const *names, const char *const *colours,
    const size_t *line, const char *line_name, const char *line_colour)
{
	size_t d, k, max = 1, second = 0, top, tick;
	double slot, bar;
	const double plot_w = COL_W - COL_LEFT - 6;
	const double plot_h = COL_H - COL_BOTTOM - 10;

	for (d = 0; d < n_days; d++) {
		for (k = 0; k < n_series; k++) {
			if (series[k][d] > max) {
				second = max;
				max = series[k][d];
			} else if (series[k][d] > second)
				second = series[k][d];
		}
		if (line != NULL && line[d] > max)
			max = line[d];
	}
	/* one outlier (a first scan's baseline) would flatten the rest:
	 * its column is cut at the top and labelled with its value */
	top = line == NULL && second > 0 && max > 4 * second ?
	    nice_max(second * 3 / 2 + 1) : nice_max(max);
	slot = n_days > 0 ? plot_w / (double)n_days : plot_w;
	bar = n_series > 0 ? (slot * 0.8) / (double)n_series : slot;
	ov_report__puts(w, "<figure class=\"chart\" style=\"margin:0\"><h3>");
	ov_report__html_esc(w, title);
	ov_report__printf(w, "</h3><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", COL_W, COL_H);
	ov_report__xml(w, title, true);
	ov_report__puts(w, "\" font-family=\"system-ui,sans-serif\" "
	    "font-size=\"11\">\n");
	for (tick = 0; tick <= 4; tick++) {
		double y = 10 + plot_h - plot_h * (double)tick / 4.0;

		ov_report__printf(w, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#dfe3ea\"/><text x=\"%d\" "
		    "y=\"%.1f\" text-anchor=\"end\" fill=\"#5b6475\">%zu"
		    "</text>\n", COL_LEFT, COL_W - 6, y, y, COL_LEFT - 4,
		    y + 4, top * tick / 4);
	}
	for (d = 0; d < n_days; d++) {
		double x0 = COL_LEFT + slot * (double)d + slot * 0.1;
		char day[16];

		for (k = 0; k < n_series; k++) {
			bool cut = series[k][d] > top;
			double h = plot_h * (double)(cut ? top : series[k][d]) /
			    (double)top;

			if (series[k][d] == 0)
				continue;
			ov_report__printf(w, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>%zu</title></rect>", x0 + bar *
			    (double)k, 10 + plot_h - h, bar > 1.5 ? bar - 0.5 :
			    bar, h, colours[k], series[k][d]);
			if (cut)
				ov_report__printf(w, "<rect x=\"%.1f\" "
				    "y=\"%.1f\" width=\"%.1f\" height=\"3\" "
				    "fill=\"#fff\"/><text x=\"%.1f\" y=\"19\" "
				    "fill=\"#1d2433\">%zu</text>", x0 + bar *
				    (double)k - 1, 10 + plot_h * 0.12, bar + 2,
				    x0 + bar * (double)k + bar + 3,
				    series[k][d]);
		}
		ov__date_format(days[d], day, sizeof(day));
		if (n_days <= 16 || d % 2 == 0 || d + 1 == n_days)
			ov_report__printf(w, "<text x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" fill=\"#5b6475\">%s</text>",
			    COL_LEFT + slot * (double)d + slot / 2,
			    COL_H - 8, day + 8);
		ov_report__putc(w, '\n');
	}
	if (line != NULL && n_days > 0) {
		ov_report__printf(w, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\" points=\"", line_colour);
		for (d = 0; d < n_days; d++)
			ov_report__printf(w, "%s%.1f,%.1f", d > 0 ? " " : "",
			    COL_LEFT + slot * (double)d + slot / 2,
			    10 + plot_h - plot_h * (double)line[d] /
			    (double)top);
		ov_report__puts(w, "\"/>\n");
	}
	ov_report__puts(w, "</svg><div class=\"legend\">");
	for (k = 0; k < n_series; k++) {
		ov_report__printf(w, "<i style=\"background:%s\"></i>",
		    colours[k]);
		ov_report__html_esc(w, names[k]);
	}
	if (line != NULL) {
		ov_report__printf(w, "<i style=\"background:%s;height:3px;"
		    "vertical-align:3px\"></i>", line_colour);
		ov_report__html_esc(w, line_name);
	}
	ov_report__puts(w, "</div></figure>\n");
}
