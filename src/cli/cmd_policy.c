/* SPDX-License-Identifier: MIT */
/*
 * overvisor policy check|eval|explain: compile Azure Policy definitions,
 * evaluate them on inputs, and show the compiled IR with a trace.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/contract.h"
#include "overvisor/json.h"
#include "overvisor/policy.h"
#include "overvisor/rules.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "overvisor/whatif.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fputs("usage: overvisor policy check [--format text|json] "
	    "[--aliases FILE] PATH...\n"
	    "       overvisor policy eval --definition PATH... "
	    "[--param NAME=JSON...] [--standalone]\n"
	    "                             --input PATH... "
	    "[--format text|json] [--aliases FILE]\n"
	    "       overvisor policy explain --definition PATH... "
	    "[--input PATH...] [--ir]\n"
	    "                             [--format text|json]\n"
	    "       overvisor policy whatif --assignment ID "
	    "[--definition PATH...]\n"
	    "                             [--contract FILE] "
	    "[--format text|json] PATH...\n"
	    "\n"
	    "check    compile definitions, initiatives and assignments and "
	    "report\n"
	    "         counts, unsupported items and errors\n"
	    "eval     print one result per (definition, record): state, "
	    "effect,\n"
	    "         evidence (deciding condition, resource path, value); "
	    "when the\n"
	    "         input holds assignments, they decide what runs, as in "
	    "Azure\n"
	    "explain  print the compiled IR and, with --input, the "
	    "evaluation trace\n"
	    "whatif   evaluate an assignment found in the snapshot at PATH as "
	    "if its\n"
	    "         effect were deny and it were enforced: every existing "
	    "resource\n"
	    "         it would block, grouped by scope and owner, and a "
	    "verdict\n"
	    "\n"
	    "  --definition PATH  definition, initiative or assignment file "
	    "or directory\n"
	    "  --param NAME=JSON  parameter value (a bare word is a string)\n"
	    "  --input PATH       snapshot, export or resource file\n"
	    "  --aliases FILE     alias table (az provider list shape)\n"
	    "  --api-version V    requestContext().apiVersion for records\n"
	    "  --format FMT       text (default) or json\n"
	    "  --standalone       eval: evaluate the definitions with their "
	    "defaults\n"
	    "                     and --param values, ignoring assignments "
	    "found in\n"
	    "                     the input\n"
	    "  --ir               explain: the IR only, no trace\n"
	    "  --assignment ID    whatif: assignment id or name\n"
	    "  --contract FILE    whatif: operator contract (accountable "
	    "party)\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "Exit status: 0 on success, 3 when a definition or an input has "
	    "errors,\n2 on a usage error.\n", f);
}

static int
file_sink(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : OV_EIO;
}

#define MAX_PATHS 512

struct opts {
	const char	 *defs[MAX_PATHS]; /* --definition and positional */
	size_t		  n_defs;
	const char	 *inputs[MAX_PATHS]; /* --input */
	size_t		  n_inputs;
	const char	 *params[MAX_PATHS]; /* --param */
	size_t		  n_params;
	const char	 *aliases;	/* --aliases */
	const char	 *api_version;	/* --api-version */
	bool		  json;		/* --format json */
	bool		  ir_only;	/* --ir: no trace */
	bool		  standalone;	/* --standalone: ignore assignments */
	const char	 *assignment;	/* --assignment (whatif) */
	const char	 *contract;	/* --contract (whatif) */
};

static int
push(const char **arr, size_t *n, const char *s)
{
	if (*n == MAX_PATHS) {
		cli_error("more than %d paths or parameters", MAX_PATHS);
		return -1;
	}
	arr[(*n)++] = s;
	return 0;
}

static void
opts_free(struct opts *o)
{
	(void)o;
}

static int
parse_opts(const char *verb, int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "definition", required_argument, NULL, 'd' },
		{ "input", required_argument, NULL, 'i' },
		{ "param", required_argument, NULL, 'p' },
		{ "aliases", required_argument, NULL, 'a' },
		{ "api-version", required_argument, NULL, 'v' },
		{ "format", required_argument, NULL, 'f' },
		{ "ir", no_argument, NULL, 'r' },
		{ "assignment", required_argument, NULL, 'A' },
		{ "contract", required_argument, NULL, 'c' },
		{ "standalone", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:i:p:a:v:f:rA:c:sh", lo, NULL)) !=
	    -1) {
		switch (c) {
		case 'd':
			if (push(o->defs, &o->n_defs, optarg) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'i':
			if (push(o->inputs, &o->n_inputs, optarg) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'p':
			if (strchr(optarg, '=') == NULL)
				return cli_usage_error("policy",
				    "--param needs NAME=JSON");
			if (push(o->params, &o->n_params, optarg) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'a':
			o->aliases = optarg;
			break;
		case 'v':
			o->api_version = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				o->json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("policy",
				    "unknown format '%s'", optarg);
			break;
		case 'r':
			o->ir_only = true;
			break;
		case 'A':
			o->assignment = optarg;
			break;
		case 'c':
			o->contract = optarg;
			break;
		case 's':
			o->standalone = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return cli_usage_error("policy", "bad option for %s",
			    verb);
		}
	}
	/* Positional paths are definitions, except for whatif: inputs. */
	for (; optind < argc; optind++)
		if (strcmp(verb, "whatif") == 0 ? push(o->inputs, &o->n_inputs,
		    argv[optind]) < 0 : push(o->defs, &o->n_defs,
		    argv[optind]) < 0)
			return CLI_EXIT_USAGE;
	return 0;
}

static int
load_set(ov_ctx *ctx, const struct opts *o, ov_policy_set **out)
{
	ov_policy_set *set = NULL;
	size_t i;
	int error;

	if ((error = ov_policy_set_new(&set, ctx)) < 0)
		return cli_error_ctx(ctx);
	if (o->aliases != NULL) {
		if (ov_policy_set_load_aliases(set, o->aliases) < 0) {
			ov_policy_set_free(set);
			return cli_error_ctx(ctx);
		}
	} else if (ov_policy_set_default_aliases(set, cli_data_dir()) < 0) {
		cli_warn("no alias table found under %s/data/aliases; "
		    "aliases will not resolve", cli_data_dir());
		ov_error_clear(ctx);
	}
	if (o->api_version != NULL)
		(void)ov_policy_set_api_version(set, o->api_version);
	for (i = 0; i < o->n_params; i++) {
		char name[256];
		const char *eq = strchr(o->params[i], '=');

		snprintf(name, sizeof(name), "%.*s",
		    (int)(eq - o->params[i]), o->params[i]);
		if (ov_policy_set_set_param(set, name, eq + 1) < 0) {
			ov_policy_set_free(set);
			return cli_error_ctx(ctx);
		}
	}
	for (i = 0; i < o->n_defs; i++)
		if (ov_policy_set_add_file(set, o->defs[i]) < 0) {
			ov_policy_set_free(set);
			return cli_error_ctx(ctx);
		}
	if (ov_policy_set_compile(set) < 0) {
		ov_policy_set_free(set);
		return cli_error_ctx(ctx);
	}
	*out = set;
	return 0;
}

/* Diagnostic i of a policy set or a rule set. */
typedef int (*diag_fn)(const void *src, size_t i, ov_policy_diag *out);

static int
set_diag(const void *src, size_t i, ov_policy_diag *out)
{
	return ov_policy_set_diag(src, i, out);
}

static int
ruleset_diag(const void *src, size_t i, ov_policy_diag *out)
{
	return ov_ruleset_diag(src, i, out);
}

static void
print_diags(FILE *f, diag_fn get, const void *src, int level)
{
	ov_policy_diag d;
	size_t i;

	for (i = 0; get(src, i, &d) == 0; i++) {
		if (d.level != level)
			continue;
		fprintf(f, "%s:%u:%u: %s: %s%s%s\n",
		    d.file != NULL ? d.file : "(input)", d.line, d.column,
		    level == OV_POLICY_DIAG_ERROR ? "error" :
		    level == OV_POLICY_DIAG_WARNING ? "warning" :
		    "unsupported", d.message,
		    d.pointer != NULL && d.pointer[0] != '\0' ? " at " : "",
		    d.pointer != NULL ? d.pointer : "");
	}
}

static int
cmd_check(int argc, char **argv)
{
	struct opts o;
	ov_ctx *ctx = NULL;
	ov_policy_set *set = NULL;
	ov_policy_stats st;
	ov_policy_diag d;
	size_t i, n;
	int rc;

	if ((rc = parse_opts("check", argc, argv, &o)) != 0) {
		opts_free(&o);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	if (o.n_defs == 0) {
		opts_free(&o);
		return cli_usage_error("policy", "check needs a PATH");
	}
	if ((rc = cli_ctx_new(&ctx)) != 0 || (rc = load_set(ctx, &o,
	    &set)) != 0)
		goto done;
	(void)ov_policy_set_stats(set, &st);
	if (o.json) {
		printf("{\"compiled\":%zu,\"definitions\":%zu,"
		    "\"initiatives\":%zu,\"assignments\":%zu,"
		    "\"unsupported\":[", st.compiled, st.definitions,
		    st.initiatives, st.assignments);
		for (i = 0, n = 0; ov_policy_set_diag(set, i, &d) == 0; i++) {
			if (d.level != OV_POLICY_DIAG_UNSUPPORTED)
				continue;
			fputs(n++ > 0 ? ",{\"file\":" : "{\"file\":", stdout);
			ov_json_fput_string(d.file, stdout);
			fputs(",\"reason\":", stdout);
			ov_json_fput_string(d.message, stdout);
			fputc('}', stdout);
		}
		fputs("],\"errors\":[", stdout);
		for (i = 0, n = 0; ov_policy_set_diag(set, i, &d) == 0; i++) {
			if (d.level != OV_POLICY_DIAG_ERROR)
				continue;
			fputs(n++ > 0 ? ",{\"file\":" : "{\"file\":", stdout);
			ov_json_fput_string(d.file, stdout);
			fputs(",\"pointer\":", stdout);
			ov_json_fput_string(d.pointer, stdout);
			printf(",\"line\":%u,\"column\":%u,\"message\":",
			    d.line, d.column);
			ov_json_fput_string(d.message, stdout);
			fputc('}', stdout);
		}
		fputs("]}\n", stdout);
	} else {
		print_diags(stderr, set_diag, set, OV_POLICY_DIAG_ERROR);
		print_diags(stderr, set_diag, set, OV_POLICY_DIAG_WARNING);
		printf("%zu definitions, %zu initiatives, %zu assignments: "
		    "%zu compiled, %zu unsupported, %zu errors, %zu warnings\n",
		    st.definitions, st.initiatives, st.assignments,
		    st.compiled, st.unsupported, st.errors, st.warnings);
	}
	rc = st.errors > 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
done:
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
	opts_free(&o);
	return rc;
}

struct eval_out {
	FILE	*f;		/* output */
	bool	 json;		/* JSON array */
	size_t	 n;		/* results written */
};

static int
eval_cb(const ov_policy_result *r, void *payload)
{
	struct eval_out *eo = payload;
	FILE *f = eo->f;

	if (!eo->json) {
		fprintf(f, "%s\t%s\t%s\t%s", r->definition_name,
		    r->resource_id != NULL ? r->resource_id : "-",
		    ov_state_name(r->state),
		    r->effect_name != NULL ? r->effect_name : "-");
		if (r->pointer != NULL)
			fprintf(f, "\t%s", r->pointer);
		if (r->path != NULL)
			fprintf(f, "\t%s=%s", r->path, r->value != NULL ?
			    r->value : "(absent)");
		if (r->reason != NULL)
			fprintf(f, "\t%s", r->reason);
		fputc('\n', f);
		eo->n++;
		return 0;
	}
	fputs(eo->n++ > 0 ? ",\n  {\"definition\":" : "\n  {\"definition\":",
	    f);
	ov_json_fput_string(r->definition_name, f);
	fputs(",\"displayName\":", f);
	ov_json_fput_string(r->display_name, f);
	if (r->assignment_id != NULL) {
		fputs(",\"assignment\":", f);
		ov_json_fput_string(r->assignment_id, f);
	}
	fputs(",\"resource\":", f);
	ov_json_fput_string(r->resource_id, f);
	fputs(",\"type\":", f);
	ov_json_fput_string(r->resource_type, f);
	fputs(",\"state\":", f);
	ov_json_fput_string(ov_state_name(r->state), f);
	fputs(",\"effect\":", f);
	ov_json_fput_string(r->effect_name, f);
	fputs(",\"evidence\":{\"pointer\":", f);
	ov_json_fput_string(r->pointer, f);
	fputs(",\"path\":", f);
	ov_json_fput_string(r->path, f);
	fputs(",\"value\":", f);
	if (r->value != NULL)
		fputs(r->value, f);
	else
		fputs("null", f);
	fputs(",\"reason\":", f);
	ov_json_fput_string(r->reason, f);
	fputc('}', f);
	if (r->change != NULL) {
		fputs(",\"change\":", f);
		fputs(r->change, f);
	}
	fputc('}', f);
	return 0;
}

static int
load_inputs(ov_ctx *ctx, const struct opts *o, ov_snapshot **out)
{
	ov_snapshot *snap = NULL;
	size_t i;

	if (ov_snapshot_new(&snap, ctx) < 0)
		return cli_error_ctx(ctx);
	for (i = 0; i < o->n_inputs; i++)
		if (ov_snapshot_load(snap, o->inputs[i], 0) < 0) {
			ov_snapshot_free(snap);
			return cli_error_ctx(ctx);
		}
	*out = snap;
	return 0;
}

/* The rule set of --definition, --param and the snapshot's assignments. */
static int
load_ruleset(ov_ctx *ctx, const struct opts *o, const ov_snapshot *snap,
    ov_ruleset **out)
{
	ov_ruleset_options ro = OV_RULESET_OPTIONS_INIT;

	ro.data_dir = cli_data_dir();
	ro.no_rules = true;
	ro.policy_paths = o->defs;
	ro.n_policy_paths = o->n_defs;
	ro.aliases_path = o->aliases;
	ro.params = o->params;
	ro.n_params = o->n_params;
	ro.api_version = o->api_version;
	/* As Azure: the snapshot's assignments and exemptions decide. */
	ro.snapshot = o->standalone ? NULL : snap;
	if (ov_ruleset_new(out, ctx, &ro) < 0)
		return cli_error_ctx(ctx);
	return 0;
}

static int
cmd_eval(int argc, char **argv)
{
	struct opts o;
	ov_ctx *ctx = NULL;
	ov_ruleset *rs = NULL;
	ov_snapshot *snap = NULL;
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *result = NULL;
	ov_policy_stats st;
	struct eval_out eo = { stdout, false, 0 };
	int rc;

	if ((rc = parse_opts("eval", argc, argv, &o)) != 0) {
		opts_free(&o);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	if (o.n_defs == 0 || o.n_inputs == 0) {
		opts_free(&o);
		return cli_usage_error("policy",
		    "eval needs --definition and --input");
	}
	eo.json = o.json;
	if ((rc = cli_ctx_new(&ctx)) != 0 || (rc = load_inputs(ctx, &o,
	    &snap)) != 0 || (rc = load_ruleset(ctx, &o, snap, &rs)) != 0)
		goto done;
	ov_ruleset_stats(rs, &st);
	print_diags(stderr, ruleset_diag, rs, OV_POLICY_DIAG_ERROR);
	if (st.unresolved > 0)
		fprintf(stderr, "overvisor: warning: %zu assignment target%s "
		    "or initiative member%s not loaded and not evaluated "
		    "(give the definitions with --definition)\n",
		    st.unresolved, st.unresolved == 1 ? "" : "s",
		    st.unresolved == 1 ? "" : "s");
	if (eo.json)
		fputc('[', stdout);
	/* The scan pipeline with the rules stage only, every result out. */
	so.data_dir = cli_data_dir();
	so.ruleset = rs;
	so.assigned = !o.standalone;
	so.no_analyzers = true;
	so.eval_flags = OV_POLICY_EVAL_ALL;
	so.on_result = eval_cb;
	so.result_payload = &eo;
	if (ov_scan_run(&result, ctx, snap, &so) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (eo.json)
		fputs(eo.n > 0 ? "\n]\n" : "]\n", stdout);
	rc = st.errors > 0 || ov_snapshot_n_errors(snap) > 0 ?
	    CLI_EXIT_INPUT : CLI_EXIT_OK;
done:
	ov_scan_result_free(result);
	ov_ruleset_free(rs);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
	opts_free(&o);
	return rc;
}

/* Collect explain text in memory. */
struct text {
	char	*p;	/* bytes, not terminated */
	size_t	 len;
	size_t	 cap;
};

static int
text_sink(const char *data, size_t len, void *payload)
{
	struct text *t = payload;

	if (t->len + len > t->cap) {
		size_t cap = t->cap != 0 ? t->cap : 4096;
		char *p;

		while (cap < t->len + len)
			cap *= 2;
		if ((p = realloc(t->p, cap)) == NULL)	/* checksrc: allow */
			return OV_ENOMEM;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, data, len);
	t->len += len;
	return 0;
}

/*
 * explain --format json: {"compiled", "errors", "explain": [the IR and
 * trace, one string per line], "results": [as eval --format json]}.
 */
static int
explain_json(ov_ctx *ctx, ov_policy_set *set, ov_snapshot *snap,
    const ov_policy_stats *st)
{
	struct text t = { NULL, 0, 0 };
	struct eval_out eo = { stdout, true, 0 };
	size_t i, start, n = 0;
	int rc = 0;

	if (ov_policy_explain(set, snap, text_sink, &t) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	printf("{\"compiled\": %zu, \"errors\": %zu, \"explain\": [",
	    st->compiled, st->errors);
	for (i = 0, start = 0; i <= t.len; i++) {
		if (i < t.len && t.p[i] != '\n')
			continue;
		if (i > start || i < t.len) {
			fputs(n++ > 0 ? ",\n  " : "\n  ", stdout);
			ov_json_write_string(t.p + start, i - start, 0,
			    file_sink, stdout);
		}
		start = i + 1;
	}
	fputs(n > 0 ? "\n], \"results\": [" : "], \"results\": [", stdout);
	if (snap != NULL && ov_policy_eval_snapshot(set, snap,
	    OV_POLICY_EVAL_ALL, eval_cb, &eo) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	fputs(eo.n > 0 ? "\n]}\n" : "]}\n", stdout);
done:
	free(t.p);	/* checksrc: allow */
	return rc;
}

static int
cmd_explain(int argc, char **argv)
{
	struct opts o;
	ov_ctx *ctx = NULL;
	ov_policy_set *set = NULL;
	ov_snapshot *snap = NULL;
	ov_policy_stats st;
	int rc;

	if ((rc = parse_opts("explain", argc, argv, &o)) != 0) {
		opts_free(&o);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	if (o.n_defs == 0) {
		opts_free(&o);
		return cli_usage_error("policy", "explain needs --definition");
	}
	if ((rc = cli_ctx_new(&ctx)) != 0 || (rc = load_set(ctx, &o,
	    &set)) != 0)
		goto done;
	if (o.n_inputs > 0 && !o.ir_only &&
	    (rc = load_inputs(ctx, &o, &snap)) != 0)
		goto done;
	(void)ov_policy_set_stats(set, &st);
	print_diags(stderr, set_diag, set, OV_POLICY_DIAG_ERROR);
	if (o.json)
		rc = explain_json(ctx, set, snap, &st);
	else if (ov_policy_explain(set, snap, file_sink, stdout) < 0)
		rc = cli_error_ctx(ctx);
	if (rc != 0)
		goto done;
	rc = st.errors > 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
done:
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
	opts_free(&o);
	return rc;
}

static void
whatif_json(FILE *f, const ov_whatif *w, const char *assignment,
    size_t unevaluated)
{
	const ov_whatif_group *g;
	const ov_whatif_item *it;
	size_t i;

	fputs("{\"assignment\": ", f);
	ov_json_fput_string(assignment, f);
	fprintf(f, ", \"complete\": %s, \"unevaluated\": %zu, "
	    "\"safe\": %s, \"blocked\": %zu, \"verdict\": ",
	    unevaluated == 0 ? "true" : "false", unevaluated,
	    ov_whatif_safe(w) && unevaluated == 0 ? "true" : "false",
	    ov_whatif_count(w));
	ov_json_fput_string(ov_whatif_verdict(w), f);
	fputs(", \"groups\": [", f);
	for (i = 0; (g = ov_whatif_group_at(w, i)) != NULL; i++) {
		fputs(i > 0 ? ", {\"scope\": " : "{\"scope\": ", f);
		ov_json_fput_string(g->scope, f);
		fputs(", \"owner\": ", f);
		ov_json_fput_string(g->owner, f);
		fprintf(f, ", \"count\": %zu}", g->count);
	}
	fputs("],\n \"resources\": [", f);
	for (i = 0; (it = ov_whatif_get(w, i)) != NULL; i++) {
		fputs(i > 0 ? ",\n  {\"id\": " : "\n  {\"id\": ", f);
		ov_json_fput_string(it->resource_id, f);
		fputs(", \"type\": ", f);
		ov_json_fput_string(it->resource_type, f);
		fputs(", \"scope\": ", f);
		ov_json_fput_string(it->scope, f);
		fputs(", \"owner\": ", f);
		ov_json_fput_string(it->owner, f);
		fputs(", \"reason\": ", f);
		ov_json_fput_string(it->reason, f);
		fputc('}', f);
	}
	fputs(i > 0 ? "\n]}\n" : "]}\n", f);
}

static void
whatif_text(FILE *f, const ov_whatif *w, const char *assignment,
    size_t unevaluated)
{
	const ov_whatif_group *g;
	const ov_whatif_item *it;
	const char *scope = NULL, *owner = NULL;
	size_t i;

	if (unevaluated != 0)
		fprintf(f, "what-if deny for %s: INCOMPLETE, %zu definition%s "
		    "not evaluated; of the rest: %s\n", assignment,
		    unevaluated, unevaluated == 1 ? "" : "s",
		    ov_whatif_verdict(w));
	else
		fprintf(f, "what-if deny for %s: %s\n", assignment,
		    ov_whatif_verdict(w));
	if (ov_whatif_count(w) == 0)
		return;
	fputs("\nby scope and owner:\n", f);
	for (i = 0; (g = ov_whatif_group_at(w, i)) != NULL; i++)
		fprintf(f, "  %5zu  %s  (owner %s)\n", g->count, g->scope,
		    g->owner);
	for (i = 0; (it = ov_whatif_get(w, i)) != NULL; i++) {
		if (scope == NULL || strcmp(scope, it->scope) != 0 ||
		    strcmp(owner, it->owner) != 0) {
			fprintf(f, "\n%s (owner %s)\n", it->scope, it->owner);
			scope = it->scope;
			owner = it->owner;
		}
		fprintf(f, "  %s\n      %s\n", it->resource_id,
		    it->reason != NULL ? it->reason : "");
	}
}

static int
cmd_whatif(int argc, char **argv)
{
	struct opts o;
	ov_ctx *ctx = NULL;
	ov_policy_set *set = NULL;
	ov_snapshot *snap = NULL;
	ov_contract *contract = NULL;
	ov_whatif *w = NULL;
	ov_policy_stats st;
	int rc;

	if ((rc = parse_opts("whatif", argc, argv, &o)) != 0) {
		opts_free(&o);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	if (o.assignment == NULL || o.n_inputs == 0) {
		opts_free(&o);
		return cli_usage_error("policy",
		    "whatif needs --assignment and a snapshot PATH");
	}
	if ((rc = cli_ctx_new(&ctx)) != 0 || (rc = load_inputs(ctx, &o,
	    &snap)) != 0 || (rc = load_set(ctx, &o, &set)) != 0)
		goto done;
	if (o.contract != NULL && ov_contract_load_file(&contract, ctx,
	    o.contract) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	/* The assignment, its definitions and exemptions come from the
	 * snapshot; built-ins it names come from --definition. */
	if (ov_policy_set_add_snapshot(set, snap) < 0 ||
	    ov_policy_set_stats(set, &st) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	print_diags(stderr, set_diag, set, OV_POLICY_DIAG_ERROR);
	if (ov_whatif_run(&w, ctx, set, snap, o.assignment, contract) < 0) {
		rc = cli_error_ctx(ctx);
		if (ov_error_last(ctx)->code == OV_ENOTFOUND && o.n_defs == 0)
			cli_error("if the assignment names a built-in "
			    "definition, pass the built-ins with --definition");
		goto done;
	}
	/* Only what the assignment asked about needs to be evaluable. */
	if (ov_policy_set_assignment_stats(set, o.assignment, &st) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	/*
	 * A definition that could not be used, or one that is not loaded at
	 * all, makes "safe" unknowable: say so and exit 3.
	 */
	if (st.errors > 0 || st.unresolved > 0) {
		cli_error("%zu definition%s could not be evaluated; the "
		    "verdict below is incomplete%s", st.errors + st.unresolved,
		    st.errors + st.unresolved == 1 ? "" : "s", o.n_defs == 0 ?
		    " (pass built-in definitions with --definition)" : "");
	}
	if (o.json)
		whatif_json(stdout, w, o.assignment, st.errors + st.unresolved);
	else
		whatif_text(stdout, w, o.assignment, st.errors + st.unresolved);
	rc = st.errors > 0 || st.unresolved > 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
done:
	ov_whatif_free(w);
	ov_contract_free(contract);
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
	opts_free(&o);
	return rc;
}

/* overvisor policy SUBCOMMAND ... */
int
cmd_policy(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "eval") == 0)
		return cmd_eval(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(argv[1], "whatif") == 0)
		return cmd_whatif(argc - 1, argv + 1);
	return cli_usage_error("policy", "unknown subcommand '%s'", argv[1]);
}
