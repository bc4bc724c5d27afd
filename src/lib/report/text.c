/* SPDX-License-Identifier: MIT */
/*
 * Text report for a terminal: a header naming the snapshot, findings grouped
 * by severity (highest first) as an aligned table with the resource id and
 * accountability on the lines below each row, the framework view when one
 * was asked for, and a summary footer with counts by severity, layer, owner
 * and state.
 *
 * ANSI colours only with OV_REPORT_COLOR.  Every string from the input is
 * sanitised: control characters (C0, DEL, C1) and invalid UTF-8 print as
 * '?', so hostile resource names cannot drive the terminal.
 */
#include <string.h>

#include "lib/report/report_int.h"

#define NAME_WIDTH_MAX	40	/* widest resource-name column */
#define VALUE_WIDTH_MAX	120	/* evidence values longer than this are cut */

static const char *const sev_colour[] = {
	"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m"
};
#define RESET "\033[0m"

/* Terminal columns of a code point: 2 for East Asian wide and emoji. */
static size_t
cp_width(unsigned cp)
{
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/*
 * Write s sanitised, at most max columns (0 for no limit; a cut string
 * ends in "~"); returns the columns written.
 */
static size_t
tput_max(struct ov_rw *w, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "-");
	size_t i, n = strlen((const char *)p), len, cols = 0, cw;
	unsigned cp;

	for (i = 0; i < n; i += len) {
		len = ov_report__utf8(p + i, n - i, &cp);
		cw = len == 0 ? 1 : cp_width(cp);
		if (max > 0 && cols + cw > max - 1 && i + len < n) {
			ov_report__putc(w, '~');
			return cols + 1;
		}
		if (len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			ov_report__putc(w, '?');
			len = len == 0 ? 1 : len;
		} else
			ov_report__write(w, (const char *)p + i, len);
		cols += cw;
	}
	return cols;
}

static size_t
tput(struct ov_rw *w, const char *s)
{
	return tput_max(w, s, 0);
}

/* Columns s takes once sanitised. */
static size_t
twidth(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "-");
	size_t i, n = strlen((const char *)p), len, cols = 0;
	unsigned cp;

	for (i = 0; i < n; i += len) {
		if ((len = ov_report__utf8(p + i, n - i, &cp)) == 0) {
			len = 1;
			cols++;
		} else
			cols += cp_width(cp);
	}
	return cols;
}

static void
pad(struct ov_rw *w, size_t used, size_t width)
{
	for (; used < width; used++)
		ov_report__putc(w, ' ');
}

/* The resource name, or the last segment of its id. */
static const char *
short_name(const ov_finding *f)
{
	const char *slash;

	if (f->resource_name != NULL && *f->resource_name != '\0')
		return f->resource_name;
	slash = strrchr(f->resource_id, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : f->resource_id;
}

static void
write_finding(struct ov_rw *w, const ov_finding *f, size_t wr, size_t ws,
    size_t wn)
{
	char due[16];
	size_t i;

	ov_report__puts(w, "  ");
	pad(w, tput(w, f->rule), wr);
	ov_report__puts(w, "  ");
	pad(w, tput(w, ov_state_name(f->state)), ws);
	ov_report__puts(w, "  ");
	pad(w, tput_max(w, short_name(f), NAME_WIDTH_MAX), wn);
	ov_report__puts(w, "  ");
	tput(w, f->title);
	ov_report__puts(w, "\n      ");
	tput(w, f->resource_id);
	ov_report__puts(w, "\n      layer ");
	tput(w, ov_layer_name(f->layer));
	ov_report__puts(w, ", owner ");
	tput(w, ov_owner_name(f->owner));
	ov_report__puts(w, ", duty ");
	tput(w, f->duty);
	ov_report__puts(w, ", accountable ");
	tput(w, f->accountable);
	ov_report__puts(w, ", due ");
	tput(w, ov_report__due(f->due, due, sizeof(due)));
	ov_report__putc(w, '\n');
	if (f->n_controls > 0) {
		ov_report__puts(w, "      controls ");
		for (i = 0; i < f->n_controls; i++) {
			if (i > 0)
				ov_report__puts(w, ", ");
			tput(w, f->controls[i]);
		}
		ov_report__putc(w, '\n');
	}
	for (i = 0; i < f->n_evidence; i++) {
		const ov_evidence *ev = &f->evidence[i];

		ov_report__puts(w, "      evidence ");
		tput(w, ev->path);
		ov_report__puts(w, " = ");
		tput_max(w, ev->value != NULL ? ev->value : "(absent)",
		    VALUE_WIDTH_MAX);
		if (ev->message != NULL) {
			ov_report__puts(w, " (");
			tput(w, ev->message);
			ov_report__putc(w, ')');
		}
		ov_report__putc(w, '\n');
	}
	if (f->remediation != NULL) {
		ov_report__puts(w, "      fix ");
		tput(w, f->remediation);
		ov_report__putc(w, '\n');
	}
	if (f->file != NULL) {
		ov_report__puts(w, "      at ");
		tput(w, f->file);
		ov_report__printf(w, ":%u:%u\n", f->line, f->column);
	}
}

/* One severity group: a heading, then aligned rows. */
static void
write_group(struct ov_rw *w, const ov_report_input *in, ov_severity sev,
    size_t count, bool colour)
{
	size_t i, n = ov_report__count(in), wr = 4, ws = 5, wn = 8, x;
	char upper[16];

	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);

		if (f->severity != sev)
			continue;
		if ((x = twidth(f->rule)) > wr)
			wr = x;
		if ((x = twidth(ov_state_name(f->state))) > ws)
			ws = x;
		if ((x = twidth(short_name(f))) > wn)
			wn = x < NAME_WIDTH_MAX ? x : NAME_WIDTH_MAX;
	}
	for (i = 0; ov_severity_name(sev)[i] != '\0' && i + 1 < sizeof(upper);
	    i++)
		upper[i] = (char)(ov_severity_name(sev)[i] - 'a' + 'A');
	upper[i] = '\0';
	ov_report__putc(w, '\n');
	if (colour)
		ov_report__puts(w, sev_colour[sev]);
	ov_report__printf(w, "%s (%zu)", upper, count);
	if (colour)
		ov_report__puts(w, RESET);
	ov_report__puts(w, "\n  ");
	pad(w, tput(w, "RULE"), wr);
	ov_report__puts(w, "  ");
	pad(w, tput(w, "STATE"), ws);
	ov_report__puts(w, "  ");
	pad(w, tput(w, "RESOURCE"), wn);
	ov_report__puts(w, "  TITLE\n");
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);

		if (f->severity == sev)
			write_finding(w, f, wr, ws, wn);
	}
}

static void
write_compliance(struct ov_rw *w, const ov_compliance *c)
{
	size_t i, wi = 7, ws = 6, x;

	for (i = 0; i < c->n_controls; i++) {
		if ((x = twidth(c->controls[i].id)) > wi)
			wi = x;
		if ((x = twidth(c->controls[i].status)) > ws)
			ws = x;
	}
	ov_report__puts(w, "\nCompliance: ");
	tput(w, c->title);
	ov_report__puts(w, " (");
	tput(w, c->id);
	ov_report__puts(w, ")\n  ");
	pad(w, tput(w, "CONTROL"), wi);
	ov_report__puts(w, "  ");
	pad(w, tput(w, "STATUS"), ws);
	ov_report__puts(w, "  PASSED  FAILED  INDET.  TITLE\n");
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];

		ov_report__puts(w, "  ");
		pad(w, tput(w, r->id), wi);
		ov_report__puts(w, "  ");
		pad(w, tput(w, r->status), ws);
		ov_report__printf(w, "  %6zu  %6zu  %6zu  ", r->passed,
		    r->failed, r->indeterminate);
		tput(w, r->title);
		ov_report__putc(w, '\n');
	}
}

static void
write_footer(struct ov_rw *w, const struct ov_report_summary *s)
{
	size_t i;
	int sev;
	bool any;

	ov_report__printf(w, "\nSummary: %zu finding%s\n", s->total,
	    s->total == 1 ? "" : "s");
	ov_report__puts(w, "  severity ");
	for (sev = OV_SEV_CRITICAL; sev >= OV_SEV_INFO; sev--)
		ov_report__printf(w, "%s%s %zu", sev == OV_SEV_CRITICAL ?
		    "" : ", ", ov_severity_name((ov_severity)sev),
		    s->by_severity[sev]);
	ov_report__puts(w, "\n  layer    ");
	for (i = 1, any = false; i <= OV_LAYER__COUNT; i++) {
		size_t l = i % OV_LAYER__COUNT;	/* unknown last */

		if (s->by_layer[l] == 0)
			continue;
		ov_report__printf(w, "%s%s %zu", any ? ", " : "",
		    ov_layer_name((ov_layer)l), s->by_layer[l]);
		any = true;
	}
	if (!any)
		ov_report__puts(w, "-");
	ov_report__puts(w, "\n  owner    ");
	for (i = OV_OWNER_CUSTOMER; i <= OV_OWNER_SHARED; i++)
		ov_report__printf(w, "%s%s %zu", i == OV_OWNER_CUSTOMER ?
		    "" : ", ", ov_owner_name((ov_owner)i), s->by_owner[i]);
	if (s->by_owner[OV_OWNER_UNKNOWN] > 0)
		ov_report__printf(w, ", unknown %zu",
		    s->by_owner[OV_OWNER_UNKNOWN]);
	ov_report__puts(w, "\n  state    ");
	for (i = 0, any = false; i <= OV_STATE_ERROR; i++) {
		if (s->by_state[i] == 0)
			continue;
		ov_report__printf(w, "%s%s %zu", any ? ", " : "",
		    ov_state_name((ov_state)i), s->by_state[i]);
		any = true;
	}
	if (!any)
		ov_report__puts(w, "-");
	ov_report__putc(w, '\n');
}

/* Source coverage: a count of collected sources, the others by name. */
static void
write_sources(struct ov_rw *w, const ov_report_input *in)
{
	size_t i, ok = 0, other = 0;

	if (in->sources == NULL || in->n_sources == 0)
		return;
	for (i = 0; i < in->n_sources; i++)
		if (in->sources[i].status != NULL &&
		    strcmp(in->sources[i].status, "collected") == 0)
			ok++;
	ov_report__printf(w, "sources %zu collected", ok);
	for (i = 0; i < in->n_sources; i++) {
		if (in->sources[i].status != NULL &&
		    strcmp(in->sources[i].status, "collected") == 0)
			continue;
		ov_report__puts(w, other++ == 0 ? "; not collected: " : ", ");
		tput(w, in->sources[i].name);
		ov_report__puts(w, " (");
		tput(w, in->sources[i].status);
		if (in->sources[i].reason != NULL) {
			ov_report__puts(w, ": ");
			tput(w, in->sources[i].reason);
		}
		ov_report__putc(w, ')');
	}
	ov_report__putc(w, '\n');
}

/* The text reporter. */
int
ov_report__write_text(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_report_summary s;
	struct ov_rw w;
	bool colour = (flags & OV_REPORT_COLOR) != 0;
	int sev;

	ov_report__rw_init(&w, f);
	ov_report__summarize(in, &s);
	if (in->title != NULL) {
		tput(&w, in->title);
		ov_report__putc(&w, '\n');
	}
	ov_report__puts(&w, "overvisor ");
	tput(&w, in->tool_version != NULL ? in->tool_version : OV_VERSION);
	ov_report__puts(&w, ", scan of ");
	tput(&w, in->snapshot);
	ov_report__puts(&w, "\ntenant ");
	tput(&w, in->tenant);
	ov_report__puts(&w, ", collected ");
	tput(&w, in->collected_at);
	ov_report__printf(&w, ", %zu records in %zu files, %zu input errors, "
	    "%zu rules\n", in->n_records, in->n_files, in->n_input_errors,
	    in->n_rules);
	write_sources(&w, in);
	if (s.total == 0)
		ov_report__puts(&w, "\nNo findings.\n");
	for (sev = OV_SEV_CRITICAL; sev >= OV_SEV_INFO; sev--)
		if (s.by_severity[sev] > 0)
			write_group(&w, in, (ov_severity)sev,
			    s.by_severity[sev], colour);
	if (in->compliance != NULL)
		write_compliance(&w, in->compliance);
	write_footer(&w, &s);
	return ov_report__rw_finish(&w);
}
