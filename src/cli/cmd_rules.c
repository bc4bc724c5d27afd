/* SPDX-License-Identifier: MIT */
/*
 * overvisor rules: list the rule pack, run its fixtures through the policy
 * engine, and generate its documentation.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/rules.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fputs("usage: overvisor rules list [--format text|json] [--rules DIR]\n"
	    "                            [--kind rule|analyzer|all]\n"
	    "       overvisor rules test [--rules DIR] [--fixtures DIR]\n"
	    "                            [--aliases FILE] [--rule ID] [-v]\n"
	    "       overvisor rules docs --output DIR [--rules DIR]\n"
	    "                            [--analyzers DIR]\n"
	    "       overvisor rules frameworks\n"
	    "\n"
	    "list        show every rule (and with --kind, every analyzer\n"
	    "            check) with its kind, severity, layer and title\n"
	    "test        evaluate each rule on its fixtures (non-compliant,\n"
	    "            compliant, and a list-shaped record missing the\n"
	    "            field, which must be indeterminate)\n"
	    "docs        write one Markdown page per rule, index.md,\n"
	    "            cis-coverage.md and peer-coverage.md (Prowler,\n"
	    "            Checkov, PSRule) into DIR; a rule naming a peer\n"
	    "            check not in data/peers is an error; with\n"
	    "            --analyzers, one page per analyzer with its checks\n"
	    "            and index.md into that directory\n"
	    "frameworks  list the framework ids usable with --framework\n"
	    "\n"
	    "  --format FMT    text (default) or json\n"
	    "  --kind KIND     rule (default), analyzer or all\n"
	    "  --rules DIR     rule pack (default: the bundled rules/)\n"
	    "  --fixtures DIR  fixtures (default: tests/fixtures/rules)\n"
	    "  --rule ID       test only this rule\n"
	    "  --aliases FILE  alias table (az provider list shape) instead\n"
	    "                  of the shipped one\n"
	    "  --output DIR    documentation directory\n"
	    "  --analyzers DIR analyzer check pages (docs/analyzers)\n"
	    "  -v, --verbose   print every case, not only failures\n"
	    "  -h, --help      show this help\n"
	    "\n"
	    "Exit status: 0 success, 1 a fixture case failed, 2 usage,\n"
	    "3 a rule or fixture file is broken.\n", f);
}

struct opts {
	const char	*format;	/* list format */
	const char	*rules;		/* rule pack dir */
	const char	*fixtures;	/* fixtures dir */
	const char	*rule;		/* only this rule */
	const char	*output;	/* docs dir */
	const char	*aliases;	/* alias table for test */
	int		 verbose;	/* print passing cases */
	const char	*kind;		/* list: rule, analyzer, all */
	const char	*analyzers;	/* docs: check pages dir */
};

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ "fixtures", required_argument, NULL, 'x' },
		{ "rule", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "aliases", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "kind", required_argument, NULL, 'k' },
		{ "analyzers", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:vh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			o->format = optarg;
			break;
		case 'r':
			o->rules = optarg;
			break;
		case 'x':
			o->fixtures = optarg;
			break;
		case 'i':
			o->rule = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'a':
			o->aliases = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'k':
			o->kind = optarg;
			break;
		case 'z':
			o->analyzers = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return cli_usage_error("rules", "bad option");
		}
	}
	return 0;
}

static int
load_pack(ov_ctx *ctx, const struct opts *o, ov_rulepack **pack)
{
	char dir[4096];

	if (o->rules == NULL)
		snprintf(dir, sizeof(dir), "%s/rules", cli_data_dir());
	if (ov_rulepack_load(pack, ctx, o->rules != NULL ? o->rules :
	    dir) < 0)
		return cli_error_ctx(ctx);
	return 0;
}

static int
do_list(ov_ctx *ctx, const struct opts *o)
{
	ov_rulepack *pack = NULL;
	unsigned what;
	int status;

	if (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
		return cli_usage_error("rules", "unknown format '%s'",
		    o->format);
	if (strcmp(o->kind, "rule") == 0)
		what = OV_LIST_RULES;
	else if (strcmp(o->kind, "analyzer") == 0)
		what = OV_LIST_CHECKS;
	else if (strcmp(o->kind, "all") == 0)
		what = OV_LIST_RULES | OV_LIST_CHECKS;
	else
		return cli_usage_error("rules", "unknown kind '%s'", o->kind);
	if ((what & OV_LIST_RULES) &&
	    (status = load_pack(ctx, o, &pack)) != 0)
		return status;
	status = ov_rules_write_list(pack, what, strcmp(o->format, "json") == 0,
	    stdout);
	ov_rulepack_free(pack);
	return status < 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
}

static int
do_docs(ov_ctx *ctx, const struct opts *o)
{
	ov_rulepack *pack = NULL;
	int status;

	if (o->output == NULL)
		return cli_usage_error("rules", "docs needs --output DIR");
	if ((status = load_pack(ctx, o, &pack)) != 0)
		return status;
	if (ov_rulepack_write_docs(pack, ctx, cli_data_dir(), o->output) < 0 ||
	    (o->analyzers != NULL && ov_checks_write_docs(ctx,
	    o->analyzers) < 0))
		status = cli_error_ctx(ctx);
	ov_rulepack_free(pack);
	return status;
}

static int
print_fw(const char *id, const char *title, void *payload)
{
	(void)payload;
	printf("%-18s %s\n", id, title);
	return 0;
}

static int
do_frameworks(ov_ctx *ctx)
{
	if (ov_frameworks_list(ctx, cli_data_dir(), print_fw, NULL) < 0)
		return cli_error_ctx(ctx);
	return CLI_EXIT_OK;
}

static int
print_case(const ov_rule_case *c, void *payload)
{
	const struct opts *o = payload;

	if (c->ok && !o->verbose)
		return 0;
	printf("%s %-11s %-13s expected %-14s got %s%s%s\n",
	    c->ok ? "ok  " : "FAIL", c->rule, c->name != NULL ? c->name : "",
	    c->expected, c->actual, c->reason != NULL && !c->ok ? ": " : "",
	    c->reason != NULL && !c->ok ? c->reason : "");
	return 0;
}

static int
do_test(ov_ctx *ctx, struct opts *o)
{
	ov_rulepack *pack = NULL;
	ov_rule_test_stats st;
	char fx[4096];
	int status;

	if ((status = load_pack(ctx, o, &pack)) != 0)
		return status;
	if (o->rule != NULL && ov_rulepack_find(pack, o->rule) == NULL) {
		ov_rulepack_free(pack);
		return cli_usage_error("rules", "no rule '%s'", o->rule);
	}
	snprintf(fx, sizeof(fx), "%s/tests/fixtures/rules", cli_data_dir());
	if (ov_rulepack_test(pack, ctx, cli_data_dir(), o->aliases,
	    o->fixtures != NULL ? o->fixtures : fx, o->rule, print_case, o,
	    &st) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	printf("%zu rules, %zu cases, %zu failed, %zu rules without "
	    "fixtures\n", st.rules, st.cases, st.failed, st.missing);
	status = st.failed > 0 || st.missing > 0 ? CLI_EXIT_FINDINGS :
	    CLI_EXIT_OK;
done:
	ov_rulepack_free(pack);
	return status;
}

/* overvisor rules SUBCOMMAND ... */
int
cmd_rules(int argc, char **argv)
{
	struct opts o = { "text", NULL, NULL, NULL, NULL, NULL, 0, "rule",
	    NULL };
	ov_ctx *ctx = NULL;
	const char *sub;
	int status;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	sub = argv[1];
	if ((status = parse(argc - 1, argv + 1, &o)) != 0)
		return status < 0 ? CLI_EXIT_OK : status;
	if (optind != argc - 1)
		return cli_usage_error("rules", "unexpected argument '%s'",
		    argv[optind + 1]);
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	if (strcmp(sub, "list") == 0)
		status = do_list(ctx, &o);
	else if (strcmp(sub, "docs") == 0)
		status = do_docs(ctx, &o);
	else if (strcmp(sub, "frameworks") == 0)
		status = do_frameworks(ctx);
	else if (strcmp(sub, "test") == 0)
		status = do_test(ctx, &o);
	else
		status = cli_usage_error("rules", "unknown subcommand '%s'",
		    sub);
	ov_ctx_free(ctx);
	return status;
}
