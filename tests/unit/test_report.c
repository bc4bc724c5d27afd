/* SPDX-License-Identifier: MIT */
/*
 * Reporters: byte-for-byte golden outputs of every format for the fixture
 * in report_fixture.h (with and without a framework view), plus properties
 * that do not depend on the goldens: JSON and NDJSON parse and carry the
 * right values, CSV reads back cell for cell, XML has no raw control bytes,
 * write errors surface as OV_EIO, and format names round-trip.
 *
 * Set OV_UPDATE_GOLDEN=1 to rewrite tests/golden/report/ from the current
 * output (then review the diff).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "overvisor/json.h"
#include "overvisor/report.h"
#include "report_fixture.h"

/* Render l in fmt, width columns (0: the default), into a heap string. */
static char *
render_w(ov_report_format fmt, bool compliance, unsigned flags,
    unsigned width, size_t *len)
{
	ov_report_input in;
	ov_findings *l = fx_findings();
	char *buf = NULL;
	size_t n = 0;
	FILE *f;
	int rc;

	assert_non_null(l);
	fx_input(&in, l, compliance);
	in.width = width;
	f = open_memstream(&buf, &n);
	assert_non_null(f);
	rc = ov_report_write(f, fmt, &in, flags);
	assert_int_equal(fclose(f), 0);
	ov_findings_free(l);
	assert_int_equal(rc, 0);
	if (len != NULL)
		*len = n;
	return buf;
}

/* Render l in fmt into a heap string (free with free()). */
static char *
render(ov_report_format fmt, bool compliance, unsigned flags, size_t *len)
{
	return render_w(fmt, compliance, flags, 0, len);
}

static const char *
golden_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/golden/report/%s",
	    ov_test_srcdir(), name);
	return path;
}

/* Compare fmt's output at width columns with a golden file, or rewrite. */
static void
check_golden_w(ov_report_format fmt, bool compliance, unsigned flags,
    unsigned width, const char *name)
{
	const char *path = golden_path(name);
	const char *update = getenv("OV_UPDATE_GOLDEN");
	char *got, *want;
	size_t glen, wlen, i;

	got = render_w(fmt, compliance, flags, width, &glen);
	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(got, 1, glen, f), glen);
		assert_int_equal(fclose(f), 0);
	}
	want = ov_test_read(path, &wlen);
	if (want == NULL)
		fail_msg("missing golden %s (run with OV_UPDATE_GOLDEN=1)",
		    path);
	for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
		;
	if (i != glen || i != wlen) {
		size_t line = 1, k;

		for (k = 0; k < i; k++)
			line += got[k] == '\n';
		fail_msg("%s differs from the golden at byte %zu (line %zu)",
		    name, i, line);
	}
	free(got);
	free(want);
}

static void
check_golden(ov_report_format fmt, bool compliance, unsigned flags,
    const char *name)
{
	check_golden_w(fmt, compliance, flags, 0, name);
}

/*
 * Text for a person: the summary first, no line wider than the terminal
 * at 80 and 120 columns, verbose details and exempt findings on request.
 */
static void
test_golden_text_widths(void **state)
{
	static const struct {
		unsigned	 width;
		unsigned	 flags;
		const char	*name;
	} cases[] = {
		{ 80, 0, "text.80.txt" },
		{ 120, 0, "text.120.txt" },
		{ 80, OV_REPORT_VERBOSE | OV_REPORT_SHOW_EXEMPT,
		  "text.80.verbose.txt" },
		{ 120, OV_REPORT_VERBOSE | OV_REPORT_SHOW_EXEMPT,
		  "text.120.verbose.txt" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *line, *nl;
		size_t len;

		check_golden_w(OV_REPORT_TEXT, true, cases[i].flags,
		    cases[i].width, cases[i].name);
		out = render_w(OV_REPORT_TEXT, true, cases[i].flags,
		    cases[i].width, &len);
		assert_true(strstr(out, "SUMMARY") < strstr(out, "FINDINGS"));
		for (line = out; (nl = strchr(line, '\n')) != NULL;
		    line = nl + 1) {
			size_t cols = 0;
			const char *p;

			/* columns: UTF-8 continuation bytes take none; the
			 * fixture's CJK and emoji take two */
			for (p = line; p < nl; p++)
				if (((unsigned char)*p & 0xc0) != 0x80)
					cols += ((unsigned char)*p >= 0xe3 &&
					    (unsigned char)*p <= 0xe9) ||
					    (unsigned char)*p == 0xf0 ? 2 : 1;
			if (cols > cases[i].width)
				fail_msg("%s: line wider than %u: %.*s",
				    cases[i].name, cases[i].width,
				    (int)(nl - line), line);
		}
		free(out);
	}
}

static void
test_golden_plain(void **state)
{
	(void)state;
	check_golden(OV_REPORT_TEXT, false, 0, "plain.txt");
	check_golden(OV_REPORT_TEXT, false, OV_REPORT_COLOR, "plain.color.txt");
	check_golden(OV_REPORT_JSON, false, 0, "plain.json");
	check_golden(OV_REPORT_NDJSON, false, 0, "plain.ndjson");
	check_golden(OV_REPORT_CSV, false, 0, "plain.csv");
	check_golden(OV_REPORT_SARIF, false, 0, "plain.sarif");
	check_golden(OV_REPORT_JUNIT, false, 0, "plain.junit.xml");
	check_golden(OV_REPORT_OCSF, false, 0, "plain.ocsf.ndjson");
	check_golden(OV_REPORT_HTML, false, 0, "plain.html");
}

static void
test_golden_compliance(void **state)
{
	(void)state;
	check_golden(OV_REPORT_TEXT, true, 0, "compliance.txt");
	check_golden(OV_REPORT_JSON, true, 0, "compliance.json");
	check_golden(OV_REPORT_NDJSON, true, 0, "compliance.ndjson");
	check_golden(OV_REPORT_CSV, true, 0, "compliance.csv");
	check_golden(OV_REPORT_SARIF, true, 0, "compliance.sarif");
	check_golden(OV_REPORT_JUNIT, true, 0, "compliance.junit.xml");
	check_golden(OV_REPORT_OCSF, true, 0, "compliance.ocsf.ndjson");
	check_golden(OV_REPORT_HTML, true, 0, "compliance.html");
}

/* Rendering twice, and from a differently built list, is identical. */
static void
test_deterministic(void **state)
{
	ov_report_format fmt;

	(void)state;
	for (fmt = OV_REPORT_TEXT; fmt < OV_REPORT__COUNT; fmt++) {
		size_t a_len, b_len;
		char *a = render(fmt, true, 0, &a_len);
		char *b = render(fmt, true, 0, &b_len);

		assert_int_equal(a_len, b_len);
		assert_memory_equal(a, b, a_len);
		free(a);
		free(b);
	}
}

static const ov_json *
get(const ov_json *v, const char *key)
{
	const ov_json *r = ov_json_get(v, key);

	if (r == NULL)
		fail_msg("missing key %s", key);
	return r;
}

static void
test_json_shape(void **state)
{
	ov_json_doc *doc = NULL;
	const ov_json *root, *fs, *f0, *f1, *sum, *ev, *loc;
	size_t i, len;
	char *out;
	static const char *const top[] = {
		"tool", "generatedAt", "snapshot", "summary", "findings",
		"compliance"
	};
	static const char *const keys[] = {
		"rule", "title", "severity", "state", "resource", "layer",
		"owner", "duty", "responsible", "accountable", "consulted",
		"informed", "due", "controls", "evidence", "remediation",
		"fingerprint", "source"
	};

	(void)state;
	out = render(OV_REPORT_JSON, true, 0, &len);
	assert_int_equal(ov_json_parse(&doc, NULL, out, len, OV_JSON_STRICT,
	    NULL), 0);
	root = ov_json_doc_root(doc);
	assert_int_equal(ov_json_len(root), 6);
	for (i = 0; i < 6; i++)
		assert_string_equal(ov_json_member_at(root, i)->key, top[i]);
	assert_string_equal(ov_json_string(get(get(root, "tool"), "version")),
	    "0.1.0-test");
	assert_string_equal(ov_json_string(get(root, "generatedAt")),
	    "2024-05-01T06:30:00Z");
	sum = get(root, "summary");
	assert_int_equal((int)ov_json_number(get(sum, "total")), 8);
	assert_int_equal((int)ov_json_number(get(get(sum, "bySeverity"),
	    "high")), 2);
	assert_int_equal((int)ov_json_number(get(get(sum, "byLayer"),
	    "information-and-data")), 3);
	assert_int_equal((int)ov_json_number(get(get(sum, "byLayer"),
	    "unknown")), 1);
	assert_int_equal((int)ov_json_number(get(get(sum, "byOwner"),
	    "customer")), 5);
	assert_int_equal((int)ov_json_number(get(get(sum, "byDuty"),
	    "unassigned")), 2);
	assert_int_equal((int)ov_json_number(get(get(sum, "byState"),
	    "non-compliant")), 3);
	assert_int_equal((int)ov_json_number(get(sum, "rules")), 42);

	fs = get(root, "findings");
	assert_int_equal(ov_json_len(fs), 8);
	/* Sorted: the critical finding first, info last. */
	f0 = ov_json_at(fs, 0);
	assert_string_equal(ov_json_string(get(f0, "rule")), "OV-NET-004");
	assert_string_equal(ov_json_string(get(ov_json_at(fs, 7), "severity")),
	    "info");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_string_equal(ov_json_member_at(f0, i)->key, keys[i]);
	assert_string_equal(ov_json_string(get(f0, "due")), "2024-05-10");
	assert_string_equal(ov_json_string(get(f0, "responsible")),
	    "CSP operator");
	assert_string_equal(ov_json_string(get(f0, "accountable")),
	    "Customer IT");
	assert_int_equal(ov_json_len(get(f0, "consulted")), 1);
	assert_string_equal(ov_json_string(ov_json_at(get(f0, "informed"), 1)),
	    "CISO <office>");
	/* Evidence that is JSON text is embedded as JSON. */
	ev = get(ov_json_at(get(f0, "evidence"), 0), "value");
	assert_int_equal(ov_json_type_of(ev), OV_JSON_OBJECT);
	assert_string_equal(ov_json_string(get(ev, "destinationPortRange")),
	    "3389");
	assert_int_equal(ov_json_type_of(ov_json_path(ev, "nested.a")),
	    OV_JSON_ARRAY);
	/* Two storage findings sorted by resource id, case-insensitively. */
	f1 = ov_json_at(fs, 1);
	assert_string_equal(ov_json_string(get(f1, "rule")), "OV-STG-001");
	assert_string_equal(ov_json_string(get(get(f1, "resource"), "name")),
	    "stresearch01");
	assert_int_equal(ov_json_type_of(get(ov_json_at(get(f1, "evidence"),
	    0), "value")), OV_JSON_TRUE);
	for (i = 0; i < ov_json_len(fs); i++) {
		const ov_json *f = ov_json_at(fs, i);

		loc = ov_json_get(f, "location");
		if (strcmp(ov_json_string(get(f, "rule")), "OV-IAC-001") == 0) {
			assert_non_null(loc);
			assert_int_equal((int)ov_json_number(get(loc, "line")),
			    12);
			/* JSON string evidence stays a string. */
			assert_string_equal(ov_json_string(get(ov_json_at(
			    get(f, "evidence"), 0), "value")), "TLS1_0");
		} else
			assert_null(loc);
		if (strcmp(ov_json_string(get(f, "rule")), "OV-PATCH-001") ==
		    0) {
			/* Non-JSON evidence is a string; control chars kept
			 * escaped; invalid UTF-8 replaced. */
			assert_string_equal(ov_json_string(get(ov_json_at(
			    get(f, "evidence"), 0), "value")), "not json {");
			assert_string_equal(ov_json_string(get(f, "title")),
			    "Patch assessment failed \x01\x1b[31mred\x1b[0m");
			assert_non_null(strstr(ov_json_string(get(ov_json_at(
			    get(f, "evidence"), 0), "message")),
			    "invalid \xef\xbf\xbd byte"));
		}
		if (strcmp(ov_json_string(get(f, "rule")), "OV-IDN-002") == 0)
			assert_int_equal(ov_json_type_of(get(ov_json_at(
			    get(f, "evidence"), 0), "value")), OV_JSON_NULL);
	}
	assert_int_equal(ov_json_len(get(get(root, "compliance"),
	    "controls")), 6);
	ov_json_doc_free(doc);
	free(out);
}

static void
test_ndjson_lines(void **state)
{
	char *out, *line, *nl;
	size_t len, n = 0;

	(void)state;
	out = render(OV_REPORT_NDJSON, true, 0, &len);
	assert_true(len > 0 && out[len - 1] == '\n');
	for (line = out; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		ov_json_doc *doc = NULL;

		assert_int_equal(ov_json_parse(&doc, NULL, line,
		    (size_t)(nl - line), OV_JSON_STRICT, NULL), 0);
		assert_int_equal(ov_json_type_of(ov_json_doc_root(doc)),
		    OV_JSON_OBJECT);
		assert_non_null(ov_json_get(ov_json_doc_root(doc),
		    "fingerprint"));
		ov_json_doc_free(doc);
		n++;
	}
	/* Only findings: the compliance view does not leak in. */
	assert_int_equal(n, 8);
	free(out);
}

/* Minimal RFC 4180 reader: the next cell at *p; returns false at EOF. */
static bool
csv_cell(const char **p, char *cell, size_t size, bool *eol)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '\0')
		return false;
	if (*s == '"') {
		for (s++;; s++) {
			if (*s == '\0')
				fail_msg("unterminated quoted cell");
			if (*s == '"' && s[1] == '"')
				s++;
			else if (*s == '"') {
				s++;
				break;
			}
			assert_true(n + 1 < size);
			cell[n++] = *s;
		}
	} else
		for (; *s != ',' && *s != '\r' && *s != '\0'; s++) {
			assert_true(*s != '"' && *s != '\n');
			assert_true(n + 1 < size);
			cell[n++] = *s;
		}
	cell[n] = '\0';
	if (*s == ',') {
		*eol = false;
		s++;
	} else {
		assert_true(s[0] == '\r' && s[1] == '\n');
		*eol = true;
		s += 2;
	}
	*p = s;
	return true;
}

static void
test_csv_roundtrip(void **state)
{
	ov_findings *l = fx_findings();
	const ov_finding *f;
	const char *p;
	char cell[1024], *out;
	size_t row = 0, col = 0, len;
	bool eol;

	(void)state;
	out = render(OV_REPORT_CSV, false, 0, &len);
	p = out;
	while (csv_cell(&p, cell, sizeof(cell), &eol)) {
		if (row > 0) {
			f = ov_findings_get(l, row - 1);
			assert_non_null(f);
			if (col == 0)
				assert_string_equal(cell, f->fingerprint);
			if (col == 2)
				assert_string_equal(cell, f->rule);
			if (col == 5)
				assert_string_equal(cell, f->resource_id);
			if (col == 13 && f->accountable != NULL)
				assert_string_equal(cell, f->accountable);
			if (col == 17 && f->responsible != NULL &&
			    f->responsible[0] != '=')
				assert_string_equal(cell, f->responsible);
			if (col == 19 && f->n_informed == 2)
				assert_string_equal(cell, "Kestrel SOC;CISO "
				    "<office>");
			/* Every cell is formula-safe. */
			assert_true(strchr("=+-@\t\r", cell[0]) == NULL ||
			    cell[0] == '\0');
			if (col == 16 && f->remediation != NULL &&
			    strchr("=+-@", f->remediation[0]) != NULL) {
				assert_int_equal(cell[0], '\'');
				assert_string_equal(cell + 1, f->remediation);
			}
			if (col == 3 && strchr(f->title, '\n') != NULL)
				assert_string_equal(cell, f->title);
		}
		col++;
		if (eol) {
			assert_int_equal(col, 20);
			col = 0;
			row++;
		}
	}
	assert_int_equal(row, 1 + ov_findings_count(l));
	ov_findings_free(l);
	free(out);
}

static void
test_xml_clean(void **state)
{
	char *out;
	size_t len, i, cases = 0;
	const char *s;

	(void)state;
	out = render(OV_REPORT_JUNIT, true, 0, &len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		assert_true(c >= 0x20 || c == '\n' || c == '\t' || c == '\r');
		assert_true(c != 0x7f && c != 0xff);
	}
	for (s = out; (s = strstr(s, "<testcase ")) != NULL; s++)
		cases++;
	assert_int_equal(cases, 8 + 6);
	assert_non_null(strstr(out, "RDP &lt;3389&gt; reachable from the "
	    "internet &amp; unfiltered"));
	assert_null(strstr(out, "\x1b"));
	assert_non_null(strstr(out, "<testsuites name=\"overvisor\" "
	    "tests=\"14\" failures=\"5\" errors=\"1\" skipped=\"6\""));
	free(out);
}

static void
test_text_sanitised(void **state)
{
	char *out;
	size_t len;

	(void)state;
	out = render(OV_REPORT_TEXT, false, 0, &len);
	assert_null(memchr(out, 0x1b, len));
	assert_non_null(strstr(out, "Patch assessment failed ??[31mred?[0m"));
	free(out);
	out = render(OV_REPORT_TEXT, false, OV_REPORT_COLOR, &len);
	assert_non_null(strstr(out, "\033[1;31mCRITICAL\033[0m"));
	free(out);
	/*
	 * Nothing is cut: a name and an evidence value too long for the
	 * terminal wrap onto the next lines and come back whole once the
	 * line breaks and indentation are taken out.
	 */
	{
		char value[400], name[100], *flat;
		ov_evidence ev = { "p", value, NULL };
		ov_report_input in;
		ov_findings *l = NULL;
		ov_finding f;
		size_t i, k;
		FILE *mf;

		memset(value, 'v', sizeof(value) - 1);
		value[sizeof(value) - 1] = '\0';
		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		memset(&f, 0, sizeof(f));
		f.rule = "R";
		f.title = "t";
		f.state = OV_STATE_NON_COMPLIANT;
		f.resource_id = "/x";
		f.resource_name = name;
		f.evidence = &ev;
		f.n_evidence = 1;
		assert_int_equal(ov_findings_new(&l), 0);
		assert_int_equal(ov_findings_add(l, &f), 0);
		memset(&in, 0, sizeof(in));
		in.findings = l;
		in.width = 80;
		out = NULL;
		mf = open_memstream(&out, &len);
		assert_int_equal(ov_report_write(mf, OV_REPORT_TEXT, &in,
		    OV_REPORT_VERBOSE), 0);
		fclose(mf);
		flat = calloc(len + 1, 1);
		for (i = 0, k = 0; i < len; i++)
			if (out[i] != '\n' && out[i] != ' ')
				flat[k++] = out[i];
		assert_non_null(strstr(flat, name));
		assert_non_null(strstr(flat, value));
		assert_null(strchr(out, '~'));
		free(flat);
		free(out);
		ov_findings_free(l);
	}
}

/* HTML: self-contained, escaped, with the governance figures. */
static void
test_html(void **state)
{
	char *out;
	size_t len, i;

	(void)state;
	out = render(OV_REPORT_HTML, true, 0, &len);
	assert_true(strncmp(out, "<!DOCTYPE html>", 15) == 0);
	/* No scripts and nothing fetched from elsewhere. */
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "src="));
	assert_null(strstr(out, "href=\"h"));
	assert_null(strstr(out, "@import"));
	assert_non_null(strstr(out, "<svg "));
	assert_non_null(strstr(out, "RDP &lt;3389&gt; reachable from the "
	    "internet &amp; unfiltered"));
	assert_null(strstr(out, "<3389>"));
	for (i = 0; i < len; i++)
		assert_true((unsigned char)out[i] >= 0x20 || out[i] == '\n' ||
		    out[i] == '\t');
	/* Two non-compliant findings were due 2024-05-10, after the
	 * report date; none is overdue yet, the high/critical count is 2. */
	assert_non_null(strstr(out, "<b>2</b><span>high or critical"));
	assert_non_null(strstr(out, "<b>0</b><span>overdue"));
	assert_non_null(strstr(out, "Nothing is past its due date"));
	assert_non_null(strstr(out, "Compliance: CIS Microsoft Azure"));
	/* grouped by responsible party, details folded, exempt apart */
	assert_non_null(strstr(out, "<h3>CSP operator</h3>"));
	assert_non_null(strstr(out, "<summary>Evidence, parties and fix"));
	assert_non_null(strstr(out, "<h2>Exempt findings (1)</h2>"));
	assert_non_null(strstr(out, "<dt>Informed</dt><dd>Kestrel SOC, "
	    "CISO &lt;office&gt;</dd>"));
	/* identifiers break only after their separators */
	assert_non_null(strstr(out, "/<wbr>resourceGroups/<wbr>rg-Research"));
	free(out);
	/* Three weeks later both are overdue and listed first; the
	 * indeterminate one due 2024-06-01 is not (only non-compliant
	 * findings are overdue). */
	{
		ov_report_input in;
		ov_findings *l = fx_findings();
		char *buf = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&buf, &n);

		fx_input(&in, l, false);
		in.generated_at = FX_NOW + 21 * 86400;
		assert_int_equal(ov_report_write(f, OV_REPORT_HTML, &in, 0), 0);
		fclose(f);
		assert_non_null(strstr(buf, "<b>2</b><span>overdue"));
		assert_non_null(strstr(buf, "2 findings past the due date"));
		assert_non_null(strstr(buf, "<span class=\"overdue\">13d "
		    "late</span>"));
		free(buf);
		ov_findings_free(l);
	}
}

/* A full disk is reported, not ignored. */
static void
test_write_error(void **state)
{
	ov_report_input in;
	ov_findings *l = fx_findings();
	ov_report_format fmt;
	FILE *f;

	(void)state;
	fx_input(&in, l, true);
	for (fmt = OV_REPORT_TEXT; fmt < OV_REPORT__COUNT; fmt++) {
		if ((f = fopen("/dev/full", "w")) == NULL)
			skip();
		assert_int_equal(ov_report_write(f, fmt, &in, 0), OV_EIO);
		fclose(f);
	}
	ov_findings_free(l);
}

/* No findings: every format still writes a valid, empty report. */
static void
test_empty(void **state)
{
	ov_report_input in;
	ov_findings *l = NULL;
	ov_report_format fmt;
	ov_json_doc *doc = NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	assert_int_equal(ov_findings_new(&l), 0);
	memset(&in, 0, sizeof(in));
	in.findings = l;
	for (fmt = OV_REPORT_TEXT; fmt < OV_REPORT__COUNT; fmt++) {
		f = open_memstream(&buf, &n);
		assert_int_equal(ov_report_write(f, fmt, &in, 0), 0);
		fclose(f);
		if (fmt == OV_REPORT_JSON || fmt == OV_REPORT_SARIF) {
			assert_int_equal(ov_json_parse(&doc, NULL, buf, n,
			    OV_JSON_STRICT, NULL), 0);
			ov_json_doc_free(doc);
		}
		if (fmt == OV_REPORT_NDJSON || fmt == OV_REPORT_OCSF)
			assert_int_equal(n, 0);
		if (fmt == OV_REPORT_TEXT)
			assert_non_null(strstr(buf, "FINDINGS: none need "
			    "action"));
		if (fmt == OV_REPORT_HTML)
			assert_non_null(strstr(buf, "No findings need action."));
		free(buf);
		buf = NULL;
	}
	ov_findings_free(l);
}

static void
test_format_names(void **state)
{
	static const char *const names[] = {
		"text", "json", "ndjson", "csv", "sarif", "junit", "ocsf",
		"html"
	};
	ov_report_format fmt;
	size_t i;

	(void)state;
	for (i = 0; i < OV_REPORT__COUNT; i++) {
		assert_string_equal(ov_report_format_name((ov_report_format)i),
		    names[i]);
		assert_int_equal(ov_report_format_parse(names[i], &fmt), 0);
		assert_int_equal(fmt, (ov_report_format)i);
	}
	assert_int_equal(ov_report_format_parse("SARIF", &fmt), OV_EINVALID);
	assert_int_equal(ov_report_format_parse("xml", &fmt), OV_EINVALID);
	assert_int_equal(ov_report_format_parse("", &fmt), OV_EINVALID);
	assert_int_equal(ov_report_format_parse(NULL, &fmt), OV_EINVALID);
	assert_string_equal(ov_report_format_name(OV_REPORT__COUNT),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_plain),
		cmocka_unit_test(test_golden_text_widths),
		cmocka_unit_test(test_golden_compliance),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_ndjson_lines),
		cmocka_unit_test(test_csv_roundtrip),
		cmocka_unit_test(test_xml_clean),
		cmocka_unit_test(test_text_sanitised),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
