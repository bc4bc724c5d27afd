/* SPDX-License-Identifier: MIT */
/*
 * contract.yaml: parsing, the error position of every kind of invalid
 * field, defaults, and the SLA / due-date look-ups at their boundaries.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/contract.h"
#include "lib/raci/contract.h"

#define DAY 86400

static const char good[] =
    "version: 1\n"
    "customer: Example University\n"
    "frameworks: [FERPA, HIPAA]\n"
    "parties:\n"
    "  customer-it:\n"
    "    name: University IT\n"
    "    contacts:\n"
    "      - {name: Service Desk, email: it@example.edu}\n"
    "    pager: {address: \"+44 100\", response: 30m}\n"
    "  csp:\n"
    "    kind: csp\n"
    "    name: Example Cloud\n"
    "    pager: ops@example.net\n"
    "duties:\n"
    "  os-patching:\n"
    "    responsible: csp\n"
    "    accountable: customer-it\n"
    "    sla: {critical: 14d, high: 14d, medium: 30d}\n"
    "    cadence: 1w\n"
    "    assessment-max-age: 7d\n"
    "    escalation:\n"
    "      - {after: 3d, to: customer-it}\n"
    "  defender-triage:\n"
    "    alert-sla: {high: 12h}\n"
    "  backup-validation:\n"
    "    responsible: csp\n"
    "    accountable: customer-it\n"
    "    rpo: 24h\n"
    "    rto: PT4H\n"
    "    restore-test-window: 90d\n"
    "    sign-off: customer-it\n"
    "  policy-enforcement:\n"
    "    responsible: customer-it\n"
    "    accountable: customer-it\n"
    "    must-deny: [storage-public, kv-purge]\n"
    "network:\n"
    "  zone-tag: zone\n"
    "  forbidden-flows:\n"
    "    - {from: dev, to: prod}\n";

static struct ov_contract *
load_ok(ov_ctx *ctx, const char *yaml)
{
	struct ov_contract *c = NULL;
	int rc = ov_contract__load_buffer(&c, ctx, "t.yaml", yaml,
	    strlen(yaml));

	if (rc != 0)
		fprintf(stderr, "unexpected: %s\n", ov_error_last(ctx)->message);
	assert_int_equal(rc, 0);
	assert_non_null(c);
	return c;
}

/* Load yaml expecting failure at line:column with a message fragment. */
static void
expect_error(const char *yaml, unsigned line, unsigned column,
    const char *fragment)
{
	struct ov_contract *c = (struct ov_contract *)0x1;
	const ov_error *e;
	ov_ctx *ctx = NULL;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_contract__load_buffer(&c, ctx, "bad.yaml", yaml,
	    strlen(yaml)), OV_EPARSE);
	assert_null(c);
	e = ov_error_last(ctx);
	if (strstr(e->message, fragment) == NULL || e->line != line ||
	    e->column != column)
		fprintf(stderr, "got %u:%u %s\n", e->line, e->column,
		    e->message);
	assert_non_null(strstr(e->message, fragment));
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, column);
	assert_string_equal(e->source, "bad.yaml");
	ov_ctx_free(ctx);
}

static void
test_good(void **state)
{
	ov_ctx *ctx = NULL;
	struct ov_contract *c;
	const struct ov_contract_duty *d;
	const struct ov_contract_party *p;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	c = load_ok(ctx, good);
	assert_string_equal(c->customer, "Example University");
	assert_int_equal(c->n_frameworks, 2);
	assert_string_equal(c->frameworks[1], "HIPAA");
	assert_int_equal(c->n_parties, 2);
	p = ov_contract__party(c, "CUSTOMER-IT");
	assert_non_null(p);
	assert_string_equal(p->kind, "customer");	/* from the id */
	assert_int_equal(p->pager_response, 1800);
	assert_int_equal(p->n_contacts, 1);
	assert_string_equal(p->contacts[0].email, "it@example.edu");
	assert_string_equal(ov_contract__party(c, "csp")->pager,
	    "ops@example.net");

	d = ov_contract__duty(c, "os-patching");
	assert_non_null(d);
	assert_string_equal(d->responsible, "csp");
	assert_int_equal(d->cadence, 7 * DAY);
	/* alert-sla given for high only: low looks up, critical down */
	assert_true(ov_contract__duty(c, "defender-triage")->has_alert_sla);
	assert_false(d->has_alert_sla);
	assert_int_equal(ov_contract__alert_sla_seconds(c, OV_SEV_LOW),
	    12 * 3600);
	assert_int_equal(ov_contract__alert_sla_seconds(c, OV_SEV_CRITICAL),
	    12 * 3600);
	assert_int_equal(d->n_escalation, 1);
	assert_int_equal(d->escalation[0].after, 3 * DAY);
	assert_string_equal(d->escalation[0].to, "customer-it");
	assert_true(d->has_sla);
	assert_int_equal(ov_contract__sla_seconds(c, "os-patching",
	    OV_SEV_CRITICAL), 14 * DAY);
	assert_int_equal(ov_contract__sla_seconds(c, "os-patching",
	    OV_SEV_MEDIUM), 30 * DAY);
	/* low is absent: falls back to the next higher severity */
	assert_int_equal(ov_contract__sla_seconds(c, "os-patching",
	    OV_SEV_LOW), 30 * DAY);

	d = ov_contract__duty(c, "backup-validation");
	assert_int_equal(d->rpo, 24 * 3600);
	assert_int_equal(d->rto, 4 * 3600);
	assert_int_equal(d->restore_test_window, 90 * DAY);
	assert_string_equal(d->sign_off, "customer-it");
	assert_false(d->has_sla);	/* none given: OV-ACC-003 material */
	/* due dates still fall back to the built-in SLA */
	assert_true(ov_contract__sla_seconds(c, "backup-validation",
	    OV_SEV_HIGH) > 0);

	d = ov_contract__duty(c, "policy-enforcement");
	assert_int_equal(d->n_must_deny, 2);
	assert_string_equal(d->must_deny[1], "kv-purge");

	/* duties not in the file are present, with nobody named */
	d = ov_contract__duty(c, "monitoring");
	assert_non_null(d);
	assert_true(d->is_default);
	assert_null(d->responsible);
	assert_null(ov_contract__accountable(c, "monitoring"));

	assert_string_equal(ov_contract__accountable(c, "os-patching"),
	    "University IT");
	assert_string_equal(ov_contract__responsible(c, "os-patching"),
	    "Example Cloud");
	assert_int_equal(ov_contract__owner(c, "os-patching"),
	    OV_OWNER_SHARED);
	assert_int_equal(ov_contract__owner(c, "policy-enforcement"),
	    OV_OWNER_CUSTOMER);
	assert_string_equal(ov_contract__zone_tag(c), "zone");
	assert_true(ov_contract__flow_forbidden(c, "DEV", "prod"));
	assert_false(ov_contract__flow_forbidden(c, "prod", "dev"));
	ov_contract_free(c);
	ov_ctx_free(ctx);
}

/* SLA day boundaries: due is first_seen + SLA exactly. */
static void
test_due_boundaries(void **state)
{
	ov_ctx *ctx = NULL;
	struct ov_contract *c;
	int64_t t0 = 1700000000, due;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	c = load_ok(ctx, good);
	due = ov_contract__due(c, "os-patching", OV_SEV_CRITICAL, t0);
	assert_int_equal(due, t0 + 14 * DAY);
	/* "exactly at SLA" is due, not overdue; one second later is */
	assert_false(t0 + 14 * DAY > due);
	assert_true(t0 + 14 * DAY + 1 > due);
	assert_int_equal(ov_contract__due(c, "os-patching", OV_SEV_CRITICAL,
	    0), 0);
	/* info has no SLA of its own: the next severity up (medium) applies */
	assert_int_equal(ov_contract__due(c, "os-patching", OV_SEV_INFO, t0),
	    t0 + 30 * DAY);
	assert_int_equal(ov_contract__due(c, "no-such-duty", OV_SEV_HIGH, t0),
	    0);
	/* NULL contract: the built-in defaults */
	assert_int_equal(ov_contract__due(NULL, "defender-triage",
	    OV_SEV_HIGH, t0), t0 + 7 * DAY);
	assert_string_equal(ov_contract__accountable(NULL, "os-patching"),
	    "Customer IT");
	assert_null(ov_contract__duty(NULL, "no-such-duty"));
	ov_contract_free(c);
	ov_ctx_free(ctx);
}

static void
test_default(void **state)
{
	ov_ctx *ctx = NULL;
	ov_contract *pub = NULL;
	struct ov_contract *c;
	size_t i;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_contract_default(&pub, ctx), 0);
	c = pub;
	assert_true(c->is_default);
	assert_null(ov_contract_source(pub));
	assert_int_equal(c->n_duties, 9);
	for (i = 0; i < c->n_duties; i++) {
		assert_non_null(c->duties[i].responsible);
		assert_true(c->duties[i].has_sla);
	}
	assert_int_equal(ov_contract__sla_seconds(c, "os-patching",
	    OV_SEV_CRITICAL), 14 * DAY);
	assert_int_equal(ov_contract__duty(c, "backup-validation")->rto,
	    4 * 3600);
	assert_int_equal(ov_contract__duty(c, "backup-validation")->rpo,
	    24 * 3600);
	assert_int_equal(ov_contract__duty(c, "backup-validation")->
	    restore_test_window, 90 * DAY);
	assert_int_equal(ov_contract__duty(c, "identity-review")->
	    secret_max_lifetime, 180 * DAY);
	assert_int_equal(ov_contract__duty(c, "os-patching")->
	    assessment_max_age, 7 * DAY);
	assert_int_equal(ov_contract__alert_sla_seconds(c, OV_SEV_CRITICAL),
	    4 * 3600);
	assert_int_equal(ov_contract__alert_sla_seconds(c, OV_SEV_MEDIUM),
	    3 * DAY);
	assert_int_equal(ov_contract__alert_sla_seconds(NULL, OV_SEV_INFO),
	    7 * DAY);
	ov_contract_free(pub);
	ov_contract_free(NULL);
	ov_ctx_free(ctx);
}

static void
test_durations(void **state)
{
	int64_t v;

	(void)state;
	assert_true(ov_contract__duration_parse("7d", &v));
	assert_int_equal(v, 7 * DAY);
	assert_true(ov_contract__duration_parse("2w", &v));
	assert_int_equal(v, 14 * DAY);
	assert_true(ov_contract__duration_parse("90m", &v));
	assert_int_equal(v, 5400);
	assert_true(ov_contract__duration_parse("P1DT2H", &v));
	assert_int_equal(v, DAY + 7200);
	assert_false(ov_contract__duration_parse("7", &v));
	assert_false(ov_contract__duration_parse("d", &v));
	assert_false(ov_contract__duration_parse("7x", &v));
	assert_false(ov_contract__duration_parse("-7d", &v));
	assert_false(ov_contract__duration_parse("7 d", &v));
	assert_false(ov_contract__duration_parse("99999999999d", &v));
	assert_false(ov_contract__duration_parse("", &v));
	assert_false(ov_contract__duration_parse(NULL, &v));
}

static void
test_errors(void **state)
{
	(void)state;
	/* unknown top-level key */
	expect_error("parties: {csp: {}}\nsurprise: 1\n", 2, 1,
	    "unknown key 'surprise'");
	/* unknown duty key, with position of the key */
	expect_error("parties: {csp: {}}\nduties:\n  os-patching:\n"
	    "    responsibel: csp\n", 4, 5, "unknown key 'responsibel'");
	/* bad duration at the value */
	expect_error("parties: {csp: {}}\nduties:\n  os-patching:\n"
	    "    sla: {critical: 7 days}\n", 4, 21, "invalid duration");
	expect_error("parties: {csp: {}}\nduties:\n  backup-validation:\n"
	    "    rpo: 24\n", 4, 10, "invalid duration '24'");
	/* unknown party reference */
	expect_error("parties: {csp: {}}\nduties:\n  os-patching:\n"
	    "    accountable: customer\n", 4, 18, "unknown party 'customer'");
	expect_error("parties: {csp: {}}\nduties:\n  os-patching:\n"
	    "    escalation: [{after: 1d, to: nobody}]\n", 4, 34,
	    "unknown party 'nobody'");
	/* unknown severity */
	expect_error("parties: {csp: {}}\nduties:\n  os-patching:\n"
	    "    sla: {urgent: 1d}\n", 4, 11, "unknown key 'urgent'");
	/* unknown duty */
	expect_error("parties: {csp: {}}\nduties:\n  os-patchin: {}\n", 3, 3,
	    "unknown duty 'os-patchin'");
	/* party kind */
	expect_error("parties:\n  acme: {name: Acme}\n", 2, 3,
	    "needs a kind");
	expect_error("parties:\n  acme: {kind: vendor}\n", 2, 16,
	    "unknown party kind");
	/* wrong node types */
	expect_error("parties: {csp: {}}\nduties: [os-patching]\n", 2, 9,
	    "expected a mapping");
	expect_error("parties: {csp: {}}\nframeworks: {a: b}\n", 2, 13,
	    "expected a list");
	/* duplicates */
	expect_error("parties: {csp: {}}\nduties:\n  os-patching: {}\n"
	    "  os-patching: {}\n", 4, 3, "duplicate duty");
	expect_error("parties: {csp: {}, CSP: {}}\n", 1, 20,
	    "duplicate party");
	/* no parties, empty document, YAML syntax */
	expect_error("duties: {}\n", 1, 1, "no parties");
	expect_error("", 1, 1, "empty");
	expect_error("parties: {csp: {}\n", 2, 1, "YAML syntax");
	expect_error("version: 2\nparties: {csp: {}}\n", 1, 10,
	    "unsupported contract version");
	expect_error("parties: {csp: {}}\nduties:\n  os-patching:\n"
	    "    last-performed: yesterday\n", 4, 21, "invalid date");
	expect_error("parties: {csp: {}}\nnetwork:\n  forbidden-flows:\n"
	    "    - {from: dev}\n", 4, 7, "needs both");
	expect_error("parties: {csp: {}}\nduties:\n  identity-review:\n"
	    "    max-standing-privileged: many\n", 4, 30, "invalid number");
}

static void
test_file(void **state)
{
	ov_ctx *ctx = NULL;
	ov_contract *c = NULL;
	const char *src = ov_test_srcdir();
	char path[4096];

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_contract_load_file(&c, ctx,
	    "/nonexistent/contract.yaml"), OV_EIO);
	assert_null(c);
	snprintf(path, sizeof(path), "%s/examples/contract.yaml",
	    src != NULL ? src : ".");
	if (ov_contract_load_file(&c, ctx, path) != 0)
		fprintf(stderr, "%s: %s:%u:%u\n", ov_error_last(ctx)->message,
		    path, ov_error_last(ctx)->line,
		    ov_error_last(ctx)->column);
	assert_non_null(c);
	assert_string_equal(ov_contract_source(c), path);
	/* every known duty has a responsible party in the example */
	assert_non_null(ov_contract__responsible(c, "os-patching"));
	assert_non_null(ov_contract__responsible(c, "governance-reporting"));
	ov_contract_free(c);
	ov_ctx_free(ctx);
}

/* Plain scalars keep their spelling: YAML types them, the contract reads
 * what was written (a leading + or zero, a boolean word, null). */
static void
test_spelling(void **state)
{
	ov_ctx *ctx = NULL;
	struct ov_contract *c;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	c = load_ok(ctx, "customer: 0042\ntenant: true\nparties:\n"
	    "  csp:\n    kind: csp\n    pager: {address: +441134960799, "
	    "response: 15m}\nnetwork:\n  zone-tag: null\n");
	assert_string_equal(c->customer, "0042");
	assert_string_equal(c->tenant, "true");
	assert_string_equal(ov_contract__party(c, "csp")->pager,
	    "+441134960799");
	assert_string_equal(c->zone_tag, "null");
	ov_contract_free(c);
	/* An empty value is empty, whatever follows it. */
	expect_error("parties: {csp: {}}\ncustomer:\nduties: {}\n", 2, 10,
	    "empty value");
	ov_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_due_boundaries),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_spelling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
