/* SPDX-License-Identifier: MIT */
/*
 * Loading and querying the shared-responsibility matrix and the resource
 * type table (data/responsibility/matrix.json and types.json).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/raci/responsibility.h"
#include "overvisor/json.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

static const char *const model_names[OV_MODEL__COUNT] = {
	"iaas", "paas", "saas", "on-premises"
};

/* The name of a service model, or NULL when out of range. */
const char *
ov_raci__model_name(int model)
{
	if (model < 0 || model >= OV_MODEL__COUNT)
		return NULL;
	return model_names[model];
}

/* The service model named name (case-insensitive), or -1. */
int
ov_raci__model_parse(const char *name)
{
	int i;

	for (i = 0; i < OV_MODEL__COUNT && name != NULL; i++)
		if (ov__streq_ci(name, model_names[i]))
			return i;
	return -1;
}

static int
load_doc(ov_ctx *ctx, const char *path, ov_json_doc **doc)
{
	ov_json_error jerr;
	char *data = NULL;
	size_t len;
	int error;

	*doc = NULL;
	if ((error = ov__read_file(ctx, OV_ERRCLASS_INPUT, path,
	    OV_DATA_MAX_FILE, &data, &len)) < 0)
		return error;
	if ((error = ov_json_parse(doc, ctx, data, len, OV_JSON_STRICT,
	    &jerr)) < 0)
		error = ov__error_at(ctx, error, OV_ERRCLASS_INPUT, path,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
	ov__free(data);
	return error;
}

static int
load_matrix(struct ov_raci *r, const char *path)
{
	ov_json_doc *doc = NULL;
	const ov_json *layers;
	size_t i;
	int error, m;

	if ((error = load_doc(r->ctx, path, &doc)) < 0)
		return error;
	layers = ov_json_get(ov_json_doc_root(doc), "layers");
	if (ov_json_type_of(layers) != OV_JSON_ARRAY) {
		error = ov__error_at(r->ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    path, 0, 0, "/layers", "matrix has no layers array");
		goto done;
	}
	for (i = 0; i < ov_json_len(layers); i++) {
		const ov_json *l = ov_json_at(layers, i);
		const ov_json *own = ov_json_get(l, "owner");
		const char *title = ov_json_string(ov_json_get(l, "title"));
		ov_layer layer;

		if (ov_layer_parse(ov_json_string(ov_json_get(l, "id")),
		    &layer) < 0 || layer == OV_LAYER_UNKNOWN) {
			error = ov__error_at(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_INPUT, path, 0, 0, NULL,
			    "unknown layer '%s'",
			    ov_json_string(ov_json_get(l, "id")) ?
			    ov_json_string(ov_json_get(l, "id")) : "");
			goto done;
		}
		if (title != NULL && (r->layer_title[layer] =
		    ov__arena_strdup(&r->arena, title)) == NULL) {
			error = ov__error_oom(r->ctx);
			goto done;
		}
		for (m = 0; m < OV_MODEL__COUNT; m++) {
			const char *o = ov_json_string(ov_json_get(own,
			    model_names[m]));
			ov_owner ow;

			if (o == NULL || ov_owner_parse(o, &ow) < 0) {
				error = ov__error_at(r->ctx, OV_EINVALID,
				    OV_ERRCLASS_INPUT, path, 0, 0, NULL,
				    "layer '%s' has no valid owner for %s",
				    ov_layer_name(layer), model_names[m]);
				goto done;
			}
			r->owner[layer][m] = ow;
		}
	}
done:
	ov_json_doc_free(doc);
	return error;
}

/*
 * The types that hold the customer's own settings of the Azure control
 * plane (a Defender plan, a policy assignment, a role assignment): a
 * finding about one is the customer's decision, whatever service model
 * runs the setting.
 */
static int
load_settings(struct ov_raci *r, const char *path, const ov_json *list)
{
	size_t i;
	char *key;

	if (list == NULL)
		return 0;
	if (ov_json_type_of(list) != OV_JSON_ARRAY)
		return ov__error_at(r->ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    path, 0, 0, "/customerSettings", "customerSettings must "
		    "be an array of types");
	for (i = 0; i < ov_json_len(list); i++) {
		const char *t = ov_json_string(ov_json_at(list, i));

		if (t == NULL || strchr(t, '/') == NULL)
			return ov__error_at(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_INPUT, path, 0, 0, "/customerSettings",
			    "customerSettings[%zu] is not a resource type", i);
		if ((key = ov__arena_strdup(&r->arena, t)) == NULL ||
		    ov__map_put(&r->settings, key, strlen(key),
		    (void *)(uintptr_t)1) < 0)
			return ov__error_oom(r->ctx);
	}
	return 0;
}

static int
load_types(struct ov_raci *r, const char *path)
{
	ov_json_doc *doc = NULL;
	const ov_json *types;
	size_t i;
	int error;

	if ((error = load_doc(r->ctx, path, &doc)) < 0)
		return error;
	types = ov_json_get(ov_json_doc_root(doc), "types");
	if (ov_json_type_of(types) != OV_JSON_OBJECT) {
		error = ov__error_at(r->ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    path, 0, 0, "/types", "type table has no types object");
		goto done;
	}
	for (i = 0; i < ov_json_len(types); i++) {
		const ov_json_member *mem = ov_json_member_at(types, i);
		int model = ov_raci__model_parse(ov_json_string(&mem->value));
		char *key;

		if (model < 0) {
			error = ov__error_at(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_INPUT, path, 0, 0, NULL,
			    "type '%s' has an unknown service model",
			    mem->key);
			goto done;
		}
		if ((key = ov__arena_strdup(&r->arena, mem->key)) == NULL ||
		    ov__map_put(&r->types, key, strlen(key),
		    (void *)(uintptr_t)(model + 1)) < 0) {
			error = ov__error_oom(r->ctx);
			goto done;
		}
		r->n_types++;
	}
	error = load_settings(r, path, ov_json_get(ov_json_doc_root(doc),
	    "customerSettings"));
done:
	ov_json_doc_free(doc);
	return error;
}

/*
 * Load data_dir/data/responsibility/{matrix,types}.json into a new
 * ov_raci owned by the caller.
 */
int
ov_raci_load(ov_raci **out, ov_ctx *ctx, const char *data_dir)
{
	struct ov_raci *r;
	char path[4096];
	int error;

	OV_ASSERT_ARG(out != NULL && data_dir != NULL);
	*out = NULL;
	if ((r = ov__calloc(1, sizeof(*r))) == NULL)
		return ov__error_oom(ctx);
	r->ctx = ctx;
	ov__arena_init(&r->arena, 0, 0);
	snprintf(path, sizeof(path), "%s/data/responsibility/matrix.json",
	    data_dir);
	if ((error = load_matrix(r, path)) < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/data/responsibility/types.json",
	    data_dir);
	if ((error = load_types(r, path)) < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	ov_raci_free(r);
	return error;
}

/* Release a matrix.  NULL is ignored. */
void
ov_raci_free(ov_raci *r)
{
	if (r == NULL)
		return;
	ov__map_free(&r->types);
	ov__map_free(&r->settings);
	ov__arena_free(&r->arena);
	ov__free(r);
}

/*
 * The entry of type in m, walking up to the nearest listed parent type;
 * NULL when no prefix of the type is listed.
 */
static void *
type_lookup(const struct ov_map *m, const char *type)
{
	size_t len = strlen(type);
	void *v;

	while (len > 0) {
		const char *slash;
		size_t i;

		if ((v = ov__map_get(m, type, len)) != NULL)
			return v;
		/* Fall back to the parent type: drop the last segment. */
		slash = NULL;
		for (i = 0; i < len; i++)
			if (type[i] == '/')
				slash = type + i;
		if (slash == NULL)
			break;
		/* "Provider/type" is the shortest meaningful type. */
		if (memchr(type, '/', (size_t)(slash - type)) == NULL)
			break;
		len = (size_t)(slash - type);
	}
	return NULL;
}

/*
 * The service model of type, walking up to the nearest listed parent
 * type; -1 when no prefix of the type is listed.
 */
int
ov_raci__service_model(const struct ov_raci *r, const char *type)
{
	void *v;

	if (r == NULL || type == NULL ||
	    (v = type_lookup(&r->types, type)) == NULL)
		return -1;
	return (int)((uintptr_t)v - 1);
}

/* The owner a layer has under every cloud model, or UNKNOWN if it varies. */
static ov_owner
uniform_owner(const struct ov_raci *r, ov_layer layer)
{
	ov_owner o = r->owner[layer][OV_MODEL_IAAS];

	if (r->owner[layer][OV_MODEL_PAAS] != o ||
	    r->owner[layer][OV_MODEL_SAAS] != o)
		return OV_OWNER_UNKNOWN;
	return o;
}

/* The owner of layer for type; see responsibility.h. */
ov_owner
ov_raci__owner(const struct ov_raci *r, const char *type, ov_layer layer)
{
	int model;

	if (r == NULL || (unsigned)layer >= OV_LAYER__COUNT ||
	    layer == OV_LAYER_UNKNOWN)
		return OV_OWNER_UNKNOWN;
	/*
	 * A control-plane setting is the customer's on every layer above
	 * the hypervisor (those the customer owns under IaaS): Microsoft
	 * runs Defender or Azure Policy, the customer decides the plan, the
	 * assignment, the role.
	 */
	if (type != NULL && r->owner[layer][OV_MODEL_IAAS] !=
	    OV_OWNER_MICROSOFT && type_lookup(&r->settings, type) != NULL)
		return OV_OWNER_CUSTOMER;
	if ((model = ov_raci__service_model(r, type)) < 0)
		return uniform_owner(r, layer);
	return r->owner[layer][model];
}

/* The service model name of type, or NULL when unknown. */
const char *
ov_raci_service_model(const ov_raci *raci, const char *type)
{
	return ov_raci__model_name(ov_raci__service_model(raci, type));
}

/* Who owns layer for type (see overvisor/rules.h). */
ov_owner
ov_raci_owner(const ov_raci *raci, const char *type, ov_layer layer)
{
	return ov_raci__owner(raci, type, layer);
}

/* The owner of layer under a named service model. */
ov_owner
ov_raci_model_owner(const ov_raci *raci, const char *model, ov_layer layer)
{
	int m = ov_raci__model_parse(model);

	if (raci == NULL || m < 0 || (unsigned)layer >= OV_LAYER__COUNT)
		return OV_OWNER_UNKNOWN;
	return raci->owner[layer][m];
}

/* Number of types in the table. */
size_t
ov_raci_n_types(const ov_raci *raci)
{
	return raci != NULL ? raci->n_types : 0;
}
