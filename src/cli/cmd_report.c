/* SPDX-License-Identifier: MIT */
/*
 * overvisor report: the monthly governance report from a findings store's
 * history, as HTML, Markdown or PDF.  PDF is the HTML page printed by
 * headless Chromium (Debian's chromium package), run as a separate program
 * when it is installed; HTML always works and prints well on its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "overvisor/governance.h"
#include "overvisor/report.h"
#include "overvisor/rules.h"
#include "overvisor/store.h"
#include "cli.h"
#include "report_fleet.h"

#define PDF_TIMEOUT	180	/* seconds Chromium may take to print */

enum fmt { FMT_HTML, FMT_MD, FMT_PDF };

static void
usage(FILE *f)
{
	fputs("usage: overvisor report --db DB [--month YYYY-MM]\n"
	    "           [--format html|md|pdf] [--output FILE]\n"
	    "           [--framework ID] [--tenant TENANT] [--title TEXT]\n"
	    "       overvisor report --fleet --db DB [--month YYYY-MM]\n"
	    "           [--format html|json|csv] [--output FILE]\n"
	    "           [--title TEXT]\n"
	    "\n"
	    "The monthly governance report, built from the history in a\n"
	    "findings store (every scan recorded with `scan --db` in the\n"
	    "month): SLA adherence per duty and responsible party, time to\n"
	    "remediate, opened/resolved/reopened trends, the overdue list,\n"
	    "exceptions expiring or expired, restore-test evidence against\n"
	    "RPO and RTO, policy enforcement coverage and the answers to the\n"
	    "contract questions, with an executive summary on page one.\n"
	    "\n"
	    "--fleet is the operator's roll-up over every tenant of the store\n"
	    "(operator mode): per tenant its status, SLA adherence overall and\n"
	    "per duty, open and overdue findings, the last collection and the\n"
	    "last complete one, and (PostgreSQL) failed and retrying jobs with\n"
	    "the newest reason.  A tenant never collected, failing, without a\n"
	    "scan in the month or last collected in part says so; it is never\n"
	    "shown as compliant.\n"
	    "\n"
	    "  --db DB           the findings store (SQLite file or\n"
	    "                    postgresql:// URL)\n"
	    "  --month YYYY-MM   the calendar month (UTC) to report on\n"
	    "                    (default: the current month)\n"
	    "  --format F        html (default), md (Markdown) or pdf;\n"
	    "                    with --fleet html, json or csv\n"
	    "  --fleet           the roll-up over every tenant\n"
	    "  --output FILE     write to FILE (required for pdf)\n"
	    "  --framework ID    add the framework view, e.g. cis-azure-3.0.0\n"
	    "  --tenant TENANT   the tenant, when the store holds several\n"
	    "  --title TEXT      the report title\n"
	    "\n"
	    "The figures are as of the end of the month, or now for the\n"
	    "current month (OVERVISOR_NOW fixes the clock).  PDF needs\n"
	    "headless Chromium (Debian package chromium, or OVERVISOR_CHROMIUM\n"
	    "naming the binary); without it, print the HTML from a browser.\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 input or no PDF renderer, 5 store,\n"
	    "70 internal error.\n", f);
}

/* "2026-11" -> [2026-11-01, 2026-12-01) in Unix seconds (UTC). */
static int
parse_month(const char *s, int64_t *from, int64_t *to)
{
	char buf[32];
	int y, m;

	if (strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d", &y, &m) != 2 ||
	    y < 1970 || y > 9999 || m < 1 || m > 12)
		return -1;
	snprintf(buf, sizeof(buf), "%04d-%02d-01", y, m);
	if (ov_parse_time(buf, from) < 0)
		return -1;
	if (m == 12) {
		y++;
		m = 1;
	} else
		m++;
	snprintf(buf, sizeof(buf), "%04d-%02d-01", y, m);
	return ov_parse_time(buf, to) < 0 ? -1 : 0;
}

/* An executable named name on PATH (or a path), into out. */
static bool
find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p, *q;

	if (strchr(name, '/') != NULL) {
		snprintf(out, size, "%s", name);
		return access(out, X_OK) == 0;
	}
	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = q) {
		size_t n;

		q = strchr(p, ':');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (n > 0 && n + strlen(name) + 2 <= size &&
		    snprintf(out, size, "%.*s/%s", (int)n, p, name) <
		    (int)size && access(out, X_OK) == 0)
			return true;
		q = q != NULL ? q + 1 : p + n;
	}
	return false;
}

/* The Chromium to print with: OVERVISOR_CHROMIUM, else on PATH. */
static bool
find_chromium(char *out, size_t size)
{
	static const char *const names[] = { "chromium", "chromium-browser",
	    "google-chrome", "google-chrome-stable", NULL };
	const char *env = getenv("OVERVISOR_CHROMIUM");
	size_t i;

	if (env != NULL && *env != '\0')
		return find_program(env, out, size);
	for (i = 0; names[i] != NULL; i++)
		if (find_program(names[i], out, size))
			return true;
	return false;
}

/* Remove a directory tree Chromium left (one level of files, then dirs). */
static void
remove_tree(const char *dir)
{
	char cmd[4200];
	pid_t pid;
	int st;

	/* rm is simpler and safer than walking a browser profile by hand */
	snprintf(cmd, sizeof(cmd), "%s", dir);
	if ((pid = fork()) == 0) {
		execl("/bin/rm", "rm", "-rf", "--", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		(void)waitpid(pid, &st, 0);
}

/*
 * Print html (a file) to pdf with headless Chromium: no network, a fresh
 * profile, no sandbox (the page is our own, static and script-free).
 */
static int
print_pdf(const char *chromium, const char *html, const char *pdf,
    const char *tmpdir)
{
	char url[4400], out[4400], profile[4400];
	char *argv[16];
	struct stat sb;
	pid_t pid;
	time_t start = time(NULL);
	int st = 0, i = 0, devnull;

	snprintf(url, sizeof(url), "file://%s", html);
	snprintf(out, sizeof(out), "--print-to-pdf=%s", pdf);
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile",
	    tmpdir);
	argv[i++] = (char *)(uintptr_t)chromium;
	argv[i++] = "--headless";
	argv[i++] = "--no-sandbox";
	argv[i++] = "--disable-gpu";
	argv[i++] = "--no-first-run";
	argv[i++] = "--disable-background-networking";
	argv[i++] = "--disable-component-update";
	argv[i++] = "--disable-sync";
	argv[i++] = "--no-pdf-header-footer";
	argv[i++] = profile;
	argv[i++] = out;
	argv[i++] = url;
	argv[i] = NULL;
	(void)unlink(pdf);
	if ((pid = fork()) < 0) {
		cli_error("cannot start %s: %s", chromium, strerror(errno));
		return CLI_EXIT_INTERNAL;
	}
	if (pid == 0) {
		if ((devnull = open("/dev/null", O_WRONLY)) >= 0) {
			(void)dup2(devnull, STDOUT_FILENO);
			(void)dup2(devnull, STDERR_FILENO);
		}
		execv(chromium, argv);
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (time(NULL) - start > PDF_TIMEOUT) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			cli_error("%s did not finish printing the PDF within "
			    "%d s", chromium, PDF_TIMEOUT);
			return CLI_EXIT_INPUT;
		}
		{
			struct timespec ts = { 0, 100000000L };

			(void)nanosleep(&ts, NULL);
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || stat(pdf, &sb) != 0 ||
	    sb.st_size == 0) {
		cli_error("%s could not print the PDF (exit %d); the HTML "
		    "report still works: --format html", chromium,
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return CLI_EXIT_INPUT;
	}
	return 0;
}

/* Copy the printed PDF to where it was asked for. */
static int
copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;
	int rc = 0;

	if ((in = fopen(from, "rb")) == NULL) {
		cli_error("%s: cannot read", from);
		return CLI_EXIT_INTERNAL;
	}
	if ((out = cli_open_output(to)) == NULL) {
		fclose(in);
		return CLI_EXIT_USAGE;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			rc = CLI_EXIT_INPUT;
			break;
		}
	if (ferror(in))
		rc = CLI_EXIT_INPUT;
	fclose(in);
	if (cli_close_output(out) != 0)
		rc = CLI_EXIT_INPUT;
	if (rc != 0)
		cli_error("cannot write %s", to);
	return rc;
}

/* Write the report as PDF: HTML in a temporary directory, then print. */
static int
write_pdf(const ov_governance *g, const char *output)
{
	char chromium[4096], tmpl[] = "/tmp/overvisor-report.XXXXXX";
	char html[4200], pdf[4200];
	const char *dir;
	FILE *f;
	int rc;

	if (!find_chromium(chromium, sizeof(chromium))) {
		cli_error("PDF needs headless Chromium, which was not found "
		    "(install the Debian package chromium, or set "
		    "OVERVISOR_CHROMIUM); --format html works without it and "
		    "prints on A4 or Letter from any browser");
		return CLI_EXIT_INPUT;
	}
	if ((dir = mkdtemp(tmpl)) == NULL) {
		cli_error("cannot create a temporary directory: %s",
		    strerror(errno));
		return CLI_EXIT_INTERNAL;
	}
	snprintf(html, sizeof(html), "%s/report.html", dir);
	/* Chromium writes the PDF next to the page; it is copied after */
	snprintf(pdf, sizeof(pdf), "%s/report.pdf", dir);
	if ((f = fopen(html, "w")) == NULL) {
		cli_error("%s: cannot open for writing", html);
		rc = CLI_EXIT_INTERNAL;
		goto done;
	}
	if (ov_governance_write(f, OV_GOVERNANCE_HTML, g, 0) < 0 ||
	    fclose(f) != 0) {
		cli_error("cannot write %s", html);
		rc = CLI_EXIT_INTERNAL;
		goto done;
	}
	if ((rc = print_pdf(chromium, html, pdf, dir)) != 0)
		goto done;
	rc = copy_file(pdf, output);
done:
	remove_tree(dir);
	return rc;
}

/* overvisor report */
int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "month", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "framework", required_argument, NULL, 'F' },
		{ "tenant", required_argument, NULL, 't' },
		{ "title", required_argument, NULL, 'T' },
		{ "fleet", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_governance_options go = OV_GOVERNANCE_OPTIONS_INIT;
	const char *db = NULL, *month = NULL, *output = NULL, *fw_id = NULL;
	enum fmt fmt = FMT_HTML;
	struct fleet_opts fo;
	const char *fmt_arg = "html";
	char this_month[40];
	bool fleet = false;
	ov_framework *fw = NULL;
	ov_governance *g = NULL;
	ov_store *s = NULL;
	ov_ctx *ctx = NULL;
	FILE *out = NULL;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'm': month = optarg; break;
		case 'o': output = optarg; break;
		case 'F': fw_id = optarg; break;
		case 't': go.tenant = optarg; break;
		case 'T': go.title = optarg; break;
		case 'L': fleet = true; break;
		case 'f':
			fmt_arg = optarg;
			if (strcmp(optarg, "json") == 0 ||
			    strcmp(optarg, "csv") == 0)
				fmt = FMT_HTML;	/* --fleet only: below */
			else if (strcmp(optarg, "html") == 0)
				fmt = FMT_HTML;
			else if (strcmp(optarg, "md") == 0 ||
			    strcmp(optarg, "markdown") == 0)
				fmt = FMT_MD;
			else if (strcmp(optarg, "pdf") == 0)
				fmt = FMT_PDF;
			else
				return cli_usage_error("report", "unknown "
				    "format '%s' (html, md or pdf)", optarg);
			break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("report", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'",
		    argv[optind]);
	if (db == NULL)
		return cli_usage_error("report", "--db is required");
	if (fleet && (fw_id != NULL || go.tenant != NULL ||
	    strcmp(fmt_arg, "md") == 0 || strcmp(fmt_arg, "markdown") == 0 ||
	    strcmp(fmt_arg, "pdf") == 0))
		return cli_usage_error("report", "--fleet takes --format html, "
		    "json or csv, and no --tenant or --framework");
	if (!fleet && (strcmp(fmt_arg, "json") == 0 ||
	    strcmp(fmt_arg, "csv") == 0))
		return cli_usage_error("report", "--format %s is for --fleet; "
		    "a tenant's report is html, md or pdf", fmt_arg);
	if (month == NULL) {
		/* the current month, by the clock (OVERVISOR_NOW) */
		if ((rc = cli_ctx_new(&ctx)) != 0)
			return rc;
		ov_format_time(ov_ctx_now(ctx), this_month,
		    sizeof(this_month));
		ov_ctx_free(ctx);
		ctx = NULL;
		this_month[7] = '\0';
		month = this_month;
	}
	if (parse_month(month, &go.from, &go.to) < 0)
		return cli_usage_error("report", "--month: '%s' is not a month "
		    "(YYYY-MM)", month);
	if (fleet) {
		memset(&fo, 0, sizeof(fo));
		fo.month = month;
		fo.from = go.from;
		fo.to = go.to;
		fo.format = fmt_arg;
		fo.output = output;
		fo.title = go.title;
		if ((rc = cli_ctx_new(&ctx)) != 0)
			return rc;
		rc = cli_report_fleet(ctx, db, &fo);
		ov_ctx_free(ctx);
		return rc;
	}
	if (fmt == FMT_PDF && (output == NULL || strcmp(output, "-") == 0))
		return cli_usage_error("report", "--format pdf needs --output "
		    "FILE");
	go.label = month;
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if (fw_id != NULL && ov_framework_load(&fw, ctx, cli_data_dir(),
	    fw_id) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	go.framework = fw;
	if (ov_store_open(&s, ctx, db, OV_STORE_READONLY) < 0 ||
	    ov_store_governance(s, &go, &g) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (fmt == FMT_PDF) {
		rc = write_pdf(g, output);
		goto done;
	}
	if ((out = cli_open_output(output)) == NULL) {
		rc = CLI_EXIT_USAGE;
		goto done;
	}
	if (ov_governance_write(out, fmt == FMT_MD ? OV_GOVERNANCE_MARKDOWN :
	    OV_GOVERNANCE_HTML, g, 0) < 0 || cli_close_output(out) != 0) {
		out = NULL;
		cli_error("cannot write the report%s%s", output != NULL ?
		    " to " : "", output != NULL ? output : "");
		rc = CLI_EXIT_INPUT;
		goto done;
	}
	out = NULL;
done:
	if (out != NULL)
		(void)cli_close_output(out);
	ov_governance_free(g);
	ov_store_close(s);
	ov_framework_free(fw);
	ov_ctx_free(ctx);
	return rc;
}
