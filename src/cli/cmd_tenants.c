/* SPDX-License-Identifier: MIT */
/*
 * overvisor tenants add|list|remove: the tenants registered in a
 * PostgreSQL store for `overvisor worker` (operator mode).
 */
#define _XOPEN_SOURCE 700	/* realpath */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "overvisor/operator.h"
#include "overvisor/queue.h"
#include "overvisor/store.h"
#include "cli.h"

#define MAX_SUBS	256

static void
usage(FILE *f)
{
	fputs("usage: overvisor tenants add TENANT --db URL --credential REF "
	    "[options]\n"
	    "       overvisor tenants list --db URL [--format text|json]\n"
	    "       overvisor tenants remove TENANT --db URL\n"
	    "       overvisor tenants grant TENANT ROLE --db URL\n"
	    "       overvisor tenants revoke TENANT ROLE --db URL\n"
	    "       overvisor tenants grants --db URL [--format text|json]\n"
	    "\n"
	    "Register the tenants that overvisor worker collects, scans and\n"
	    "records on their schedule (operator mode, docs/operator.md).\n"
	    "Needs a PostgreSQL store (postgresql://...); a SQLite store has\n"
	    "no tenants table.  remove deletes the tenant's jobs and grants;\n"
	    "its recorded scans and findings stay.  grant lets an existing\n"
	    "database role (a customer's) read that tenant's scans, findings,\n"
	    "evidence and jobs and nothing of any other tenant (row-level\n"
	    "security); it never gets a write privilege.  revoke withdraws\n"
	    "it; grants lists them.\n"
	    "\n"
	    "  --db URL                the PostgreSQL store (required)\n"
	    "  --credential REF        env, env:NAME, certificate:PATH,\n"
	    "                          workload-identity, managed-identity or\n"
	    "                          cli: a reference, never a secret\n"
	    "  --name TEXT             display name (default: the id)\n"
	    "  --client-id ID          application (client) id\n"
	    "  --cloud NAME            AzureCloud (default), AzureUSGovernment\n"
	    "                          or AzureChinaCloud\n"
	    "  --endpoints FILE        endpoint file (collect --endpoints)\n"
	    "  --contract FILE         the tenant's contract\n"
	    "  --exceptions FILE       the tenant's exceptions\n"
	    "  --subscription ID       in scope (repeatable; default: all)\n"
	    "  --management-group ID   the scope instead of subscriptions\n"
	    "  --schedule TEXT         daily HH:MM [ZONE] (default daily 02:00\n"
	    "                          UTC), weekly DAY HH:MM [ZONE], hourly\n"
	    "                          [:MM] or manual (jobs enqueue only)\n"
	    "  --max-attempts N        attempts of a job before it is failed,\n"
	    "                          1 to 100 (default 5)\n"
	    "  --timeout S             collection deadline in seconds\n"
	    "                          (collect --timeout; default collect's)\n"
	    "  --ca-file FILE          an extra CA bundle for this tenant\n"
	    "                          (collect --ca-file)\n"
	    "  --format FMT            list: text (default) or json\n"
	    "  -h, --help              show this help\n"
	    "\n"
	    "Paths are stored absolute: the workers read them.\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage (a bad option, tenant id, credential\n"
	    "reference, schedule or role name), 3 an unknown time zone, a\n"
	    "tenant already registered or not registered, a role that does\n"
	    "not exist or reads every tenant anyway (superuser, BYPASSRLS,\n"
	    "operator), a grant that does not exist, 5 store error (a SQLite\n"
	    "store included).\n", f);
}

/* A path made absolute for the workers; NULL after an error. */
static const char *
absolute(const char *path, char *buf)
{
	if (realpath(path, buf) == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	return buf;
}

static int
print_tenant(const ov_queue_tenant *t, void *payload)
{
	size_t *n = payload;
	const char *scope = t->management_group != NULL ? "mg" :
	    t->subscriptions != NULL && t->subscriptions[0] != '\0' ? "subs" :
	    "all";

	if ((*n)++ == 0)
		printf("%-38s %-24s %-22s %-5s %s\n", "TENANT", "NAME",
		    "CREDENTIAL", "SCOPE", "SCHEDULE");
	printf("%-38s %-24.24s %-22.22s %-5s %s\n", t->tenant, t->name,
	    t->credential, scope, t->schedule);
	return 0;
}

static void
json_member(const char *key, const char *v, bool first)
{
	printf("%s\"%s\": ", first ? "" : ", ", key);
	ov_json_fput_string(v, stdout);
}

static int
print_tenant_json(const ov_queue_tenant *t, void *payload)
{
	size_t *n = payload;

	fputs((*n)++ == 0 ? "[\n  {" : ",\n  {", stdout);
	json_member("tenant", t->tenant, true);
	json_member("name", t->name, false);
	json_member("credential", t->credential, false);
	json_member("clientId", t->client_id, false);
	json_member("cloud", t->cloud, false);
	json_member("endpoints", t->endpoints, false);
	json_member("contract", t->contract, false);
	json_member("exceptions", t->exceptions, false);
	json_member("subscriptions", t->subscriptions, false);
	json_member("managementGroup", t->management_group, false);
	json_member("schedule", t->schedule, false);
	printf(", \"maxAttempts\": %u, \"timeout\": ", t->max_attempts);
	if (t->timeout != 0)
		printf("%u", t->timeout);
	else
		fputs("null", stdout);
	json_member("caFile", t->ca_file, false);
	putchar('}');
	return 0;
}

static int
print_grant(const char *tenant, const char *role, void *payload)
{
	size_t *n = payload;

	if ((*n)++ == 0)
		printf("%-38s %s\n", "TENANT", "ROLE");
	printf("%-38s %s\n", tenant, role);
	return 0;
}

static int
print_grant_json(const char *tenant, const char *role, void *payload)
{
	size_t *n = payload;

	fputs((*n)++ == 0 ? "[\n  {" : ",\n  {", stdout);
	json_member("tenant", tenant, true);
	json_member("role", role, false);
	putchar('}');
	return 0;
}

/* Join the --subscription values with commas into buf. */
static int
join_subs(char **subs, size_t n, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (subs[i][0] == '\0' || strchr(subs[i], ',') != NULL)
			return cli_usage_error("tenants", "--subscription: "
			    "'%s' is not a subscription id", subs[i]);
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i ? "," : "", subs[i]);
		if (len >= size)
			return cli_usage_error("tenants", "too many "
			    "subscriptions");
	}
	return 0;
}

/* overvisor tenants */
int
cmd_tenants(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "credential", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "client-id", required_argument, NULL, 'i' },
		{ "cloud", required_argument, NULL, 'C' },
		{ "endpoints", required_argument, NULL, 'e' },
		{ "contract", required_argument, NULL, 'k' },
		{ "exceptions", required_argument, NULL, 'x' },
		{ "subscription", required_argument, NULL, 's' },
		{ "management-group", required_argument, NULL, 'm' },
		{ "schedule", required_argument, NULL, 'S' },
		{ "max-attempts", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "ca-file", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char contract[PATH_MAX], exceptions[PATH_MAX],
	    endpoints[PATH_MAX], cafile[PATH_MAX], cert[PATH_MAX + 16],
	    subsbuf[MAX_SUBS * 40];
	ov_queue_tenant t;
	ov_operator_cred kind;
	const char *arg;
	char *subs[MAX_SUBS];
	const char *db = NULL, *verb, *id = NULL, *role = NULL;
	bool json = false;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	size_t n_subs = 0, n = 0;
	char *end;
	long v;
	int c, rc = 0;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	verb = argv[1];
	if (strcmp(verb, "add") != 0 && strcmp(verb, "list") != 0 &&
	    strcmp(verb, "remove") != 0 && strcmp(verb, "grant") != 0 &&
	    strcmp(verb, "revoke") != 0 && strcmp(verb, "grants") != 0)
		return cli_usage_error("tenants", "unknown tenants command "
		    "'%s'", verb);
	memset(&t, 0, sizeof(t));
	t.schedule = "daily 02:00 UTC";
	argc--;
	argv++;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': t.credential = optarg; break;
		case 'n': t.name = optarg; break;
		case 'i': t.client_id = optarg; break;
		case 'C':
			if (strcmp(optarg, "AzureCloud") != 0 &&
			    strcmp(optarg, "AzureUSGovernment") != 0 &&
			    strcmp(optarg, "AzureChinaCloud") != 0)
				rc = cli_usage_error("tenants", "--cloud: '%s' "
				    "is not AzureCloud, AzureUSGovernment or "
				    "AzureChinaCloud", optarg);
			t.cloud = optarg;
			break;
		case 'e': t.endpoints = optarg; break;
		case 'k': t.contract = optarg; break;
		case 'x': t.exceptions = optarg; break;
		case 's':
			if (n_subs == MAX_SUBS)
				rc = cli_usage_error("tenants", "more than %d "
				    "subscriptions", MAX_SUBS);
			else
				subs[n_subs++] = optarg;
			break;
		case 'm': t.management_group = optarg; break;
		case 'S': t.schedule = optarg; break;
		case 'a':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > 100)
				rc = cli_usage_error("tenants", "--max-attempts:"
				    " '%s' is not 1 to 100", optarg);
			else
				t.max_attempts = (unsigned)v;
			break;
		case 'f':
			rc = cli_text_or_json("tenants", optarg, &json);
			break;
		case 'T':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > OV_QUEUE_MAX_TIMEOUT)
				rc = cli_usage_error("tenants", "--timeout: "
				    "'%s' is not 1 to %d seconds", optarg,
				    OV_QUEUE_MAX_TIMEOUT);
			else
				t.timeout = (unsigned)v;
			break;
		case 'A': t.ca_file = optarg; break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			rc = cli_usage_error("tenants", "bad option");
			break;
		}
	}
	if (rc != 0)
		return rc;
	if (strcmp(verb, "list") != 0 && strcmp(verb, "grants") != 0) {
		if (optind >= argc)
			return cli_usage_error("tenants", "%s needs a tenant "
			    "id", verb);
		id = argv[optind++];
	}
	if (strcmp(verb, "grant") == 0 || strcmp(verb, "revoke") == 0) {
		if (optind >= argc)
			return cli_usage_error("tenants", "%s needs a tenant "
			    "id and a role", verb);
		role = argv[optind++];
		if (!ov_queue_role_valid(role))
			return cli_usage_error("tenants", "'%.64s' is not a "
			    "role name (letters, digits, _ . @ -, not starting "
			    "with a digit or pg_, at most 63 bytes)", role);
		if (!ov_operator_id_valid(id))
			return cli_usage_error("tenants", "'%s' is not a tenant "
			    "id (a GUID or a domain)", id);
	}
	if (optind < argc)
		return cli_usage_error("tenants", "unexpected argument '%s'",
		    argv[optind]);
	if (db == NULL)
		return cli_usage_error("tenants", "--db is required");
	if (strcmp(verb, "add") == 0) {
		if (t.credential == NULL)
			return cli_usage_error("tenants", "add needs "
			    "--credential (a reference, never a secret)");
		if (t.management_group != NULL && n_subs != 0)
			return cli_usage_error("tenants", "--subscription and "
			    "--management-group exclude each other");
		if (t.cloud != NULL && t.endpoints != NULL)
			return cli_usage_error("tenants", "--cloud and "
			    "--endpoints exclude each other");
		if ((rc = join_subs(subs, n_subs, subsbuf,
		    sizeof(subsbuf))) != 0)
			return rc;
		t.subscriptions = subsbuf;
		t.tenant = id;
		if ((t.contract != NULL && (t.contract = absolute(t.contract,
		    contract)) == NULL) || (t.exceptions != NULL &&
		    (t.exceptions = absolute(t.exceptions, exceptions)) ==
		    NULL) || (t.endpoints != NULL && (t.endpoints = absolute(
		    t.endpoints, endpoints)) == NULL) || (t.ca_file != NULL &&
		    (t.ca_file = absolute(t.ca_file, cafile)) == NULL))
			return CLI_EXIT_INPUT;
		if (!ov_operator_id_valid(id))
			return cli_usage_error("tenants", "'%s' is not a tenant "
			    "id (a GUID or a domain)", id);
		/* Not echoed: a secret pasted here must not reach a log. */
		if (ov_operator_cred_parse(t.credential, &kind, &arg) < 0)
			return cli_usage_error("tenants", "--credential is not "
			    "a reference: use env, env:NAME, certificate:PATH, "
			    "workload-identity, managed-identity or cli");
		if ((rc = cli_ctx_new(&ctx)) != 0)
			return rc;
		if (ov_queue_schedule_check(ctx, t.schedule) < 0) {
			cli_error_ctx(ctx);
			ov_ctx_free(ctx);
			return CLI_EXIT_USAGE;
		}
		ov_ctx_free(ctx);
		ctx = NULL;
		/* certificate:PATH: the path absolute too (never echoed). */
		if (strncmp(t.credential, "certificate:", 12) == 0 &&
		    t.credential[12] != '\0' && t.credential[12] != '/') {
			if (absolute(t.credential + 12, contract) == NULL)
				return CLI_EXIT_INPUT;
			snprintf(cert, sizeof(cert), "certificate:%s",
			    contract);
			t.credential = cert;
		}
	}
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if ((rc = cli_queue_open(ctx, db, &s)) != 0)
		goto done;
	if (strcmp(verb, "add") == 0) {
		if (ov_queue_tenant_add(s, &t) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("tenant %s registered (%s)\n", id, t.schedule);
	} else if (strcmp(verb, "remove") == 0) {
		if (ov_queue_tenant_remove(s, id) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("tenant %s removed\n", id);
	} else if (strcmp(verb, "grant") == 0) {
		if (ov_queue_grant(s, id, role) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("role %s reads tenant %s\n", role, id);
	} else if (strcmp(verb, "revoke") == 0) {
		if (ov_queue_revoke(s, id, role) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("role %s no longer reads tenant %s\n", role, id);
	} else if (strcmp(verb, "grants") == 0) {
		if (ov_queue_grants_list(s, json ? print_grant_json :
		    print_grant, &n) < 0)
			rc = cli_error_ctx(ctx);
		else if (json)
			fputs(n == 0 ? "[]\n" : "\n]\n", stdout);
	} else if (ov_queue_tenants_list(s, NULL, json ? print_tenant_json :
	    print_tenant, &n) < 0) {
		rc = cli_error_ctx(ctx);
	} else if (json) {
		fputs(n == 0 ? "[]\n" : "\n]\n", stdout);
	}
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
