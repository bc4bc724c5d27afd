/* SPDX-License-Identifier: MIT */
/*
 * Peer coverage: the check lists of Prowler, Checkov and PSRule for Azure
 * (the TSV files under data/peers: ids and resource types) against the
 * peer checks the rules name in metadata.overvisor.peers and the
 * analyzer checks in their "peers" (data/analyzers/checks.json).  A rule
 * or check naming a peer check that is not in the lists is an error.  A check no rule covers
 * shows the status and reason data/peers gives (n/a, analyzer, gap), or
 * "gap" with "no reason recorded" when it gives none.
 */
#include <stdio.h>
#include <string.h>

#include "overvisor/rules.h"
#include "lib/rules/rulepack.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"

#define PEER_MAX_COLS	5
#define NO_REASON	"no reason recorded in data/peers"

/* A rule or analyzer check naming a peer check, and its page. */
struct link {
	const char	*id;
	const char	*href;		/* relative to docs/rules/ */
};

/* One line of a peer list. */
struct prow {
	const char	*col[PEER_MAX_COLS];	/* columns, "" when absent */
	struct link	*rules;			/* rules and checks naming it */
	size_t		 n_rules;
	size_t		 cap;
};

/* One peer list file. */
struct plist {
	const char	*file;		/* "prowler-azure.tsv" */
	const char	*tool;		/* "prowler" */
	size_t		 status_col;	/* column of status, then reason */
	struct prow	*rows;
	size_t		 n_rows;
	struct ov_map	 by_id;		/* id -> struct prow */
};

struct peers {
	ov_ctx		*ctx;
	struct ov_arena	 arena;
	struct plist	 prowler, checkov, psrule, types, m365;
};

/* Split text into rows of tab-separated columns (comments, header out). */
static int
parse_tsv(struct peers *pc, struct plist *l, char *text, const char *path)
{
	char *line, *next;
	size_t lines = 1, i;
	bool header = true;

	/* One row per line at most: the map keeps pointers into the rows. */
	for (line = text; (line = strchr(line, '\n')) != NULL; line++)
		lines++;
	if ((l->rows = ov__arena_calloc(&pc->arena, lines,
	    sizeof(*l->rows))) == NULL)
		return ov__error_oom(pc->ctx);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		struct prow *r;
		char *p;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (header) {
			header = false;
			continue;
		}
		r = &l->rows[l->n_rows++];
		for (i = 0, p = line; i < PEER_MAX_COLS; i++) {
			char *tab = p != NULL ? strchr(p, '\t') : NULL;

			if (tab != NULL)
				*tab = '\0';
			r->col[i] = p != NULL ? p : "";
			p = tab != NULL ? tab + 1 : NULL;
		}
		if (r->col[0][0] == '\0')
			return ov__error_at(pc->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, path, 0, 0, NULL,
			    "a peer list line has no id");
		if (ov__map_put(&l->by_id, r->col[0], strlen(r->col[0]),
		    r) < 0)
			return ov__error_oom(pc->ctx);
	}
	return 0;
}

static int
load_list(struct peers *pc, const char *data_dir, struct plist *l,
    const char *file, const char *tool, size_t status_col)
{
	char path[4096], *data, *copy;
	size_t len;
	int error;

	l->file = file;
	l->tool = tool;
	l->status_col = status_col;
	snprintf(path, sizeof(path), "%s/data/peers/%s", data_dir, file);
	if ((error = ov__read_file(pc->ctx, OV_ERRCLASS_INPUT, path,
	    OV_DATA_MAX_FILE, &data, &len)) < 0)
		return error;
	copy = ov__arena_strndup(&pc->arena, data, len);
	ov__free(data);
	if (copy == NULL)
		return ov__error_oom(pc->ctx);
	return parse_tsv(pc, l, copy, path);
}

static int
add_rule(struct peers *pc, struct prow *r, const char *id, const char *href)
{
	if (r->n_rules == r->cap) {
		struct link *nr;

		r->cap = r->cap != 0 ? r->cap * 2 : 4;
		if ((nr = ov__arena_calloc(&pc->arena, r->cap,
		    sizeof(*nr))) == NULL)
			return ov__error_oom(pc->ctx);
		if (r->n_rules > 0)
			memcpy(nr, r->rules, r->n_rules * sizeof(*nr));
		r->rules = nr;
	}
	r->rules[r->n_rules].id = id;
	r->rules[r->n_rules++].href = href;
	return 0;
}

/* The list entry a peer reference ("prowler:<id>") names, or NULL. */
static struct prow *
lookup(struct peers *pc, const char *ref)
{
	struct plist *lists[] = { &pc->prowler, &pc->checkov, &pc->psrule,
	    &pc->m365 };
	const char *id = strchr(ref, ':');
	size_t k;

	for (k = 0; id != NULL && k < 4; k++)
		if (strncmp(ref, lists[k]->tool, strlen(lists[k]->tool)) == 0)
			return ov__map_get(&lists[k]->by_id, id + 1,
			    strlen(id + 1));
	return NULL;
}

/* Attach every rule's and analyzer check's peers to the entries. */
static int
attach(struct peers *pc, const ov_rulepack *p)
{
	const ov_check_info *c;
	struct prow *row;
	size_t i, j;
	int error;

	for (i = 0; i < p->n_rules; i++) {
		const ov_rule_info *r = &p->rules[i];
		char *href;

		if ((href = ov__arena_printf(&pc->arena, "%s.md",
		    r->id)) == NULL)
			return ov__error_oom(pc->ctx);
		for (j = 0; j < r->n_peers; j++) {
			if ((row = lookup(pc, r->peers[j])) == NULL)
				return ov__error_at(pc->ctx, OV_EINVALID,
				    OV_ERRCLASS_POLICY, r->file, 0, 0,
				    "/properties/metadata/overvisor/peers",
				    "rule %s names the peer check '%s', which "
				    "is not in data/peers", r->id,
				    r->peers[j]);
			if ((error = add_rule(pc, row, r->id, href)) < 0)
				return error;
		}
	}
	for (i = 0; (c = ov_checks_get(i)) != NULL; i++) {
		char *href;

		if ((href = ov__arena_printf(&pc->arena, "../%s",
		    c->docs != NULL ? c->docs : "analyzers/index.md")) == NULL)
			return ov__error_oom(pc->ctx);
		for (j = 0; j < c->n_peers; j++) {
			if ((row = lookup(pc, c->peers[j])) == NULL)
				return ov__error(pc->ctx, OV_EINVALID,
				    OV_ERRCLASS_CONFIG, "data/analyzers/"
				    "checks.json: check %s names the peer "
				    "check '%s', which is not in data/peers",
				    c->id, c->peers[j]);
			if ((error = add_rule(pc, row, c->id, href)) < 0)
				return error;
		}
	}
	return 0;
}

static double
pct(size_t a, size_t b)
{
	return b > 0 ? 100.0 * (double)a / (double)b : 0.0;
}

static void
rule_links(FILE *f, const struct prow *r)
{
	size_t i;

	for (i = 0; i < r->n_rules; i++)
		fprintf(f, "%s[%s](%s)", i > 0 ? ", " : "", r->rules[i].id,
		    r->rules[i].href);
}

/* Counts over the rows of l that class_col (when not 0) marks security. */
struct tally {
	size_t	 total, covered, na, analyzer, gap;
};

static struct tally
count(const struct plist *l, size_t class_col)
{
	struct tally t = { 0, 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < l->n_rows; i++) {
		const struct prow *r = &l->rows[i];
		const char *st = r->col[l->status_col];

		if (class_col != 0 && strcmp(r->col[class_col],
		    "security") != 0)
			continue;
		t.total++;
		if (r->n_rules > 0)
			t.covered++;
		else if (strcmp(st, "n/a") == 0)
			t.na++;
		else if (strcmp(st, "analyzer") == 0)
			t.analyzer++;
		else
			t.gap++;
	}
	return t;
}

static void
summary_row(FILE *f, const char *what, struct tally t)
{
	fprintf(f, "| %s | %zu | %zu | %.1f%% | %zu | %.1f%% | %zu | %zu |\n",
	    what, t.total, t.covered, pct(t.covered, t.total), t.na,
	    pct(t.covered, t.total - t.na), t.analyzer, t.gap);
}

/* The uncovered rows (status and reason), then the covered ones. */
static void
check_tables(FILE *f, const struct plist *l, size_t class_col,
    const char *which)
{
	size_t i;

	fprintf(f, "\n### %s checks no rule covers\n\n| Check | Status | "
	    "Why |\n|---|---|---|\n", which);
	for (i = 0; i < l->n_rows; i++) {
		const struct prow *r = &l->rows[i];

		if (r->n_rules > 0 || (class_col != 0 &&
		    strcmp(r->col[class_col], "security") != 0))
			continue;
		fprintf(f, "| `%s` | %s | ", r->col[0],
		    r->col[l->status_col][0] != '\0' ?
		    r->col[l->status_col] : "gap");
		ov_rules__md_cell(f, r->col[l->status_col + 1][0] != '\0' ?
		    r->col[l->status_col + 1] : NO_REASON);
		fputs(" |\n", f);
	}
	fprintf(f, "\n### %s checks covered\n\n| Check | Rules |\n"
	    "|---|---|\n", which);
	for (i = 0; i < l->n_rows; i++) {
		const struct prow *r = &l->rows[i];

		if (r->n_rules == 0)
			continue;
		fprintf(f, "| `%s` | ", r->col[0]);
		rule_links(f, r);
		fputs(" |\n", f);
	}
}

/* Does a rule target type t, or a child type of it? */
static bool
type_covered(const ov_rulepack *p, const char *t, size_t tlen)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++) {
		const char *rt = p->rules[i].resource_type;

		if (rt != NULL && strlen(rt) >= tlen &&
		    ov__eq_ci(rt, tlen, t, tlen) &&
		    (rt[tlen] == '\0' || rt[tlen] == '/'))
			return true;
	}
	return false;
}

/* PSRule: every rule prefix with security rules, by resource type. */
static void
psrule_types(struct peers *pc, FILE *f, const ov_rulepack *p,
    size_t *n_prefix, size_t *n_covered, size_t *n_na)
{
	size_t i;

	*n_prefix = *n_covered = *n_na = 0;
	fputs("\n### Resource types\n\nA prefix is covered when a rule "
	    "targets one of its resource types (or a child type).\n\n"
	    "| PSRule prefix | Resource types | Covered | Why not |\n"
	    "|---|---|---|---|\n", f);
	for (i = 0; i < pc->types.n_rows; i++) {
		const struct prow *r = &pc->types.rows[i];
		const char *t = r->col[1], *comma;
		bool hit = false;

		while (!hit && t != NULL && *t != '\0') {
			size_t n;

			comma = strchr(t, ',');
			n = comma != NULL ? (size_t)(comma - t) : strlen(t);
			hit = type_covered(p, t, n);
			t = comma != NULL ? comma + 1 : NULL;
		}
		(*n_prefix)++;
		if (hit)
			(*n_covered)++;
		else if (strcmp(r->col[2], "n/a") == 0)
			(*n_na)++;
		fprintf(f, "| %s | `%s` | %s | ", r->col[0], r->col[1],
		    hit ? "yes" : r->col[2][0] != '\0' ? r->col[2] : "no");
		ov_rules__md_cell(f, hit ? "" : r->col[3][0] != '\0' ?
		    r->col[3] : NO_REASON);
		fputs(" |\n", f);
	}
}

static size_t
psrule_named(const struct plist *l, size_t *n_sec)
{
	size_t i, n = 0;

	*n_sec = 0;
	for (i = 0; i < l->n_rows; i++)
		if (strcmp(l->rows[i].col[2], "Sec") == 0) {
			(*n_sec)++;
			if (l->rows[i].n_rules > 0)
				n++;
		}
	return n;
}

static int
write_page(struct peers *pc, const ov_rulepack *p, FILE *f)
{
	struct tally tp = count(&pc->prowler, 0);
	struct tally tc = count(&pc->checkov, 2);
	struct tally tm = count(&pc->m365, 0);
	size_t n_prefix, n_cov, n_na, n_sec, n_named, i, n_other = 0;

	fputs("# Peer coverage\n\n<!-- Generated by `overvisor rules docs` "
	    "from the rules' metadata and data/peers/; do not edit. -->\n\n"
	    "How much of what Prowler (Azure and Microsoft 365 Entra), "
	    "Checkov and PSRule for Azure check "
	    "the rule pack checks too.  A peer check counts as covered only "
	    "when a rule reads the same property (the rule names it in "
	    "`metadata.overvisor.peers`) or an analyzer check answers the "
	    "same question (its `peers` in data/analyzers/checks.json).  A "
	    "check nothing covers is "
	    "*n/a* when it cannot apply to overvisor (a live API, an "
	    "internet lookup, a secret overvisor never collects, a template-"
	    "only property), *analyzer* when it needs several records at "
	    "once and a cross-record analyzer answers it, and *gap* "
	    "otherwise.  The lists and their sources are in data/peers/.\n\n"
	    "## Summary\n\n| Peer | Checks | Covered by rules | Covered | "
	    "n/a | Covered of applicable | analyzer | gap |\n"
	    "|---|---|---|---|---|---|---|---|\n", f);
	summary_row(f, "Prowler Azure checks", tp);
	summary_row(f, "Checkov ARM security checks", tc);
	summary_row(f, "Prowler Microsoft 365 Entra checks", tm);
	n_named = psrule_named(&pc->psrule, &n_sec);
	for (i = 0; i < pc->checkov.n_rows; i++)
		n_other += strcmp(pc->checkov.rows[i].col[2],
		    "security") != 0;
	fprintf(f, "\nCheckov's %zu other ARM checks are about reliability, "
	    "operations or naming; they are listed below and not counted.  "
	    "PSRule for Azure: %zu of its %zu security rules are named by a "
	    "rule; coverage by resource type is below.\n", n_other, n_named,
	    n_sec);
	fputs("\n## Prowler (Azure)\n", f);
	check_tables(f, &pc->prowler, 0, "Prowler");
	fputs("\n## Checkov (ARM)\n", f);
	check_tables(f, &pc->checkov, 2, "Checkov security");
	fputs("\n### Checkov checks that are not about security\n\n"
	    "| Check | About | Rules |\n|---|---|---|\n", f);
	for (i = 0; i < pc->checkov.n_rows; i++) {
		const struct prow *r = &pc->checkov.rows[i];

		if (strcmp(r->col[2], "security") == 0)
			continue;
		fprintf(f, "| `%s` | ", r->col[0]);
		ov_rules__md_cell(f, r->col[4]);
		fputs(" | ", f);
		rule_links(f, r);
		fputs(r->n_rules == 0 ? "- |\n" : " |\n", f);
	}
	fputs("\n## Prowler (Microsoft 365 Entra)\n\nThe tenant's Entra "
	    "settings, answered by the identity analyzer's checks over "
	    "Microsoft Graph.\n", f);
	check_tables(f, &pc->m365, 0, "Prowler Entra");
	fputs("\n## PSRule for Azure\n", f);
	psrule_types(pc, f, p, &n_prefix, &n_cov, &n_na);
	fprintf(f, "\n%zu of %zu resource types with security rules have a "
	    "rule; %zu cannot apply; %zu are not covered.\n", n_cov, n_prefix,
	    n_na, n_prefix - n_cov - n_na);
	return ferror(f) ? ov__error(pc->ctx, OV_EIO, OV_ERRCLASS_OS,
	    "cannot write peer-coverage.md") : 0;
}

/* Write out_dir/peer-coverage.md (see ov_rulepack_write_docs()). */
int
ov_rules__write_peer_coverage(const ov_rulepack *p, ov_ctx *ctx,
    const char *data_dir, FILE *f)
{
	struct peers pc;
	int error;

	memset(&pc, 0, sizeof(pc));
	pc.ctx = ctx;
	ov__arena_init(&pc.arena, 0, 0);
	if ((error = load_list(&pc, data_dir, &pc.prowler,
	    "prowler-azure.tsv", "prowler:", 3)) < 0 ||
	    (error = load_list(&pc, data_dir, &pc.checkov, "checkov-arm.tsv",
	    "checkov:", 3)) < 0 ||
	    (error = load_list(&pc, data_dir, &pc.psrule, "psrule-azure.tsv",
	    "psrule:", 1)) < 0 ||
	    (error = load_list(&pc, data_dir, &pc.types, "psrule-types.tsv",
	    "", 2)) < 0 ||
	    (error = load_list(&pc, data_dir, &pc.m365, "prowler-m365.tsv",
	    "prowler-m365:", 2)) < 0)
		goto done;
	if ((error = attach(&pc, p)) < 0)
		goto done;
	error = write_page(&pc, p, f);
done:
	ov__map_free(&pc.prowler.by_id);
	ov__map_free(&pc.checkov.by_id);
	ov__map_free(&pc.psrule.by_id);
	ov__map_free(&pc.types.by_id);
	ov__map_free(&pc.m365.by_id);
	ov__arena_free(&pc.arena);
	return error;
}
