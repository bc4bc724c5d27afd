/* SPDX-License-Identifier: MIT */
/*
 * fakeazure: the data (a snapshot directory read at start) and the routes
 * of the three APIs and the token endpoints, following their public
 * contracts: client_credentials with a secret, a certificate assertion
 * (RS256, x5t) or a federated token; IMDS and App Service managed
 * identity; Resource Graph POST queries paged with $skipToken and quota
 * headers; ARM lists paged with nextLink; Graph collections paged with
 * @odata.nextLink, $select and $expand=principal.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "fakeazure.h"
#include "overvisor/json.h"
#include "lib/collect/collect_int.h"

/* ---- small helpers --------------------------------------------------- */

static void die(const char *what, const char *detail)
    __attribute__((noreturn));

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fakeazure: %s%s%s\n", what, detail != NULL ? ": " : "",
	    detail != NULL ? detail : "");
	exit(1);
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory", NULL);
	return p;
}

static char *
lower_dup(const char *s)
{
	char *p = xstrdup(s), *q;

	for (q = p; *q != '\0'; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

static void
put(struct ov_buf *b, const char *s)
{
	if (ov__buf_puts(b, s) < 0)
		die("out of memory", NULL);
}

static void
putn(struct ov_buf *b, const char *s, size_t n)
{
	if (ov__buf_add(b, s, n) < 0)
		die("out of memory", NULL);
}

static int
sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

static void
put_str(struct ov_buf *b, const char *s)
{
	if (ov_json_write_string(s, strlen(s), 0, sink, b) < 0)
		die("out of memory", NULL);
}

void
fa_urldecode(const char *src, size_t n, char *dst, size_t size, bool form)
{
	size_t i, o = 0;
	char hex[3];

	for (i = 0; i < n && o + 1 < size; i++) {
		if (src[i] == '%' && i + 2 < n && isxdigit((unsigned char)src[i +
		    1]) && isxdigit((unsigned char)src[i + 2])) {
			hex[0] = src[i + 1];
			hex[1] = src[i + 2];
			hex[2] = '\0';
			dst[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else if (form && src[i] == '+') {
			dst[o++] = ' ';
		} else {
			dst[o++] = src[i];
		}
	}
	dst[o] = '\0';
}

bool
fa_param(const char *qs, const char *name, char *out, size_t size)
{
	const char *p = qs, *amp, *eq;
	char key[256];

	while (p != NULL && *p != '\0') {
		amp = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(amp - p));
		fa_urldecode(p, (size_t)((eq != NULL ? eq : amp) - p), key,
		    sizeof(key), true);
		if (strcmp(key, name) == 0) {
			if (eq == NULL)
				out[0] = '\0';
			else
				fa_urldecode(eq + 1, (size_t)(amp - eq - 1), out,
				    size, true);
			return true;
		}
		p = *amp == '&' ? amp + 1 : amp;
	}
	return false;
}

/* Append printf output to a fixed buffer. */
static void vappend(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
vappend(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t n = strlen(buf);

	vsnprintf(buf + n, size - n, fmt, ap);
}

static void add_header(struct fa_resp *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_header(struct fa_resp *resp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(resp->headers, sizeof(resp->headers), fmt, ap);
	va_end(ap);
}

void
fa_error(struct fa_resp *resp, int status, const char *code,
    const char *message)
{
	resp->status = status;
	ov__buf_clear(&resp->body);
	put(&resp->body, "{\"error\":{\"code\":");
	put_str(&resp->body, code);
	put(&resp->body, ",\"message\":");
	put_str(&resp->body, message);
	put(&resp->body, "}}");
}

/* An OAuth error, as the token endpoints answer. */
static void
oauth_error(struct fa_resp *resp, int status, const char *code,
    const char *description)
{
	resp->status = status;
	ov__buf_clear(&resp->body);
	put(&resp->body, "{\"error\":");
	put_str(&resp->body, code);
	put(&resp->body, ",\"error_description\":");
	put_str(&resp->body, description);
	put(&resp->body, "}");
}

void
fa_log(const struct fa_req *req, const struct fa_resp *resp, unsigned ms)
{
	static const char *const apis[FA_NAPIS] = { "token", "mi", "arm", "arg",
	    "graph" };

	if (fa_st.log == NULL)
		return;
	pthread_mutex_lock(&fa_st.lock);
	fprintf(fa_st.log, "%s #%u %s %s %d %ums%s%s\n", apis[req->api],
	    req->nth, req->method, req->path, resp->status, ms,
	    resp->note[0] != '\0' ? " " : "", resp->note);
	pthread_mutex_unlock(&fa_st.lock);
}

static void note(struct fa_resp *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct fa_resp *resp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(resp->note, sizeof(resp->note), fmt, ap);
	va_end(ap);
}

/* ---- base64url and tokens --------------------------------------------- */

static void
b64url(struct ov_buf *b, const unsigned char *p, size_t n)
{
	if (ov_collect__b64url(b, p, n) < 0)
		die("out of memory", NULL);
}

static size_t
b64url_decode(const char *s, size_t n, unsigned char *out, size_t size)
{
	return ov_collect__b64url_decode(s, n, out, size);
}

/* An audience without "/.default" and trailing slashes, lower-cased. */
static void
norm_aud(const char *s, char *out, size_t size)
{
	size_t n = strlen(s), i;

	if (n >= 9 && strcmp(s + n - 9, "/.default") == 0)
		n -= 9;
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
}

/* "arm", "graph" or NULL for an audience or scope. */
static const char *
aud_name(const char *s)
{
	char a[512], b[512];

	norm_aud(s, a, sizeof(a));
	norm_aud(fa_cfg.arm_audience, b, sizeof(b));
	if (strcmp(a, b) == 0)
		return "arm";
	/* ARM also accepts its own host as the audience. */
	if (strcmp(a, "https://management.azure.com") == 0)
		return "arm";
	norm_aud(fa_cfg.graph_audience, b, sizeof(b));
	if (strcmp(a, b) == 0)
		return "graph";
	return NULL;
}

/* Issue an access token for aud ("arm" or "graph"). */
static void
issue(struct ov_buf *tok, const char *aud, int64_t *exp)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct ov_buf payload = OV_BUF_INIT(4096);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	uint64_t jti;
	char num[64];

	pthread_mutex_lock(&fa_st.lock);
	jti = ++fa_st.next_jti;
	pthread_mutex_unlock(&fa_st.lock);
	*exp = fa_now() + fa_cfg.token_lifetime;
	put(&payload, "{\"aud\":\"");
	put(&payload, aud);
	put(&payload, "\",\"tid\":\"");
	put(&payload, fa_cfg.tenant);
	snprintf(num, sizeof(num), "\",\"exp\":%lld,\"jti\":\"%llu\"}",
	    (long long)*exp, (unsigned long long)jti);
	put(&payload, num);
	b64url(tok, (const unsigned char *)header, strlen(header));
	put(tok, ".");
	b64url(tok, (const unsigned char *)payload.ptr, payload.len);
	HMAC(EVP_sha256(), fa_st.hmac_key, sizeof(fa_st.hmac_key),
	    (const unsigned char *)tok->ptr, tok->len, mac, &maclen);
	put(tok, ".");
	b64url(tok, mac, maclen);
	ov__buf_free(&payload);
}

/*
 * Check a bearer token for aud; 0 when valid, else 401 written to resp.
 * revoke: declare the token expired (the scheduled "expire" fault).
 */
static int
check_token(const struct fa_req *req, struct fa_resp *resp, const char *aud,
    bool revoke)
{
	unsigned char mac[EVP_MAX_MD_SIZE], payload[4096];
	struct ov_buf expect = OV_BUF_INIT(1024);
	const char *t, *d1, *d2, *taud, *jti;
	unsigned int maclen = 0;
	ov_json_doc *doc = NULL;
	const ov_json *root;
	size_t plen;
	int64_t exp = 0;
	char *key;
	bool ok = false;

	add_header(resp, "%s", "WWW-Authenticate: Bearer "
	    "authorization_uri=\"https://login.example/\", "
	    "error=\"invalid_token\"\r\n");
	if (req->auth == NULL || strncasecmp(req->auth, "Bearer ", 7) != 0) {
		fa_error(resp, 401, "AuthenticationFailed",
		    "Authentication failed. The 'Authorization' header is "
		    "missing.");
		return -1;
	}
	t = req->auth + 7;
	if ((d1 = strchr(t, '.')) == NULL || (d2 = strchr(d1 + 1, '.')) ==
	    NULL)
		goto bad;
	HMAC(EVP_sha256(), fa_st.hmac_key, sizeof(fa_st.hmac_key),
	    (const unsigned char *)t, (size_t)(d2 - t), mac, &maclen);
	b64url(&expect, mac, maclen);
	if (strcmp(d2 + 1, ov__buf_cstr(&expect)) != 0)
		goto bad;
	plen = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), payload,
	    sizeof(payload));
	if (plen == (size_t)-1 || ov_json_parse(&doc, NULL, (char *)payload,
	    plen, OV_JSON_STRICT, NULL) < 0)
		goto bad;
	root = ov_json_doc_root(doc);
	taud = ov_json_string(ov_json_get(root, "aud"));
	jti = ov_json_string(ov_json_get(root, "jti"));
	(void)ov_json_int(ov_json_get(root, "exp"), &exp);
	if (taud == NULL || jti == NULL || strcmp(taud, aud) != 0) {
		ov_json_doc_free(doc);
		ov__buf_free(&expect);
		fa_error(resp, 401, "InvalidAuthenticationTokenAudience",
		    "The access token has been obtained for the wrong audience "
		    "or resource.");
		return -1;
	}
	pthread_mutex_lock(&fa_st.lock);
	if (revoke && ov__map_get(&fa_st.revoked, jti, strlen(jti)) == NULL) {
		key = xstrdup(jti);
		(void)ov__map_put(&fa_st.revoked, key, strlen(key), key);
	}
	ok = exp > fa_now() && ov__map_get(&fa_st.revoked, jti, strlen(jti)) ==
	    NULL;
	pthread_mutex_unlock(&fa_st.lock);
	ov_json_doc_free(doc);
	ov__buf_free(&expect);
	if (!ok) {
		fa_error(resp, 401, "ExpiredAuthenticationToken", "The access "
		    "token expiry UTC time is earlier than current UTC time.");
		note(resp, "%s", "token-expired");
		return -1;
	}
	resp->headers[0] = '\0';
	return 0;
bad:
	ov__buf_free(&expect);
	fa_error(resp, 401, "InvalidAuthenticationToken",
	    "The access token is invalid.");
	return -1;
}

/* ---- data --------------------------------------------------------------- */

static struct fa_table *
table(struct fa_table *list, size_t *n, size_t cap, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp(list[i].name, name) == 0)
			return &list[i];
	if (*n == cap)
		die("too many tables", name);
	snprintf(list[*n].name, sizeof(list[*n].name), "%s", name);
	return &list[(*n)++];
}

static struct fa_row *
add_row(struct fa_table *t, const char *line, size_t len)
{
	struct fa_row *r;

	if (t->n == t->cap) {
		t->cap = t->cap != 0 ? t->cap * 2 : 256;
		if ((t->rows = realloc(t->rows, t->cap * sizeof(*t->rows))) ==
		    NULL)
			die("out of memory", NULL);
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	if ((r->line = malloc(len + 1)) == NULL)
		die("out of memory", NULL);
	memcpy(r->line, line, len);
	r->line[len] = '\0';
	r->len = len;
	return r;
}

static void
known(char *lower)
{
	if (ov__map_get(&fa_data.known, lower, strlen(lower)) == NULL &&
	    ov__map_put(&fa_data.known, lower, strlen(lower), lower) < 0)
		die("out of memory", NULL);
}

/* Index one record of kind ("arg:table", "arm:*", "graph:*"). */
static void
index_row(const char *source, struct fa_row *r, const ov_json *o)
{
	const char *id = ov_json_string(ov_json_get(o, "id"));
	const char *sub = ov_json_string(ov_json_get(o, "subscriptionId"));
	const char *type = ov_json_string(ov_json_get(o, "type"));
	char *slash, *s;

	if (id != NULL)
		r->id = lower_dup(id);
	if (sub != NULL && *sub != '\0')
		r->sub = lower_dup(sub);
	if (strncmp(source, "graph:", 6) == 0 || r->id == NULL ||
	    r->id[0] != '/')
		return;	/* maps are filled once the tables stop growing */
	known(r->id);
	if (strncmp(source, "arm:", 4) == 0) {
		r->parent = xstrdup(r->id);
		if ((slash = strrchr(r->parent, '/')) != NULL)
			*slash = '\0';
	}
	if (type != NULL && strcasecmp(type, "microsoft.resources/subscriptions")
	    == 0 && sub != NULL) {
		fa_data.subs = realloc(fa_data.subs, (fa_data.n_subs + 1) *
		    sizeof(*fa_data.subs));
		if (fa_data.subs == NULL)
			die("out of memory", NULL);
		snprintf(fa_data.subs[fa_data.n_subs].id,
		    sizeof(fa_data.subs[0].id), "%s", sub);
		fa_data.subs[fa_data.n_subs++].line = r->line;
		s = malloc(strlen(sub) + 16);
		if (s == NULL)
			die("out of memory", NULL);
		snprintf(s, strlen(sub) + 16, "/subscriptions/%s", r->sub);
		known(s);
	}
	/* Resource groups own their resources' lists too. */
	if (r->sub != NULL && (s = strstr(r->id, "/resourcegroups/")) != NULL) {
		char *rg = xstrdup(r->id);
		char *end = strchr(rg + (s - r->id) + 16, '/');

		if (end != NULL)
			*end = '\0';
		known(rg);
	}
}

static void
load_file(const char *dir, const char *file, const char *source,
    ov_json_parser *p)
{
	char path[4096], *data, *line, *nl;
	struct fa_table *t;
	const ov_json *root;
	struct fa_row *r;
	FILE *f;
	long n;

	if (strncmp(source, "arg:", 4) == 0)
		t = table(fa_data.arg, &fa_data.n_arg, 32, source + 4);
	else if (strncmp(source, "graph:", 6) == 0)
		t = table(fa_data.graph, &fa_data.n_graph, 32, source);
	else
		t = &fa_data.arm;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((f = fopen(path, "rb")) == NULL)
		die("cannot read", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (data = malloc((size_t)n + 1)) ==
	    NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	data[n] = '\0';
	for (line = data; *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		if (nl > line) {
			if (ov_json_parser_parse(p, line, (size_t)(nl - line),
			    &root, NULL, NULL) < 0)
				die("bad JSON line in", path);
			r = add_row(t, line, (size_t)(nl - line));
			index_row(source, r, root);
		}
		if (*nl == '\n')
			nl++;
	}
	free(data);
}

/* Index rows by pointer, now that no table grows any more. */
static void
index_maps(void)
{
	struct fa_table *t;
	struct fa_row *r;
	size_t i, j;
	uint32_t gid;

	/* the collections: a counting pass, then the rows in order */
	for (i = 0; i < fa_data.arm.n; i++) {
		r = &fa_data.arm.rows[i];
		if (r->parent == NULL)
			continue;
		if (ov__map_put(&fa_data.arm_ids, r->id, strlen(r->id), r) < 0 ||
		    ov__groups_count(&fa_data.arm_coll, r->parent,
		    strlen(r->parent), &gid) < 0)
			die("out of memory", NULL);
	}
	if (ov__groups_layout(&fa_data.arm_coll) < 0)
		die("out of memory", NULL);
	for (i = 0; i < fa_data.arm.n; i++) {
		r = &fa_data.arm.rows[i];
		if (r->parent != NULL)
			ov__groups_add_key(&fa_data.arm_coll, r->parent,
			    strlen(r->parent), r);
	}
	for (i = 0; i < fa_data.n_graph; i++) {
		t = &fa_data.graph[i];
		if (strcmp(t->name, "graph:users") != 0 &&
		    strcmp(t->name, "graph:groups") != 0 &&
		    strcmp(t->name, "graph:servicePrincipals") != 0)
			continue;
		for (j = 0; j < t->n; j++) {
			r = &t->rows[j];
			if (r->id != NULL && ov__map_put(&fa_data.principals,
			    r->id, strlen(r->id), r) < 0)
				die("out of memory", NULL);
		}
	}
}

/* Read the snapshot directory the service serves. */
int
fa_load(const char *dir)
{
	char path[4096], *data;
	const ov_json *root, *sources, *src, *files;
	ov_json_parser *p = NULL;
	ov_json_doc *doc = NULL;
	const char *name, *tn;
	size_t i, j;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	if ((f = fopen(path, "rb")) == NULL)
		die("cannot read", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (data = malloc((size_t)n + 1)) ==
	    NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	if (ov_json_parse(&doc, NULL, data, (size_t)n, OV_JSON_STRICT, NULL) < 0)
		die("bad manifest", path);
	if (ov_json_parser_new(&p, NULL, OV_JSON_STRICT) < 0)
		die("out of memory", NULL);
	root = ov_json_doc_root(doc);
	snprintf(fa_data.tenant, sizeof(fa_data.tenant), "%s",
	    ov_json_string(ov_json_get(root, "tenantId")) != NULL ?
	    ov_json_string(ov_json_get(root, "tenantId")) : "");
	tn = ov_json_string(ov_json_get(root, "tenantName"));
	snprintf(fa_data.tenant_name, sizeof(fa_data.tenant_name), "%s",
	    tn != NULL ? tn : "Contoso");
	sources = ov_json_get(root, "sources");
	for (i = 0; i < ov_json_len(sources); i++) {
		src = ov_json_at(sources, i);
		name = ov_json_string(ov_json_get(src, "name"));
		files = ov_json_get(src, "files");
		for (j = 0; name != NULL && j < ov_json_len(files); j++)
			if (ov_json_string(ov_json_at(files, j)) != NULL)
				load_file(dir, ov_json_string(ov_json_at(files,
				    j)), name, p);
	}
	ov_json_parser_free(p);
	ov_json_doc_free(doc);
	free(data);
	index_maps();
	return 0;
}

/* ---- faults -------------------------------------------------------------- */

/* The fault that applies to this request, if any. */
static enum fa_fault
fault_for(const struct fa_req *req)
{
	struct fa_fault_rule *f;
	size_t i;
	enum fa_fault hit = FA_F_NONE;

	pthread_mutex_lock(&fa_st.lock);
	for (i = 0; i < fa_cfg.n_faults && hit == FA_F_NONE; i++) {
		f = &fa_cfg.faults[i];
		if (f->nth != 0) {
			if (f->api == req->api && (f->onward ? req->nth >=
			    f->nth : f->nth == req->nth && !f->fired)) {
				f->fired = true;
				hit = f->kind;
			}
		} else if (f->exact ? strcasecmp(req->path, f->prefix) == 0 :
		    strncasecmp(req->path, f->prefix, strlen(f->prefix)) == 0) {
			if ((f->kind != FA_F_PAGEFAIL ||
			    strcasestr(req->query, "skiptoken") != NULL) &&
			    (f->kind != FA_F_NOEXPAND ||
			    strcasestr(req->query, "expand") != NULL))
				hit = f->kind;
		}
	}
	pthread_mutex_unlock(&fa_st.lock);
	return hit;
}

/* The Graph 403 of the corpus (a real reply), or one like it. */
static void
graph_403(struct fa_resp *resp)
{
	resp->status = 403;
	ov__buf_clear(&resp->body);
	if (fa_st.err403 != NULL)
		put(&resp->body, fa_st.err403);
	else
		put(&resp->body, "{\"error\":{\"code\":\"Authorization_Request"
		    "Denied\",\"message\":\"Insufficient privileges to complete "
		    "the operation.\",\"innerError\":{\"date\":"
		    "\"2025-02-20T10:52:30\",\"request-id\":\"ee68ce24-ebd0-40e7-"
		    "b78e-293acaaff5bc\"}}}");
	add_header(resp, "request-id: %s\r\n",
	    "ee68ce24-ebd0-40e7-b78e-293acaaff5bc");
}

/* ---- token endpoints ------------------------------------------------------ */

/* The thumbprint (x5t) and public key of the app's certificate. */
static bool
cert_key(char *x5t, size_t size, EVP_PKEY **key)
{
	struct ov_buf b = OV_BUF_INIT(256);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509 *cert = NULL;
	FILE *f;

	if (fa_cfg.client_cert == NULL || (f = fopen(fa_cfg.client_cert, "r")) ==
	    NULL)
		return false;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL || X509_digest(cert, EVP_sha1(), md, &mdlen) != 1) {
		X509_free(cert);
		ERR_clear_error();
		return false;
	}
	b64url(&b, md, mdlen);
	snprintf(x5t, size, "%s", ov__buf_cstr(&b));
	ov__buf_free(&b);
	*key = X509_get_pubkey(cert);
	X509_free(cert);
	return *key != NULL;
}

/* Verify a certificate client assertion; NULL when valid, else why. */
static const char *
verify_assertion(const struct fa_req *req, const char *jwt)
{
	const char *d1 = strchr(jwt, '.'), *d2, *s;
	unsigned char hdr[2048], claims[8192], sig[1024];
	size_t hl, cl, sl;
	char x5t[128], aud[9000];
	ov_json_doc *h = NULL, *c = NULL;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	const char *why = NULL;
	int64_t exp = 0, nbf = 0;

	if (d1 == NULL || (d2 = strchr(d1 + 1, '.')) == NULL)
		return "the client assertion is not a JWT";
	hl = b64url_decode(jwt, (size_t)(d1 - jwt), hdr, sizeof(hdr));
	cl = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), claims,
	    sizeof(claims));
	sl = b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof(sig));
	if (hl == (size_t)-1 || cl == (size_t)-1 || sl == (size_t)-1 ||
	    ov_json_parse(&h, NULL, (char *)hdr, hl, 0, NULL) < 0 ||
	    ov_json_parse(&c, NULL, (char *)claims, cl, 0, NULL) < 0) {
		why = "the client assertion is malformed";
		goto done;
	}
	if ((s = ov_json_string(ov_json_get(ov_json_doc_root(h), "alg"))) ==
	    NULL || strcmp(s, "RS256") != 0) {
		why = "AADSTS5002730: the assertion is not RS256";
		goto done;
	}
	if (!cert_key(x5t, sizeof(x5t), &key)) {
		why = "AADSTS700027: no certificate is registered";
		goto done;
	}
	if ((s = ov_json_string(ov_json_get(ov_json_doc_root(h), "x5t"))) ==
	    NULL || strcmp(s, x5t) != 0) {
		why = "AADSTS700027: the x5t does not name the registered "
		    "certificate";
		goto done;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestVerify(md, sig, sl, (const unsigned char *)jwt,
	    (size_t)(d2 - jwt)) != 1) {
		ERR_clear_error();
		why = "AADSTS700027: client assertion failed signature "
		    "validation";
		goto done;
	}
	snprintf(aud, sizeof(aud), "https://%s%s", req->host, req->path);
	if ((s = ov_json_string(ov_json_get(ov_json_doc_root(c), "aud"))) ==
	    NULL || strcasecmp(s, aud) != 0) {
		why = "AADSTS700016: the assertion's audience is not this token "
		    "endpoint";
		goto done;
	}
	if ((s = ov_json_string(ov_json_get(ov_json_doc_root(c), "iss"))) ==
	    NULL || strcmp(s, fa_cfg.client_id) != 0 ||
	    (s = ov_json_string(ov_json_get(ov_json_doc_root(c), "sub"))) ==
	    NULL || strcmp(s, fa_cfg.client_id) != 0) {
		why = "AADSTS700021: the assertion's iss and sub are not the "
		    "client id";
		goto done;
	}
	if (!ov_json_int(ov_json_get(ov_json_doc_root(c), "exp"), &exp) ||
	    exp <= fa_now() || !ov_json_int(ov_json_get(ov_json_doc_root(c),
	    "nbf"), &nbf) || nbf > fa_now() + 300 ||
	    ov_json_get(ov_json_doc_root(c), "jti") == NULL) {
		why = "AADSTS700024: the assertion is not within its valid time "
		    "range or has no jti";
		goto done;
	}
done:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	ov_json_doc_free(h);
	ov_json_doc_free(c);
	return why;
}

/*
 * Remember a credential (a token issued, an assertion received, a
 * federated token written) in the token log, so that tests can check no
 * output of overvisor ever carries one.
 */
static void
log_credential(const char *cred)
{
	if (fa_st.token_log == NULL || cred == NULL || strlen(cred) < 8)
		return;
	pthread_mutex_lock(&fa_st.lock);
	fprintf(fa_st.token_log, "%s\n", cred);
	pthread_mutex_unlock(&fa_st.lock);
}

/* The federated token file's content, trimmed (malloc), or NULL. */
static char *
federated(void)
{
	FILE *f;
	char buf[16384];
	size_t n;

	if (fa_cfg.federated_file == NULL ||
	    (f = fopen(fa_cfg.federated_file, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return n != 0 ? xstrdup(buf) : NULL;
}

/* The next federated token: the kubelet rotates it under the client. */
static void
rotate_federated(void)
{
	unsigned char rnd[24];
	struct ov_buf b = OV_BUF_INIT(256);
	char tmp[4096];
	FILE *f;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return;
	put(&b, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmZWQifQ.");
	b64url(&b, rnd, sizeof(rnd));
	log_credential(ov__buf_cstr(&b));
	snprintf(tmp, sizeof(tmp), "%s.tmp", fa_cfg.federated_file);
	if ((f = fopen(tmp, "w")) != NULL) {
		fputs(ov__buf_cstr(&b), f);
		if (fclose(f) == 0)
			(void)rename(tmp, fa_cfg.federated_file);
	}
	ov__buf_free(&b);
}

static void
token_reply(struct fa_resp *resp, const char *aud, bool mi,
    const char *resource)
{
	struct ov_buf tok = OV_BUF_INIT(8192);
	char num[160];
	int64_t exp;

	issue(&tok, aud, &exp);
	log_credential(ov__buf_cstr(&tok));
	resp->status = 200;
	put(&resp->body, "{\"token_type\":\"Bearer\",\"access_token\":");
	put_str(&resp->body, ov__buf_cstr(&tok));
	if (mi) {
		snprintf(num, sizeof(num), ",\"expires_in\":\"%u\","
		    "\"expires_on\":\"%lld\",\"ext_expires_in\":\"%u\","
		    "\"not_before\":\"%lld\",\"resource\":",
		    fa_cfg.token_lifetime, (long long)exp, fa_cfg.token_lifetime,
		    (long long)fa_now());
		put(&resp->body, num);
		put_str(&resp->body, resource);
		put(&resp->body, ",\"client_id\":");
		put_str(&resp->body, fa_cfg.mi_client_id != NULL ?
		    fa_cfg.mi_client_id : "00000000-0000-0000-0000-00000000f00d");
	} else {
		snprintf(num, sizeof(num), ",\"expires_in\":%u,"
		    "\"ext_expires_in\":%u", fa_cfg.token_lifetime,
		    fa_cfg.token_lifetime);
		put(&resp->body, num);
	}
	put(&resp->body, "}");
	ov__buf_free(&tok);
	note(resp, "aud=%s", aud);
}

/* POST /{tenant}/oauth2/v2.0/token */
static void
token_endpoint(const struct fa_req *req, struct fa_resp *resp)
{
	char tenant[256], grant[128], client[256], scope[1024], secret[1024];
	char atype[256], *assertion, *fed = NULL;
	const char *aud, *why;
	size_t tl = strcspn(req->path + 1, "/");

	snprintf(tenant, sizeof(tenant), "%.*s", (int)tl, req->path + 1);
	if (strcmp(req->method, "POST") != 0 ||
	    strcmp(req->path + 1 + tl, "/oauth2/v2.0/token") != 0) {
		fa_error(resp, 404, "NotFound", "no such endpoint");
		return;
	}
	if (strcasecmp(tenant, fa_cfg.tenant) != 0) {
		oauth_error(resp, 400, "invalid_request", "AADSTS90002: Tenant "
		    "not found.");
		return;
	}
	if ((assertion = malloc(req->body_len + 1)) == NULL)
		die("out of memory", NULL);
	if (!fa_param(req->body, "grant_type", grant, sizeof(grant)) ||
	    strcmp(grant, "client_credentials") != 0) {
		oauth_error(resp, 400, "unsupported_grant_type", "AADSTS70003: "
		    "grant_type must be client_credentials");
		goto done;
	}
	if (!fa_param(req->body, "client_id", client, sizeof(client)) ||
	    fa_cfg.client_id == NULL || strcmp(client, fa_cfg.client_id) != 0) {
		oauth_error(resp, 400, "unauthorized_client", "AADSTS700016: "
		    "Application not found in the directory.");
		goto done;
	}
	if (!fa_param(req->body, "scope", scope, sizeof(scope)) ||
	    strlen(scope) < 9 || strcmp(scope + strlen(scope) - 9,
	    "/.default") != 0 || (aud = aud_name(scope)) == NULL) {
		oauth_error(resp, 400, "invalid_scope", "AADSTS70011: The "
		    "provided value for the input parameter 'scope' is not "
		    "valid.");
		goto done;
	}
	if (fa_param(req->body, "client_secret", secret, sizeof(secret))) {
		if (fa_cfg.client_secret == NULL ||
		    strcmp(secret, fa_cfg.client_secret) != 0) {
			oauth_error(resp, 401, "invalid_client", "AADSTS7000215: "
			    "Invalid client secret provided.");
			goto done;
		}
		note(resp, "%s ", "cred=secret");
	} else if (fa_param(req->body, "client_assertion_type", atype,
	    sizeof(atype)) && strcmp(atype, "urn:ietf:params:oauth:"
	    "client-assertion-type:jwt-bearer") == 0 &&
	    fa_param(req->body, "client_assertion", assertion,
	    req->body_len + 1)) {
		log_credential(assertion);
		fed = federated();
		if (fed != NULL && strcmp(fed, assertion) == 0) {
			note(resp, "%s ", "cred=federated");
			if (fa_cfg.rotate_federated)
				rotate_federated();
		} else if ((why = verify_assertion(req, assertion)) == NULL) {
			note(resp, "%s ", "cred=certificate");
		} else {
			oauth_error(resp, 401, "invalid_client", fed != NULL ?
			    "AADSTS700213: No matching federated identity record "
			    "found for presented assertion." : why);
			goto done;
		}
	} else {
		oauth_error(resp, 400, "invalid_request", "AADSTS7000218: The "
		    "request body must contain 'client_assertion' or "
		    "'client_secret'.");
		goto done;
	}
	token_reply(resp, aud, false, NULL);
done:
	free(fed);
	free(assertion);
}

/* GET /metadata/identity/oauth2/token (IMDS) and /msi/token (App Service). */
static void
mi_endpoint(const struct fa_req *req, struct fa_resp *resp)
{
	char version[64], resource[1024], client[256];
	bool imds = strcmp(req->path, "/metadata/identity/oauth2/token") == 0;
	const char *aud;

	if (!imds && strcmp(req->path, "/msi/token") != 0) {
		fa_error(resp, 404, "NotFound", "no such endpoint");
		return;
	}
	if (imds && strcasecmp(req->metadata, "true") != 0) {
		oauth_error(resp, 400, "invalid_request", "Required metadata "
		    "header not specified");
		return;
	}
	if (!imds && (fa_cfg.identity_header == NULL ||
	    strcmp(req->identity, fa_cfg.identity_header) != 0)) {
		oauth_error(resp, 401, "invalid_request", "X-IDENTITY-HEADER is "
		    "missing or wrong");
		return;
	}
	if (!fa_param(req->query, "api-version", version, sizeof(version)) ||
	    strcmp(version, imds ? "2018-02-01" : "2019-08-01") != 0) {
		oauth_error(resp, 400, "invalid_request", "api-version is "
		    "missing or not supported");
		return;
	}
	if (!fa_param(req->query, "resource", resource, sizeof(resource)) ||
	    (aud = aud_name(resource)) == NULL) {
		oauth_error(resp, 400, "invalid_resource", "AADSTS500011: The "
		    "resource principal was not found.");
		return;
	}
	if (fa_param(req->query, "client_id", client, sizeof(client)) &&
	    (fa_cfg.mi_client_id == NULL ||
	    strcasecmp(client, fa_cfg.mi_client_id) != 0)) {
		oauth_error(resp, 400, "invalid_request", "Identity not found");
		return;
	}
	token_reply(resp, aud, true, resource);
	note(resp, "%s", imds ? " mi=imds" : " mi=appservice");
}

/* ---- Resource Graph --------------------------------------------------------- */

static uint64_t
fnv(const char *s, uint64_t h)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Resource Graph's quota headers; false (and 429) when used up. */
static bool
arg_quota(struct fa_resp *resp)
{
	int64_t now = fa_now(), left;
	unsigned remaining;
	char v[64];
	bool ok;

	pthread_mutex_lock(&fa_st.lock);
	if (now >= fa_st.window_start + fa_cfg.arg_window) {
		fa_st.window_start = now;
		fa_st.window_used = 0;
	}
	ok = fa_st.window_used < fa_cfg.arg_quota;
	if (ok)
		fa_st.window_used++;
	remaining = fa_cfg.arg_quota - fa_st.window_used;
	left = fa_st.window_start + fa_cfg.arg_window - now;
	pthread_mutex_unlock(&fa_st.lock);
	if (left < 1)
		left = 1;
	snprintf(v, sizeof(v), "%u", remaining);
	add_header(resp, "x-ms-user-quota-remaining: %s\r\n", v);
	snprintf(v, sizeof(v), "%02lld:%02lld:%02lld", (long long)(left / 3600),
	    (long long)(left / 60 % 60), (long long)(left % 60));
	add_header(resp, "x-ms-user-quota-resets-after: %s\r\n", v);
	add_header(resp, "x-ms-ratelimit-remaining-tenant-resource-requests: "
	    "%s\r\n", "12");
	if (!ok) {
		snprintf(v, sizeof(v), "%lld", (long long)left);
		add_header(resp, "Retry-After: %s\r\n", v);
		fa_error(resp, 429, "RateLimiting", "Please provide below info "
		    "when asking for support: the query quota is used up.");
		note(resp, "%s", "quota");
	}
	return ok;
}

static void
arg_bad_query(struct fa_resp *resp, const char *why)
{
	resp->status = 400;
	ov__buf_clear(&resp->body);
	if (fa_st.err400 != NULL)
		put(&resp->body, fa_st.err400);
	else
		fa_error(resp, 400, "BadRequest", why);
	note(resp, "bad-query %s", why);
}

/* Subscriptions under a management group (by the ancestors chain). */
static bool
sub_under(const struct fa_sub *s, const char *mg)
{
	char needle[512];

	snprintf(needle, sizeof(needle), "\"name\":\"%s\"", mg);
	return strcasestr(s->line, needle) != NULL;
}

/* POST /providers/Microsoft.ResourceGraph/resources */
static void
arg_query(const struct fa_req *req, struct fa_resp *resp)
{
	const ov_json *root, *subs, *mgs, *opts, *v;
	struct ov_map want = OV_MAP_INIT;
	ov_json_doc *doc = NULL;
	struct fa_table *t = NULL;
	const char *query, *tok, *filter;
	char name[64], num[256];
	char **keys = NULL;
	size_t i, j, nk = 0, tl, total = 0, count = 0;
	int64_t top = 100, skip = 0;	/* Resource Graph's default $top */
	uint64_t h;
	bool scoped, above;

	if (!arg_quota(resp))
		return;
	if (ov_json_parse(&doc, NULL, req->body, req->body_len, OV_JSON_STRICT,
	    NULL) < 0 || ov_json_type_of(root = ov_json_doc_root(doc)) !=
	    OV_JSON_OBJECT) {
		fa_error(resp, 400, "InvalidRequestContent", "The request body "
		    "is not a JSON object.");
		goto done;
	}
	if ((query = ov_json_string(ov_json_get(root, "query"))) == NULL) {
		arg_bad_query(resp, "no query");
		goto done;
	}
	while (isspace((unsigned char)*query))
		query++;
	for (tl = 0; isalnum((unsigned char)query[tl]) && tl < sizeof(name) - 1;
	    tl++)
		name[tl] = (char)tolower((unsigned char)query[tl]);
	name[tl] = '\0';
	for (j = tl; isspace((unsigned char)query[j]); j++)
		;
	for (i = 0; i < fa_data.n_arg; i++)
		if (strcmp(fa_data.arg[i].name, name) == 0)
			t = &fa_data.arg[i];
	if (tl == 0 || query[j] != '\0') {
		arg_bad_query(resp, "fakeazure answers whole-table queries only");
		goto done;
	}
	opts = ov_json_get(root, "options");
	if ((v = ov_json_get(opts, "$top")) != NULL &&
	    (!ov_json_int(v, &top) || top < 1 || top > 1000)) {
		fa_error(resp, 400, "BadRequest", "$top must be 1 to 1000");
		goto done;
	}
	if ((v = ov_json_get(opts, "$skip")) != NULL && !ov_json_int(v, &skip))
		skip = 0;
	if (top > fa_cfg.arg_page)
		top = fa_cfg.arg_page;	/* fewer rows than asked, as ARG may */
	filter = ov_json_string(ov_json_get(opts, "authorizationScopeFilter"));
	if (filter != NULL && strcmp(filter, "AtScopeAndBelow") != 0 &&
	    strcmp(filter, "AtScopeAndAbove") != 0 &&
	    strcmp(filter, "AtScopeExact") != 0 &&
	    strcmp(filter, "AtScopeAboveAndBelow") != 0) {
		fa_error(resp, 400, "BadRequest", "unknown "
		    "authorizationScopeFilter");
		goto done;
	}
	v = ov_json_get(opts, "resultFormat");
	if (v != NULL && (ov_json_string(v) == NULL ||
	    strcasecmp(ov_json_string(v), "objectArray") != 0)) {
		fa_error(resp, 400, "BadRequest", "fakeazure answers "
		    "objectArray only");
		goto done;
	}
	above = filter != NULL && strstr(filter, "Above") != NULL;
	subs = ov_json_get(root, "subscriptions");
	mgs = ov_json_get(root, "managementGroups");
	scoped = subs != NULL || mgs != NULL;
	h = fnv(name, 0xcbf29ce484222325ULL);
	keys = calloc(ov_json_len(subs) + fa_data.n_subs + 1, sizeof(*keys));
	for (i = 0; i < ov_json_len(subs); i++)
		if (ov_json_string(ov_json_at(subs, i)) != NULL) {
			keys[nk] = lower_dup(ov_json_string(ov_json_at(subs, i)));
			h = fnv(keys[nk], h);
			(void)ov__map_put(&want, keys[nk], strlen(keys[nk]),
			    keys[nk]);
			nk++;
		}
	for (i = 0; i < ov_json_len(mgs); i++)
		for (j = 0; j < fa_data.n_subs; j++)
			if (ov_json_string(ov_json_at(mgs, i)) != NULL &&
			    sub_under(&fa_data.subs[j], ov_json_string(ov_json_at(
			    mgs, i)))) {
				keys[nk] = lower_dup(fa_data.subs[j].id);
				h = fnv(keys[nk], h);
				(void)ov__map_put(&want, keys[nk],
				    strlen(keys[nk]), keys[nk]);
				nk++;
			}
	if ((tok = ov_json_string(ov_json_get(opts, "$skipToken"))) != NULL) {
		unsigned long long off, th;

		if (sscanf(tok, "fa1.%llx.%llx", &off, &th) != 2 ||
		    th != (unsigned long long)h) {
			fa_error(resp, 400, "BadRequest", "The $skipToken does "
			    "not belong to this query and scope.");
			note(resp, "%s", "bad-skiptoken");
			goto done;
		}
		skip = (int64_t)off;
	}
	resp->status = 200;
	put(&resp->body, "{\"data\":[");
	for (i = 0; t != NULL && i < t->n; i++) {
		const struct fa_row *r = &t->rows[i];

		if (scoped && (r->sub != NULL ? ov__map_get(&want, r->sub,
		    strlen(r->sub)) == NULL : (strcmp(name,
		    "authorizationresources") == 0 || strcmp(name,
		    "policyresources") == 0) && !above))
			continue;
		if ((int64_t)total >= skip && (int64_t)count < top) {
			if (count != 0)
				put(&resp->body, ",");
			putn(&resp->body, r->line, r->len);
			count++;
		}
		total++;
	}
	snprintf(num, sizeof(num), "],\"totalRecords\":%zu,\"count\":%zu,"
	    "\"resultTruncated\":\"false\",\"facets\":[]", total, count);
	put(&resp->body, num);
	if ((int64_t)(skip + (int64_t)count) < (int64_t)total) {
		snprintf(num, sizeof(num), ",\"$skipToken\":\"fa1.%llx.%llx\"",
		    (unsigned long long)(skip + (int64_t)count),
		    (unsigned long long)h);
		put(&resp->body, num);
	}
	put(&resp->body, "}");
	snprintf(num, sizeof(num), "table=%s rows=%zu/%zu%s scope=%s", name,
	    count, total, tok != NULL ? " page=next" : " page=first",
	    scoped ? "subscriptions" : "tenant");
	note(resp, "%s", num);
done:
	for (i = 0; i < nk; i++)
		free(keys[i]);
	free(keys);
	ov__map_free(&want);
	ov_json_doc_free(doc);
}

/* ---- ARM ---------------------------------------------------------------------- */

static const char *const collections[] = {
	"blobservices", "fileservices", "firewallrules", "auditingsettings",
	"securityalertpolicies", "vulnerabilityassessments",
	"encryptionprotector", "transparentdataencryption", "configurations",
	"keys", "secrets", "basicpublishingcredentialspolicies",
	"diagnosticsettings", "securitycontacts", NULL
};

/* A nextLink for the same path and query, at offset. */
static void
next_link(struct ov_buf *b, const struct fa_req *req, const char *key,
    size_t offset)
{
	const char *p = req->query, *amp;
	char num[64];
	bool first = true;

	put(b, "https://");
	put(b, req->host);
	put(b, req->path);
	while (*p != '\0') {
		amp = p + strcspn(p, "&");
		if (strncasecmp(p, "$skiptoken=", 11) != 0 &&
		    strncasecmp(p, "%24skiptoken=", 13) != 0) {
			put(b, first ? "?" : "&");
			putn(b, p, (size_t)(amp - p));
			first = false;
		}
		p = *amp == '&' ? amp + 1 : amp;
	}
	snprintf(num, sizeof(num), "%s%s=%zx", first ? "?" : "&", key, offset);
	put(b, num);
}

static size_t
skiptoken(const struct fa_req *req)
{
	char v[64];

	if (fa_param(req->query, "$skiptoken", v, sizeof(v)) ||
	    fa_param(req->query, "$skipToken", v, sizeof(v)))
		return (size_t)strtoull(v, NULL, 16);
	return 0;
}

/* Write a list of lines, paged by size, with nextLink. */
static void
list_page(const struct fa_req *req, struct fa_resp *resp, char **lines,
    size_t *lens, size_t n, size_t size, const char *link_key)
{
	size_t off = skiptoken(req), i;

	resp->status = 200;
	put(&resp->body, "{\"value\":[");
	for (i = off; i < n && i < off + size; i++) {
		if (i != off)
			put(&resp->body, ",");
		putn(&resp->body, lines[i], lens[i]);
	}
	put(&resp->body, "]");
	if (off + size < n) {
		put(&resp->body, ",\"");
		put(&resp->body, link_key);
		put(&resp->body, "\":");
		{
			struct ov_buf l = OV_BUF_INIT(1 << 16);

			next_link(&l, req, "$skiptoken", off + size);
			put_str(&resp->body, ov__buf_cstr(&l));
			ov__buf_free(&l);
		}
	}
	put(&resp->body, "}");
}

/* GET /subscriptions */
static void
arm_subscriptions(const struct fa_req *req, struct fa_resp *resp)
{
	char **lines = calloc(fa_data.n_subs + 1, sizeof(*lines));
	size_t *lens = calloc(fa_data.n_subs + 1, sizeof(*lens)), i;
	struct ov_buf b = OV_BUF_INIT(1 << 20);

	for (i = 0; i < fa_data.n_subs; i++) {
		ov__buf_clear(&b);
		put(&b, "{\"id\":\"/subscriptions/");
		put(&b, fa_data.subs[i].id);
		put(&b, "\",\"authorizationSource\":\"RoleBased\","
		    "\"subscriptionId\":\"");
		put(&b, fa_data.subs[i].id);
		put(&b, "\",\"tenantId\":\"");
		put(&b, fa_cfg.tenant);
		put(&b, "\",\"state\":\"Enabled\"}");
		lines[i] = xstrdup(ov__buf_cstr(&b));
		lens[i] = b.len;
	}
	list_page(req, resp, lines, lens, fa_data.n_subs, fa_cfg.arm_page,
	    "nextLink");
	for (i = 0; i < fa_data.n_subs; i++)
		free(lines[i]);
	free(lines);
	free(lens);
	ov__buf_free(&b);
}

/* GET /providers/Microsoft.Management/managementGroups/{mg}/descendants */
static void
arm_descendants(const struct fa_req *req, struct fa_resp *resp,
    const char *mg)
{
	char **lines = calloc(fa_data.n_subs + 1, sizeof(*lines));
	size_t *lens = calloc(fa_data.n_subs + 1, sizeof(*lens)), i, n = 0;
	struct ov_buf b = OV_BUF_INIT(1 << 20);

	for (i = 0; i < fa_data.n_subs; i++) {
		if (!sub_under(&fa_data.subs[i], mg))
			continue;
		ov__buf_clear(&b);
		put(&b, "{\"id\":\"/subscriptions/");
		put(&b, fa_data.subs[i].id);
		put(&b, "\",\"type\":\"Microsoft.Management/managementGroups/"
		    "subscriptions\",\"name\":\"");
		put(&b, fa_data.subs[i].id);
		put(&b, "\",\"properties\":{\"parent\":{\"id\":\"/providers/"
		    "Microsoft.Management/managementGroups/");
		put(&b, mg);
		put(&b, "\"}}}");
		lines[n] = xstrdup(ov__buf_cstr(&b));
		lens[n++] = b.len;
	}
	if (n == 0)
		fa_error(resp, 404, "NotFound", "The management group was not "
		    "found or holds no subscription.");
	else
		list_page(req, resp, lines, lens, n, fa_cfg.arm_page,
		    "nextLink");
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(lens);
	ov__buf_free(&b);
}

/* GET of any other ARM path: a record, or a collection of records. */
static void
arm_generic(const struct fa_req *req, struct fa_resp *resp)
{
	char *p = lower_dup(req->path), *last, *owner, *prov;
	struct fa_row *r;
	const struct ov_group *coll_rows;
	size_t n = strlen(p), cnt = 0, cap = 0, i;
	char **lines = NULL;
	size_t *lens = NULL;
	bool coll = false;

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	if ((r = ov__map_get(&fa_data.arm_ids, p, n)) != NULL) {
		resp->status = 200;
		putn(&resp->body, r->line, r->len);
		goto done;
	}
	last = strrchr(p, '/');
	for (i = 0; last != NULL && collections[i] != NULL; i++)
		if (strcmp(last + 1, collections[i]) == 0)
			coll = true;
	if (!coll) {
		fa_error(resp, 404, "ResourceNotFound", "The Resource was not "
		    "found.");
		goto done;
	}
	owner = xstrdup(p);
	owner[last - p] = '\0';
	for (prov = strstr(owner, "/providers/"); prov != NULL &&
	    strstr(prov + 1, "/providers/") != NULL;
	    prov = strstr(prov + 1, "/providers/"))
		;
	if (prov != NULL && strchr(prov + 11, '/') == NULL)
		*prov = '\0';	/* {owner}/providers/{namespace} */
	if (ov__map_get(&fa_data.known, owner, strlen(owner)) == NULL) {
		free(owner);
		fa_error(resp, 404, "ResourceNotFound", "The parent resource was "
		    "not found.");
		goto done;
	}
	free(owner);
	coll_rows = ov__groups_get(&fa_data.arm_coll, p, n);
	for (i = 0; coll_rows != NULL && i < coll_rows->len; i++) {
		r = coll_rows->items[i];
		if (cnt == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			lines = realloc(lines, cap * sizeof(*lines));
			lens = realloc(lens, cap * sizeof(*lens));
			if (lines == NULL || lens == NULL)
				die("out of memory", NULL);
		}
		lines[cnt] = r->line;
		lens[cnt++] = r->len;
	}
	list_page(req, resp, lines, lens, cnt, fa_cfg.arm_page, "nextLink");
	free(lines);
	free(lens);
done:
	free(p);
}

/* ---- Microsoft Graph -------------------------------------------------------------- */

static const struct {
	const char	*path;
	const char	*source;
	bool		 singleton;
} graph_paths[] = {
	{ "users", "graph:users", false },
	{ "groups", "graph:groups", false },
	{ "reports/authenticationMethods/userRegistrationDetails",
	    "graph:userRegistrationDetails", false },
	{ "roleManagement/directory/roleAssignments", "graph:roleAssignments",
	    false },
	{ "roleManagement/directory/roleDefinitions", "graph:roleDefinitions",
	    false },
	{ "roleManagement/directory/roleEligibilitySchedules",
	    "graph:roleEligibilitySchedules", false },
	{ "identity/conditionalAccess/policies",
	    "graph:conditionalAccessPolicies", false },
	{ "identity/conditionalAccess/namedLocations", "graph:namedLocations",
	    false },
	{ "servicePrincipals", "graph:servicePrincipals", false },
	{ "applications", "graph:applications", false },
	{ "organization", "graph:organization", false },
	{ "policies/authorizationPolicy", "graph:authorizationPolicy", true },
	{ "policies/identitySecurityDefaultsEnforcementPolicy",
	    "graph:securityDefaults", true },
};

/* A default for a source the estate does not hold. */
static void
graph_default(const char *source, struct ov_buf *b)
{
	if (strcmp(source, "graph:organization") == 0) {
		put(b, "{\"id\":");
		put_str(b, fa_cfg.tenant);
		put(b, ",\"displayName\":");
		put_str(b, fa_data.tenant_name);
		put(b, ",\"tenantType\":\"AAD\",\"verifiedDomains\":[]}");
	} else if (strcmp(source, "graph:authorizationPolicy") == 0) {
		put(b, "{\"id\":\"authorizationPolicy\",\"displayName\":"
		    "\"Authorization Policy\",\"allowInvitesFrom\":\"everyone\","
		    "\"allowedToSignUpEmailBasedSubscriptions\":true,"
		    "\"guestUserRoleId\":\"10dae51f-b6af-4016-8d66-8c2a99b929b3\","
		    "\"defaultUserRolePermissions\":{\"allowedToCreateApps\":true,"
		    "\"allowedToCreateSecurityGroups\":true,"
		    "\"allowedToReadOtherUsers\":true}}");
	} else if (strcmp(source, "graph:securityDefaults") == 0) {
		put(b, "{\"id\":\"00000000-0000-0000-0000-000000000005\","
		    "\"displayName\":\"Security Defaults\",\"isEnabled\":false}");
	}
}

static struct fa_table *
graph_table(const char *source)
{
	size_t i;

	for (i = 0; i < fa_data.n_graph; i++)
		if (strcasecmp(fa_data.graph[i].name, source) == 0)
			return &fa_data.graph[i];
	return NULL;
}

static bool
selected(const char *select, const char *key, size_t klen)
{
	const char *p = select, *end;

	if (strncmp(key, "@odata.", 7) == 0 || (klen == 2 &&
	    strncasecmp(key, "id", 2) == 0))
		return true;
	while (*p != '\0') {
		end = p + strcspn(p, ",");
		if ((size_t)(end - p) == klen && strncasecmp(p, key, klen) == 0)
			return true;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

/* The principal of a role assignment, for $expand=principal. */
static void
put_principal(struct ov_buf *b, const ov_json *assignment)
{
	const char *pid = ov_json_string(ov_json_get(assignment, "principalId"));
	char *key;
	struct fa_row *r;

	if (pid == NULL)
		return;
	key = lower_dup(pid);
	r = ov__map_get(&fa_data.principals, key, strlen(key));
	free(key);
	if (r != NULL) {
		put(b, ",\"principal\":");
		putn(b, r->line, r->len);
	}
}

/* One Graph object: $select applied, $expand=principal added. */
static void
put_graph_object(struct ov_buf *b, const char *line, size_t len,
    const char *select, bool expand)
{
	const ov_json_member *m;
	ov_json_doc *doc = NULL;
	const ov_json *o;
	size_t i;
	bool first = true;

	if (select == NULL && !expand) {
		putn(b, line, len);
		return;
	}
	if (ov_json_parse(&doc, NULL, line, len, OV_JSON_STRICT, NULL) < 0)
		die("bad row", NULL);
	o = ov_json_doc_root(doc);
	put(b, "{");
	for (i = 0; i < ov_json_len(o); i++) {
		m = ov_json_member_at(o, i);
		if (select != NULL && !selected(select, m->key, m->klen))
			continue;
		if (!first)
			put(b, ",");
		(void)ov_json_write_string(m->key, m->klen, 0, sink, b);
		put(b, ":");
		(void)ov_json_write(&m->value, 0, sink, b);
		first = false;
	}
	if (expand && ov_json_get(o, "principal") == NULL)
		put_principal(b, o);
	put(b, "}");
	ov_json_doc_free(doc);
}

/* GET /v1.0/... */
static void
graph_get(const struct fa_req *req, struct fa_resp *resp)
{
	const char *rel = req->path + 6, *source = NULL;
	struct ov_buf one = OV_BUF_INIT(1 << 20);
	struct fa_table *t;
	char sel[4096], topv[32], exp[128];
	const char *select = NULL;
	bool single = false, expand = false;
	size_t i, off, size, n;

	for (i = 0; i < sizeof(graph_paths) / sizeof(graph_paths[0]); i++)
		if (strcasecmp(rel, graph_paths[i].path) == 0) {
			source = graph_paths[i].source;
			single = graph_paths[i].singleton;
		}
	if (strncmp(req->path, "/v1.0/", 6) != 0 || source == NULL) {
		fa_error(resp, 400, "BadRequest", "Resource not found for the "
		    "segment.");
		return;
	}
	if (fa_param(req->query, "$select", sel, sizeof(sel)))
		select = sel;
	if (fa_param(req->query, "$expand", exp, sizeof(exp))) {
		if (strcmp(source, "graph:roleAssignments") != 0 ||
		    strcmp(exp, "principal") != 0) {
			fa_error(resp, 400, "BadRequest", "Could not find a "
			    "navigation property for $expand.");
			return;
		}
		expand = fa_cfg.expand;
	}
	if (fa_cfg.no_premium && strcmp(source, "graph:users") == 0 &&
	    select != NULL && strcasestr(select, "signInActivity") != NULL) {
		fa_error(resp, 403, "Authentication_RequestFromNonPremiumTenant"
		    "OrB2CTenant", "Neither tenant is B2C or tenant doesn't have "
		    "premium license");
		note(resp, "%s", "no-premium");
		return;
	}
	t = graph_table(source);
	resp->status = 200;
	if (single) {
		if (t != NULL && t->n != 0)
			put_graph_object(&resp->body, t->rows[0].line,
			    t->rows[0].len, select, false);
		else {
			graph_default(source, &one);
			put(&resp->body, ov__buf_cstr(&one));
		}
		ov__buf_free(&one);
		return;
	}
	size = 100;	/* Graph's default page */
	if (fa_param(req->query, "$top", topv, sizeof(topv))) {
		size = strtoul(topv, NULL, 10);
		if (size < 1 || size > 999) {
			fa_error(resp, 400, "BadRequest", "Invalid page size "
			    "specified: $top must be 1 to 999.");
			ov__buf_free(&one);
			return;
		}
	}
	if (size > fa_cfg.graph_page)
		size = fa_cfg.graph_page;	/* a server may send fewer */
	off = skiptoken(req);
	put(&resp->body, "{\"@odata.context\":\"https://");
	put(&resp->body, req->host);
	put(&resp->body, "/v1.0/$metadata#");
	put(&resp->body, rel);
	put(&resp->body, "\",\"value\":[");
	if (t == NULL) {
		graph_default(source, &one);
		n = one.len != 0 ? 1 : 0;
		if (n != 0 && off == 0)
			put(&resp->body, ov__buf_cstr(&one));
	} else {
		n = t->n;
		for (i = off; i < t->n && i < off + size; i++) {
			if (i != off)
				put(&resp->body, ",");
			put_graph_object(&resp->body, t->rows[i].line,
			    t->rows[i].len, select, expand);
		}
	}
	put(&resp->body, "]");
	if (off + size < n) {
		struct ov_buf l = OV_BUF_INIT(1 << 16);

		next_link(&l, req, "$skiptoken", off + size);
		put(&resp->body, ",\"@odata.nextLink\":");
		put_str(&resp->body, ov__buf_cstr(&l));
		ov__buf_free(&l);
	}
	put(&resp->body, "}");
	ov__buf_free(&one);
}

/* ---- routing ---------------------------------------------------------------------- */

static enum fa_api
classify(const struct fa_req *req)
{
	switch (req->role) {
	case FA_LOGIN:
		return FA_API_TOKEN;
	case FA_MI:
		return FA_API_MI;
	case FA_GRAPH:
		return FA_API_GRAPH;
	default:
		return strcasecmp(req->path,
		    "/providers/Microsoft.ResourceGraph/resources") == 0 ?
		    FA_API_ARG : FA_API_ARM;
	}
}

void
fa_route(struct fa_req *req, struct fa_resp *resp)
{
	enum fa_fault f;
	char version[64], mg[256];
	unsigned lat;
	size_t n;

	req->api = classify(req);
	pthread_mutex_lock(&fa_st.lock);
	req->nth = ++fa_st.count[req->api];
	pthread_mutex_unlock(&fa_st.lock);
	lat = fa_cfg.latency[req->api];
	if (lat != 0)	/* +-20%, deterministic per request */
		lat = lat * (80 + (req->nth * 37 % 41)) / 100;
	resp->delay_ms = lat;
	f = fault_for(req);
	switch (f) {
	case FA_F_429:
		add_header(resp, "Retry-After: %s\r\n", "1");
		if (req->api == FA_API_ARG)
			add_header(resp, "%s", "x-ms-user-quota-remaining: 0\r\n"
			    "x-ms-user-quota-resets-after: 00:00:01\r\n");
		fa_error(resp, 429, "TooManyRequests", "Too many requests; "
		    "retry after 1 second.");
		note(resp, "%s", "fault=429");
		return;
	case FA_F_503:
		fa_error(resp, 503, "ServiceUnavailable", "The service is "
		    "temporarily unavailable.");
		note(resp, "%s", "fault=503");
		return;
	case FA_F_500: case FA_F_PAGEFAIL:
		fa_error(resp, 500, "InternalServerError", "The server had an "
		    "internal error.");
		note(resp, "%s", f == FA_F_500 ? "fault=500" : "fault=pagefail");
		return;
	case FA_F_403:
		graph_403(resp);
		note(resp, "%s", "fault=403");
		return;
	case FA_F_404:
		fa_error(resp, 404, "NotFound", "This endpoint is not "
		    "implemented by this service.");
		note(resp, "%s", "fault=404");
		return;
	case FA_F_NOEXPAND:
		fa_error(resp, 400, "BadRequest", "Expanding 'principal' is not "
		    "supported here.");
		note(resp, "%s", "fault=noexpand");
		return;
	case FA_F_401:
		fa_error(resp, 401, "InvalidAuthenticationToken", "The access "
		    "token is invalid.");
		note(resp, "%s", "fault=401");
		return;
	case FA_F_SLOW:
		resp->delay_ms = fa_cfg.slow_ms;
		note(resp, "%s", "fault=slow ");
		break;
	case FA_F_TRUNCATE:
		resp->truncate = true;
		note(resp, "%s", "fault=truncate ");
		break;
	default:
		break;
	}
	switch (req->role) {
	case FA_LOGIN:
		token_endpoint(req, resp);
		return;
	case FA_MI:
		mi_endpoint(req, resp);
		return;
	case FA_GRAPH:
		if (check_token(req, resp, "graph", false) == 0)
			graph_get(req, resp);
		return;
	default:
		break;
	}
	if (check_token(req, resp, "arm", f == FA_F_EXPIRE) < 0)
		return;
	if (!fa_param(req->query, "api-version", version, sizeof(version)) ||
	    version[0] == '\0') {
		fa_error(resp, 400, "MissingApiVersionParameter", "The "
		    "api-version query parameter (?api-version=) is required "
		    "for all requests.");
		return;
	}
	if (req->api == FA_API_ARG) {
		if (strcmp(req->method, "POST") != 0) {
			fa_error(resp, 405, "MethodNotAllowed", "POST only");
			return;
		}
		arg_query(req, resp);
		return;
	}
	if (strcmp(req->method, "GET") != 0) {
		fa_error(resp, 405, "MethodNotAllowed", "read-only service");
		return;
	}
	if (strcasecmp(req->path, "/subscriptions") == 0) {
		arm_subscriptions(req, resp);
		return;
	}
	n = strlen("/providers/Microsoft.Management/managementGroups/");
	if (strncasecmp(req->path, "/providers/Microsoft.Management/"
	    "managementGroups/", n) == 0) {
		snprintf(mg, sizeof(mg), "%.*s", (int)strcspn(req->path + n, "/"),
		    req->path + n);
		if (strcasecmp(req->path + n + strlen(mg), "/descendants") == 0) {
			arm_descendants(req, resp, mg);
			return;
		}
	}
	if (strncasecmp(req->path, "/subscriptions/", 15) == 0) {
		arm_generic(req, resp);
		return;
	}
	fa_error(resp, 404, "NotFound", "No route for this path.");
}
