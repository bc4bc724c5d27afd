/* SPDX-License-Identifier: MIT */
/*
 * overvisor report --fleet: the operator's roll-up over every tenant of a
 * store for one month.  Per tenant: its status, SLA adherence (overall and
 * per duty), what is open and overdue, its last collection and last
 * complete collection, and (with operator mode's queue, PostgreSQL) its
 * failing collections: failed jobs and jobs waiting to retry, with the
 * newest reason.  A tenant without data is never shown as compliant: one
 * that was never collected, one whose collections fail, one with no scan
 * in the month or whose last scan was partial each has a status saying
 * so, and its adherence is "-" when nothing was decided.  Output is
 * sorted by tenant id and depends only on the store and the clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/governance.h"
#include "overvisor/json.h"
#include "overvisor/queue.h"
#include "overvisor/report.h"
#include "overvisor/store.h"
#include "cli.h"
#include "report_fleet.h"

struct ftenant {
	char		*id;
	char		*name;		/* registered display name, or NULL */
	bool		 registered;
	size_t		 n_scans;	/* ever recorded */
	int64_t		 last_scan;	/* newest collection, or 0 */
	bool		 last_complete;	/* that one fully collected */
	int64_t		 last_complete_at; /* newest complete one, or 0 */
	size_t		 jobs_failed;	/* jobs failed, over the queue */
	size_t		 jobs_retrying;	/* queued or running again */
	bool		 failing;	/* its newest tried job did not end
					   done */
	bool		 newest_seen;	/* newest tried job looked at */
	char		*reason;	/* newest failure's reason, or NULL */
	int64_t		 reason_at;	/* when that job finished or is due */
	ov_governance	*g;		/* the month's figures, or NULL */
	char		*g_error;	/* why there are none (no scan...) */
};

struct fleet {
	struct ftenant	*t;
	size_t		 n;
	size_t		 cap;
	bool		 queue;		/* operator mode's tables read */
	int		 oom;
};

static char *
dup_str(const char *s)
{
	size_t n;
	char *r;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((r = malloc(n)) != NULL)	/* checksrc: allow */
		memcpy(r, s, n);
	return r;
}

/* The tenant with this id, added in order when absent; NULL on OOM. */
static struct ftenant *
tenant_at(struct fleet *f, const char *id)
{
	size_t lo = 0, hi = f->n, mid;
	struct ftenant *p;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(f->t[mid].id, id)) == 0)
			return &f->t[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap != 0 ? f->cap * 2 : 64;

		p = realloc(f->t, cap * sizeof(*p));	/* checksrc: allow */
		if (p == NULL)
			return NULL;
		f->t = p;
		f->cap = cap;
	}
	memmove(&f->t[lo + 1], &f->t[lo], (f->n - lo) * sizeof(*f->t));
	memset(&f->t[lo], 0, sizeof(*f->t));
	f->n++;
	if ((f->t[lo].id = dup_str(id)) == NULL) {
		memmove(&f->t[lo], &f->t[lo + 1], (f->n - lo - 1) *
		    sizeof(*f->t));
		f->n--;
		return NULL;
	}
	return &f->t[lo];
}

static int
on_tenant(const ov_queue_tenant *qt, void *payload)
{
	struct fleet *f = payload;
	struct ftenant *t;

	if ((t = tenant_at(f, qt->tenant)) == NULL)
		return OV_ENOMEM;
	t->registered = true;
	if (qt->name != NULL && strcmp(qt->name, qt->tenant) != 0 &&
	    (t->name = dup_str(qt->name)) == NULL)
		return OV_ENOMEM;
	return 0;
}

static int
on_scan(const ov_store_scan *sc, void *payload)
{
	struct fleet *f = payload;
	struct ftenant *t;

	if ((t = tenant_at(f, sc->tenant != NULL ? sc->tenant : "")) == NULL)
		return OV_ENOMEM;
	t->n_scans++;
	/* oldest first: the last one seen is the newest */
	if (sc->collected_at >= t->last_scan) {
		t->last_scan = sc->collected_at;
		t->last_complete = sc->complete;
	}
	if (sc->complete && sc->collected_at >= t->last_complete_at)
		t->last_complete_at = sc->collected_at;
	return 0;
}

static int
on_job(const ov_queue_job *j, void *payload)
{
	struct fleet *f = payload;
	struct ftenant *t;
	bool failed = strcmp(j->state, "failed") == 0;
	bool retrying = (strcmp(j->state, "queued") == 0 ||
	    strcmp(j->state, "running") == 0) && j->attempts > 0 &&
	    j->last_error != NULL;

	if ((t = tenant_at(f, j->tenant)) == NULL)
		return OV_ENOMEM;
	t->jobs_failed += failed;
	t->jobs_retrying += retrying;
	/* newest first: the first job tried decides whether it fails */
	if (!t->newest_seen && (j->attempts > 0 || failed ||
	    strcmp(j->state, "done") == 0)) {
		t->newest_seen = true;
		t->failing = failed || retrying;
	}
	if ((failed || retrying) && t->reason == NULL) {
		t->reason_at = failed ? j->finished_at : j->not_before;
		if ((t->reason = dup_str(j->last_error != NULL ?
		    j->last_error : "(no reason recorded)")) == NULL)
			return OV_ENOMEM;
	}
	return 0;
}

/* Worst first: what a row's status says. */
static const char *
status_of(const struct ftenant *t)
{
	if (t->n_scans == 0)
		return "never-collected";
	if (t->failing)
		return "failing";
	if (t->g == NULL)
		return "no-scan-in-month";
	if (!t->last_complete)
		return "partial";
	if (t->g->breached != 0 || t->g->overdue_end != 0)
		return "breached";
	return "ok";
}

/* met / (met + breached) in whole percent, or -1 when nothing decided. */
static int
adherence(size_t met, size_t breached)
{
	if (met + breached == 0)
		return -1;
	return (int)((met * 100 + (met + breached) / 2) / (met + breached));
}

static void
fmt_time(int64_t t, char *buf, size_t size)
{
	if (t == 0)
		snprintf(buf, size, "%s", "");
	else
		ov_format_time(t, buf, size);
}

/* ---- JSON -------------------------------------------------------- */

static void
json_pct(FILE *out, int pct)
{
	if (pct < 0)
		fputs("null", out);
	else
		fprintf(out, "%d", pct);
}

static void
write_json(FILE *out, const struct fleet *f, const char *month)
{
	size_t i, k;

	fputs("{\"month\": ", out);
	ov_json_fput_string(month, out);
	fprintf(out, ", \"queue\": %s, \"tenants\": [", f->queue ? "true" :
	    "false");
	for (i = 0; i < f->n; i++) {
		const struct ftenant *t = &f->t[i];
		const ov_governance *g = t->g;

		fputs(i == 0 ? "\n  {" : ",\n  {", out);
		fputs("\"tenant\": ", out);
		ov_json_fput_string(t->id, out);
		fputs(", \"name\": ", out);
		ov_json_fput_string(t->name, out);
		fputs(", \"status\": ", out);
		ov_json_fput_string(status_of(t), out);
		fprintf(out, ", \"registered\": %s, \"scans\": %zu, "
		    "\"lastCollection\": ", t->registered ? "true" : "false",
		    t->n_scans);
		cli_json_time(out, t->last_scan);
		fprintf(out, ", \"lastComplete\": %s, \"lastCompleteCollection"
		    "\": ", t->n_scans != 0 && t->last_complete ? "true" :
		    "false");
		cli_json_time(out, t->last_complete_at);
		fprintf(out, ", \"failedJobs\": %zu, \"retryingJobs\": %zu, "
		    "\"failing\": %s, \"failure\": ", t->jobs_failed,
		    t->jobs_retrying, t->failing ? "true" : "false");
		if (t->reason == NULL) {
			fputs("null", out);
		} else {
			fputs("{\"reason\": ", out);
			ov_json_fput_string(t->reason, out);
			fputs(", \"at\": ", out);
			cli_json_time(out, t->reason_at);
			fputs("}", out);
		}
		fputs(", \"month\": ", out);
		if (g == NULL) {
			fputs("{\"scans\": 0, \"note\": ", out);
			ov_json_fput_string(t->g_error, out);
			fputs("}}", out);
			continue;
		}
		fprintf(out, "{\"scans\": %zu, \"completeScans\": %zu, "
		    "\"due\": %zu, \"met\": %zu, \"breached\": %zu, "
		    "\"pending\": %zu, \"adherence\": ", g->n_scans,
		    g->n_complete, g->due, g->met, g->breached, g->pending);
		json_pct(out, adherence(g->met, g->breached));
		fprintf(out, ", \"open\": %zu, \"overdue\": %zu, \"duties\": [",
		    g->open_end, g->overdue_end);
		for (k = 0; k < g->n_duties; k++) {
			const ov_governance_duty *d = &g->duties[k];

			fputs(k == 0 ? "{\"duty\": " : ", {\"duty\": ", out);
			ov_json_fput_string(d->duty, out);
			fputs(", \"responsible\": ", out);
			ov_json_fput_string(d->responsible, out);
			fprintf(out, ", \"due\": %zu, \"met\": %zu, "
			    "\"breached\": %zu, \"pending\": %zu, "
			    "\"adherence\": ", d->due, d->met, d->breached,
			    d->pending);
			json_pct(out, adherence(d->met, d->breached));
			fprintf(out, ", \"open\": %zu, \"overdue\": %zu}",
			    d->open_end, d->overdue_end);
		}
		fputs("]}}", out);
	}
	fputs(f->n == 0 ? "]}\n" : "\n]}\n", out);
}

/* ---- CSV: one row per tenant and duty ------------------------------ */

static void
csv_field(FILE *out, const char *s, bool last)
{
	const char *p;

	if (s != NULL && strpbrk(s, ",\"\r\n") != NULL) {
		putc('"', out);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putc('"', out);
			putc(*p, out);
		}
		putc('"', out);
	} else if (s != NULL) {
		/* a leading = + - @ would be a formula in a spreadsheet */
		if (strchr("=+-@", s[0]) != NULL && s[0] != '\0')
			putc('\'', out);
		fputs(s, out);
	}
	putc(last ? '\n' : ',', out);
}

static void
csv_num(FILE *out, long long v, bool blank)
{
	if (!blank)
		fprintf(out, "%lld", v);
	putc(',', out);
}

static void
csv_row(FILE *out, const struct ftenant *t, const ov_governance_duty *d)
{
	const ov_governance *g = t->g;
	char last[40], comp[40];
	size_t met = d != NULL ? d->met : g != NULL ? g->met : 0;
	size_t br = d != NULL ? d->breached : g != NULL ? g->breached : 0;

	fmt_time(t->last_scan, last, sizeof(last));
	fmt_time(t->last_complete_at, comp, sizeof(comp));
	csv_field(out, t->id, false);
	csv_field(out, t->name, false);
	csv_field(out, status_of(t), false);
	csv_field(out, d != NULL ? d->duty : "(all)", false);
	csv_field(out, d != NULL ? d->responsible : "", false);
	csv_num(out, d != NULL ? (long long)d->due : g != NULL ?
	    (long long)g->due : 0, g == NULL);
	csv_num(out, (long long)met, g == NULL);
	csv_num(out, (long long)br, g == NULL);
	csv_num(out, adherence(met, br), g == NULL || met + br == 0);
	csv_num(out, d != NULL ? (long long)d->open_end : g != NULL ?
	    (long long)g->open_end : 0, g == NULL);
	csv_num(out, d != NULL ? (long long)d->overdue_end : g != NULL ?
	    (long long)g->overdue_end : 0, g == NULL);
	csv_num(out, g != NULL ? (long long)g->n_scans : 0, false);
	csv_field(out, last, false);
	csv_field(out, comp, false);
	csv_num(out, (long long)t->jobs_failed, false);
	csv_num(out, (long long)t->jobs_retrying, false);
	csv_field(out, t->reason, true);
}

static void
write_csv(FILE *out, const struct fleet *f)
{
	size_t i, k;

	fputs("tenant,name,status,duty,responsible,due,met,breached,"
	    "adherence_pct,open,overdue,scans_in_month,last_collection,"
	    "last_complete_collection,failed_jobs,retrying_jobs,"
	    "failure_reason\n", out);
	for (i = 0; i < f->n; i++) {
		const struct ftenant *t = &f->t[i];

		csv_row(out, t, NULL);
		for (k = 0; t->g != NULL && k < t->g->n_duties; k++)
			csv_row(out, t, &t->g->duties[k]);
	}
}

/* ---- HTML ------------------------------------------------------- */

static void
html_pct(FILE *out, int pct)
{
	if (pct < 0)
		fputs("-", out);
	else
		fprintf(out, "%d%%", pct);
}

static void
html_time(FILE *out, int64_t t, const char *none)
{
	char buf[40];

	if (t == 0) {
		(void)ov_report_html_text(out, none);
		return;
	}
	fmt_time(t, buf, sizeof(buf));
	(void)ov_report_html_text(out, buf);
}

static void
write_html(FILE *out, const struct fleet *f, const char *month,
    const char *title)
{
	size_t i, k, n_bad = 0;

	for (i = 0; i < f->n; i++)
		n_bad += strcmp(status_of(&f->t[i]), "ok") != 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	    "\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width"
	    "\">\n<title>", out);
	(void)ov_report_html_text(out, title);
	fputs("</title>\n<style>\nbody{font:14px/1.4 system-ui,sans-serif;"
	    "margin:2em;color:#222}\ntable{border-collapse:collapse;margin:"
	    "1em 0;width:100%}\nth,td{border:1px solid #ccc;padding:.3em .5em;"
	    "text-align:left;vertical-align:top}\nth{background:#f3f3f3}\n"
	    "td.n{text-align:right}\n.bad{color:#a00;font-weight:bold}\n"
	    ".ok{color:#070}\n.wrap{overflow-x:auto}\n@media print{.wrap{"
	    "overflow:visible}}\n</style>\n</head>\n<body>\n<h1>", out);
	(void)ov_report_html_text(out, title);
	fputs("</h1>\n<p>Month ", out);
	(void)ov_report_html_text(out, month);
	fprintf(out, ": %zu tenant%s, %zu needing attention. A tenant "
	    "without data (never collected, failing, no scan in the month, "
	    "partial) is never counted as compliant; adherence is met / (met "
	    "+ breached), <code>-</code> when nothing was decided.</p>\n",
	    f->n, f->n == 1 ? "" : "s", n_bad);
	fputs("<div class=\"wrap\"><table>\n<thead><tr><th>Tenant</th>"
	    "<th>Status</th><th>SLA adherence</th><th>Breached</th>"
	    "<th>Open</th><th>Overdue</th><th>Scans in month</th>"
	    "<th>Last collection</th><th>Last complete collection</th>"
	    "<th>Failed jobs</th><th>Retrying</th><th>Failure reason</th>"
	    "</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < f->n; i++) {
		const struct ftenant *t = &f->t[i];
		const ov_governance *g = t->g;
		const char *st = status_of(t);

		fputs("<tr><td>", out);
		(void)ov_report_html_text(out, t->id);
		if (t->name != NULL) {
			fputs("<br>", out);
			(void)ov_report_html_text(out, t->name);
		}
		fprintf(out, "</td><td class=\"%s\">", strcmp(st, "ok") == 0 ?
		    "ok" : "bad");
		(void)ov_report_html_text(out, st);
		fputs("</td><td class=\"n\">", out);
		if (g != NULL) {
			html_pct(out, adherence(g->met, g->breached));
			fprintf(out, "</td><td class=\"n\">%zu</td><td class="
			    "\"n\">%zu</td><td class=\"n\">%zu</td><td class="
			    "\"n\">%zu", g->breached, g->open_end,
			    g->overdue_end, g->n_scans);
		} else {
			fputs("-</td><td class=\"n\">-</td><td class=\"n\">"
			    "-</td><td class=\"n\">-</td><td class=\"n\">0",
			    out);
		}
		fputs("</td><td>", out);
		html_time(out, t->last_scan, "never");
		fputs("</td><td>", out);
		html_time(out, t->last_complete_at, "never");
		fprintf(out, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
		    "</td><td>", t->jobs_failed, t->jobs_retrying);
		(void)ov_report_html_text(out, t->reason);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table></div>\n<h2>SLA adherence per duty</h2>\n"
	    "<div class=\"wrap\"><table>\n<thead><tr><th>Tenant</th>"
	    "<th>Duty</th><th>Responsible</th><th>Due</th><th>Met</th>"
	    "<th>Breached</th><th>Pending</th><th>Adherence</th><th>Open</th>"
	    "<th>Overdue</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < f->n; i++) {
		const struct ftenant *t = &f->t[i];

		if (t->g == NULL) {
			fputs("<tr><td>", out);
			(void)ov_report_html_text(out, t->id);
			fputs("</td><td colspan=\"9\" class=\"bad\">no "
			    "figures: ", out);
			(void)ov_report_html_text(out, t->g_error);
			fputs("</td></tr>\n", out);
			continue;
		}
		for (k = 0; k < t->g->n_duties; k++) {
			const ov_governance_duty *d = &t->g->duties[k];

			fputs("<tr><td>", out);
			(void)ov_report_html_text(out, t->id);
			fputs("</td><td>", out);
			(void)ov_report_html_text(out, d->duty);
			fputs("</td><td>", out);
			(void)ov_report_html_text(out, d->responsible);
			fprintf(out, "</td><td class=\"n\">%zu</td><td class="
			    "\"n\">%zu</td><td class=\"n\">%zu</td><td class="
			    "\"n\">%zu</td><td class=\"n\">", d->due, d->met,
			    d->breached, d->pending);
			html_pct(out, adherence(d->met, d->breached));
			fprintf(out, "</td><td class=\"n\">%zu</td><td class="
			    "\"n\">%zu</td></tr>\n", d->open_end,
			    d->overdue_end);
		}
	}
	fputs("</tbody>\n</table></div>\n</body>\n</html>\n", out);
}

static void
fleet_free(struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->t[i].id);	/* checksrc: allow */
		free(f->t[i].name);	/* checksrc: allow */
		free(f->t[i].reason);	/* checksrc: allow */
		free(f->t[i].g_error);	/* checksrc: allow */
		ov_governance_free(f->t[i].g);
	}
	free(f->t);	/* checksrc: allow */
}

/* The roll-up; 0 or an exit status. */
int
cli_report_fleet(ov_ctx *ctx, const char *db, const struct fleet_opts *o)
{
	struct fleet f;
	ov_store *s = NULL;
	FILE *out = NULL;
	bool pg;
	size_t i;
	int rc = 0, error;

	memset(&f, 0, sizeof(f));
	if (ov_store_open(&s, ctx, db, OV_STORE_READONLY) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	pg = strcmp(ov_store_backend(s), "postgresql") == 0;
	/* the registered tenants and the queue: operator mode's tables */
	if (pg) {
		if (ov_queue_tenants_list(s, NULL, on_tenant, &f) < 0 ||
		    ov_queue_jobs_list(s, NULL, NULL, on_job, &f) < 0) {
			rc = cli_error_ctx(ctx);
			goto done;
		}
		f.queue = true;
	}
	if (ov_store_scans_list(s, on_scan, &f) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	for (i = 0; i < f.n; i++) {
		ov_governance_options go = OV_GOVERNANCE_OPTIONS_INIT;
		struct ftenant *t = &f.t[i];

		if (t->n_scans == 0) {
			t->g_error = dup_str("no scan of this tenant was ever "
			    "recorded");
			continue;
		}
		go.tenant = t->id;
		go.from = o->from;
		go.to = o->to;
		go.label = o->month;
		error = ov_store_governance(s, &go, &t->g);
		if (error == OV_ENOTFOUND) {
			t->g_error = dup_str("no scan in the month");
			continue;
		}
		if (error < 0) {
			rc = cli_error_ctx(ctx);
			goto done;
		}
	}
	if ((out = cli_open_output(o->output)) == NULL) {
		rc = CLI_EXIT_USAGE;
		goto done;
	}
	if (strcmp(o->format, "json") == 0)
		write_json(out, &f, o->month);
	else if (strcmp(o->format, "csv") == 0)
		write_csv(out, &f);
	else
		write_html(out, &f, o->month, o->title != NULL ? o->title :
		    "Fleet governance roll-up");
	if (cli_close_output(out) != 0) {
		cli_error("cannot write the roll-up%s%s", o->output != NULL ?
		    " to " : "", o->output != NULL ? o->output : "");
		rc = CLI_EXIT_INPUT;
	}
done:
	fleet_free(&f);
	ov_store_close(s);
	return rc;
}
