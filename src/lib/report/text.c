/* SPDX-License-Identifier: MIT */
/*
 * Text report for a person at a terminal (80 to 120 columns; in->width,
 * 120 when 0).  The summary comes first: counts by severity, overdue,
 * the responsible parties and their duties with open, high/critical,
 * overdue and exempt counts, and source coverage.  Then the findings,
 * grouped by responsible party, duty and severity, one line each: rule,
 * resource name, short title and due date (or days overdue).  With
 * OV_REPORT_VERBOSE each line is followed by the full resource id, every
 * party, the evidence, the controls and the remediation.  Exempt findings
 * are counted and listed only with OV_REPORT_SHOW_EXEMPT.  The framework
 * view, when asked for, comes last.
 *
 * No line is wider than the terminal, and nothing is cut inside an
 * identifier: names and ids that do not fit wrap onto the next line (at a
 * '/', ';' or ',' when there is one), and titles are shortened only at a
 * space.  ANSI colours only with OV_REPORT_COLOR.  Every
 * string from the input is sanitised: control characters (C0, DEL, C1) and
 * invalid UTF-8 print as '?', so hostile resource names cannot drive the
 * terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/str.h"
#include "util/time.h"

#define WIDTH_DEFAULT	120	/* columns when the caller gives none */
#define WIDTH_MIN	40	/* narrower terminals still get this */
#define WIDTH_MAX	1000	/* wider ones are treated as this */
#define LIST_INDENT	4	/* finding lines start here */
#define DUE_WIDTH	12	/* "overdue 123d", "2026-11-15" */
#define VALUE_MAX	600	/* evidence bytes shown before "(+N bytes)" */

static const char *const sev_colour[] = {
	"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m"
};
#define BOLD	"\033[1m"
#define RED	"\033[31m"
#define DIM	"\033[2m"
#define RESET	"\033[0m"

/* A writer that knows the column it is at. */
struct tw {
	struct ov_rw	*w;		/* output */
	size_t		 width;		/* terminal columns */
	bool		 colour;	/* ANSI colours allowed */
	bool		 verbose;	/* OV_REPORT_VERBOSE */
	size_t		 col;		/* columns used on this line */
};

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

/* Length and width of the character at p (n bytes left); 0 len = bad. */
static size_t
char_at(const unsigned char *p, size_t n, size_t *cols, bool *bad)
{
	unsigned cp;
	size_t len = ov__utf8_decode(p, n, &cp);

	*bad = len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
	*cols = len == 0 ? 1 : *bad ? 1 : cp_width(cp);
	return len == 0 ? 1 : len;
}

/* Columns s takes once sanitised. */
static size_t
twidth(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n = strlen(s), len, cols = 0, cw;
	bool bad;

	for (i = 0; i < n; i += len) {
		len = char_at(p + i, n - i, &cw, &bad);
		cols += cw;
	}
	return cols;
}

/* Write n bytes of s sanitised; returns the columns written. */
static size_t
put_n(struct tw *t, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, len, cols = 0, cw;
	bool bad;

	for (i = 0; i < n; i += len) {
		len = char_at(p + i, n - i, &cw, &bad);
		if (bad)
			ov_report__putc(t->w, '?');
		else
			ov_report__write(t->w, s + i, len);
		cols += cw;
	}
	t->col += cols;
	return cols;
}

static size_t
put(struct tw *t, const char *s)
{
	return put_n(t, s != NULL ? s : "-", strlen(s != NULL ? s : "-"));
}

static void
nl(struct tw *t)
{
	ov_report__putc(t->w, '\n');
	t->col = 0;
}

static void
pad_to(struct tw *t, size_t col)
{
	while (t->col < col) {
		ov_report__putc(t->w, ' ');
		t->col++;
	}
}

static void
sgr(struct tw *t, const char *code)
{
	if (t->colour)
		ov_report__puts(t->w, code);
}

/* A place where a long token may be broken without losing anything. */
static bool
break_after(char c)
{
	return c == '/' || c == ';' || c == ',';
}

/*
 * Write s from the current column, wrapping at the terminal width onto
 * lines indented by indent: at spaces, or inside a token too long for a
 * line after a '/', ';', ',' (and similar) when there is one.  Nothing is
 * dropped.
 */
static void
wrap(struct tw *t, const char *s, size_t indent)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "-");
	size_t n = strlen((const char *)p), i = 0, room;
	bool space = false, wrote = t->col > indent;

	if (indent + 10 > t->width)
		indent = t->width > 10 ? t->width - 10 : 0;
	while (i < n) {
		size_t j, w, tok, tokw = 0, cw, len, cut = 0, cutw = 0;
		bool bad;

		if (p[i] == ' ') {
			space = true;	/* written before the next token */
			i++;
			continue;
		}
		for (tok = i; tok < n && p[tok] != ' '; tok += len) {
			len = char_at(p + tok, n - tok, &cw, &bad);
			tokw += cw;
		}
		if (space && wrote) {
			/* the space is written only before text on this line */
			if (t->col + 1 + tokw <= t->width) {
				put_n(t, " ", 1);
				space = false;
			} else if (tokw <= t->width - indent) {
				nl(t);
				pad_to(t, indent);
				space = false;
				wrote = false;
			}
		} else
			space = false;
		room = t->width > t->col + space ? t->width - t->col - space :
		    0;
		if (tokw <= room) {
			put_n(t, (const char *)p + i, tok - i);
			i = tok;
			wrote = true;
			continue;
		}
		/* too long for this line: break after a separator */
		for (j = i, w = 0; j < tok; j += len) {
			len = char_at(p + j, tok - j, &cw, &bad);
			if (w + cw > room)
				break;
			w += cw;
			if (break_after((char)p[j])) {
				cut = j + len;
				cutw = w;
			}
		}
		if ((cut == 0 || cutw < room / 3) && wrote) {
			/* more room on a fresh line */
			nl(t);
			pad_to(t, indent);
			space = false;
			wrote = false;
			continue;
		}
		if (cut == 0)
			cut = j;	/* no separator at all: a hard break */
		if (space && cut > i)
			put_n(t, " ", 1);
		space = false;
		if (cut > i)
			put_n(t, (const char *)p + i, cut - i);
		i = cut;
		nl(t);
		pad_to(t, indent);
		wrote = false;
	}
}

/*
 * Bytes of s that fit in cols columns when shortened at a space (an
 * identifier has none), leaving room for an ellipsis; n when all of s
 * fits, 0 when no
 * such space exists.
 */
static size_t
fit_words(const char *s, size_t cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n = strlen(s), len, w = 0, cw, best = 0;
	bool bad;

	if (twidth(s) <= cols)
		return n;
	for (i = 0; i < n; i += len) {
		len = char_at(p + i, n - i, &cw, &bad);
		if (p[i] == ' ' && i > 0)
			best = i;
		if (w + cw + 1 > cols)
			break;
		w += cw;
	}
	return best;
}

/* The title in at most cols columns, or wrapped when it cannot be cut. */
static void
title_in(struct tw *t, const char *title, size_t cols, size_t indent)
{
	size_t n = fit_words(title, cols);

	if (n == strlen(title)) {
		put(t, title);
		return;
	}
	if (n == 0) {
		wrap(t, title, indent);
		return;
	}
	put_n(t, title, n);
	put_n(t, "\xe2\x80\xa6", 3);
}

static void
upper(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = src[i] >= 'a' && src[i] <= 'z' ?
		    (char)(src[i] - 'a' + 'A') : src[i];
	dst[i] = '\0';
}

/* "1,234" into buf. */
static const char *
num(size_t v, char *buf, size_t size)
{
	char tmp[32];
	size_t n, i, o = 0;

	snprintf(tmp, sizeof(tmp), "%zu", v);
	n = strlen(tmp);
	for (i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

/* ------------------------------------------------------------------ */
/* Summary */

static void
tally_row(struct tw *t, const struct ov_report_tally *r, size_t name_w)
{
	char a[32], b[32], c[32], d[32];
	size_t indent = r->duty != NULL ? 4 : 2;

	pad_to(t, indent);
	if (r->duty == NULL)
		sgr(t, BOLD);
	if (indent + twidth(r->duty != NULL ? r->duty : r->party) > name_w) {
		wrap(t, r->duty != NULL ? r->duty : r->party, indent + 2);
		nl(t);
	} else
		put(t, r->duty != NULL ? r->duty : r->party);
	if (r->duty == NULL)
		sgr(t, RESET);
	pad_to(t, name_w);
	ov_report__printf(t->w, "%7s %10s ", num(r->open, a, sizeof(a)),
	    num(r->urgent, b, sizeof(b)));
	if (r->overdue > 0)
		sgr(t, RED);
	ov_report__printf(t->w, "%8s", num(r->overdue, c, sizeof(c)));
	if (r->overdue > 0)
		sgr(t, RESET);
	ov_report__printf(t->w, " %7s", num(r->exempt, d, sizeof(d)));
	t->col += 7 + 1 + 10 + 1 + 8 + 1 + 7;
	nl(t);
}

/* One row per responsible party, then one per duty of it. */
static int
write_parties(struct tw *t, const ov_report_input *in,
    const struct ov_report_plan *pl)
{
	struct ov_report_tally *rows = NULL, *parties = NULL;
	size_t i, j = 0, n, np, name_w = t->width - 36;
	int error;

	if (pl->n == 0)
		return 0;
	if (name_w > 60)
		name_w = 60;
	if ((error = ov_report__tally(in, pl, true, &rows, &n)) < 0 ||
	    (error = ov_report__tally(in, pl, false, &parties, &np)) < 0) {
		ov__free(rows);
		return error;
	}
	nl(t);
	pad_to(t, 2);
	sgr(t, DIM);
	put(t, "Responsible party / duty");
	pad_to(t, name_w);
	put(t, "   open  high/crit  overdue  exempt");
	sgr(t, RESET);
	nl(t);
	/* both are sorted by party: walk them together */
	for (i = 0; i < np; i++) {
		tally_row(t, &parties[i], name_w);
		for (; j < n && strcmp(rows[j].party, parties[i].party) == 0;
		    j++)
			tally_row(t, &rows[j], name_w);
	}
	ov__free(rows);
	ov__free(parties);
	return 0;
}

/* Source coverage: a count of collected sources, the others by name. */
static void
write_sources(struct tw *t, const ov_report_input *in)
{
	size_t i, ok = 0, other = 0;
	char a[32], b[32];

	if (in->sources == NULL || in->n_sources == 0)
		return;
	for (i = 0; i < in->n_sources; i++)
		if (in->sources[i].status != NULL &&
		    strcmp(in->sources[i].status, "collected") == 0)
			ok++;
	pad_to(t, 2);
	put(t, "Sources   ");
	ov_report__printf(t->w, "%s of %s collected", num(ok, a, sizeof(a)),
	    num(in->n_sources, b, sizeof(b)));
	t->col += strlen(a) + strlen(b) + 14;
	for (i = 0; i < in->n_sources; i++) {
		char item[512];

		if (in->sources[i].status != NULL &&
		    strcmp(in->sources[i].status, "collected") == 0)
			continue;
		snprintf(item, sizeof(item), "%s%s (%s%s%s)", other++ == 0 ?
		    "; missing or incomplete: " : ", ",
		    in->sources[i].name != NULL ? in->sources[i].name : "-",
		    in->sources[i].status != NULL ? in->sources[i].status :
		    "unknown", in->sources[i].reason != NULL ? ": " : "",
		    in->sources[i].reason != NULL ? in->sources[i].reason :
		    "");
		wrap(t, item, 12);
	}
	nl(t);
	if (ok < in->n_sources) {
		pad_to(t, 12);
		wrap(t, "checks that need a missing source are indeterminate, "
		    "never passed", 12);
		nl(t);
	}
}

static int
write_summary(struct tw *t, const ov_report_input *in,
    const struct ov_report_plan *pl)
{
	char a[32], b[32], c[32], line[256], day[16];
	int sev;
	bool any = false;

	nl(t);
	sgr(t, BOLD);
	put(t, "SUMMARY");
	sgr(t, RESET);
	nl(t);
	pad_to(t, 2);
	snprintf(line, sizeof(line), "%s finding%s need action (%s "
	    "indeterminate: data missing); %s exempt",
	    num(pl->n_actionable, a, sizeof(a)), pl->n_actionable == 1 ?
	    "" : "s", num(pl->n_indeterminate, b, sizeof(b)),
	    num(pl->n_exempt, c, sizeof(c)));
	wrap(t, line, 4);
	nl(t);
	pad_to(t, 2);
	put(t, "Severity  ");
	for (sev = OV_SEV_CRITICAL; sev >= OV_SEV_INFO; sev--) {
		snprintf(line, sizeof(line), "%s%s %s", any ? ", " : "",
		    ov_severity_name((ov_severity)sev),
		    num(pl->by_severity[sev], a, sizeof(a)));
		any = true;
		wrap(t, line, 12);
	}
	nl(t);
	pad_to(t, 2);
	put(t, "Overdue   ");
	if (pl->n_overdue > 0)
		sgr(t, RED);
	snprintf(line, sizeof(line), "%s past their due date", num(
	    pl->n_overdue, a, sizeof(a)));
	put(t, line);
	if (pl->n_overdue > 0)
		sgr(t, RESET);
	if (in->generated_at != 0) {
		ov__date_format(in->generated_at, day, sizeof(day));
		snprintf(line, sizeof(line), " on %s", day);
		put(t, line);
	}
	nl(t);
	write_sources(t, in);
	return write_parties(t, in, pl);
}

/* ------------------------------------------------------------------ */
/* Findings */

/* The due column: "2026-11-15", "overdue 12d", "no data", "-". */
static void
due_text(const ov_report_input *in, const ov_finding *f, char *buf,
    size_t size)
{
	int64_t late = ov_report__days_late(in, f);

	if (f->state == OV_STATE_EXEMPT)
		snprintf(buf, size, "exempt");
	else if (f->state == OV_STATE_INDETERMINATE)
		snprintf(buf, size, "no data");
	else if (late > 0)
		snprintf(buf, size, "overdue %lldd", (long long)late);
	else if (f->due != 0)
		ov__date_format(f->due, buf, size);
	else
		snprintf(buf, size, "-");
}

/* One "label  value" line of the verbose block, wrapped. */
static void
detail(struct tw *t, const char *label, const char *value)
{
	pad_to(t, LIST_INDENT + 2);
	sgr(t, DIM);
	put(t, label);
	sgr(t, RESET);
	pad_to(t, LIST_INDENT + 14);
	wrap(t, value, LIST_INDENT + 14);
	nl(t);
}

/* Join v with ", " into b (at most size bytes). */
static const char *
join(const char *const *v, size_t n, char *b, size_t size)
{
	size_t i, o = 0;

	b[0] = '\0';
	for (i = 0; i < n && o + 1 < size; i++)
		o += (size_t)snprintf(b + o, size - o, "%s%s", i > 0 ? ", " :
		    "", v[i] != NULL ? v[i] : "");
	return b;
}

static void
write_verbose(struct tw *t, const ov_finding *f)
{
	char buf[4096], due[16];
	size_t i;

	detail(t, "id", f->resource_id);
	if (f->title != NULL && twidth(f->title) > 0)
		detail(t, "title", f->title);
	snprintf(buf, sizeof(buf), "%s, owner %s; state %s",
	    ov_layer_name(f->layer), ov_owner_name(f->owner),
	    ov_state_name(f->state));
	detail(t, "layer", buf);
	snprintf(buf, sizeof(buf), "responsible %s; accountable %s",
	    f->responsible != NULL ? f->responsible : "nobody",
	    f->accountable != NULL ? f->accountable : "nobody");
	if (f->n_consulted > 0) {
		char list[1024];

		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "; consulted %s", join(f->consulted, f->n_consulted,
		    list, sizeof(list)));
	}
	if (f->n_informed > 0) {
		char list[1024];

		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "; informed %s", join(f->informed, f->n_informed, list,
		    sizeof(list)));
	}
	detail(t, "parties", buf);
	if (f->due != 0)
		detail(t, "due", ov_report__due(f->due, due, sizeof(due)));
	for (i = 0; i < f->n_evidence; i++) {
		const ov_evidence *ev = &f->evidence[i];
		const char *v = ev->value != NULL ? ev->value : "(absent)";
		size_t n = strlen(v), cut = n;

		/* long values stop between members, never inside one */
		if (n > VALUE_MAX) {
			for (cut = VALUE_MAX; cut > 0 && v[cut] != ',' &&
			    v[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = n;
		}
		snprintf(buf, sizeof(buf), "%s = %.*s%s%s%s%s",
		    ev->path != NULL ? ev->path : "-", (int)cut, v,
		    cut < n ? ", ... (the rest in --format json)" : "",
		    ev->message != NULL ? " (" : "",
		    ev->message != NULL ? ev->message : "",
		    ev->message != NULL ? ")" : "");
		detail(t, "evidence", buf);
	}
	if (f->n_controls > 0)
		detail(t, "controls", join(f->controls, f->n_controls, buf,
		    sizeof(buf)));
	if (f->remediation != NULL)
		detail(t, "fix", f->remediation);
	if (f->file != NULL) {
		snprintf(buf, sizeof(buf), "%s:%u:%u", f->file, f->line,
		    f->column);
		detail(t, "at", buf);
	}
	if (f->fingerprint != NULL)
		detail(t, "fingerprint", f->fingerprint);
}

/* Column widths of the finding lines. */
struct cols {
	size_t	rule;		/* rule ids */
	size_t	name;		/* resource names */
	size_t	title;		/* what is left for the title */
};

static void
write_line(struct tw *t, const ov_report_input *in, const ov_finding *f,
    const struct cols *c)
{
	size_t name_at = LIST_INDENT + c->rule + 2;
	size_t title_at = name_at + c->name + 2;
	char due[32], nbuf[512];
	const char *name = ov_report__short_name(f, nbuf, sizeof(nbuf));
	bool late = ov_report__overdue(in, f);

	size_t nw = twidth(name), room;

	due_text(in, f, due, sizeof(due));
	pad_to(t, LIST_INDENT);
	put(t, f->rule);
	pad_to(t, name_at);
	if (nw > c->name && name_at + nw + 2 + 16 + 2 + strlen(due) <=
	    t->width) {
		/* a longer name pushes the title along when it still fits */
		put(t, name);
		title_at = t->col + 2;
	} else if (nw > c->name) {
		/* a long name keeps its own line(s), never cut */
		wrap(t, name, name_at + 2);
		nl(t);
	} else
		put(t, name);
	pad_to(t, title_at);
	room = t->width - title_at - strlen(due) - 2;
	title_in(t, f->title, room, title_at);
	if (t->col + 2 + strlen(due) > t->width) {
		nl(t);
	}
	pad_to(t, t->width - strlen(due) > t->col + 2 ?
	    t->width - strlen(due) : t->col + 2);
	if (late)
		sgr(t, RED);
	put(t, due);
	if (late)
		sgr(t, RESET);
	nl(t);
	if (t->verbose)
		write_verbose(t, f);
}

/* Column widths for the listed findings. */
static void
plan_cols(struct tw *t, const struct ov_report_plan *pl, struct cols *c)
{
	size_t i, w, room, cap;
	char nbuf[512];

	c->rule = 4;
	c->name = 8;
	for (i = 0; i < pl->n; i++)
		if (pl->listed[i] && (w = twidth(pl->items[i]->rule)) > c->rule)
			c->rule = w;
	room = t->width - LIST_INDENT - c->rule - 2 - 2 - 2 - DUE_WIDTH;
	cap = room * 7 / 20;
	for (i = 0; i < pl->n; i++) {
		if (!pl->listed[i])
			continue;
		w = twidth(ov_report__short_name(pl->items[i], nbuf,
		    sizeof(nbuf)));
		if (w > c->name)
			c->name = w < cap ? w : cap;
	}
	c->title = room - c->name;
}

/* A heading line: text in bold, then a dim note. */
static void
heading(struct tw *t, size_t indent, const char *colour, const char *text,
    const char *note)
{
	pad_to(t, indent);
	if (*colour != '\0')
		sgr(t, colour);
	wrap(t, text, indent + 2);
	if (*colour != '\0')
		sgr(t, RESET);
	if (note != NULL && *note != '\0') {
		sgr(t, DIM);
		wrap(t, note, indent + 2);
		sgr(t, RESET);
	}
	nl(t);
}

/* The findings from index i while they share the party (and duty). */
static void
write_findings(struct tw *t, const ov_report_input *in,
    const struct ov_report_plan *pl, bool exempt)
{
	const char *party = NULL, *duty = NULL;
	struct cols c;
	char note[2048], upname[32];
	size_t i, k, n_open, n_late;
	int sev = -1;

	plan_cols(t, pl, &c);
	for (i = 0; i < pl->n; i++) {
		const ov_finding *f = pl->items[i];

		if (!pl->listed[i] || (f->state == OV_STATE_EXEMPT) != exempt)
			continue;
		if (party == NULL || strcmp(party, ov_report__party(f)) != 0) {
			party = ov_report__party(f);
			duty = NULL;
			nl(t);
			heading(t, 0, BOLD, party, NULL);
		}
		if (duty == NULL || strcmp(duty, ov_report__duty(f)) != 0) {
			duty = ov_report__duty(f);
			sev = -1;
			for (k = i, n_open = 0, n_late = 0; k < pl->n &&
			    strcmp(ov_report__party(pl->items[k]), party) ==
			    0 && strcmp(ov_report__duty(pl->items[k]), duty) ==
			    0; k++) {
				if (!pl->listed[k])
					continue;
				n_open++;
				n_late += ov_report__overdue(in, pl->items[k]);
			}
			if (n_late > 0)
				snprintf(note, sizeof(note), " (%zu listed, %zu "
				    "overdue; accountable %s)", n_open, n_late,
				    f->accountable != NULL ? f->accountable :
				    "nobody");
			else
				snprintf(note, sizeof(note), " (%zu listed; "
				    "accountable %s)", n_open,
				    f->accountable != NULL ? f->accountable :
				    "nobody");
			heading(t, 2, "", duty, note);
		}
		if (sev != (int)f->severity) {
			sev = (int)f->severity;
			upper(upname, sizeof(upname),
			    ov_severity_name(f->severity));
			heading(t, 3, sev_colour[f->severity], upname, NULL);
		}
		write_line(t, in, f, &c);
	}
}

static void
write_compliance(struct tw *t, const ov_compliance *c)
{
	size_t i, wi = 7, ws = 6, x, title_at;
	char line[128];

	for (i = 0; i < c->n_controls; i++) {
		if ((x = twidth(c->controls[i].id)) > wi)
			wi = x;
		if ((x = twidth(c->controls[i].status)) > ws)
			ws = x;
	}
	if (wi > t->width / 3)
		wi = t->width / 3;
	title_at = 2 + wi + 2 + ws + 2 + 20 + 2;
	nl(t);
	sgr(t, BOLD);
	put(t, "COMPLIANCE ");
	wrap(t, c->title, 2);
	put(t, " ");
	wrap(t, c->id, 2);
	sgr(t, RESET);
	nl(t);
	pad_to(t, 2);
	sgr(t, DIM);
	put(t, "control");
	pad_to(t, 2 + wi + 2);
	put(t, "status");
	pad_to(t, 2 + wi + 2 + ws + 2);
	put(t, "pass  fail  indet.");
	pad_to(t, title_at);
	put(t, "title");
	sgr(t, RESET);
	nl(t);
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];

		pad_to(t, 2);
		if (twidth(r->id) > wi) {
			wrap(t, r->id, 4);
			nl(t);
		} else
			put(t, r->id);
		pad_to(t, 2 + wi + 2);
		put(t, r->status);
		pad_to(t, 2 + wi + 2 + ws + 2);
		snprintf(line, sizeof(line), "%4zu  %4zu  %6zu", r->passed,
		    r->failed, r->indeterminate);
		put(t, line);
		pad_to(t, title_at);
		if (title_at + 12 < t->width)
			title_in(t, r->title != NULL ? r->title : "-",
			    t->width - title_at, title_at);
		nl(t);
	}
}

static void
write_header(struct tw *t, const ov_report_input *in)
{
	char line[512], a[32], b[32];

	sgr(t, BOLD);
	if (in->title != NULL)
		wrap(t, in->title, 2);
	else
		put(t, "overvisor findings report");
	sgr(t, RESET);
	nl(t);
	snprintf(line, sizeof(line), "overvisor %s, scan of",
	    in->tool_version != NULL ? in->tool_version : OV_VERSION);
	put(t, line);
	put(t, " ");
	wrap(t, in->snapshot, 2);
	nl(t);
	put(t, "tenant ");
	wrap(t, in->tenant, 2);
	put(t, ", collected ");
	wrap(t, in->collected_at, 2);
	nl(t);
	snprintf(line, sizeof(line), "%s records in %zu files, %zu input "
	    "errors, %s rules", num(in->n_records, a, sizeof(a)), in->n_files,
	    in->n_input_errors, num(in->n_rules, b, sizeof(b)));
	wrap(t, line, 2);
	nl(t);
	if (in->note != NULL) {
		put(t, "note: ");
		wrap(t, in->note, 2);
		nl(t);
	}
}

/* The text reporter. */
int
ov_report__write_text(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_report_plan pl;
	struct ov_rw w;
	struct tw t;
	char line[256], a[32];
	size_t listed_exempt = 0, i;
	int error;

	ov_report__rw_init(&w, f);
	memset(&t, 0, sizeof(t));
	t.w = &w;
	t.width = in->width != 0 ? in->width : WIDTH_DEFAULT;
	if (t.width < WIDTH_MIN)
		t.width = WIDTH_MIN;
	if (t.width > WIDTH_MAX)
		t.width = WIDTH_MAX;
	t.colour = (flags & OV_REPORT_COLOR) != 0;
	t.verbose = (flags & OV_REPORT_VERBOSE) != 0;
	if ((error = ov_report__plan(in, &pl)) < 0)
		return error;
	if ((flags & OV_REPORT_SHOW_EXEMPT) == 0)
		for (i = 0; i < pl.n; i++)
			if (pl.items[i]->state == OV_STATE_EXEMPT)
				pl.listed[i] = false;
	for (i = 0; i < pl.n; i++)
		listed_exempt += pl.listed[i] &&
		    pl.items[i]->state == OV_STATE_EXEMPT;
	write_header(&t, in);
	if ((error = write_summary(&t, in, &pl)) < 0) {
		ov_report__plan_free(&pl);
		return error;
	}
	nl(&t);
	sgr(&t, BOLD);
	put(&t, "FINDINGS");
	sgr(&t, RESET);
	if (pl.n_actionable == 0)
		put(&t, ": none need action");
	nl(&t);
	if (pl.n_hidden > 0) {
		snprintf(line, sizeof(line), "%s finding%s below %s not listed "
		    "(--min-severity)", num(pl.n_hidden, a, sizeof(a)),
		    pl.n_hidden == 1 ? "" : "s",
		    ov_severity_name(in->min_severity));
		wrap(&t, line, 2);
		nl(&t);
	}
	write_findings(&t, in, &pl, false);
	if (pl.n_exempt > 0) {
		nl(&t);
		sgr(&t, BOLD);
		snprintf(line, sizeof(line), "EXEMPT (%s)", num(pl.n_exempt, a,
		    sizeof(a)));
		put(&t, line);
		sgr(&t, RESET);
		nl(&t);
		if (listed_exempt == 0) {
			wrap(&t, (flags & OV_REPORT_SHOW_EXEMPT) != 0 ?
			    "Accepted by an exception or an Azure Policy "
			    "exemption; none at or above --min-severity." :
			    "Accepted by an exception or an Azure Policy "
			    "exemption; --show-exempt lists them.", 2);
			nl(&t);
		} else
			write_findings(&t, in, &pl, true);
	}
	if (in->compliance != NULL)
		write_compliance(&t, in->compliance);
	ov_report__plan_free(&pl);
	return ov_report__rw_finish(&w);
}
