/* SPDX-License-Identifier: MIT */
/*
 * gen_aliases: write the compact alias table shipped in
 * data/aliases/aliases.json from a full `az provider list --expand
 * resourceTypes/aliases` dump, keeping the namespaces the rule pack uses
 * and only each alias's name and defaultPath.
 *
 * Aliases nesting more than MAX_WILD arrays ([*]) are dropped: they
 * select embedded copies of other resources (a NIC's subnet's IP
 * configurations...) that no rule reads through the parent.
 *
 * usage: gen_aliases FULL.json OUT.json [NAMESPACE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "util/hash.h"

#define MAX_WILD 3

static const char *const default_ns[] = {
	"Microsoft.Storage", "Microsoft.KeyVault", "Microsoft.Sql",
	"Microsoft.Web", "Microsoft.ContainerService",
	"Microsoft.ContainerRegistry", "Microsoft.Compute",
	"Microsoft.Network", "Microsoft.Insights", "Microsoft.Security",
	"Microsoft.DocumentDB", "Microsoft.EventHub", "Microsoft.ServiceBus",
	"Microsoft.Cache", "Microsoft.CognitiveServices",
	"Microsoft.DBforPostgreSQL", "Microsoft.DBforMySQL",
	"Microsoft.RecoveryServices", "Microsoft.Authorization",
	"Microsoft.Resources", "Microsoft.ManagedIdentity",
	"Microsoft.OperationalInsights", "Microsoft.App",
	/* Appended for the services the pack grew to cover. */
	"Microsoft.AAD", "Microsoft.ApiManagement",
	"Microsoft.AppConfiguration", "Microsoft.Automation",
	"Microsoft.Batch", "Microsoft.Cdn", "Microsoft.DBforMariaDB",
	"Microsoft.DataFactory", "Microsoft.DataLakeStore",
	"Microsoft.DataProtection", "Microsoft.Databricks",
	"Microsoft.Devices", "Microsoft.EventGrid",
	"Microsoft.KubernetesConfiguration", "Microsoft.Kusto",
	"Microsoft.Logic", "Microsoft.MachineLearningServices",
	"Microsoft.Search", "Microsoft.ServiceFabric",
	"Microsoft.SignalRService", "Microsoft.StorageSync",
	"Microsoft.Synapse", "Microsoft.VirtualMachineImages",
};

static int
sink(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : -1;
}

static void
str(FILE *f, const char *s)
{
	ov_json_write_string(s, strlen(s), 0, sink, f);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* A discriminated alias ("...linkedservices/TeamDesk.typeProperties") is
 * only kept when short; the rule pack does not use them. */
static int
wanted(const char *ns, int argc, char **argv)
{
	size_t i;
	int k;

	if (argc > 3) {
		for (k = 3; k < argc; k++)
			if (ov__streq_ci(argv[k], ns))
				return 1;
		return 0;
	}
	for (i = 0; i < sizeof(default_ns) / sizeof(default_ns[0]); i++)
		if (ov__streq_ci(default_ns[i], ns))
			return 1;
	return 0;
}

static int
wilds(const char *s)
{
	int n = 0;

	while ((s = strstr(s, "[*]")) != NULL) {
		n++;
		s += 3;
	}
	return n;
}

int
main(int argc, char **argv)
{
	ov_json_doc *doc = NULL;
	const ov_json *root;
	char *data;
	size_t len = 0, i, j, k, n_al = 0;
	FILE *out;
	int first_ns = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_aliases FULL.json OUT.json "
		    "[NAMESPACE...]\n");
		return 2;
	}
	if ((data = slurp(argv[1], &len)) == NULL) {
		fprintf(stderr, "gen_aliases: cannot read %s\n", argv[1]);
		return 3;
	}
	if (ov_json_parse(&doc, NULL, data, len, OV_JSON_STRICT, NULL) < 0) {
		fprintf(stderr, "gen_aliases: %s is not JSON\n", argv[1]);
		free(data);
		return 3;
	}
	root = ov_json_doc_root(doc);
	if ((out = fopen(argv[2], "w")) == NULL) {
		fprintf(stderr, "gen_aliases: cannot write %s\n", argv[2]);
		return 3;
	}
	fputs("[", out);
	for (i = 0; i < ov_json_len(root); i++) {
		const ov_json *ns = ov_json_at(root, i);
		const char *name = ov_json_string(ov_json_get(ns,
		    "namespace"));
		const ov_json *rts = ov_json_get(ns, "resourceTypes");
		int first_rt = 1;

		if (name == NULL || !wanted(name, argc, argv))
			continue;
		fputs(first_ns ? "\n{\"namespace\":" : ",\n{\"namespace\":",
		    out);
		first_ns = 0;
		str(out, name);
		fputs(",\"resourceTypes\":[", out);
		for (j = 0; j < ov_json_len(rts); j++) {
			const ov_json *rt = ov_json_at(rts, j);
			const ov_json *als = ov_json_get(rt, "aliases");
			const char *rtn = ov_json_string(ov_json_get(rt,
			    "resourceType"));
			int first_al = 1;

			if (rtn == NULL || ov_json_len(als) == 0)
				continue;
			fputs(first_rt ? "\n {\"resourceType\":" :
			    ",\n {\"resourceType\":", out);
			first_rt = 0;
			str(out, rtn);
			fputs(",\"aliases\":[", out);
			for (k = 0; k < ov_json_len(als); k++) {
				const ov_json *al = ov_json_at(als, k);
				const char *an = ov_json_string(
				    ov_json_get(al, "name"));
				const char *dp = ov_json_string(
				    ov_json_get(al, "defaultPath"));

				if (an == NULL || dp == NULL ||
				    wilds(an) > MAX_WILD)
					continue;
				fputs(first_al ? "\n  {\"name\":" :
				    ",\n  {\"name\":", out);
				first_al = 0;
				str(out, an);
				fputs(",\"defaultPath\":", out);
				str(out, dp);
				fputc('}', out);
				n_al++;
			}
			fputs("]}", out);
		}
		fputs("]}", out);
	}
	fputs("\n]\n", out);
	fclose(out);
	ov_json_doc_free(doc);
	free(data);
	fprintf(stderr, "gen_aliases: %zu aliases written to %s\n", n_al,
	    argv[2]);
	return 0;
}
