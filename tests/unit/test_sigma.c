/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the Sigma engine: the golden tables of modifiers,
 * conditions and diagnostics (the YAML files of tests/golden/sigma),
 * correlations over events in and out of order, the log readers' shapes
 * and errors, and the findings a detection becomes.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "overvisor/json.h"
#include "overvisor/report.h"
#include "overvisor/sigma.h"

/* A rule set from one YAML text, compiled. */
static ov_sigma_rules *
rules_from(const char *text)
{
	ov_sigma_options so = OV_SIGMA_OPTIONS_INIT;
	ov_sigma_rules *rs = NULL;

	so.data_dir = ov_test_srcdir();
	assert_int_equal(ov_sigma_rules_new(&rs, NULL, &so), 0);
	assert_int_equal(ov_sigma_rules_load_buffer(rs, "rule.yml", text,
	    strlen(text)), 0);
	assert_int_equal(ov_sigma_rules_compile(rs), 0);
	return rs;
}

/* Run the events of text (any shape) through rs; the findings. */
static ov_findings *
detect(ov_sigma_rules *rs, const char *text, ov_sigma_stats *st)
{
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_findings *f = NULL;

	assert_int_equal(ov_sigma_detector_new(&d, NULL, rs, &o), 0);
	assert_int_equal(ov_sigma_detector_read_buffer(d, "events.json", text,
	    strlen(text)), 0);
	assert_int_equal(ov_findings_new(&f), 0);
	assert_int_equal(ov_sigma_detector_finish(d, f), 0);
	if (st != NULL)
		ov_sigma_detector_stats(d, st);
	ov_sigma_detector_free(d);
	return f;
}

/* A JSON text for v (caller frees). */
static char *
json_text(const ov_json *v)
{
	char *s = ov_json_to_string(v, 0);

	assert_non_null(s);
	return s;
}

/* Wrap an event as a Log Analytics AzureActivity row. */
static char *
activity_row(const ov_json *ev)
{
	char *body = json_text(ev), *out;
	size_t n = strlen(body) + 96;

	out = malloc(n);	/* checksrc: allow */
	assert_non_null(out);
	snprintf(out, n, "{\"Type\":\"AzureActivity\",\"TimeGenerated\":"
	    "\"2026-01-01T00:00:00Z\"%s%s", strlen(body) > 2 ? "," : "",
	    body + 1);
	ov_free(body);
	return out;
}

/* Build a rule text from a golden case's detection. */
static char *
golden_rule(const ov_json *detection, const char *service)
{
	char *det = json_text(detection), *out;
	size_t n = strlen(det) + 256;

	out = malloc(n);	/* checksrc: allow */
	assert_non_null(out);
	snprintf(out, n, "title: golden\nid: 6a1c3f9e-0000-4000-8000-0000000000"
	    "01\nlevel: high\nlogsource: {product: azure, service: %s}\n"
	    "detection: %s\n", service, det);
	ov_free(det);
	return out;
}

/* Load a golden file as a stream of cases. */
static ov_json_doc *
golden(const char *name, char **text)
{
	char path[1024];
	ov_json_doc *doc = NULL;
	ov_json_error err;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/golden/sigma/%s",
	    ov_test_srcdir(), name);
	*text = ov_test_read(path, &len);
	assert_non_null(*text);
	if (ov_json_parse_yaml(&doc, NULL, *text, len, OV_YAML_STREAM,
	    &err) != 0)
		fail_msg("%s:%u:%u: %s", path, err.line, err.column,
		    err.message);
	return doc;
}

/* Run every case of a match golden file. */
static void
run_match_golden(const char *file)
{
	const ov_json *cases, *c;
	ov_json_doc *doc;
	char *text;
	size_t i, k, n_checked = 0;

	doc = golden(file, &text);
	cases = ov_json_doc_root(doc);
	assert_true(ov_json_len(cases) > 5);
	for (i = 0; i < ov_json_len(cases); i++) {
		const char *name;
		char *rule;
		ov_sigma_rules *rs;
		int want;

		c = ov_json_at(cases, i);
		name = ov_json_string(ov_json_get(c, "name"));
		rule = golden_rule(ov_json_get(c, "detection"), "activitylogs");
		rs = rules_from(rule);
		if (ov_sigma_rules_n_diags(rs) != 0)
			fail_msg("%s: '%s': %s", file, name,
			    ov_sigma_rules_diag(rs, 0)->message);
		assert_int_equal(ov_sigma_rules_count(rs), 1);
		for (want = 1; want >= 0; want--) {
			const ov_json *evs = ov_json_get(c, want ? "match" :
			    "nomatch");

			for (k = 0; k < ov_json_len(evs); k++) {
				char *row = activity_row(ov_json_at(evs, k));
				ov_sigma_stats st;
				ov_findings *f = detect(rs, row, &st);

				assert_int_equal(st.events, 1);
				assert_int_equal(st.errors, 0);
				if ((int)ov_findings_count(f) != want)
					fail_msg("%s: '%s': event %s should %s"
					    "match", file, name, row, want ?
					    "" : "not ");
				n_checked++;
				ov_findings_free(f);
				free(row);	/* checksrc: allow */
			}
		}
		ov_sigma_rules_free(rs);
		free(rule);	/* checksrc: allow */
	}
	assert_true(n_checked > 2 * ov_json_len(cases));
	ov_json_doc_free(doc);
	free(text);	/* checksrc: allow */
}

static void
test_golden_modifiers(void **state)
{
	(void)state;
	run_match_golden("modifiers.yaml");
}

static void
test_golden_conditions(void **state)
{
	(void)state;
	run_match_golden("conditions.yaml");
}

static void
test_golden_errors(void **state)
{
	const ov_json *cases, *c;
	ov_json_doc *doc;
	char *text;
	size_t i;

	(void)state;
	doc = golden("errors.yaml", &text);
	cases = ov_json_doc_root(doc);
	for (i = 0; i < ov_json_len(cases); i++) {
		const char *name, *level, *msg;
		const ov_sigma_diag *d;
		ov_sigma_rules *rs;
		char *rule;

		c = ov_json_at(cases, i);
		name = ov_json_string(ov_json_get(c, "name"));
		level = ov_json_string(ov_json_get(c, "level"));
		msg = ov_json_string(ov_json_get(c, "message"));
		rule = golden_rule(ov_json_get(c, "detection"), "activitylogs");
		rs = rules_from(rule);
		if (ov_sigma_rules_n_diags(rs) != 1)
			fail_msg("'%s': %zu diagnostics", name,
			    ov_sigma_rules_n_diags(rs));
		d = ov_sigma_rules_diag(rs, 0);
		if (strcmp(ov_sigma_diag_level_name(d->level), level) != 0 ||
		    strncmp(d->message, msg, strlen(msg)) != 0)
			fail_msg("'%s': got %s \"%s\"", name,
			    ov_sigma_diag_level_name(d->level), d->message);
		/* Every diagnostic names a line of the rule file. */
		assert_true(d->line >= 1 && d->line <= 5);
		assert_string_equal(d->file, "rule.yml");
		assert_int_equal(ov_sigma_rules_count(rs), 0);
		ov_sigma_rules_free(rs);
		free(rule);	/* checksrc: allow */
	}
	ov_json_doc_free(doc);
	free(text);	/* checksrc: allow */
}

/* A Graph sign-in event as one NDJSON line. */
static void
signin(FILE *f, const char *ts, const char *upn, const char *ip, int err)
{
	fprintf(f, "{\"id\":\"%s-%s\",\"createdDateTime\":\"%s\","
	    "\"userPrincipalName\":\"%s\",\"appDisplayName\":\"Azure Portal\","
	    "\"ipAddress\":\"%s\",\"clientAppUsed\":\"Browser\","
	    "\"status\":{\"errorCode\":%d,\"failureReason\":null}}\n", upn, ts,
	    ts, upn, ip, err);
}

static const char corr_rules[] =
    "title: failed\nid: 0c0c0c0c-0000-4000-8000-000000000001\n"
    "name: failed\nlevel: low\n"
    "logsource: {product: azure, service: signinlogs}\n"
    "detection: {sel: {ResultType: 50126}, condition: sel}\n"
    "---\n"
    "title: succeeded\nid: 0c0c0c0c-0000-4000-8000-000000000002\n"
    "name: succeeded\nlevel: low\n"
    "logsource: {product: azure, service: signinlogs}\n"
    "detection: {sel: {ResultType: 0}, condition: sel}\n"
    "---\n"
    "title: many failures\nid: 0c0c0c0c-0000-4000-8000-000000000003\n"
    "level: medium\n"
    "correlation: {type: event_count, rules: [failed], group-by: "
    "[UserPrincipalName], timespan: 5m, condition: {gte: 4}}\n"
    "---\n"
    "title: spray\nid: 0c0c0c0c-0000-4000-8000-000000000004\n"
    "level: high\ntags: [attack.t1110.003]\n"
    "correlation: {type: value_count, rules: [failed], group-by: "
    "[IPAddress], timespan: 10m, condition: {gte: 3, field: "
    "UserPrincipalName}}\n"
    "---\n"
    "title: fail then success\nid: 0c0c0c0c-0000-4000-8000-000000000005\n"
    "level: high\n"
    "correlation: {type: temporal_ordered, rules: [failed, succeeded], "
    "group-by: [UserPrincipalName], timespan: 2m}\n"
    "---\n"
    "title: both\nid: 0c0c0c0c-0000-4000-8000-000000000006\n"
    "level: high\n"
    "correlation: {type: temporal, rules: [failed, succeeded], group-by: "
    "[UserPrincipalName], timespan: 2m}\n";

/* The correlation test's events, one per line. */
static char *
corr_events(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	/* alice: 4 failures in 4 minutes (fires), then success after 1m. */
	signin(f, "2026-03-01T10:00:00Z", "alice@c.com", "192.0.2.1", 50126);
	signin(f, "2026-03-01T10:01:00Z", "alice@c.com", "192.0.2.1", 50126);
	signin(f, "2026-03-01T10:03:00Z", "alice@c.com", "192.0.2.1", 50126);
	signin(f, "2026-03-01T10:04:00Z", "alice@c.com", "192.0.2.1", 50126);
	signin(f, "2026-03-01T10:05:00Z", "alice@c.com", "192.0.2.1", 0);
	/* bob: 4 failures over 8 minutes (no window of 5m holds 4). */
	signin(f, "2026-03-01T11:00:00Z", "bob@c.com", "192.0.2.2", 50126);
	signin(f, "2026-03-01T11:03:00Z", "bob@c.com", "192.0.2.2", 50126);
	signin(f, "2026-03-01T11:06:00Z", "bob@c.com", "192.0.2.2", 50126);
	signin(f, "2026-03-01T11:08:30Z", "bob@c.com", "192.0.2.2", 50126);
	/* carol: success, then a failure: temporal but not ordered. */
	signin(f, "2026-03-01T12:00:00Z", "carol@c.com", "192.0.2.3", 0);
	signin(f, "2026-03-01T12:01:00Z", "carol@c.com", "192.0.2.3", 50126);
	/* Spray from 198.51.100.9: 3 users in 9 minutes. */
	signin(f, "2026-03-01T13:00:00Z", "u1@c.com", "198.51.100.9", 50126);
	signin(f, "2026-03-01T13:04:00Z", "u2@c.com", "198.51.100.9", 50126);
	signin(f, "2026-03-01T13:09:00Z", "u3@c.com", "198.51.100.9", 50126);
	/* Twin: 3 users from 198.51.100.10 over 11 minutes. */
	signin(f, "2026-03-01T14:00:00Z", "u1@c.com", "198.51.100.10", 50126);
	signin(f, "2026-03-01T14:05:00Z", "u2@c.com", "198.51.100.10", 50126);
	signin(f, "2026-03-01T14:11:00Z", "u3@c.com", "198.51.100.10", 50126);
	/* Twin: one user 3 times from 198.51.100.11 (one value). */
	signin(f, "2026-03-01T15:00:00Z", "u4@c.com", "198.51.100.11", 50126);
	signin(f, "2026-03-01T15:01:00Z", "u4@c.com", "198.51.100.11", 50126);
	signin(f, "2026-03-01T15:02:00Z", "u4@c.com", "198.51.100.11", 50126);
	fclose(f);
	return buf;
}

/* Reorder the lines of text by the permutation kind. */
static char *
reorder(const char *text, int kind)
{
	char *lines[64], *copy = strdup(text), *p, *out = NULL;	/* checksrc: allow */
	size_t n = 0, i, len = 0;
	FILE *f;

	for (p = strtok(copy, "\n"); p != NULL && n < 64; p = strtok(NULL,
	    "\n"))
		lines[n++] = p;
	f = open_memstream(&out, &len);
	for (i = 0; i < n; i++) {
		size_t j = kind == 0 ? i : kind == 1 ? n - 1 - i :
		    (i * 7 + 3) % n;	/* 7 is coprime with the count */

		fprintf(f, "%s\n", lines[j]);
	}
	fclose(f);
	free(copy);	/* checksrc: allow */
	return out;
}

/* Replace the number after each occurrence of key in s with '#'. */
static void
blank_after(char *s, const char *key)
{
	char *p = s, *q;

	while ((p = strstr(p, key)) != NULL) {
		p += strlen(key);
		for (q = p; *q >= '0' && *q <= '9'; q++)
			;
		if (q == p)
			continue;
		*p++ = '#';
		memmove(p, q, strlen(q) + 1);
	}
}

/* The findings as a JSON report, for comparing runs. */
static char *
report(ov_findings *f)
{
	ov_report_input in;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	memset(&in, 0, sizeof(in));
	in.tool_version = "test";
	in.findings = f;
	ov_findings_sort(f);
	assert_int_equal(ov_report_write(m, OV_REPORT_JSON, &in, 0), 0);
	fclose(m);
	/* Reordering moves events to other lines; nothing else may change. */
	blank_after(buf, "events.json:");
	blank_after(buf, "\"line\": ");
	return buf;
}

static void
test_correlation_out_of_order(void **state)
{
	ov_sigma_rules *rs = rules_from(corr_rules);
	char *events = corr_events(), *first = NULL;
	int kind;

	(void)state;
	assert_int_equal(ov_sigma_rules_n_diags(rs), 0);
	assert_int_equal(ov_sigma_rules_count(rs), 6);
	assert_int_equal((int)(strlen(events) > 0), 1);
	for (kind = 0; kind < 3; kind++) {
		char *ev = reorder(events, kind), *rep;
		ov_findings *f = detect(rs, ev, NULL);
		size_t i, many = 0, spray = 0, ordered = 0, both = 0;

		for (i = 0; i < ov_findings_count(f); i++) {
			const ov_finding *x = ov_findings_get(f, i);

			/* Base rules only feed correlations. */
			assert_string_not_equal(x->title, "failed");
			assert_string_not_equal(x->title, "succeeded");
			if (strcmp(x->title, "many failures") == 0) {
				assert_string_equal(x->resource_id,
				    "alice@c.com");
				many++;
			} else if (strcmp(x->title, "spray") == 0) {
				assert_string_equal(x->resource_id,
				    "198.51.100.9");
				assert_int_equal(x->n_controls, 1);
				assert_string_equal(x->controls[0],
				    "ATT&CK T1110.003");
				spray++;
			} else if (strcmp(x->title, "fail then success") ==
			    0) {
				assert_string_equal(x->resource_id,
				    "alice@c.com");
				ordered++;
			} else if (strcmp(x->title, "both") == 0) {
				both++;
			}
		}
		assert_int_equal(many, 1);
		assert_int_equal(spray, 1);
		assert_int_equal(ordered, 1);
		assert_int_equal(both, 2);	/* alice and carol */
		rep = report(f);
		if (first == NULL)
			first = rep;
		else {
			/* The same report whatever the order. */
			if (strcmp(rep, first) != 0) {
				FILE *x = fopen("/tmp/ov_corr_a.json", "w");

				fputs(first, x);
				fclose(x);
				x = fopen("/tmp/ov_corr_b.json", "w");
				fputs(rep, x);
				fclose(x);
				fail_msg("order %d gives another report", kind);
			}
			free(rep);	/* checksrc: allow */
		}
		ov_findings_free(f);
		free(ev);	/* checksrc: allow */
	}
	/* The window named is the earliest: 10:00 to 10:05 for alice. */
	assert_non_null(strstr(first, "2026-03-01T10:00:00Z and "
	    "2026-03-01T10:05:00Z"));
	free(first);	/* checksrc: allow */
	free(events);	/* checksrc: allow */
	ov_sigma_rules_free(rs);
}

static void
test_correlation_diags(void **state)
{
	ov_sigma_rules *rs;

	(void)state;
	rs = rules_from("title: c\nid: 0d0d0d0d-0000-4000-8000-00000000000a\n"
	    "level: low\ncorrelation: {type: event_count, rules: [nothere], timespan: 5m,"
	    " condition: {gte: 2}}\n---\n"
	    "title: d\nlevel: low\ncorrelation: {type: sometimes, rules: [x], timespan: "
	    "5m}\n---\n"
	    "title: e\nlevel: low\ncorrelation: {type: event_count, rules: [x], timespan: "
	    "forever, condition: {gte: 2}}\n");
	assert_int_equal(ov_sigma_rules_count(rs), 0);
	assert_int_equal(ov_sigma_rules_n_diags(rs), 3);
	ov_sigma_rules_free(rs);
	/* A group-by field the base rule's logsource cannot map. */
	rs = rules_from("title: b\nname: b\nlevel: low\nlogsource: {product: "
	    "azure, service: riskdetection}\ndetection: {s: {riskLevel: high},"
	    " condition: s}\n---\ntitle: c\ncorrelation: {type: event_count, "
	    "rules: [b], group-by: [ClientAppUsed], timespan: 1h, condition: "
	    "{gte: 2}}\nlevel: low\n");
	assert_int_equal(ov_sigma_rules_count(rs), 1);
	assert_int_equal(ov_sigma_rules_n_diags(rs), 1);
	assert_int_equal(ov_sigma_rules_diag(rs, 0)->level,
	    OV_SIGMA_DIAG_UNSUPPORTED);
	assert_non_null(strstr(ov_sigma_rules_diag(rs, 0)->message,
	    "group-by field 'ClientAppUsed'"));
	ov_sigma_rules_free(rs);
}

static const char legacy_rule[] =
    "title: legacy\nid: 0e0e0e0e-0000-4000-8000-000000000001\nlevel: medium\n"
    "logsource: {product: azure, service: signinlogs}\n"
    "detection: {sel: {ResultType: 0, ClientAppUsed: IMAP4}, condition: "
    "sel}\n";

static void
test_reader_shapes(void **state)
{
	ov_sigma_rules *rs = rules_from(legacy_rule);
	static const char *const shapes[] = {
		/* Graph page, nextLink after the array. */
		"{\"@odata.context\":\"x\",\"value\":[{\"createdDateTime\":"
		"\"2026-01-01T00:00:00Z\",\"userPrincipalName\":\"a@b.c\","
		"\"clientAppUsed\":\"IMAP4\",\"status\":{\"errorCode\":0}}],"
		"\"@odata.nextLink\":\"https://graph/next\"}",
		/* A bare array, pretty-printed. */
		"[\n  {\n    \"createdDateTime\": \"2026-01-01T00:00:00Z\",\n"
		"    \"userPrincipalName\": \"a@b.c\",\n    \"clientAppUsed\": "
		"\"IMAP4\",\n    \"status\": {\"errorCode\": 0}\n  }\n]\n",
		/* Diagnostic settings blob. */
		"{\"records\": [{\"time\":\"2026-01-01T00:00:00Z\",\"category\":"
		"\"SignInLogs\",\"resultType\":\"0\",\"properties\":{"
		"\"userPrincipalName\":\"a@b.c\",\"clientAppUsed\":\"IMAP4\"}}]}",
		/* Log Analytics row. */
		"{\"Type\":\"SigninLogs\",\"TimeGenerated\":\"2026-01-01T00:00:00Z"
		"\",\"ResultType\":\"0\",\"UserPrincipalName\":\"a@b.c\","
		"\"ClientAppUsed\":\"IMAP4\"}\n",
		/* Concatenated pretty objects (a single event). */
		"{\n\"createdDateTime\":\"2026-01-01T00:00:00Z\",\n"
		"\"userPrincipalName\":\"a@b.c\",\"clientAppUsed\":\"IMAP4\","
		"\"status\":{\"errorCode\":0}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		ov_sigma_stats st;
		ov_findings *f = detect(rs, shapes[i], &st);

		if (st.events != 1 || st.errors != 0 ||
		    ov_findings_count(f) != 1)
			fail_msg("shape %zu: %llu events, %llu errors, %zu "
			    "findings", i, (unsigned long long)st.events,
			    (unsigned long long)st.errors,
			    ov_findings_count(f));
		assert_string_equal(ov_findings_get(f, 0)->resource_id,
		    "a@b.c");
		ov_findings_free(f);
	}
	ov_sigma_rules_free(rs);
}

static void
test_reader_errors(void **state)
{
	ov_sigma_rules *rs = rules_from(legacy_rule);
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_sigma_stats st;
	const char *good = "{\"createdDateTime\":\"2026-01-01T00:00:00Z\","
	    "\"userPrincipalName\":\"a@b.c\",\"clientAppUsed\":\"IMAP4\","
	    "\"status\":{\"errorCode\":0}}";
	char text[2048];

	(void)state;
	/* A truncated line, a line that is no event, a bad time. */
	snprintf(text, sizeof(text), "%s\n{\"createdDateTime\": \n%s\n"
	    "{\"hello\":1}\n{\"createdDateTime\":\"yesterday\","
	    "\"userPrincipalName\":\"x\"}\n  %s\n", good, good, good);
	assert_int_equal(ov_sigma_detector_new(&d, NULL, rs, &o), 0);
	assert_int_equal(ov_sigma_detector_read_buffer(d, "s.ndjson", text,
	    strlen(text)), 0);
	ov_sigma_detector_stats(d, &st);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.errors, 3);
	assert_int_equal(ov_sigma_detector_n_errors(d), 3);
	assert_string_equal(ov_sigma_detector_error(d, 0),
	    "s.ndjson:2:21: unexpected end of input");
	assert_string_equal(ov_sigma_detector_error(d, 1),
	    "s.ndjson:4:1: not an activity log, sign-in, audit or risk "
	    "detection event");
	assert_string_equal(ov_sigma_detector_error(d, 2),
	    "s.ndjson:5:1: event has no valid time");
	ov_sigma_detector_free(d);
	ov_sigma_rules_free(rs);
}

static void
test_reader_large_file(void **state)
{
	ov_sigma_rules *rs = rules_from(legacy_rule);
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_findings *f = NULL;
	ov_sigma_stats st;
	char path[] = "/tmp/ov_sigma_XXXXXX";
	int fd = mkstemp(path), i;
	FILE *fp;

	(void)state;
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	/* 3 MB in a Graph page: events straddle the reader's chunks. */
	fputs("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/"
	    "$metadata#auditLogs/signIns\",\"value\":[", fp);
	for (i = 0; i < 12000; i++)
		fprintf(fp, "%s{\"id\":\"%d\",\"createdDateTime\":"
		    "\"2026-01-01T00:%02d:%02dZ\",\"userPrincipalName\":"
		    "\"user%d@b.c\",\"clientAppUsed\":\"%s\",\"status\":"
		    "{\"errorCode\":0,\"failureReason\":\"%0160d\"}}",
		    i != 0 ? ",\n" : "", i, (i / 60) % 60, i % 60, i % 7,
		    i % 1000 == 999 ? "IMAP4" : "Browser", i);
	fputs("]}", fp);
	fclose(fp);
	assert_int_equal(ov_sigma_detector_new(&d, NULL, rs, &o), 0);
	assert_int_equal(ov_sigma_detector_read(d, path), 0);
	ov_sigma_detector_stats(d, &st);
	assert_int_equal(st.events, 12000);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.matches, 12);
	assert_int_equal(ov_findings_new(&f), 0);
	assert_int_equal(ov_sigma_detector_finish(d, f), 0);
	/* 12 matches on users 0..6 (i % 7): one finding per user. */
	assert_int_equal(ov_findings_count(f), 7);
	assert_true(ov_sigma_is_log_file(path));
	ov_findings_free(f);
	ov_sigma_detector_free(d);
	unlink(path);
	ov_sigma_rules_free(rs);
}

/* Is the text at a temporary path a log? */
static bool
text_is_log(const char *text)
{
	char path[] = "/tmp/ov-sigma-kind-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	bool yes;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	yes = ov_sigma_is_log_file(path);
	unlink(path);
	return yes;
}

/*
 * A users export is a snapshot, not sign-in logs, though a user carries a
 * createdDateTime and a userPrincipalName as a sign-in does.
 */
static void
test_users_are_not_signins(void **state)
{
	(void)state;
	assert_false(text_is_log("{\"@odata.type\":\"#microsoft.graph.user\","
	    "\"id\":\"u1\",\"userPrincipalName\":\"a@b.c\","
	    "\"createdDateTime\":\"2020-01-01T00:00:00Z\"}\n"));
	assert_false(text_is_log("{\"@odata.context\":\"https://graph."
	    "microsoft.com/v1.0/$metadata#users\",\"value\":[{\"id\":"
	    "\"u1\",\"userPrincipalName\":\"a@b.c\",\"createdDateTime\":"
	    "\"2020-01-01T00:00:00Z\",\"accountEnabled\":true}]}"));
	assert_false(text_is_log("{\"id\":\"u1\",\"userPrincipalName\":"
	    "\"a@b.c\",\"createdDateTime\":\"2020-01-01T00:00:00Z\","
	    "\"signInActivity\":{}}\n"));
	/* sign-ins still are, with or without their @odata.type */
	assert_true(text_is_log("{\"@odata.type\":\"#microsoft.graph.signIn\","
	    "\"id\":\"s1\",\"userPrincipalName\":\"a@b.c\","
	    "\"createdDateTime\":\"2020-01-01T00:00:00Z\"}\n"));
	assert_true(text_is_log("{\"id\":\"s1\",\"userPrincipalName\":"
	    "\"a@b.c\",\"createdDateTime\":\"2020-01-01T00:00:00Z\","
	    "\"status\":{\"errorCode\":0}}\n"));
}

static void
test_findings(void **state)
{
	ov_sigma_rules *rs;
	ov_findings *f;
	const ov_finding *x;
	const char *text =
	    "{\"records\":[{\"time\":\"2026-02-01T08:00:00Z\",\"resourceId\":"
	    "\"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/"
	    "NETWORKSECURITYGROUPS/NSG1\",\"operationName\":"
	    "\"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DELETE\",\"category\":"
	    "\"Administrative\",\"resultType\":\"Success\",\"identity\":{"
	    "\"claims\":{\"name\":\"ops\"}}},"
	    "{\"time\":\"2026-02-01T07:00:00Z\",\"resourceId\":"
	    "\"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/"
	    "networkSecurityGroups/nsg1\",\"operationName\":"
	    "\"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DELETE\",\"category\":"
	    "\"Administrative\",\"resultType\":\"Start\"}]}";

	(void)state;
	rs = rules_from("title: NSG deleted\nid: 0f0f0f0f-0000-4000-8000-"
	    "000000000001\nlevel: critical\ndescription: gone\n"
	    "falsepositives: [planned]\ntags: [attack.impact, attack.t1485, "
	    "attack.t1562.007, cve.2021-1]\n"
	    "logsource: {product: azure, service: activitylogs}\n"
	    "detection: {sel: {operationName: "
	    "Microsoft.Network/networkSecurityGroups/delete}, condition: sel}"
	    "\n");
	f = detect(rs, text, NULL);
	/* Two events on one resource (ids differ in case): one finding. */
	assert_int_equal(ov_findings_count(f), 1);
	x = ov_findings_get(f, 0);
	assert_string_equal(x->rule, "0f0f0f0f-0000-4000-8000-000000000001");
	assert_string_equal(x->title, "NSG deleted");
	assert_int_equal(x->severity, OV_SEV_CRITICAL);
	assert_int_equal(x->state, OV_STATE_NON_COMPLIANT);
	assert_string_equal(x->duty, "defender-triage");
	assert_string_equal(x->source, "sigma");
	assert_int_equal(x->n_controls, 2);
	assert_string_equal(x->controls[0], "ATT&CK T1485");
	assert_string_equal(x->controls[1], "ATT&CK T1562.007");
	assert_string_equal(x->resource_type,
	    "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS");
	assert_string_equal(x->subscription_id, "S1");
	assert_int_equal(x->layer, OV_LAYER_NETWORK_CONTROLS);
	/* Earliest event first; then the count. */
	assert_int_equal(x->n_evidence, 3);
	assert_non_null(strstr(x->evidence[0].value,
	    "\"time\":\"2026-02-01T07:00:00Z\""));
	assert_non_null(strstr(x->evidence[2].message,
	    "2 matching events from 2026-02-01T07:00:00Z to "
	    "2026-02-01T08:00:00Z"));
	/* Due: the earliest event plus the default critical triage SLA. */
	assert_true(x->due > 1769929200 && x->due <= 1769929200 + 86400);
	assert_non_null(strstr(x->remediation, "gone"));
	assert_non_null(strstr(x->remediation, "planned"));
	ov_findings_free(f);
	ov_sigma_rules_free(rs);
}

static void
test_evidence_masks_secrets(void **state)
{
	ov_sigma_rules *rs;
	ov_findings *f;
	const ov_finding *x;
	size_t i;

	(void)state;
	rs = rules_from("title: vm\nid: 0f0f0f0f-0000-4000-8000-000000000002\n"
	    "level: high\nlogsource: {product: azure, service: activitylogs}\n"
	    "detection: {sel: {properties.requestbody|contains: osProfile}, "
	    "condition: sel}\n");
	f = detect(rs, "{\"time\":\"2026-02-01T08:00:00Z\",\"resourceId\":"
	    "\"/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/"
	    "virtualMachines/vm1\",\"operationName\":\"MICROSOFT.COMPUTE/"
	    "VIRTUALMACHINES/WRITE\",\"category\":\"Administrative\","
	    "\"properties\":{\"requestbody\":\"{\\\"osProfile\\\":{"
	    "\\\"adminUsername\\\":\\\"azureuser\\\",\\\"adminPassword"
	    "\\\": \\\"Hunter2-Secret!\\\",\\\"clientSecret\\\":"
	    "\\\"abc123\\\"}}\"}}\n", NULL);
	assert_int_equal(ov_findings_count(f), 1);
	x = ov_findings_get(f, 0);
	for (i = 0; i < x->n_evidence; i++) {
		if (x->evidence[i].value == NULL)
			continue;
		assert_null(strstr(x->evidence[i].value, "Hunter2"));
		assert_null(strstr(x->evidence[i].value, "abc123"));
		assert_non_null(strstr(x->evidence[i].value, "azureuser"));
	}
	ov_findings_free(f);
	ov_sigma_rules_free(rs);
}

static void
test_since_until(void **state)
{
	ov_sigma_rules *rs = rules_from(legacy_rule);
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_sigma_stats st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	fputs("{\"createdDateTime\":\"2026-01-01T00:00:00Z\",\"userPrincipalName\""
	    ":\"a@b.c\",\"clientAppUsed\":\"IMAP4\",\"status\":{\"errorCode\":"
	    "0}}\n{\"createdDateTime\":\"2026-01-02T00:00:00Z\","
	    "\"userPrincipalName\":\"a@b.c\",\"clientAppUsed\":\"IMAP4\","
	    "\"status\":{\"errorCode\":0}}\n{\"createdDateTime\":"
	    "\"2026-01-03T00:00:00Z\",\"userPrincipalName\":\"a@b.c\","
	    "\"clientAppUsed\":\"IMAP4\",\"status\":{\"errorCode\":0}}\n", f);
	fclose(f);
	assert_int_equal(ov_parse_time("2026-01-02", &o.since), 0);
	assert_int_equal(ov_parse_time("2026-01-03", &o.until), 0);
	assert_int_equal(ov_sigma_detector_new(&d, NULL, rs, &o), 0);
	assert_int_equal(ov_sigma_detector_read_buffer(d, "x", buf, len), 0);
	ov_sigma_detector_stats(d, &st);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.skipped, 2);
	assert_int_equal(st.matches, 1);
	ov_sigma_detector_free(d);
	ov_sigma_rules_free(rs);
	free(buf);	/* checksrc: allow */
}

/* The report of rules over text with the given number of threads. */
static char *
threaded_report(ov_sigma_rules *rs, const char *text, unsigned threads)
{
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_findings *f = NULL;
	ov_sigma_stats st;
	char *rep;

	o.threads = threads;
	assert_int_equal(ov_sigma_detector_new(&d, NULL, rs, &o), 0);
	assert_int_equal(ov_sigma_detector_read_buffer(d, "events.json", text,
	    strlen(text)), 0);
	ov_sigma_detector_stats(d, &st);
	assert_int_equal(st.events, 60000);
	assert_int_equal(st.errors, 1);
	assert_int_equal(ov_findings_new(&f), 0);
	assert_int_equal(ov_sigma_detector_finish(d, f), 0);
	assert_true(ov_findings_count(f) > 10);
	rep = report(f);
	ov_findings_free(f);
	ov_sigma_detector_free(d);
	return rep;
}

static void
test_threads_agree(void **state)
{
	ov_sigma_rules *rs = rules_from(corr_rules);
	ov_sigma_rules *leg = rules_from("title: failed\nid: 0c0c0c0c-0000-"
	    "4000-8000-0000000000ff\nlevel: low\nlogsource: {product: azure, "
	    "service: signinlogs}\ndetection: {sel: {ResultType: 50126}, "
	    "condition: sel}\n");
	char *buf = NULL, *one, *two, *four, ts[32];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i;

	(void)state;
	/* 60,000 sign-ins (several batches), a bad line in the middle. */
	for (i = 0; i < 60000; i++) {
		char upn[32], ip[32];

		snprintf(ts, sizeof(ts), "2026-03-0%dT%02d:%02d:%02dZ",
		    1 + i / 20000, i / 3600 % 24, i / 60 % 60, i % 60);
		snprintf(upn, sizeof(upn), "u%d@c.com", i % 97);
		snprintf(ip, sizeof(ip), "198.51.100.%d", i % 13);
		signin(f, ts, upn, ip, i % 3 == 0 ? 50126 : 0);
		if (i == 31337)
			fputs("{\"createdDateTime\": oops}\n", f);
	}
	fclose(f);
	one = threaded_report(rs, buf, 1);
	two = threaded_report(rs, buf, 2);
	four = threaded_report(rs, buf, 4);
	assert_string_equal(one, two);
	assert_string_equal(one, four);
	free(one);	/* checksrc: allow */
	free(two);	/* checksrc: allow */
	free(four);	/* checksrc: allow */
	one = threaded_report(leg, buf, 1);
	four = threaded_report(leg, buf, 3);
	assert_string_equal(one, four);
	free(one);	/* checksrc: allow */
	free(four);	/* checksrc: allow */
	free(buf);	/* checksrc: allow */
	ov_sigma_rules_free(rs);
	ov_sigma_rules_free(leg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_modifiers),
		cmocka_unit_test(test_golden_conditions),
		cmocka_unit_test(test_golden_errors),
		cmocka_unit_test(test_correlation_out_of_order),
		cmocka_unit_test(test_correlation_diags),
		cmocka_unit_test(test_reader_shapes),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_reader_large_file),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_users_are_not_signins),
		cmocka_unit_test(test_evidence_masks_secrets),
		cmocka_unit_test(test_since_until),
		cmocka_unit_test(test_threads_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
