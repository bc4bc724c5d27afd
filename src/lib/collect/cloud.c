/* SPDX-License-Identifier: MIT */
/*
 * Endpoint sets.  Every host and token audience of one collection comes
 * from one set: a built-in cloud or an endpoint file with the keys
 * `az cloud show` prints, so no request ever mixes two clouds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Built-in clouds (Microsoft's published endpoint sets). */
static const struct {
	const char	*name;
	const char	*login;
	const char	*arm;
	const char	*graph;
	const char	*arm_audience;
	const char	*graph_audience;
} clouds[] = {
	{ "AzureCloud", "https://login.microsoftonline.com",
	    "https://management.azure.com", "https://graph.microsoft.com",
	    "https://management.core.windows.net/",
	    "https://graph.microsoft.com/" },
	{ "AzureUSGovernment", "https://login.microsoftonline.us",
	    "https://management.usgovcloudapi.net", "https://graph.microsoft.us",
	    "https://management.core.usgovcloudapi.net/",
	    "https://graph.microsoft.us/" },
	{ "AzureChinaCloud", "https://login.chinacloudapi.cn",
	    "https://management.chinacloudapi.cn",
	    "https://microsoftgraph.chinacloudapi.cn",
	    "https://management.core.chinacloudapi.cn/",
	    "https://microsoftgraph.chinacloudapi.cn/" },
};

/* A copy of url without trailing slashes. */
static char *
base_url(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return ov__strndup(url, n);
}

void
ov_collect__cloud_free(struct ov_cloud *c)
{
	if (c == NULL)
		return;
	ov__free(c->name);
	ov__free(c->login);
	ov__free(c->arm);
	ov__free(c->graph);
	ov__free(c->arm_audience);
	ov__free(c->graph_audience);
	memset(c, 0, sizeof(*c));
}

static int
set_all(struct ov_cloud *c, ov_ctx *ctx, const char *name, const char *login,
    const char *arm, const char *graph, const char *arm_aud,
    const char *graph_aud)
{
	c->name = ov__strdup(name);
	c->login = base_url(login);
	c->arm = base_url(arm);
	c->graph = base_url(graph);
	c->arm_audience = ov__strdup(arm_aud);
	c->graph_audience = ov__strdup(graph_aud);
	if (c->name == NULL || c->login == NULL || c->arm == NULL ||
	    c->graph == NULL || c->arm_audience == NULL ||
	    c->graph_audience == NULL) {
		ov_collect__cloud_free(c);
		return ov__error_oom(ctx);
	}
	return 0;
}

/* The member key of obj, or of obj.endpoints (az cloud show nests them). */
static const ov_json *
endpoint(const ov_json *root, const char *key)
{
	const ov_json *v = ov_json_get(root, key);

	if (v == NULL)
		v = ov_json_get(ov_json_get(root, "endpoints"), key);
	return v;
}

/* Parse an endpoint document; see collect_int.h. */
int
ov_collect__cloud_parse(struct ov_cloud *c, ov_ctx *ctx, const char *path,
    const char *data, size_t len)
{
	static const char *const urls[] = { "activeDirectory",
	    "resourceManager", "microsoftGraph" };
	const char *val[3], *arm_aud, *graph_aud, *name;
	char pbuf[64];
	const ov_json *root, *v;
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	unsigned line, column;
	size_t i;
	int error;

	memset(c, 0, sizeof(*c));
	if ((error = ov_json_parse(&doc, ctx, data, len, OV_JSON_STRICT,
	    &jerr)) < 0) {
		if (error == OV_ENOMEM)
			return error;
		return ov__error_at(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG, path,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
	}
	root = ov_json_doc_root(doc);
#define ptr(key) (snprintf(pbuf, sizeof(pbuf), "%s/%s",		\
	    ov_json_get(root, key) == NULL &&				\
	    ov_json_get(root, "endpoints") != NULL ? "/endpoints" : "",	\
	    key), pbuf)
#define BAD(node, key, ...) do {					\
		ov_json_position(data, len, (node)->offset, &line, &column); \
		error = ov__error_at(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG, \
		    path, line, column, key, __VA_ARGS__);		\
		goto done;						\
	} while (0)
	if (ov_json_type_of(root) != OV_JSON_OBJECT)
		BAD(root, "", "an endpoint file is a JSON object with the keys "
		    "of az cloud show");
	for (i = 0; i < 3; i++) {
		v = endpoint(root, urls[i]);
		/* az cloud show names Graph only by its resource id. */
		if (v == NULL && i == 2)
			v = endpoint(root, "microsoftGraphResourceId");
		if (v == NULL)
			BAD(root, "", "endpoint file has no '%s'", urls[i]);
		val[i] = ov_json_string(v);
		if (val[i] == NULL || !ov__startswith_ci(val[i], "https://") ||
		    strlen(val[i]) <= 8)
			BAD(v, ptr(urls[i]), "'%s' must be an https:// URL (TLS is "
			    "always verified)", urls[i]);
	}
	v = endpoint(root, "activeDirectoryResourceId");
	if (v == NULL)
		v = endpoint(root, "management");
	arm_aud = v != NULL ? ov_json_string(v) : val[1];
	if (arm_aud == NULL || *arm_aud == '\0')
		BAD(v != NULL ? v : root, ptr("activeDirectoryResourceId"),
		    "'activeDirectoryResourceId' must be a non-empty string");
	v = endpoint(root, "microsoftGraphResourceId");
	graph_aud = v != NULL ? ov_json_string(v) : val[2];
	if (graph_aud == NULL || *graph_aud == '\0')
		BAD(v != NULL ? v : root, ptr("microsoftGraphResourceId"),
		    "'microsoftGraphResourceId' must be a non-empty string");
	name = ov_json_string(ov_json_get(root, "name"));
	error = set_all(c, ctx, name != NULL ? name : "custom", val[0], val[1],
	    val[2], arm_aud, graph_aud);
#undef BAD
#undef ptr
done:
	ov_json_doc_free(doc);
	return error;
}

/* Load a built-in cloud or an endpoint file; see collect_int.h. */
int
ov_collect__cloud_load(struct ov_cloud *c, ov_ctx *ctx, const char *name,
    const char *path)
{
	char *data = NULL;
	size_t len, i;
	int error;

	memset(c, 0, sizeof(*c));
	if (path != NULL) {
		if ((error = ov__read_file(ctx, OV_ERRCLASS_CONFIG, path,
		    1 << 20, &data, &len)) < 0)
			return error == OV_EIO ? OV_EINVALID : error;
		error = ov_collect__cloud_parse(c, ctx, path, data, len);
		ov__free(data);
		return error;
	}
	if (name == NULL)
		name = "AzureCloud";
	for (i = 0; i < sizeof(clouds) / sizeof(clouds[0]); i++)
		if (ov__streq_ci(name, clouds[i].name))
			return set_all(c, ctx, clouds[i].name, clouds[i].login,
			    clouds[i].arm, clouds[i].graph,
			    clouds[i].arm_audience, clouds[i].graph_audience);
	return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
	    "unknown cloud '%s' (expected AzureCloud, AzureUSGovernment or "
	    "AzureChinaCloud, or give --endpoints FILE)", name);
}

/*
 * Split url into scheme, host and port (the scheme's default when absent:
 * ARM next links may spell out :443).  False when it is not absolute.
 */
static bool
origin(const char *url, const char **scheme, size_t *slen, const char **host,
    size_t *hlen, unsigned long *port)
{
	const char *p = strstr(url, "://"), *h, *end, *colon;
	char *stop;

	if (p == NULL || p == url)
		return false;
	*scheme = url;
	*slen = (size_t)(p - url);
	h = p + 3;
	end = h + strcspn(h, "/?#");
	colon = memchr(h, ':', (size_t)(end - h));
	*host = h;
	*hlen = (size_t)((colon != NULL ? colon : end) - h);
	if (*hlen == 0 || memchr(h, '@', (size_t)(end - h)) != NULL)
		return false;	/* no host, or credentials in the URL */
	if (colon == NULL) {
		*port = ov__eq_ci(url, *slen, "https", 5) ? 443 :
		    ov__eq_ci(url, *slen, "http", 4) ? 80 : 0;
		return *port != 0;
	}
	*port = strtoul(colon + 1, &stop, 10);
	return stop == end && *port > 0 && *port < 65536;
}

/* True when url has the same scheme, host and port as base. */
bool
ov_collect__same_origin(const char *url, const char *base)
{
	const char *s1, *h1, *s2, *h2;
	size_t sl1, hl1, sl2, hl2;
	unsigned long p1, p2;

	if (url == NULL || base == NULL ||
	    !origin(url, &s1, &sl1, &h1, &hl1, &p1) ||
	    !origin(base, &s2, &sl2, &h2, &hl2, &p2))
		return false;
	return ov__eq_ci(s1, sl1, s2, sl2) && ov__eq_ci(h1, hl1, h2, hl2) &&
	    p1 == p2;
}

/* Validate a cloud choice without collecting. */
int
ov_collect_check_endpoints(ov_ctx *ctx, const char *cloud,
    const char *endpoints_path)
{
	struct ov_cloud c;
	int error;

	if (ctx == NULL)
		return OV_EINVALID;
	error = ov_collect__cloud_load(&c, ctx, cloud, endpoints_path);
	ov_collect__cloud_free(&c);
	return error;
}
