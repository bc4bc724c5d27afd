/* SPDX-License-Identifier: MIT */
/*
 * The monthly governance report (include/overvisor/governance.h) as one
 * self-contained HTML page or as Markdown.  Page one is the executive
 * summary: key figures, the messages a board reads, and SLA adherence per
 * responsible party.  Then the detail: SLA adherence and remediation per
 * duty and party, the daily trend, the overdue list, exceptions expiring
 * or expired, restore-test evidence against RPO and RTO, policy
 * enforcement coverage, the contract questions with their evidence, and
 * the framework view when asked for.  Charts are static SVG drawn here.
 *
 * Everything printed comes from the ov_governance the store built; the
 * output depends on nothing else, so the same store gives the same bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/governance.h"
#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"
#include "util/time.h"

#define N_MESSAGES	8	/* key messages at most */
#define MSG_LEN		512	/* bytes per message */
#define OVERDUE_SHOWN	50	/* overdue rows shown before the fold */
#define C_OPENED	"#1f4e79"
#define C_RESOLVED	"#2e7d32"
#define C_REOPENED	"#d84315"
#define C_BACKLOG	"#5b6475"
#define C_BREACHED	"#b71c1c"

static const char *const months[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* "November 2026" for a period starting on the first of a month. */
static void
period_name(const ov_governance *g, char *buf, size_t size)
{
	char d[16], e[16];
	int y, m;

	ov__date_format(g->from, d, sizeof(d));
	if (sscanf(d, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12 &&
	    strcmp(d + 8, "01") == 0 && g->to - g->from <= 31 * 86400) {
		snprintf(buf, size, "%s %d", months[m - 1], y);
		return;
	}
	ov__date_format(g->to - 1, e, sizeof(e));
	snprintf(buf, size, "%s to %s", d, e);
}

/* A duration a person reads: "45 min", "6 h", "3.5 d". */
static const char *
dur(int64_t s, char *buf, size_t size)
{
	if (s <= 0)
		snprintf(buf, size, "-");
	else if (s < 3600)
		snprintf(buf, size, "%lld min", (long long)((s + 59) / 60));
	else if (s < 2 * 86400)
		snprintf(buf, size, "%lld h", (long long)((s + 1799) / 3600));
	else if (s % 86400 == 0)
		snprintf(buf, size, "%lld d", (long long)(s / 86400));
	else
		snprintf(buf, size, "%.1f d", (double)s / 86400.0);
	return buf;
}

/* met / (met + breached) as "87%", or "-" when nothing was decided. */
static const char *
pct(size_t met, size_t breached, char *buf, size_t size)
{
	if (met + breached == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%zu%%", (met * 100 + (met + breached) / 2) /
		    (met + breached));
	return buf;
}

static const char *
day(int64_t t, char *buf, size_t size)
{
	if (t == 0)
		snprintf(buf, size, "-");
	else
		ov__date_format(t, buf, size);
	return buf;
}

/* Policy effects, as the coverage summary counts them. */
enum effect_class {
	EFF_DENY = 0,	/* deny or denyAction, enforced */
	EFF_AUDIT,	/* audit, auditIfNotExists, enforced */
	EFF_DINE,	/* deployIfNotExists, modify, append */
	EFF_DISABLED,	/* disabled */
	EFF_DNE,	/* assignment in DoNotEnforce */
	EFF_UNKNOWN,	/* effect could not be resolved */
	EFF__COUNT
};

static const char *const effect_names[EFF__COUNT] = {
	"Deny (enforced)", "Audit only", "Deploy or modify", "Disabled",
	"DoNotEnforce", "Effect unknown"
};

static enum effect_class
effect_class(const ov_governance_policy *p)
{
	const char *e = p->effect;

	if (e == NULL)
		return EFF_UNKNOWN;
	if (!p->enforced)
		return EFF_DNE;
	if (strcmp(e, "deny") == 0 || strcmp(e, "Deny") == 0 ||
	    strcmp(e, "denyAction") == 0 || strcmp(e, "DenyAction") == 0)
		return EFF_DENY;
	if (strncmp(e, "audit", 5) == 0 || strncmp(e, "Audit", 5) == 0)
		return EFF_AUDIT;
	if (strcmp(e, "disabled") == 0 || strcmp(e, "Disabled") == 0)
		return EFF_DISABLED;
	return EFF_DINE;
}

/* Figures derived once for both formats. */
struct summary {
	size_t	 effects[EFF__COUNT];	/* controls by effect class */
	size_t	 must_deny;		/* controls the contract must deny */
	size_t	 must_deny_ok;		/* of which denying and enforced */
	size_t	 expiring;		/* exceptions expiring within 30 d */
	size_t	 expired;		/* exceptions expired */
	size_t	 vaults_tested;		/* vaults tested within the window */
	size_t	 restores_slow;		/* successful restores over the RTO */
	size_t	 restores_failed;	/* restores that failed */
	size_t	 answered, partial, gaps; /* contract answers by status */
	char	 msg[N_MESSAGES][MSG_LEN]; /* key messages */
	size_t	 n_msg;			/* their number */
};

static void
msg(struct summary *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
msg(struct summary *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n_msg == N_MESSAGES)
		return;
	va_start(ap, fmt);
	vsnprintf(s->msg[s->n_msg++], MSG_LEN, fmt, ap);
	va_end(ap);
}

/* The duty row with the lowest adherence among those with breaches. */
static const ov_governance_duty *
worst_duty(const ov_governance *g)
{
	const ov_governance_duty *w = NULL;
	size_t i;

	for (i = 0; i < g->n_duties; i++) {
		const ov_governance_duty *d = &g->duties[i];

		if (d->breached == 0)
			continue;
		if (w == NULL || d->met * (w->met + w->breached) <
		    w->met * (d->met + d->breached) ||
		    (d->met * (w->met + w->breached) ==
		    w->met * (d->met + d->breached) &&
		    d->breached > w->breached))
			w = d;
	}
	return w;
}

static void
summarize(const ov_governance *g, struct summary *s)
{
	const ov_governance_duty *w;
	char a[32], b[32], c[32];
	size_t i, nv_items = 0;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < g->n_policies; i++) {
		enum effect_class k = effect_class(&g->policies[i]);

		s->effects[k]++;
		if (g->policies[i].must_deny) {
			s->must_deny++;
			s->must_deny_ok += k == EFF_DENY;
		}
	}
	for (i = 0; i < g->n_exceptions; i++) {
		s->expiring += g->exceptions[i].expiring;
		s->expired += g->exceptions[i].expired;
	}
	for (i = 0; i < g->n_vaults; i++) {
		s->vaults_tested += g->vaults[i].tested;
		nv_items += g->vaults[i].items > 0;
	}
	for (i = 0; i < g->n_restores; i++) {
		s->restores_slow += g->restores[i].ok &&
		    !g->restores[i].within_rto;
		s->restores_failed += !g->restores[i].ok;
	}
	for (i = 0; i < g->n_answers; i++) {
		const char *st = g->answers[i].status;

		if (st != NULL && strcmp(st, "answered") == 0)
			s->answered++;
		else if (st != NULL && strcmp(st, "partial") == 0)
			s->partial++;
		else
			s->gaps++;
	}
	/* the messages, most important first */
	if (g->due > 0)
		msg(s, "%zu of the %zu findings due this period met their "
		    "SLA (%s adherence); %zu %s breached%s.", g->met, g->due,
		    pct(g->met, g->breached, a, sizeof(a)), g->breached,
		    g->breached == 1 ? "was" : "were", g->pending > 0 ?
		    ", the rest are not yet due" : "");
	else
		msg(s, "No finding fell due this period.");
	if ((w = worst_duty(g)) != NULL)
		msg(s, "Weakest: %s for %s, %zu of %zu met (%s).",
		    w->responsible, w->duty, w->met, w->met + w->breached,
		    pct(w->met, w->breached, a, sizeof(a)));
	if (g->n_overdue > 0)
		msg(s, "%zu finding%s %s overdue at the end of the period; "
		    "the oldest, %s (%s), is %lld days late and %s must "
		    "act.", g->n_overdue, g->n_overdue == 1 ? "" : "s",
		    g->n_overdue == 1 ? "is" : "are", g->overdue[0].rule,
		    g->overdue[0].duty, (long long)g->overdue[0].days_late,
		    g->overdue[0].responsible);
	else
		msg(s, "Nothing is overdue at the end of the period.");
	msg(s, "Open findings went from %zu to %zu: %zu new, %zu reopened, "
	    "%zu resolved; mean time to remediate %s (90th percentile %s).",
	    g->open_start, g->open_end, g->opened, g->reopened, g->resolved,
	    dur(g->mttr, b, sizeof(b)), dur(g->p90, c, sizeof(c)));
	if (nv_items > 0 || g->n_restores > 0)
		msg(s, "%zu of %zu backup vaults have a successful restore "
		    "test on record; %zu restore%s exceeded the RTO of %s and "
		    "%zu failed.", s->vaults_tested, g->n_vaults,
		    s->restores_slow, s->restores_slow == 1 ? "" : "s",
		    dur(g->rto, a, sizeof(a)), s->restores_failed);
	if (s->must_deny > 0)
		msg(s, "%zu of %zu assignments of controls the contract "
		    "requires in deny mode enforce Deny.", s->must_deny_ok,
		    s->must_deny);
	if (s->expiring + s->expired > 0)
		msg(s, "%zu exception%s expire%s in the next 30 days; %zu "
		    "%s expired.", s->expiring, s->expiring == 1 ? "" : "s",
		    s->expiring == 1 ? "s" : "", s->expired, s->expired == 1 ?
		    "has" : "have");
	if (g->n_answers > 0)
		msg(s, "Contract questions: %zu answered, %zu partly, %zu "
		    "with a gap.", s->answered, s->partial, s->gaps);
}

/* Per-party totals of the duty rows, for page one. */
struct party {
	const char	*name;		/* responsible party */
	size_t		 due, met, breached, open, overdue;
};

static size_t
parties(const ov_governance *g, struct party *p, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < g->n_duties; i++) {
		const ov_governance_duty *d = &g->duties[i];

		for (k = 0; k < n && strcmp(p[k].name, d->responsible) != 0;
		    k++)
			;
		if (k == n) {
			if (n == max)
				continue;
			memset(&p[n], 0, sizeof(p[n]));
			p[n++].name = d->responsible;
		}
		p[k].due += d->due;
		p[k].met += d->met;
		p[k].breached += d->breached;
		p[k].open += d->open_end;
		p[k].overdue += d->overdue_end;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* HTML */

static void
h(struct ov_rw *w, const char *s)
{
	ov_report__html_esc(w, s);
}

static void
num_cell(struct ov_rw *w, size_t v, const char *cls)
{
	ov_report__printf(w, "<td class=\"n%s%s\">%zu</td>", cls != NULL &&
	    v > 0 ? " " : "", cls != NULL && v > 0 ? cls : "", v);
}

/*
 * Each line of text ("\n"-separated) as before, the line through esc,
 * after.
 */
static void
each_line(struct ov_rw *w, const char *text, const char *before,
    const char *after, void (*esc)(struct ov_rw *, const char *))
{
	const char *p = text, *nl;
	char line[2048];
	size_t n;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		ov_report__puts(w, before);
		esc(w, line);
		ov_report__puts(w, after);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

/* Lines of text as a list. */
static void
html_lines(struct ov_rw *w, const char *text, const char *cls)
{
	if (text == NULL || *text == '\0')
		return;
	ov_report__printf(w, "<ul class=\"%s\">", cls);
	each_line(w, text, "<li>", "</li>", h);
	ov_report__puts(w, "</ul>");
}

static const char gov_css[] =
	".cover{border-bottom:3px solid var(--accent);padding-bottom:.6em;"
	"margin-bottom:1em}"
	".eyebrow{text-transform:uppercase;letter-spacing:.08em;"
	"font-size:.78em;color:var(--muted);margin:0}"
	".messages{margin:.6em 0 1.2em;padding-left:1.2em}"
	".messages li{margin:.3em 0}"
	".bar{display:inline-block;height:.7em;background:var(--good);"
	"vertical-align:middle;border-radius:2px}"
	".barbox{display:inline-block;width:60px;height:.7em;"
	"background:#f3d6d6;vertical-align:middle;border-radius:2px;"
	"margin-right:6px;overflow:hidden}"
	".status{display:inline-block;padding:0 7px;border-radius:3px;"
	"font-size:.8em;font-weight:600;color:#fff;white-space:nowrap}"
	".s-answered{background:var(--good)}.s-partial{background:var(--warn)}"
	".s-gap{background:var(--bad)}"
	".q{border:1px solid var(--line);border-radius:8px;padding:8px 14px;"
	"margin:.7em 0;break-inside:avoid}"
	".q h3{margin:.2em 0 .3em;font-size:1em}"
	"ul.ev,ul.gap{margin:.3em 0;padding-left:1.3em;font-size:.92em}"
	"ul.gap li{color:var(--bad)}"
	".note{font-size:.85em;color:var(--muted)}"
	"@media print{.cover{margin-top:0}}";

static void
html_duties(struct ov_rw *w, const ov_governance *g)
{
	const char *party = NULL;
	struct ov_report_bar *bars;
	char a[32], b[32], c[32], label[256];
	size_t i, nb = 0;

	ov_report__puts(w, "<h2 class=\"pagebreak\">SLA adherence by duty and "
	    "responsible party</h2>\n<p>A finding is <b>due</b> in the period "
	    "when the due date its contract SLA gave it falls in the period; "
	    "it <b>met</b> the SLA when it was resolved (or excepted) by "
	    "then, and was <b>breached</b> when it was still open on its due "
	    "date. Pending findings fall due after the report time.</p>\n");
	if ((bars = ov__calloc(g->n_duties + 1, sizeof(*bars))) != NULL) {
		for (i = 0; i < g->n_duties; i++) {
			if (g->duties[i].due == 0)
				continue;
			bars[nb].label = g->duties[i].duty;
			bars[nb].value = g->duties[i].due;
			bars[nb].part = g->duties[i].breached;
			bars[nb++].colour = "#2e7d32";
		}
		if (nb > 0) {
			ov_report__puts(w, "<div class=\"charts\">");
			ov_report__svg_bars(w, "Findings due in the period, by "
			    "duty", bars, nb, "breached", C_BREACHED);
			ov_report__puts(w, "</div>\n");
		}
		ov__free(bars);
	}
	ov_report__puts(w, "<table class=\"fx\"><colgroup><col>"
	    "<col style=\"width:104px\"><col style=\"width:50px\">"
	    "<col style=\"width:50px\"><col style=\"width:76px\">"
	    "<col style=\"width:72px\"><col style=\"width:118px\"></colgroup>"
	    "<thead><tr><th>Responsible / duty</th><th>SLA crit/high</th>"
	    "<th class=\"n\">Due</th><th class=\"n\">Met</th>"
	    "<th class=\"n\">Breached</th><th class=\"n\">Pending</th>"
	    "<th>Adherence</th></tr></thead><tbody>\n");
	for (i = 0; i < g->n_duties; i++) {
		const ov_governance_duty *d = &g->duties[i];
		size_t decided = d->met + d->breached;

		if (party == NULL || strcmp(party, d->responsible) != 0) {
			party = d->responsible;
			ov_report__puts(w, "<tr style=\"background:#f5f7fa\">"
			    "<td colspan=\"7\"><b>");
			h(w, party);
			ov_report__puts(w, "</b></td></tr>\n");
		}
		ov_report__puts(w, "<tr><td style=\"padding-left:20px\">");
		h(w, d->duty);
		ov_report__puts(w, "<br><span class=\"note\">accountable ");
		h(w, d->accountable != NULL ? d->accountable : "nobody named");
		ov_report__printf(w, "</span></td><td class=\"nw\">%s / %s"
		    "</td>", dur(d->sla_critical, a, sizeof(a)),
		    dur(d->sla_high, b, sizeof(b)));
		num_cell(w, d->due, NULL);
		num_cell(w, d->met, NULL);
		num_cell(w, d->breached, "bad");
		num_cell(w, d->pending, NULL);
		ov_report__puts(w, "<td class=\"nw\">");
		if (decided > 0)
			ov_report__printf(w, "<span class=\"barbox\"><span "
			    "class=\"bar\" style=\"width:%zupx\"></span></span>",
			    d->met * 60 / decided);
		ov_report__printf(w, "%s</td></tr>\n", pct(d->met, d->breached,
		    c, sizeof(c)));
	}
	ov_report__puts(w, "</tbody></table>\n<h3>Remediation</h3>\n"
	    "<p>Time to remediate is measured from the scan that first saw a "
	    "finding (or its reopening) to the scan that saw it resolved, for "
	    "findings resolved in the period.</p>\n<table class=\"fx\">"
	    "<colgroup><col><col style=\"width:70px\"><col style=\"width:76px\">"
	    "<col style=\"width:64px\"><col style=\"width:64px\">"
	    "<col style=\"width:56px\"><col style=\"width:76px\"></colgroup>"
	    "<thead><tr><th>Responsible / duty</th><th class=\"n\">Opened</th>"
	    "<th class=\"n\">Resolved</th><th class=\"n\">Mean</th>"
	    "<th class=\"n\">P90</th><th class=\"n\">Open</th>"
	    "<th class=\"n\">Overdue</th></tr></thead><tbody>\n");
	for (i = 0; i < g->n_duties; i++) {
		const ov_governance_duty *d = &g->duties[i];

		snprintf(label, sizeof(label), "%s", d->duty);
		ov_report__puts(w, "<tr><td>");
		h(w, d->responsible);
		ov_report__puts(w, " &middot; ");
		h(w, label);
		ov_report__puts(w, "</td>");
		num_cell(w, d->opened, NULL);
		num_cell(w, d->resolved, NULL);
		ov_report__printf(w, "<td class=\"n\">%s</td><td class=\"n\">%s"
		    "</td>", dur(d->mttr, a, sizeof(a)), dur(d->p90, b,
		    sizeof(b)));
		num_cell(w, d->open_end, NULL);
		num_cell(w, d->overdue_end, "overdue");
		ov_report__puts(w, "</tr>\n");
	}
	ov_report__printf(w, "<tr><td><b>All duties</b></td>"
	    "<td class=\"n\"><b>%zu</b></td><td class=\"n\"><b>%zu</b></td>"
	    "<td class=\"n\"><b>%s</b></td><td class=\"n\"><b>%s</b></td>"
	    "<td class=\"n\"><b>%zu</b></td><td class=\"n%s\"><b>%zu</b></td>"
	    "</tr>\n</tbody></table>\n", g->opened + g->reopened, g->resolved,
	    dur(g->mttr, a, sizeof(a)), dur(g->p90, b, sizeof(b)),
	    g->open_end, g->overdue_end > 0 ? " overdue" : "",
	    g->overdue_end);
}

static void
html_trend(struct ov_rw *w, const ov_governance *g)
{
	int64_t *days;
	size_t *opened, *resolved, *reopened, *open, i, n = g->n_days;
	const size_t *series[3];
	static const char *const names[] = { "new", "resolved", "reopened" };
	static const char *const colours[] = { C_OPENED, C_RESOLVED,
	    C_REOPENED };

	days = ov__calloc(n + 1, sizeof(*days));
	opened = ov__calloc(n + 1, sizeof(*opened));
	resolved = ov__calloc(n + 1, sizeof(*resolved));
	reopened = ov__calloc(n + 1, sizeof(*reopened));
	open = ov__calloc(n + 1, sizeof(*open));
	ov_report__puts(w, "<h2>Trend</h2>\n<p>Per day of the period, from the "
	    "scans recorded that day. Days without a scan show nothing: the "
	    "backlog line carries the last known figure.</p>\n");
	if (days != NULL && opened != NULL && resolved != NULL &&
	    reopened != NULL && open != NULL) {
		for (i = 0; i < n; i++) {
			days[i] = g->days[i].day;
			opened[i] = g->days[i].opened;
			resolved[i] = g->days[i].resolved;
			reopened[i] = g->days[i].reopened;
			open[i] = g->days[i].open;
		}
		series[0] = opened;
		series[1] = resolved;
		series[2] = reopened;
		ov_report__puts(w, "<div class=\"charts\">");
		ov_report__svg_days(w, "Findings opened, resolved and reopened "
		    "per day", days, n, series, 3, names, colours, NULL, NULL,
		    NULL);
		ov_report__svg_days(w, "Open findings at the end of each day",
		    days, n, NULL, 0, NULL, NULL, open, "open", C_BACKLOG);
		ov_report__puts(w, "</div>\n");
	}
	ov__free(days);
	ov__free(opened);
	ov__free(resolved);
	ov__free(reopened);
	ov__free(open);
}

static void
overdue_head(struct ov_rw *w)
{
	ov_report__puts(w, "<table class=\"fx\"><colgroup>"
	    "<col style=\"width:64px\"><col style=\"width:86px\"><col>"
	    "<col style=\"width:27%\"><col style=\"width:96px\"></colgroup>"
	    "<thead><tr><th class=\"n\">Late</th><th>Severity</th>"
	    "<th>Finding</th><th>Responsible / accountable</th><th>Due</th>"
	    "</tr></thead><tbody>\n");
}

static void
html_overdue(struct ov_rw *w, const ov_governance *g)
{
	char a[16];
	size_t i;

	ov_report__puts(w, "<h2>Overdue at the end of the period</h2>\n");
	if (g->n_overdue == 0) {
		ov_report__puts(w, "<p class=\"ok\">Nothing is overdue.</p>\n");
		return;
	}
	ov_report__printf(w, "<p>%zu finding%s open past the due date, most "
	    "days late first, with the party that must act and the one that "
	    "answers for it.</p>\n", g->n_overdue, g->n_overdue == 1 ? "" :
	    "s");
	overdue_head(w);
	for (i = 0; i < g->n_overdue; i++) {
		const ov_governance_overdue *o = &g->overdue[i];
		ov_finding f;
		char nbuf[512];

		memset(&f, 0, sizeof(f));
		f.resource_id = o->resource_id != NULL ? o->resource_id : "-";
		if (i == OVERDUE_SHOWN) {
			ov_report__printf(w, "</tbody></table>\n<details>"
			    "<summary>The other %zu overdue findings</summary>\n",
			    g->n_overdue - i);
			overdue_head(w);
		}
		ov_report__printf(w, "<tr><td class=\"n overdue\">%lldd</td>"
		    "<td>", (long long)o->days_late);
		ov_report__html_sev(w, o->severity);
		ov_report__puts(w, "</td><td>");
		h(w, o->title);
		ov_report__puts(w, "<br><span class=\"id\">");
		h(w, o->rule);
		ov_report__puts(w, " &middot; ");
		h(w, o->duty);
		ov_report__puts(w, " &middot; ");
		ov_report__html_id(w, ov_report__short_name(&f, nbuf,
		    sizeof(nbuf)));
		ov_report__puts(w, "</span></td><td>");
		h(w, o->responsible);
		ov_report__puts(w, "<br><span class=\"note\">");
		h(w, o->accountable != NULL ? o->accountable : "nobody named");
		ov_report__printf(w, "</span></td><td class=\"nw\">%s</td>"
		    "</tr>\n", day(o->due, a, sizeof(a)));
	}
	ov_report__puts(w, "</tbody></table>\n");
	if (g->n_overdue > OVERDUE_SHOWN)
		ov_report__puts(w, "</details>\n");
}

static void
html_exception_rows(struct ov_rw *w, const ov_governance *g, bool expired)
{
	char a[16];
	size_t i;

	ov_report__puts(w, "<table class=\"fx\"><colgroup>"
	    "<col style=\"width:104px\"><col style=\"width:24%\"><col>"
	    "<col style=\"width:24%\"></colgroup><thead><tr><th>Valid through</th>"
	    "<th>Rule or assignment</th><th>Resource</th>"
	    "<th>Approver / ticket</th></tr></thead><tbody>\n");
	for (i = 0; i < g->n_exceptions; i++) {
		const ov_governance_exception *e = &g->exceptions[i];

		if (expired ? !e->expired : !e->expiring)
			continue;
		ov_report__printf(w, "<tr><td class=\"nw %s\">%s</td><td>",
		    expired ? "bad" : "warn", day(e->expires - 1, a,
		    sizeof(a)));
		ov_report__html_id(w, e->rule);
		ov_report__puts(w, "<br><span class=\"note\">");
		h(w, e->origin);
		ov_report__puts(w, "</span></td><td><span class=\"id\">");
		ov_report__html_id(w, e->resource);
		ov_report__puts(w, "</span>");
		if (e->justification != NULL) {
			ov_report__puts(w, "<br><span class=\"note\">");
			h(w, e->justification);
			ov_report__puts(w, "</span>");
		}
		ov_report__puts(w, "</td><td>");
		h(w, e->approver);
		ov_report__puts(w, "<br><span class=\"note\">");
		h(w, e->ticket);
		ov_report__puts(w, "</span></td></tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static void
html_exceptions(struct ov_rw *w, const ov_governance *g,
    const struct summary *s)
{
	ov_report__printf(w, "<h2>Exceptions</h2>\n<p>%zu exception%s and "
	    "Azure Policy exemption%s recorded with the last scan; every one "
	    "must carry an expiry, and an expired one turns back into an open "
	    "finding.</p>\n", g->n_exceptions, g->n_exceptions == 1 ? "" : "s",
	    g->n_exceptions == 1 ? "" : "s");
	ov_report__printf(w, "<h3>Expiring in the next 30 days (%zu)</h3>\n",
	    s->expiring);
	if (s->expiring > 0)
		html_exception_rows(w, g, false);
	else
		ov_report__puts(w, "<p>None.</p>\n");
	ov_report__printf(w, "<h3>Expired (%zu)</h3>\n", s->expired);
	if (s->expired > 0)
		html_exception_rows(w, g, true);
	else
		ov_report__puts(w, "<p>None.</p>\n");
}

static void
html_backup(struct ov_rw *w, const ov_governance *g)
{
	char a[32], b[32], c[32], t[32];
	size_t i;

	ov_report__printf(w, "<h2>Backup and restore evidence</h2>\n<p>The "
	    "contract sets an RPO of <b>%s</b> (age of the newest recovery "
	    "point), an RTO of <b>%s</b> (how long a restore may take) and a "
	    "successful test restore every <b>%s</b>. Items are counted at "
	    "the last scan of the period; restore jobs from every scan in "
	    "it.</p>\n", dur(g->rpo > 0 ? g->rpo : 0, a, sizeof(a)),
	    dur(g->rto, b, sizeof(b)), dur(g->restore_window, c, sizeof(c)));
	if (g->n_vaults == 0)
		ov_report__puts(w, "<p class=\"warn\">No protected item was "
		    "recorded: the backup sources were not collected, so "
		    "nothing here is proven.</p>\n");
	else {
		ov_report__puts(w, "<table class=\"fx\"><colgroup><col>"
		    "<col style=\"width:70px\"><col style=\"width:84px\">"
		    "<col style=\"width:110px\"><col style=\"width:120px\">"
		    "</colgroup><thead><tr><th>Vault</th>"
		    "<th class=\"n\">Items</th><th class=\"n\">Within RPO</th>"
		    "<th>Last good restore</th><th>Duration vs RTO</th></tr>"
		    "</thead><tbody>\n");
		for (i = 0; i < g->n_vaults; i++) {
			const ov_governance_vault *v = &g->vaults[i];

			ov_report__puts(w, "<tr><td class=\"id\">");
			ov_report__html_id(w, v->vault);
			ov_report__printf(w, "</td><td class=\"n\">%zu</td>"
			    "<td class=\"n%s\">%zu</td>", v->items,
			    v->within_rpo < v->items ? " bad" : "",
			    v->within_rpo);
			if (v->tested)
				ov_report__printf(w, "<td class=\"nw\">%s</td>"
				    "<td class=\"nw %s\">%s %s</td></tr>\n",
				    day(v->last_ok, t, sizeof(t)),
				    v->within_rto ? "ok" : "bad",
				    dur(v->last_duration, a, sizeof(a)),
				    v->within_rto ? "within" : "over");
			else
				ov_report__puts(w, "<td class=\"bad\" "
				    "colspan=\"2\">no successful restore in the "
				    "window</td></tr>\n");
		}
		ov_report__puts(w, "</tbody></table>\n");
	}
	ov_report__printf(w, "<h3>Restore jobs (%zu)</h3>\n", g->n_restores);
	if (g->n_restores == 0) {
		ov_report__puts(w, "<p class=\"bad\">No restore job in the "
		    "test window.</p>\n");
		return;
	}
	ov_report__puts(w, "<table class=\"fx\"><colgroup>"
	    "<col style=\"width:96px\"><col style=\"width:28%\"><col>"
	    "<col style=\"width:96px\"><col style=\"width:96px\"></colgroup>"
	    "<thead><tr><th>Started</th><th>Vault</th><th>Restored item</th>"
	    "<th>Status</th><th>Duration</th></tr></thead><tbody>\n");
	for (i = 0; i < g->n_restores; i++) {
		const ov_governance_restore *x = &g->restores[i];

		ov_report__printf(w, "<tr><td class=\"nw\">%s</td>"
		    "<td class=\"id\">", day(x->started, t, sizeof(t)));
		ov_report__html_id(w, x->vault);
		ov_report__puts(w, "</td><td class=\"id\">");
		ov_report__html_id(w, x->item);
		ov_report__printf(w, "</td><td class=\"%s\">", x->ok ? "ok" :
		    "bad");
		h(w, x->status);
		ov_report__printf(w, "</td><td class=\"nw %s\">%s</td></tr>\n",
		    !x->ok ? "" : x->within_rto ? "ok" : "bad",
		    dur(x->duration, a, sizeof(a)));
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static void
html_policy(struct ov_rw *w, const ov_governance *g, const struct summary *s)
{
	struct ov_report_bar bars[EFF__COUNT];
	static const char *const colours[EFF__COUNT] = {
		"#2e7d32", "#b26a00", "#1f4e79", "#5b6475", "#b71c1c",
		"#8d6e63"
	};
	size_t i, n = 0;

	ov_report__printf(w, "<h2>Policy enforcement</h2>\n<p>%zu control%s "
	    "applied by Azure Policy assignments at the last scan, by the "
	    "effect Azure would use. Audit only reports a problem; Deny "
	    "prevents it.</p>\n", g->n_policies, g->n_policies == 1 ? "" :
	    "s");
	if (g->n_policies == 0) {
		ov_report__puts(w, "<p class=\"warn\">No policy assignment was "
		    "recorded: the policy source was not collected or nothing "
		    "is assigned.</p>\n");
		return;
	}
	for (i = 0; i < EFF__COUNT; i++) {
		if (s->effects[i] == 0)
			continue;
		bars[n].label = effect_names[i];
		bars[n].value = s->effects[i];
		bars[n].part = 0;
		bars[n++].colour = colours[i];
	}
	ov_report__puts(w, "<div class=\"charts\">");
	ov_report__svg_bars(w, "Controls by effect", bars, n, NULL, NULL);
	ov_report__puts(w, "</div>\n");
	ov_report__printf(w, "<h3>Controls the contract requires in deny mode "
	    "(%zu of %zu enforced)</h3>\n", s->must_deny_ok, s->must_deny);
	ov_report__puts(w, "<table class=\"fx\"><colgroup><col>"
	    "<col style=\"width:30%\"><col style=\"width:110px\">"
	    "<col style=\"width:90px\"></colgroup><thead><tr><th>Control</th>"
	    "<th>Assignment</th><th>Effect</th><th>Status</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < g->n_policies; i++) {
		const ov_governance_policy *p = &g->policies[i];
		bool ok = effect_class(p) == EFF_DENY;

		if (!p->must_deny)
			continue;
		ov_report__puts(w, "<tr><td>");
		ov_report__html_id(w, p->control);
		ov_report__puts(w, "</td><td>");
		h(w, p->assignment);
		ov_report__puts(w, "</td><td class=\"nw\">");
		h(w, p->effect != NULL ? p->effect : "unknown");
		if (!p->enforced)
			ov_report__puts(w, "<br><span class=\"note\">"
			    "DoNotEnforce</span>");
		ov_report__printf(w, "</td><td class=\"%s\">%s</td></tr>\n",
		    ok ? "ok" : "bad", ok ? "denies" : "does not deny");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static void
html_answers(struct ov_rw *w, const ov_governance *g)
{
	size_t i;

	ov_report__puts(w, "<h2 class=\"pagebreak\">Contract questions</h2>\n"
	    "<p>The questions to put to a CSP, answered from the contract and "
	    "backed by evidence from the last scan of the period.</p>\n");
	if (g->n_answers == 0) {
		ov_report__puts(w, "<p class=\"warn\">No answers were recorded "
		    "in the period.</p>\n");
		return;
	}
	for (i = 0; i < g->n_answers; i++) {
		const ov_governance_answer *a = &g->answers[i];
		const char *st = a->status != NULL ? a->status : "gap";

		ov_report__puts(w, "<div class=\"q\"><h3>");
		h(w, a->id);
		ov_report__puts(w, ". ");
		h(w, a->question);
		ov_report__puts(w, " <span class=\"status s-");
		ov_report__xml(w, st, true);
		ov_report__puts(w, "\">");
		h(w, st);
		ov_report__puts(w, "</span></h3><p>");
		h(w, a->answer);
		ov_report__puts(w, "</p>");
		html_lines(w, a->evidence, "ev");
		html_lines(w, a->gaps, "gap");
		ov_report__puts(w, "</div>\n");
	}
}

static void
html_summary(struct ov_rw *w, const ov_governance *g,
    const struct summary *s)
{
	struct party ps[64];
	char v[64], a[64], b[32];
	size_t i, np = parties(g, ps, sizeof(ps) / sizeof(ps[0]));

	ov_report__puts(w, "<h2>Executive summary</h2>\n<div class=\"kpis\">"
	    "\n");
	/* adherence: red below 80%, amber below 95% */
	ov_report__html_kpi(w, g->met + g->breached == 0 ? "" :
	    g->met * 100 < 80 * (g->met + g->breached) ? "bad" :
	    g->met * 100 < 95 * (g->met + g->breached) ? "warn" : "good",
	    pct(g->met, g->breached, v, sizeof(v)), "SLA adherence");
	snprintf(v, sizeof(v), "%zu", g->breached);
	ov_report__html_kpi(w, g->breached > 0 ? "bad" : "good", v,
	    "SLAs breached");
	snprintf(v, sizeof(v), "%zu", g->n_overdue);
	ov_report__html_kpi(w, g->n_overdue > 0 ? "bad" : "good", v,
	    "overdue at period end");
	snprintf(v, sizeof(v), "%zu / %zu", g->opened + g->reopened,
	    g->resolved);
	ov_report__html_kpi(w, "", v, "opened / resolved");
	snprintf(v, sizeof(v), "%s", dur(g->mttr, a, sizeof(a)));
	snprintf(a, sizeof(a), "mean time to remediate (P90 %s)",
	    dur(g->p90, b, sizeof(b)));
	ov_report__html_kpi(w, "", v, a);
	snprintf(v, sizeof(v), "%zu / %zu", s->vaults_tested, g->n_vaults);
	ov_report__html_kpi(w, s->vaults_tested < g->n_vaults ? "warn" :
	    "good", v, "vaults with a restore test");
	snprintf(v, sizeof(v), "%zu / %zu", s->must_deny_ok, s->must_deny);
	ov_report__html_kpi(w, s->must_deny_ok < s->must_deny ? "bad" :
	    "good", v, "must-deny assignments that deny");
	snprintf(v, sizeof(v), "%zu / %zu", s->answered, g->n_answers);
	ov_report__html_kpi(w, s->answered < g->n_answers ? "warn" : "good",
	    v, "contract questions answered");
	ov_report__puts(w, "</div>\n<h3>Key messages</h3>\n"
	    "<ol class=\"messages\">\n");
	for (i = 0; i < s->n_msg; i++) {
		ov_report__puts(w, "<li>");
		h(w, s->msg[i]);
		ov_report__puts(w, "</li>\n");
	}
	ov_report__puts(w, "</ol>\n<h3>By responsible party</h3>\n"
	    "<table class=\"fx\"><colgroup><col><col style=\"width:64px\">"
	    "<col style=\"width:64px\"><col style=\"width:78px\">"
	    "<col style=\"width:96px\"><col style=\"width:64px\">"
	    "<col style=\"width:74px\"></colgroup><thead><tr>"
	    "<th>Responsible party</th><th class=\"n\">Due</th>"
	    "<th class=\"n\">Met</th><th class=\"n\">Breached</th>"
	    "<th class=\"n\">Adherence</th><th class=\"n\">Open</th>"
	    "<th class=\"n\">Overdue</th></tr></thead><tbody>\n");
	for (i = 0; i < np; i++) {
		ov_report__puts(w, "<tr><td>");
		h(w, ps[i].name);
		ov_report__puts(w, "</td>");
		num_cell(w, ps[i].due, NULL);
		num_cell(w, ps[i].met, NULL);
		num_cell(w, ps[i].breached, "bad");
		ov_report__printf(w, "<td class=\"n\">%s</td>",
		    pct(ps[i].met, ps[i].breached, v, sizeof(v)));
		num_cell(w, ps[i].open, NULL);
		num_cell(w, ps[i].overdue, "overdue");
		ov_report__puts(w, "</tr>\n");
	}
	ov_report__puts(w, "</tbody></table>\n");
}

static int
write_html(FILE *f, const ov_governance *g)
{
	struct summary s;
	struct ov_rw w;
	char period[64], title[256], a[32], b[32], c[32];

	summarize(g, &s);
	period_name(g, period, sizeof(period));
	snprintf(title, sizeof(title), "%s: %s", g->title != NULL ?
	    g->title : "Governance report", period);
	ov_report__rw_init(&w, f);
	ov_report__html_begin(&w, title, gov_css);
	ov_report__puts(&w, "<header class=\"cover\"><p class=\"eyebrow\">"
	    "Shared responsibility &middot; monthly governance report</p>"
	    "<h1>");
	h(&w, g->title != NULL ? g->title : "Governance report");
	ov_report__puts(&w, ": ");
	h(&w, period);
	ov_report__puts(&w, "</h1>\n<p class=\"meta\">Tenant <span "
	    "class=\"id\">");
	h(&w, g->tenant);
	ov_report__printf(&w, "</span> &middot; %zu scan%s (%zu fully "
	    "collected) from %s to %s &middot; figures as of %s</p>"
	    "</header>\n", g->n_scans, g->n_scans == 1 ? "" : "s",
	    g->n_complete, day(g->first_scan, a, sizeof(a)),
	    day(g->last_scan, b, sizeof(b)), day(g->as_of == g->to ?
	    g->to - 1 : g->as_of, c, sizeof(c)));
	html_summary(&w, g, &s);
	html_duties(&w, g);
	html_trend(&w, g);
	html_overdue(&w, g);
	html_exceptions(&w, g, &s);
	html_backup(&w, g);
	html_policy(&w, g, &s);
	html_answers(&w, g);
	if (g->compliance != NULL) {
		ov_report__puts(&w, "<div class=\"pagebreak\"></div>");
		ov_report__html_compliance(&w, g->compliance);
		ov_report__puts(&w, "<p class=\"note\">From the store: a "
		    "control fails when a mapped rule has a finding open at the "
		    "end of the period. The store keeps findings, not passes: "
		    "for pass counts run <code>overvisor scan --framework</code>."
		    "</p>\n");
	}
	ov_report__puts(&w, "<h2>How these figures are made</h2>\n<p "
	    "class=\"note\">From the findings store: every scan recorded in the "
	    "period and the lifecycle of every finding (new, resolved, "
	    "reopened, excepted). A finding is only resolved by a scan that "
	    "collected its source in full. Due dates come from the operator "
	    "contract's SLA for the finding's duty and severity. Governance "
	    "evidence (exceptions, backups, policy, contract answers) is what "
	    "the last scan of the period recorded. docs/reports.md defines "
	    "every figure.</p>\n");
	ov_report__html_end(&w, g->tool_version);
	return ov_report__rw_finish(&w);
}

/* ------------------------------------------------------------------ */
/* Markdown */

/* Text for a table cell: escaped pipes, no line breaks. */
static void
md(struct ov_rw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "-");
	size_t i, n = strlen((const char *)p), len;
	unsigned cp;

	for (i = 0; i < n; i += len) {
		len = ov__utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			ov_report__write(w, "\xef\xbf\xbd", 3);
			len = 1;
		} else if (p[i] == '|' || p[i] == '\\' || p[i] == '*' ||
		    p[i] == '_' || p[i] == '`' || p[i] == '<' || p[i] == '[' ||
		    p[i] == ']')
			ov_report__printf(w, "\\%c", p[i]);
		else if (cp < 0x20 || cp == 0x7f)
			ov_report__putc(w, ' ');
		else
			ov_report__write(w, (const char *)p + i, len);
	}
}

static void
md_lines(struct ov_rw *w, const char *label, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	ov_report__printf(w, "\n%s:\n\n", label);
	each_line(w, text, "- ", "\n", md);
}

static int
write_md(FILE *f, const ov_governance *g)
{
	struct summary s;
	struct party ps[64];
	struct ov_rw w;
	char period[64], a[32], b[32], c[32];
	size_t i, np;
	const char *party = NULL;

	summarize(g, &s);
	period_name(g, period, sizeof(period));
	np = parties(g, ps, sizeof(ps) / sizeof(ps[0]));
	ov_report__rw_init(&w, f);
	ov_report__puts(&w, "# ");
	md(&w, g->title != NULL ? g->title : "Governance report");
	ov_report__printf(&w, ": %s\n\nTenant `", period);
	md(&w, g->tenant);
	ov_report__printf(&w, "`, %zu scan%s (%zu fully collected) from %s to "
	    "%s, figures as of %s.\n\n## Executive summary\n\n",
	    g->n_scans, g->n_scans == 1 ? "" : "s", g->n_complete,
	    day(g->first_scan, a, sizeof(a)), day(g->last_scan, b, sizeof(b)),
	    day(g->as_of == g->to ? g->to - 1 : g->as_of, c, sizeof(c)));
	ov_report__printf(&w, "| SLA adherence | SLAs breached | Overdue | "
	    "Opened / resolved | Mean time to remediate | P90 |\n"
	    "|---:|---:|---:|---:|---:|---:|\n| %s | %zu | %zu | %zu / %zu | ",
	    pct(g->met, g->breached, a, sizeof(a)), g->breached, g->n_overdue,
	    g->opened + g->reopened, g->resolved);
	ov_report__printf(&w, "%s | %s |\n\n", dur(g->mttr, a, sizeof(a)),
	    dur(g->p90, b, sizeof(b)));
	for (i = 0; i < s.n_msg; i++) {
		ov_report__printf(&w, "%zu. ", i + 1);
		md(&w, s.msg[i]);
		ov_report__putc(&w, '\n');
	}
	ov_report__puts(&w, "\n| Responsible party | Due | Met | Breached | "
	    "Adherence | Open | Overdue |\n|---|---:|---:|---:|---:|---:|---:|"
	    "\n");
	for (i = 0; i < np; i++) {
		ov_report__puts(&w, "| ");
		md(&w, ps[i].name);
		ov_report__printf(&w, " | %zu | %zu | %zu | %s | %zu | %zu |\n",
		    ps[i].due, ps[i].met, ps[i].breached, pct(ps[i].met,
		    ps[i].breached, a, sizeof(a)), ps[i].open, ps[i].overdue);
	}
	ov_report__puts(&w, "\n## SLA adherence by duty and responsible party"
	    "\n\n| Responsible | Duty | Accountable | SLA crit/high | Due | "
	    "Met | Breached | Pending | Adherence |\n"
	    "|---|---|---|---|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < g->n_duties; i++) {
		const ov_governance_duty *d = &g->duties[i];

		ov_report__puts(&w, "| ");
		md(&w, party != NULL && strcmp(party, d->responsible) == 0 ?
		    "" : d->responsible);
		party = d->responsible;
		ov_report__puts(&w, " | ");
		md(&w, d->duty);
		ov_report__puts(&w, " | ");
		md(&w, d->accountable);
		ov_report__printf(&w, " | %s / %s | %zu | %zu | %zu | %zu | "
		    "%s |\n", dur(d->sla_critical, a, sizeof(a)),
		    dur(d->sla_high, b, sizeof(b)), d->due, d->met, d->breached,
		    d->pending, pct(d->met, d->breached, c, sizeof(c)));
	}
	ov_report__puts(&w, "\n### Remediation\n\n| Responsible | Duty | "
	    "Opened | Resolved | Mean | P90 | Open | Overdue |\n"
	    "|---|---|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < g->n_duties; i++) {
		const ov_governance_duty *d = &g->duties[i];

		ov_report__puts(&w, "| ");
		md(&w, d->responsible);
		ov_report__puts(&w, " | ");
		md(&w, d->duty);
		ov_report__printf(&w, " | %zu | %zu | %s | %s | %zu | %zu |\n",
		    d->opened, d->resolved, dur(d->mttr, a, sizeof(a)),
		    dur(d->p90, b, sizeof(b)), d->open_end, d->overdue_end);
	}
	ov_report__puts(&w, "\n## Trend\n\n| Day | New | Resolved | Reopened |"
	    " Open at day end |\n|---|---:|---:|---:|---:|\n");
	for (i = 0; i < g->n_days; i++) {
		const ov_governance_day *d = &g->days[i];

		if (!d->scanned && d->opened + d->resolved + d->reopened == 0)
			continue;
		ov_report__printf(&w, "| %s | %zu | %zu | %zu | %zu |\n",
		    day(d->day, a, sizeof(a)), d->opened, d->resolved,
		    d->reopened, d->open);
	}
	ov_report__printf(&w, "\n## Overdue at the end of the period (%zu)\n\n",
	    g->n_overdue);
	if (g->n_overdue > 0)
		ov_report__puts(&w, "| Late | Severity | Rule | Finding | "
		    "Responsible | Accountable | Due |\n"
		    "|---:|---|---|---|---|---|---|\n");
	for (i = 0; i < g->n_overdue; i++) {
		const ov_governance_overdue *o = &g->overdue[i];

		ov_report__printf(&w, "| %lldd | %s | ",
		    (long long)o->days_late, ov_severity_name(o->severity));
		md(&w, o->rule);
		ov_report__puts(&w, " | ");
		md(&w, o->title);
		ov_report__puts(&w, " | ");
		md(&w, o->responsible);
		ov_report__puts(&w, " | ");
		md(&w, o->accountable);
		ov_report__printf(&w, " | %s |\n", day(o->due, a, sizeof(a)));
	}
	ov_report__printf(&w, "\n## Exceptions\n\n%zu expiring in the next 30 "
	    "days, %zu expired, of %zu recorded with the last scan.\n\n",
	    s.expiring, s.expired, g->n_exceptions);
	if (s.expiring + s.expired > 0)
		ov_report__puts(&w, "| Status | Valid through | Rule or assignment | "
		    "Resource | Approver | Ticket |\n|---|---|---|---|---|---|"
		    "\n");
	for (i = 0; i < g->n_exceptions; i++) {
		const ov_governance_exception *e = &g->exceptions[i];

		if (!e->expired && !e->expiring)
			continue;
		ov_report__printf(&w, "| %s | %s | ", e->expired ? "expired" :
		    "expiring", day(e->expires - 1, a, sizeof(a)));
		md(&w, e->rule);
		ov_report__puts(&w, " | ");
		md(&w, e->resource);
		ov_report__puts(&w, " | ");
		md(&w, e->approver);
		ov_report__puts(&w, " | ");
		md(&w, e->ticket);
		ov_report__puts(&w, " |\n");
	}
	ov_report__printf(&w, "\n## Backup and restore evidence\n\nRPO %s, "
	    "RTO %s, test restore every %s.\n\n", dur(g->rpo, a, sizeof(a)),
	    dur(g->rto, b, sizeof(b)), dur(g->restore_window, c, sizeof(c)));
	if (g->n_vaults > 0)
		ov_report__puts(&w, "| Vault | Items | Within RPO | Last good "
		    "restore | Duration | Within RTO |\n"
		    "|---|---:|---:|---|---:|---|\n");
	for (i = 0; i < g->n_vaults; i++) {
		const ov_governance_vault *v = &g->vaults[i];

		ov_report__puts(&w, "| ");
		md(&w, v->vault);
		ov_report__printf(&w, " | %zu | %zu | %s | %s | %s |\n",
		    v->items, v->within_rpo, v->tested ? day(v->last_ok, a,
		    sizeof(a)) : "none in the window", v->tested ?
		    dur(v->last_duration, b, sizeof(b)) : "-", !v->tested ?
		    "-" : v->within_rto ? "yes" : "no");
	}
	if (g->n_restores > 0)
		ov_report__puts(&w, "\n| Started | Vault | Item | Status | "
		    "Duration |\n|---|---|---|---|---:|\n");
	for (i = 0; i < g->n_restores; i++) {
		const ov_governance_restore *x = &g->restores[i];

		ov_report__printf(&w, "| %s | ", day(x->started, a,
		    sizeof(a)));
		md(&w, x->vault);
		ov_report__puts(&w, " | ");
		md(&w, x->item);
		ov_report__puts(&w, " | ");
		md(&w, x->status);
		ov_report__printf(&w, " | %s |\n", dur(x->duration, a,
		    sizeof(a)));
	}
	ov_report__printf(&w, "\n## Policy enforcement\n\n%zu controls:",
	    g->n_policies);
	for (i = 0; i < EFF__COUNT; i++)
		if (s.effects[i] > 0)
			ov_report__printf(&w, " %s %zu;", effect_names[i],
			    s.effects[i]);
	ov_report__printf(&w, " %zu of %zu must-deny controls deny.\n\n",
	    s.must_deny_ok, s.must_deny);
	if (s.must_deny > 0)
		ov_report__puts(&w, "| Control | Assignment | Effect | "
		    "Enforced | Denies |\n|---|---|---|---|---|\n");
	for (i = 0; i < g->n_policies; i++) {
		const ov_governance_policy *p = &g->policies[i];

		if (!p->must_deny)
			continue;
		ov_report__puts(&w, "| ");
		md(&w, p->control);
		ov_report__puts(&w, " | ");
		md(&w, p->assignment);
		ov_report__puts(&w, " | ");
		md(&w, p->effect != NULL ? p->effect : "unknown");
		ov_report__printf(&w, " | %s | %s |\n", p->enforced ? "yes" :
		    "no", effect_class(p) == EFF_DENY ? "yes" : "no");
	}
	ov_report__puts(&w, "\n## Contract questions\n");
	for (i = 0; i < g->n_answers; i++) {
		const ov_governance_answer *q = &g->answers[i];

		ov_report__puts(&w, "\n### ");
		md(&w, q->id);
		ov_report__puts(&w, ". ");
		md(&w, q->question);
		ov_report__puts(&w, " (");
		md(&w, q->status);
		ov_report__puts(&w, ")\n\n");
		md(&w, q->answer);
		ov_report__putc(&w, '\n');
		md_lines(&w, "Evidence", q->evidence);
		md_lines(&w, "Gaps", q->gaps);
	}
	if (g->compliance != NULL) {
		const ov_compliance *cp = g->compliance;

		ov_report__puts(&w, "\n## Compliance: ");
		md(&w, cp->title);
		ov_report__puts(&w, "\n\n| Control | Status | Open findings | "
		    "Title |\n|---|---|---:|---|\n");
		for (i = 0; i < cp->n_controls; i++) {
			ov_report__puts(&w, "| ");
			md(&w, cp->controls[i].id);
			ov_report__puts(&w, " | ");
			md(&w, cp->controls[i].status);
			ov_report__printf(&w, " | %zu | ",
			    cp->controls[i].failed);
			md(&w, cp->controls[i].title);
			ov_report__puts(&w, " |\n");
		}
	}
	ov_report__puts(&w, "\n---\nGenerated by overvisor ");
	md(&w, g->tool_version != NULL ? g->tool_version : OV_VERSION);
	ov_report__puts(&w, " from the findings store; docs/reports.md "
	    "defines every figure.\n");
	return ov_report__rw_finish(&w);
}

/* Write the governance report. */
int
ov_governance_write(FILE *f, ov_governance_format fmt,
    const ov_governance *g, unsigned flags)
{
	OV_ASSERT_ARG(f != NULL && g != NULL);
	(void)flags;
	switch (fmt) {
	case OV_GOVERNANCE_HTML:
		return write_html(f, g);
	case OV_GOVERNANCE_MARKDOWN:
		return write_md(f, g);
	}
	return OV_EUNSUPPORTED;
}
