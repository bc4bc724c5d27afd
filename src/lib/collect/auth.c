/* SPDX-License-Identifier: MIT */
/*
 * Token sources.  One token per audience (ARM, Microsoft Graph), fetched
 * when first needed and refreshed before it expires (five minutes before,
 * or half its lifetime for short-lived tokens); a 401 mid-run drops it so
 * the next request fetches a new one.  Methods, as the Azure SDKs'
 * DefaultAzureCredential orders them for --auth auto:
 *   env                client secret, or a certificate signed into an
 *                      RS256 client assertion (x5t header);
 *   workload-identity  the federated token file, re-read for every token;
 *   managed-identity   App Service / Functions IDENTITY_ENDPOINT with
 *                      IDENTITY_HEADER, else the instance metadata service
 *                      (OVERVISOR_IMDS_ENDPOINT overrides its address);
 *   cli                az account get-access-token.
 * Every secret and token is registered with the redactor as soon as it is
 * known, so no message or log line can carry it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/time.h"

#define IMDS_DEFAULT "http://169.254.169.254"
#define JWT_BEARER \
	"urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
dup_env(char **out, const char *name)
{
	const char *v = env(name);

	*out = NULL;
	if (v != NULL && (*out = ov__strdup(v)) == NULL)
		return OV_ENOMEM;
	return 0;
}

/* Percent-encode s (RFC 3986 unreserved kept) onto b. */
static int
urlenc(struct ov_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;

	for (; *s != '\0' && error == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			error = ov__buf_putc(b, (char)c);
		else
			error = ov__buf_printf(b, "%%%c%c", hex[c >> 4],
			    hex[c & 15]);
	}
	return error;
}

/* A token must be a single header-safe word. */
static bool
token_ok(const char *t)
{
	size_t n = 0;

	for (; t[n] != '\0'; n++)
		if ((unsigned char)t[n] <= 0x20 || (unsigned char)t[n] >= 0x7f)
			return false;
	return n >= 8;
}

/* An integer, given as a number or a numeric string; false otherwise. */
static bool
int_of(const ov_json *v, int64_t *out)
{
	const char *s = ov_json_string(v), *p;
	int64_t n = 0;

	if (s == NULL)
		return ov_json_int(v, out);
	for (p = s; *p >= '0' && *p <= '9' && n < (INT64_MAX - 9) / 10; p++)
		n = n * 10 + (*p - '0');
	if (p == s || *p != '\0')
		return false;
	*out = n;
	return true;
}

/* "2024-05-01 10:00:00.000000" in local time, as old az CLIs print. */
static bool
local_time(const char *s, int64_t *out)
{
	struct tm tm;
	int64_t as_utc;
	time_t t;

	if (!ov__time_parse(s, strlen(s), &as_utc))
		return false;
	t = (time_t)as_utc;
	if (gmtime_r(&t, &tm) == NULL)
		return false;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return false;
	*out = (int64_t)t;
	return true;
}

/* Read a token reply; see collect_int.h. */
int
ov_collect__parse_token(const ov_json *root, int kind, int64_t now,
    struct ov_token_reply *out, char *err, size_t errlen)
{
	const ov_json *on, *in;
	const char *tok, *s;
	int64_t t = 0, life = 0;
	bool have = false;

	memset(out, 0, sizeof(*out));
	if (ov_json_type_of(root) != OV_JSON_OBJECT) {
		snprintf(err, errlen, "the token reply is not a JSON object");
		return OV_EAUTH;
	}
	tok = ov_json_string(ov_json_get(root, kind == OV_TOKEN_CLI ?
	    "accessToken" : "access_token"));
	if (tok == NULL) {
		snprintf(err, errlen, "the token reply has no %s",
		    kind == OV_TOKEN_CLI ? "accessToken" : "access_token");
		return OV_EAUTH;
	}
	if (!token_ok(tok)) {
		snprintf(err, errlen, "the token reply's access token is not a "
		    "single printable word");
		return OV_EAUTH;
	}
	s = ov_json_string(ov_json_get(root, "token_type"));
	if (s == NULL)
		s = ov_json_string(ov_json_get(root, "tokenType"));
	if (s != NULL && !ov__streq_ci(s, "Bearer")) {
		/* Not echoed: a reply's fields may carry the token itself. */
		snprintf(err, errlen, "the token type is not Bearer");
		return OV_EAUTH;
	}
	on = ov_json_get(root, "expires_on");
	in = ov_json_get(root, "expires_in");
	if (kind != OV_TOKEN_V2 && on != NULL && int_of(on, &t) && t > now) {
		have = true;
	} else if (in != NULL && int_of(in, &life) && life > 0 &&
	    life < 100 * 86400) {
		t = now + life;
		have = true;
	} else if (on != NULL && int_of(on, &t) && t > now) {
		have = true;
	} else if (kind == OV_TOKEN_CLI && (s = ov_json_string(ov_json_get(
	    root, "expiresOn"))) != NULL && local_time(s, &t) && t > now) {
		have = true;
	} else if (on != NULL && (s = ov_json_string(on)) != NULL &&
	    ov__time_parse(s, strlen(s), &t) && t > now) {
		have = true;	/* an App Service 2017 date */
	}
	if (!have) {
		snprintf(err, errlen, "the token reply has no usable expiry "
		    "(expires_in / expires_on), or the token has expired");
		return OV_EAUTH;
	}
	out->access_token = tok;
	out->expires_at = t;
	out->lifetime = t - now;
	out->tenant = ov_json_string(ov_json_get(root, "tenant"));
	return 0;
}

/* The tenant id inside a JWT ("tid"); see collect_int.h. */
bool
ov_collect__jwt_tenant(const char *jwt, char *out, size_t size)
{
	const char *p = strchr(jwt, '.'), *q;
	char buf[8192];
	ov_json_doc *doc = NULL;
	const char *tid;
	size_t n;
	bool ok = false;

	if (p == NULL || (q = strchr(p + 1, '.')) == NULL ||
	    (n = ov_collect__b64url_decode(p + 1, (size_t)(q - p - 1),
	    (unsigned char *)buf, sizeof(buf))) == (size_t)-1)
		return false;
	if (ov_json_parse(&doc, NULL, buf, n, OV_JSON_STRICT, NULL) == 0 &&
	    (tid = ov_json_string(ov_json_get(ov_json_doc_root(doc), "tid"))) !=
	    NULL && strlen(tid) < size && strlen(tid) > 0) {
		memcpy(out, tid, strlen(tid) + 1);
		ok = true;
	}
	ov_json_doc_free(doc);
	return ok;
}

static const char *
audience(const struct ov_auth *a, int aud)
{
	return aud == OV_AUD_GRAPH ? a->cloud->graph_audience :
	    a->cloud->arm_audience;
}

static int
fail(struct ov_auth *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record why a token could not be had (redacted). */
static int
fail(struct ov_auth *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	ov_collect__redact(a->redact, a->message, sizeof(a->message));
	return OV_EAUTH;
}

/* The v2 token endpoint of the tenant. */
static int
token_url(const struct ov_auth *a, struct ov_buf *b)
{
	return ov__buf_printf(b, "%s/%s/oauth2/v2.0/token", a->cloud->login,
	    a->tenant);
}

/* A client assertion in the form, hidden from every message first. */
static int
put_assertion(struct ov_auth *a, struct ov_buf *b, const char *assertion)
{
	int error;

	if ((error = ov_collect__redact_add(a->redact, assertion)) < 0 ||
	    (error = ov__buf_puts(b, "&client_assertion_type=" JWT_BEARER
	    "&client_assertion=")) < 0)
		return error;
	return urlenc(b, assertion);
}

/* The client_credentials form body for aud with a secret or assertion. */
static int
form(struct ov_auth *a, int aud, struct ov_buf *b, const char *url)
{
	char *assertion = NULL, *data = NULL;
	struct ov_buf scope = OV_BUF_INIT(4096);
	size_t len, n;
	int error;

	if ((error = ov__buf_printf(&scope, "%s/.default", audience(a, aud))) <
	    0 || (error = ov__buf_puts(b, "grant_type=client_credentials"
	    "&client_id=")) < 0 || (error = urlenc(b, a->client_id)) < 0 ||
	    (error = ov__buf_puts(b, "&scope=")) < 0 ||
	    (error = urlenc(b, ov__buf_cstr(&scope))) < 0)
		goto done;
	if (a->method == OV_COLLECT_AUTH_WORKLOAD_IDENTITY) {
		/* The kubelet or CI rotates the file: read it every time. */
		if (ov__read_file(a->ctx, OV_ERRCLASS_COLLECT, a->fed_file,
		    1 << 20, &data, &len) < 0) {
			error = fail(a, "cannot read the federated token file "
			    "(AZURE_FEDERATED_TOKEN_FILE): %s",
			    ov_error_last(a->ctx)->message);
			ov_error_clear(a->ctx);
			goto done;
		}
		n = len;
		while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r' ||
		    data[n - 1] == ' '))
			data[--n] = '\0';
		if (n == 0) {
			error = fail(a, "the federated token file "
			    "(AZURE_FEDERATED_TOKEN_FILE) is empty");
			goto done;
		}
		error = put_assertion(a, b, data);
	} else if (a->key != NULL) {
		if ((error = ov_collect__client_assertion(a->key, a->x5t,
		    a->client_id, url, (int64_t)time(NULL), &assertion)) < 0) {
			if (error == OV_EAUTH)
				error = fail(a, "cannot sign the client assertion "
				    "with the certificate's key");
			goto done;
		}
		error = put_assertion(a, b, assertion);
	} else {
		if ((error = ov__buf_puts(b, "&client_secret=")) < 0 ||
		    (error = urlenc(b, a->secret)) < 0)
			goto done;
	}
done:
	if (data != NULL) {
		memset(data, 0, len);
		ov__free(data);
	}
	if (assertion != NULL) {
		memset(assertion, 0, strlen(assertion));
		ov__free(assertion);
	}
	ov__buf_free(&scope);
	return error;
}

/* The managed identity URL for aud. */
static int
mi_url(const struct ov_auth *a, int aud, struct ov_buf *b)
{
	int error;

	if (a->app_service)
		error = ov__buf_printf(b, "%s%capi-version=2019-08-01&resource=",
		    a->mi_endpoint, strchr(a->mi_endpoint, '?') != NULL ? '&' :
		    '?');
	else
		error = ov__buf_printf(b, "%s/metadata/identity/oauth2/token"
		    "?api-version=2018-02-01&resource=", a->mi_endpoint);
	if (error == 0)
		error = urlenc(b, audience(a, aud));
	if (error == 0 && a->client_id != NULL &&
	    (error = ov__buf_puts(b, "&client_id=")) == 0)
		error = urlenc(b, a->client_id);
	return error;
}

/* Keep a reply's token for aud. */
static int
keep(struct ov_auth *a, int aud, const struct ov_token_reply *rep)
{
	struct ov_token *t = &a->tok[aud];
	char tid[128];

	if (ov_collect__redact_add(a->redact, rep->access_token) < 0)
		return OV_ENOMEM;
	if (t->value != NULL) {
		memset(t->value, 0, strlen(t->value));
		ov__free(t->value);
	}
	if ((t->value = ov__strdup(rep->access_token)) == NULL)
		return OV_ENOMEM;
	t->expires_at = rep->expires_at;
	t->lifetime = rep->lifetime;
	t->gen++;
	a->issued++;
	if (a->http != NULL)
		a->http->stats.tokens++;
	if (a->tenant == NULL) {
		const char *tenant = rep->tenant;

		if (tenant == NULL && ov_collect__jwt_tenant(rep->access_token,
		    tid, sizeof(tid)))
			tenant = tid;
		if (tenant != NULL && (a->tenant = ov__strdup(tenant)) == NULL)
			return OV_ENOMEM;
	}
	return 0;
}

/* Fetch a token for aud over HTTP (secret, assertion, managed identity). */
static int
fetch_http(struct ov_auth *a, int aud, unsigned flags, unsigned timeout_ms)
{
	struct ov_buf url = OV_BUF_INIT(1 << 16), body = OV_BUF_INIT(1 << 20);
	struct ov_http_resp resp;
	struct ov_token_reply rep;
	struct ov_http_req *r = NULL;
	char err[256], hdr[1024];
	const char *code, *message;
	bool mi = a->method == OV_COLLECT_AUTH_MANAGED_IDENTITY;
	int error;

	error = mi ? mi_url(a, aud, &url) : token_url(a, &url);
	if (error == 0 && !mi)
		error = form(a, aud, &body, ov__buf_cstr(&url));
	if (error < 0)
		goto done;
	if ((r = ov_http__req(OV_API_TOKEN, OV_AUD_NONE, ov__buf_cstr(&url),
	    NULL, NULL)) == NULL || (!mi && ov_http__req_body(r, body.ptr,
	    body.len) < 0)) {
		error = OV_ENOMEM;
		goto done;
	}
	r->flags = flags | (mi ? OV_REQ_NO_PROXY : OV_REQ_FORM);
	r->timeout_ms = timeout_ms;
	if (mi) {
		if (a->app_service)
			snprintf(hdr, sizeof(hdr), "X-IDENTITY-HEADER: %s",
			    a->mi_header);
		else
			snprintf(hdr, sizeof(hdr), "Metadata: true");
		r->extra_header = hdr;
		if (!a->app_service)
			r->flags |= OV_REQ_RETRY_404;
	}
	if ((error = ov_http__perform(a->http, r, &resp)) < 0)
		goto done;
	if (resp.status < 200 || resp.status > 299 || resp.json == NULL) {
		ov_collect__error_body(resp.json, &code, &message);
		error = fail(a, "no %s token from %s: %s",
		    aud == OV_AUD_GRAPH ? "Microsoft Graph" : "Resource Manager",
		    mi ? (a->app_service ? "the App Service identity endpoint" :
		    "the instance metadata service") : "the token endpoint",
		    resp.message[0] != '\0' ? resp.message : "no reply");
		goto done;
	}
	if ((error = ov_collect__parse_token(resp.json, mi ? OV_TOKEN_MI :
	    OV_TOKEN_V2, (int64_t)time(NULL), &rep, err, sizeof(err))) < 0) {
		error = fail(a, "%s", err);
		goto done;
	}
	error = keep(a, aud, &rep);
done:
	if (body.ptr != NULL)
		memset(body.ptr, 0, body.len);
	ov__buf_free(&body);
	ov__buf_free(&url);
	ov_http__req_free(r);
	return error;
}

/* Fetch a token for aud from the Azure CLI. */
static int
fetch_cli(struct ov_auth *a, int aud)
{
	struct ov_token_reply rep;
	ov_json_doc *doc = NULL;
	char *out = NULL, msg[OV_COLLECT_REASON], err[256];
	size_t len = 0;
	int error;

	if ((error = ov_collect__az_token(audience(a, aud), a->tenant,
	    a->timeout, &out, &len, msg, sizeof(msg))) < 0) {
		error = fail(a, "%s", msg);
		goto done;
	}
	if (a->http != NULL)
		a->http->stats.requests++;
	if (ov_json_parse(&doc, NULL, out, len, OV_JSON_STRICT, NULL) < 0) {
		error = fail(a, "az account get-access-token printed no JSON");
		goto done;
	}
	if ((error = ov_collect__parse_token(ov_json_doc_root(doc),
	    OV_TOKEN_CLI, (int64_t)time(NULL), &rep, err, sizeof(err))) < 0) {
		error = fail(a, "az account get-access-token: %s", err);
		goto done;
	}
	error = keep(a, aud, &rep);
done:
	ov_json_doc_free(doc);
	if (out != NULL) {
		memset(out, 0, len);
		ov__free(out);
	}
	return error;
}

/* True when the token is valid beyond the refresh margin. */
static bool
fresh(const struct ov_token *t, int64_t now)
{
	int64_t margin = t->lifetime / 2 < 300 ? t->lifetime / 2 : 300;

	return t->value != NULL && now + margin < t->expires_at;
}

/* A valid token; see collect_int.h. */
int
ov_auth__token(struct ov_auth *a, int aud, const char **token,
    uint64_t *gen)
{
	struct ov_token *t = &a->tok[aud];
	int error;

	*token = NULL;
	if (t->error != 0)
		return t->error;
	if (!fresh(t, (int64_t)time(NULL))) {
		error = a->method == OV_COLLECT_AUTH_CLI ? fetch_cli(a, aud) :
		    fetch_http(a, aud, 0, 0);
		if (error < 0) {
			t->error = error == OV_ENOMEM ? OV_ENOMEM : OV_EAUTH;
			if (error == OV_ENOMEM)
				fail(a, "out of memory");
			return t->error;
		}
	}
	*token = t->value;
	if (gen != NULL)
		*gen = t->gen;
	return 0;
}

/* Drop a rejected token; see collect_int.h. */
void
ov_auth__invalidate(struct ov_auth *a, int aud, uint64_t gen)
{
	struct ov_token *t = &a->tok[aud];

	if (t->value != NULL && t->gen == gen)
		t->expires_at = 0;
}

static void
clear_secret(char *s)
{
	if (s != NULL) {
		memset(s, 0, strlen(s));
		ov__free(s);
	}
}

void
ov_auth__free(struct ov_auth *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < OV_AUD__COUNT; i++)
		clear_secret(a->tok[i].value);
	clear_secret(a->secret);
	clear_secret(a->cert_pass);
	clear_secret(a->mi_header);
	ov__free(a->tenant);
	ov__free(a->client_id);
	ov__free(a->cert_path);
	ov__free(a->fed_file);
	ov__free(a->mi_endpoint);
	ov__free(a->x5t);
	EVP_PKEY_free(a->key);
	memset(a, 0, sizeof(*a));
}

/* Read the environment of every method. */
static int
read_env(struct ov_auth *a, const char *tenant)
{
	const char *imds = env("OVERVISOR_IMDS_ENDPOINT");
	size_t n;

	if ((tenant != NULL && (a->tenant = ov__strdup(tenant)) == NULL) ||
	    (tenant == NULL && dup_env(&a->tenant, "AZURE_TENANT_ID") < 0) ||
	    dup_env(&a->client_id, "AZURE_CLIENT_ID") < 0 ||
	    dup_env(&a->secret, "AZURE_CLIENT_SECRET") < 0 ||
	    dup_env(&a->cert_path, "AZURE_CLIENT_CERTIFICATE_PATH") < 0 ||
	    dup_env(&a->cert_pass, "AZURE_CLIENT_CERTIFICATE_PASSWORD") < 0 ||
	    dup_env(&a->fed_file, "AZURE_FEDERATED_TOKEN_FILE") < 0 ||
	    dup_env(&a->mi_header, "IDENTITY_HEADER") < 0)
		return OV_ENOMEM;
	if (env("IDENTITY_ENDPOINT") != NULL && a->mi_header != NULL) {
		a->app_service = true;
		a->mi_endpoint = ov__strdup(env("IDENTITY_ENDPOINT"));
	} else {
		a->mi_endpoint = ov__strdup(imds != NULL ? imds : IMDS_DEFAULT);
		n = a->mi_endpoint != NULL ? strlen(a->mi_endpoint) : 0;
		while (n > 0 && a->mi_endpoint[n - 1] == '/')
			a->mi_endpoint[--n] = '\0';
	}
	if (a->mi_endpoint == NULL ||
	    ov_collect__redact_add(a->redact, a->secret) < 0 ||
	    ov_collect__redact_add(a->redact, a->cert_pass) < 0 ||
	    ov_collect__redact_add(a->redact, a->mi_header) < 0)
		return OV_ENOMEM;
	return 0;
}

/* Why env cannot be used, or NULL when it can. */
static const char *
env_missing(const struct ov_auth *a)
{
	if (a->tenant == NULL)
		return "AZURE_TENANT_ID (or --tenant)";
	if (a->client_id == NULL)
		return "AZURE_CLIENT_ID";
	if (a->secret == NULL && a->cert_path == NULL)
		return "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH";
	return NULL;
}

static const char *
workload_missing(const struct ov_auth *a)
{
	if (a->fed_file == NULL)
		return "AZURE_FEDERATED_TOKEN_FILE";
	if (a->tenant == NULL)
		return "AZURE_TENANT_ID (or --tenant)";
	if (a->client_id == NULL)
		return "AZURE_CLIENT_ID";
	return NULL;
}

/* Resolve and prepare the method; see collect_int.h. */
int
ov_auth__init(struct ov_auth *a, ov_ctx *ctx, ov_collect_auth method,
    const char *tenant, const struct ov_cloud *cloud, struct ov_http *http,
    struct ov_redact *redact, unsigned timeout)
{
	const char *missing;
	int error;

	memset(a, 0, sizeof(*a));
	a->ctx = ctx;
	a->http = http;
	a->cloud = cloud;
	a->redact = redact;
	a->timeout = timeout;
	if ((error = read_env(a, tenant)) < 0)
		return ov__error_oom(ctx);
	if (method == OV_COLLECT_AUTH_AUTO) {
		if (env_missing(a) == NULL)
			method = OV_COLLECT_AUTH_ENV;
		else if (workload_missing(a) == NULL)
			method = OV_COLLECT_AUTH_WORKLOAD_IDENTITY;
		else if (a->app_service)
			method = OV_COLLECT_AUTH_MANAGED_IDENTITY;
		else {
			/* Probe the metadata service once, briefly. */
			a->method = OV_COLLECT_AUTH_MANAGED_IDENTITY;
			if (fetch_http(a, OV_AUD_ARM, OV_REQ_ONCE, 2000) == 0)
				method = OV_COLLECT_AUTH_MANAGED_IDENTITY;
			else if (ov_collect__az_available())
				method = OV_COLLECT_AUTH_CLI;
			else
				return ov__error(ctx, OV_EAUTH,
				    OV_ERRCLASS_COLLECT, "no credential found: "
				    "set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
				    "AZURE_CLIENT_SECRET (or a certificate or "
				    "federated token file), run on an Azure "
				    "managed identity, or sign in with az login");
		}
	}
	a->method = method;
	switch (method) {
	case OV_COLLECT_AUTH_ENV:
		if ((missing = env_missing(a)) != NULL)
			return ov__error(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT,
			    "--auth env needs %s", missing);
		if (a->secret == NULL && (error = ov_collect__load_cert(ctx,
		    a->cert_path, a->cert_pass, &a->key, &a->x5t)) < 0)
			return error;
		break;
	case OV_COLLECT_AUTH_WORKLOAD_IDENTITY:
		if ((missing = workload_missing(a)) != NULL)
			return ov__error(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT,
			    "--auth workload-identity needs %s", missing);
		break;
	case OV_COLLECT_AUTH_CLI:
		if (!ov_collect__az_available())
			return ov__error(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT,
			    "--auth cli needs the Azure CLI (az) on PATH");
		break;
	default:
		break;
	}
	return 0;
}
