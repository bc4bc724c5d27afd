/* SPDX-License-Identifier: MIT */
/*
 * overvisor inspect: per input file, the detected format, the record count,
 * records by type and every error with its position.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/iac.h"
#include "overvisor/json.h"
#include "overvisor/snapshot.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fputs("usage: overvisor inspect [--format text|json] [--syntax] PATH...\n"
	    "\n"
	    "Show what each input file holds: its detected format (manifest,\n"
	    "ndjson, arg-objectarray, arg-table, az-list, arm-list, arm-object,\n"
	    "graph-collection, graph-object, error-response, arm-template,\n"
	    "arm-parameters, terraform-plan), its record count, the records by\n"
	    "type, and every error with file:line:column.  Templates are\n"
	    "expanded into the resources they deploy; notes list what a\n"
	    "template or plan holds that is not checked (unmapped Terraform\n"
	    "types and attributes, remote linked templates).  Directories are\n"
	    "read recursively.\n"
	    "\n"
	    "  --format FMT   text (default) or json\n"
	    "  --syntax       check JSON well-formedness only (any JSON value)\n"
	    "  -h, --help     show this help\n"
	    "\n"
	    "Exit status: 0 when every input parses, 3 when any is bad,\n"
	    "2 on a usage error.\n", f);
}

struct type_walk {
	FILE	*f;		/* output */
	bool	 json;		/* JSON or text */
	size_t	 n;		/* types written so far */
};

static int
type_cb(const char *type, size_t count, void *payload)
{
	struct type_walk *w = payload;

	if (w->json) {
		fputs(w->n > 0 ? ",\n    " : "\n    ", w->f);
		ov_json_fput_string(type, w->f);
		fprintf(w->f, ": %zu", count);
	} else {
		fprintf(w->f, "  %8zu  %s\n", count, type);
	}
	w->n++;
	return 0;
}

/*
 * The sources the manifest lists (or the loader added for paged loose
 * exports), with the status the data supports and why it is partial or
 * failed.
 */
static void
print_sources_text(FILE *f, const ov_snapshot *snap)
{
	ov_source_info src;
	size_t i;

	for (i = 0; ov_snapshot_source(snap, i, &src) == 0; i++) {
		if (i == 0)
			fprintf(f, "\nsources:\n");
		fprintf(f, "  %-14s %s", src.status != NULL ? src.status : "?",
		    src.name != NULL ? src.name : "?");
		if (src.reason != NULL)
			fprintf(f, ": %s", src.reason);
		fputc('\n', f);
	}
}

static void
print_sources_json(FILE *f, const ov_snapshot *snap)
{
	ov_source_info src;
	size_t i;

	fputs("  \"sources\": [", f);
	for (i = 0; ov_snapshot_source(snap, i, &src) == 0; i++) {
		fputs(i > 0 ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		ov_json_fput_string(src.name, f);
		fputs(", \"status\": ", f);
		ov_json_fput_string(src.status, f);
		fputs(", \"reason\": ", f);
		ov_json_fput_string(src.reason, f);
		fputc('}', f);
	}
	fputs(i > 0 ? "\n  ],\n" : "],\n", f);
}

static void
print_text(FILE *f, const ov_snapshot *snap)
{
	struct type_walk w = { f, false, 0 };
	ov_file_info fi;
	ov_diag_info d;
	size_t i, j;

	for (i = 0; ov_snapshot_file(snap, i, &fi) == 0; i++) {
		fprintf(f, "%s: %s, %zu record%s", fi.path, fi.format,
		    fi.records, fi.records == 1 ? "" : "s");
		if (fi.errors != 0)
			fprintf(f, ", %zu error%s", fi.errors,
			    fi.errors == 1 ? "" : "s");
		if (fi.warnings != 0)
			fprintf(f, ", %zu warning%s", fi.warnings,
			    fi.warnings == 1 ? "" : "s");
		fputc('\n', f);
		for (j = 0; ov_snapshot_file_diag(snap, i, j, &d) == 0; j++) {
			fprintf(f, "  %s:%u:%u: %s: %s", fi.path, d.line,
			    d.column, d.warning ? "warning" : "error",
			    d.message);
			if (d.pointer != NULL && d.pointer[0] != '\0')
				fprintf(f, " (at %s)", d.pointer);
			fputc('\n', f);
		}
		if (fi.errors + fi.warnings > j)
			fprintf(f, "  ... %zu more not shown\n",
			    fi.errors + fi.warnings - j);
		/* What a template or plan holds that is not checked. */
		for (j = 0; ov_snapshot_file_note(snap, i, j, &d) == 0; j++)
			if (d.line != 0)
				fprintf(f, "  %s:%u:%u: note: %s\n", fi.path,
				    d.line, d.column, d.message);
			else
				fprintf(f, "  %s: note: %s\n", fi.path,
				    d.message);
	}
	if (ov_snapshot_count(snap) != 0) {
		fprintf(f, "\nrecords by type:\n");
		ov_snapshot_types(snap, type_cb, &w);
	}
	print_sources_text(f, snap);
	fprintf(f, "\n%zu file%s, %zu record%s, %zu error%s",
	    ov_snapshot_n_files(snap), ov_snapshot_n_files(snap) == 1 ? "" : "s",
	    ov_snapshot_count(snap), ov_snapshot_count(snap) == 1 ? "" : "s",
	    ov_snapshot_n_errors(snap),
	    ov_snapshot_n_errors(snap) == 1 ? "" : "s");
	if (ov_snapshot_n_warnings(snap) != 0)
		fprintf(f, ", %zu warning%s", ov_snapshot_n_warnings(snap),
		    ov_snapshot_n_warnings(snap) == 1 ? "" : "s");
	fputc('\n', f);
}

/* The diagnostics of file i at one level, as a JSON array. */
static void
json_diags(FILE *f, const ov_snapshot *snap, size_t i, bool warnings)
{
	ov_diag_info d;
	size_t j, n = 0;

	fputc('[', f);
	for (j = 0; ov_snapshot_file_diag(snap, i, j, &d) == 0; j++) {
		if (d.warning != warnings)
			continue;
		fprintf(f, "%s{\"line\": %u, \"column\": %u, \"message\": ",
		    n++ > 0 ? ", " : "", d.line, d.column);
		ov_json_fput_string(d.message, f);
		if (d.pointer != NULL) {
			fputs(", \"pointer\": ", f);
			ov_json_fput_string(d.pointer, f);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

static void
print_json(FILE *f, const ov_snapshot *snap)
{
	struct type_walk w = { f, true, 0 };
	ov_file_info fi;
	ov_diag_info d;
	size_t i, j;

	fputs("{\n  \"files\": [", f);
	for (i = 0; ov_snapshot_file(snap, i, &fi) == 0; i++) {
		fputs(i > 0 ? ",\n    {" : "\n    {", f);
		fputs("\"path\": ", f);
		ov_json_fput_string(fi.path, f);
		fputs(", \"format\": ", f);
		ov_json_fput_string(fi.format, f);
		fprintf(f, ", \"records\": %zu, \"errors\": ", fi.records);
		json_diags(f, snap, i, false);
		fputs(", \"warnings\": ", f);
		json_diags(f, snap, i, true);
		fputs(", \"notes\": [", f);
		for (j = 0; ov_snapshot_file_note(snap, i, j, &d) == 0; j++) {
			fprintf(f, "%s{\"line\": %u, \"column\": %u, "
			    "\"message\": ", j > 0 ? ", " : "", d.line,
			    d.column);
			ov_json_fput_string(d.message, f);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs(i > 0 ? "\n  ],\n" : "],\n", f);
	fputs("  \"records_by_type\": {", f);
	ov_snapshot_types(snap, type_cb, &w);
	fputs(w.n > 0 ? "\n  },\n" : "},\n", f);
	print_sources_json(f, snap);
	fprintf(f, "  \"records\": %zu,\n  \"errors\": %zu,\n"
	    "  \"warnings\": %zu\n}\n", ov_snapshot_count(snap),
	    ov_snapshot_n_errors(snap), ov_snapshot_n_warnings(snap));
}

/* overvisor inspect */
int
cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "syntax", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_iac_options io = OV_IAC_OPTIONS_INIT;
	ov_snapshot *snap = NULL;
	ov_ctx *ctx = NULL;
	bool json = false;
	unsigned flags = 0;
	int c, i, status, error;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("inspect",
				    "unknown format '%s'", optarg);
			break;
		case 's':
			flags |= OV_LOAD_SYNTAX_ONLY;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("inspect", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("inspect", "no input PATH given");
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	io.data_dir = cli_data_dir();
	if (ov_snapshot_new(&snap, ctx) < 0 ||
	    ov_snapshot_set_iac(snap, &io) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	status = CLI_EXIT_OK;
	for (i = optind; i < argc; i++) {
		if ((error = ov_snapshot_load(snap, argv[i], flags)) < 0) {
			status = cli_error_ctx(ctx);
			if (error == OV_ENOMEM)
				goto done;
			ov_error_clear(ctx);
		}
	}
	if (json)
		print_json(stdout, snap);
	else
		print_text(stdout, snap);
	if (status == CLI_EXIT_OK && ov_snapshot_n_errors(snap) != 0)
		status = CLI_EXIT_INPUT;
done:
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
	return status;
}
