/* SPDX-License-Identifier: MIT */
/*
 * `overvisor matrix`: the shared-responsibility view of one estate.  For
 * every layer it shows who owns it under each service model, how many of
 * the estate's resources the customer, Microsoft or both own at that
 * layer, and how many open findings sit there.
 */
#include <stdio.h>
#include <string.h>

#include "lib/raci/responsibility.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#define N_OWNERS	4	/* unknown, customer, microsoft, shared */

struct tally {
	const struct ov_raci	*raci;		/* the matrix */
	size_t			 total;		/* records */
	size_t			 by_model[OV_MODEL__COUNT + 1]; /* +unknown */
	size_t			 own[OV_LAYER__COUNT][N_OWNERS]; /* records */
	size_t			 findings[OV_LAYER__COUNT]; /* open ones */
	size_t			 sev[OV_LAYER__COUNT][5]; /* by severity */
	const char		*unknown[32];	/* first unknown types */
	size_t			 unknown_counts[32]; /* their records */
	size_t			 n_unknown;	/* unknown types seen */
};

static int
on_type(const char *type, size_t count, void *payload)
{
	struct tally *t = payload;
	int model = ov_raci__service_model(t->raci, type);
	int l;

	t->total += count;
	t->by_model[model < 0 ? OV_MODEL__COUNT : model] += count;
	if (model < 0) {
		if (t->n_unknown < 32) {
			t->unknown[t->n_unknown] = type;
			t->unknown_counts[t->n_unknown] = count;
		}
		t->n_unknown++;
	}
	for (l = 1; l < OV_LAYER__COUNT; l++)
		t->own[l][ov_raci__owner(t->raci, type, (ov_layer)l)] += count;
	return 0;
}

static void
count_findings(struct tally *t, const ov_findings *fs)
{
	size_t i, n = fs != NULL ? ov_findings_count(fs) : 0;

	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(fs, i);

		if (f->state != OV_STATE_NON_COMPLIANT &&
		    f->state != OV_STATE_INDETERMINATE)
			continue;
		if ((unsigned)f->layer >= OV_LAYER__COUNT)
			continue;
		t->findings[f->layer]++;
		if ((unsigned)f->severity < 5)
			t->sev[f->layer][f->severity]++;
	}
}

static const char *
title_of(const struct ov_raci *r, int l)
{
	return r->layer_title[l] != NULL ? r->layer_title[l] :
	    ov_layer_name((ov_layer)l);
}

static void
write_text(const struct tally *t, FILE *f)
{
	const struct ov_raci *r = t->raci;
	size_t i;
	int l, m;

	fprintf(f, "%zu resources: iaas %zu, paas %zu, saas %zu, "
	    "on-premises %zu, unknown type %zu\n\n", t->total,
	    t->by_model[OV_MODEL_IAAS], t->by_model[OV_MODEL_PAAS],
	    t->by_model[OV_MODEL_SAAS], t->by_model[OV_MODEL_ONPREM],
	    t->by_model[OV_MODEL__COUNT]);
	fprintf(f, "%-38s %-9s %-9s %-9s %-11s %8s %9s %6s %7s %8s\n",
	    "LAYER", "IAAS", "PAAS", "SAAS", "ON-PREM", "CUSTOMER",
	    "MICROSOFT", "SHARED", "UNKNOWN", "FINDINGS");
	for (l = 1; l < OV_LAYER__COUNT; l++) {
		fprintf(f, "%-38s", ov_layer_name((ov_layer)l));
		for (m = 0; m < OV_MODEL__COUNT; m++)
			fprintf(f, " %-*s", m == OV_MODEL_ONPREM ? 11 : 9,
			    ov_owner_name(r->owner[l][m]));
		fprintf(f, " %8zu %9zu %6zu %7zu %8zu\n",
		    t->own[l][OV_OWNER_CUSTOMER],
		    t->own[l][OV_OWNER_MICROSOFT], t->own[l][OV_OWNER_SHARED],
		    t->own[l][OV_OWNER_UNKNOWN], t->findings[l]);
	}
	if (t->n_unknown > 0) {
		fprintf(f, "\n%zu resource type(s) not in the service-model "
		    "table (owner unknown):\n", t->n_unknown);
		for (i = 0; i < t->n_unknown && i < 32; i++)
			fprintf(f, "  %s (%zu)\n", t->unknown[i],
			    t->unknown_counts[i]);
	}
}

static void
write_json(const struct tally *t, FILE *f)
{
	const struct ov_raci *r = t->raci;
	size_t i;
	int l, m, s;

	fprintf(f, "{\n  \"resources\": %zu,\n  \"serviceModels\": {",
	    t->total);
	for (m = 0; m < OV_MODEL__COUNT; m++)
		fprintf(f, "\"%s\": %zu, ", ov_raci__model_name(m),
		    t->by_model[m]);
	fprintf(f, "\"unknown\": %zu},\n  \"unknownTypes\": [",
	    t->by_model[OV_MODEL__COUNT]);
	for (i = 0; i < t->n_unknown && i < 32; i++) {
		fputs(i > 0 ? ", " : "", f);
		fputs("{\"type\": ", f);
		(void)ov_json_fput_string(t->unknown[i], f);
		fprintf(f, ", \"resources\": %zu}", t->unknown_counts[i]);
	}
	fputs("],\n  \"layers\": [", f);
	for (l = 1; l < OV_LAYER__COUNT; l++) {
		fprintf(f, "%s\n    {\"layer\": \"%s\", \"title\": ",
		    l > 1 ? "," : "", ov_layer_name((ov_layer)l));
		(void)ov_json_fput_string(title_of(r, l), f);
		fputs(", \"owner\": {", f);
		for (m = 0; m < OV_MODEL__COUNT; m++)
			fprintf(f, "%s\"%s\": \"%s\"", m > 0 ? ", " : "",
			    ov_raci__model_name(m),
			    ov_owner_name(r->owner[l][m]));
		fprintf(f, "}, \"resources\": {\"customer\": %zu, "
		    "\"microsoft\": %zu, \"shared\": %zu, \"unknown\": %zu}",
		    t->own[l][OV_OWNER_CUSTOMER],
		    t->own[l][OV_OWNER_MICROSOFT], t->own[l][OV_OWNER_SHARED],
		    t->own[l][OV_OWNER_UNKNOWN]);
		fprintf(f, ", \"findings\": {\"open\": %zu", t->findings[l]);
		for (s = 4; s >= 0; s--)
			fprintf(f, ", \"%s\": %zu",
			    ov_severity_name((ov_severity)s), t->sev[l][s]);
		fputs("}}", f);
	}
	fputs("\n  ]\n}\n", f);
}

static void
write_html(const struct tally *t, FILE *f)
{
	const struct ov_raci *r = t->raci;
	size_t i;
	int l, m;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8"
	    "\"><title>Shared responsibility</title>\n<style>body{font-family:"
	    "sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:"
	    "1px solid #bbb;padding:4px 8px;text-align:left}.customer{"
	    "background:#fde2c8}.microsoft{background:#d6e8fa}.shared{"
	    "background:#e6dcf5}.n{text-align:right}</style></head><body>\n"
	    "<h1>Shared responsibility</h1>\n", f);
	fprintf(f, "<p>%zu resources: IaaS %zu, PaaS %zu, SaaS %zu, "
	    "on-premises %zu, unknown type %zu.</p>\n", t->total,
	    t->by_model[OV_MODEL_IAAS], t->by_model[OV_MODEL_PAAS],
	    t->by_model[OV_MODEL_SAAS], t->by_model[OV_MODEL_ONPREM],
	    t->by_model[OV_MODEL__COUNT]);
	fputs("<table><tr><th>Layer</th><th>IaaS</th><th>PaaS</th><th>SaaS"
	    "</th><th>On-premises</th><th>Customer-owned</th><th>Microsoft-"
	    "owned</th><th>Shared</th><th>Unknown</th><th>Open findings</th>"
	    "</tr>\n", f);
	for (l = 1; l < OV_LAYER__COUNT; l++) {
		fputs("<tr><td>", f);
		(void)ov__xml_fputs(f, title_of(r, l), false);
		fputs("</td>", f);
		for (m = 0; m < OV_MODEL__COUNT; m++)
			fprintf(f, "<td class=\"%s\">%s</td>",
			    ov_owner_name(r->owner[l][m]),
			    ov_owner_name(r->owner[l][m]));
		fprintf(f, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%zu</td></tr>\n",
		    t->own[l][OV_OWNER_CUSTOMER],
		    t->own[l][OV_OWNER_MICROSOFT], t->own[l][OV_OWNER_SHARED],
		    t->own[l][OV_OWNER_UNKNOWN], t->findings[l]);
	}
	fputs("</table>\n", f);
	if (t->n_unknown > 0) {
		fputs("<h2>Resource types with unknown service model</h2>"
		    "<ul>\n", f);
		for (i = 0; i < t->n_unknown && i < 32; i++) {
			fputs("<li>", f);
			(void)ov__xml_fputs(f, t->unknown[i], false);
			fprintf(f, " (%zu)</li>\n", t->unknown_counts[i]);
		}
		fputs("</ul>\n", f);
	}
	fputs("</body></html>\n", f);
}

/* Write the responsibility view of an estate (see overvisor/rules.h). */
int
ov_raci_write_matrix(const ov_raci *raci, const ov_snapshot *snap,
    const ov_findings *findings, const char *format, FILE *f)
{
	struct tally *t;
	int error = 0;

	if (raci == NULL || snap == NULL || format == NULL || f == NULL)
		return OV_EINVALID;
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0)
		return ov__error(raci->ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "unknown matrix format '%s'", format);
	if ((t = ov__calloc(1, sizeof(*t))) == NULL)
		return ov__error_oom(raci->ctx);
	t->raci = raci;
	if ((error = ov_snapshot_types(snap, on_type, t)) != 0)
		goto done;
	count_findings(t, findings);
	if (strcmp(format, "text") == 0)
		write_text(t, f);
	else if (strcmp(format, "json") == 0)
		write_json(t, f);
	else
		write_html(t, f);
	if (ferror(f))
		error = ov__error(raci->ctx, OV_EIO, OV_ERRCLASS_OS,
		    "cannot write the matrix");
done:
	ov__free(t);
	return error;
}
