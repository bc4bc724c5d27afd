/* SPDX-License-Identifier: MIT */
/*
 * Live collection, piece by piece: endpoint sets and their errors, the
 * redactor and log URLs, quota headers, token replies of every kind, API
 * pages of every shape, the RS256 client assertion (verified with
 * OpenSSL), certificates, and the snapshot writer's directory handling.
 * The end-to-end behaviour against a service is in tests/e2e/collect_*.sh.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "testutil.h"

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

static ov_json_doc *
parse(const char *text)
{
	ov_json_doc *doc = NULL;

	assert_int_equal(ov_json_parse(&doc, NULL, text, strlen(text),
	    OV_JSON_STRICT, NULL), 0);
	return doc;
}

static int
buf_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

static void
test_cloud(void **state)
{
	struct ov_cloud c;
	ov_ctx *ctx;
	const ov_error *e;
	const char *nested = "{\"name\": \"Lab\", \"endpoints\": {"
	    "\"activeDirectory\": \"https://login.lab/\","
	    "\"resourceManager\": \"https://arm.lab//\","
	    "\"microsoftGraphResourceId\": \"https://graph.lab/\","
	    "\"activeDirectoryResourceId\": \"https://arm.lab/\"}}";
	const char *bad = "{\"activeDirectory\": \"https://login.lab\",\n"
	    "\"resourceManager\": \"http://arm.lab\",\n"
	    "\"microsoftGraph\": \"https://graph.lab\"}";
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_collect__cloud_load(&c, ctx, NULL, NULL), 0);
	assert_string_equal(c.name, "AzureCloud");
	assert_string_equal(c.arm, "https://management.azure.com");
	assert_string_equal(c.arm_audience, "https://management.core.windows.net/");
	ov_collect__cloud_free(&c);
	assert_int_equal(ov_collect__cloud_load(&c, ctx, "azureusgovernment",
	    NULL), 0);
	assert_string_equal(c.login, "https://login.microsoftonline.us");
	assert_string_equal(c.graph, "https://graph.microsoft.us");
	assert_string_equal(c.arm_audience,
	    "https://management.core.usgovcloudapi.net/");
	ov_collect__cloud_free(&c);
	assert_int_equal(ov_collect__cloud_load(&c, ctx, "AzureChinaCloud",
	    NULL), 0);
	assert_string_equal(c.graph, "https://microsoftgraph.chinacloudapi.cn");
	ov_collect__cloud_free(&c);
	assert_int_equal(ov_collect__cloud_load(&c, ctx, "AzureGermanCloud",
	    NULL), OV_EINVALID);

	/* az cloud show's nesting; Graph by its resource id; slashes cut. */
	assert_int_equal(ov_collect__cloud_parse(&c, ctx, "e.json", nested,
	    strlen(nested)), 0);
	assert_string_equal(c.name, "Lab");
	assert_string_equal(c.arm, "https://arm.lab");
	assert_string_equal(c.graph, "https://graph.lab");
	assert_string_equal(c.graph_audience, "https://graph.lab/");
	ov_collect__cloud_free(&c);

	/* http:// is refused with its position and pointer. */
	assert_int_equal(ov_collect__cloud_parse(&c, ctx, "e.json", bad,
	    strlen(bad)), OV_EINVALID);
	e = ov_error_last(ctx);
	assert_int_equal(e->line, 2);
	assert_string_equal(e->pointer, "/resourceManager");
	assert_non_null(strstr(e->message, "https://"));
	assert_int_equal(ov_collect__cloud_parse(&c, ctx, "e.json", "[]", 2),
	    OV_EINVALID);
	assert_int_equal(ov_collect__cloud_parse(&c, ctx, "e.json", "{", 1),
	    OV_EINVALID);

	assert_true(ov_collect__same_origin("https://a.b:1/x?y",
	    "https://A.B:1"));
	assert_false(ov_collect__same_origin("https://a.b:2/x", "https://a.b:1"));
	assert_false(ov_collect__same_origin("https://a.b.evil/x",
	    "https://a.b"));
	assert_false(ov_collect__same_origin("http://a.b/x", "https://a.b"));
	assert_false(ov_collect__same_origin("a.b/x", "https://a.b"));
	/* The default port spelt out is the same origin. */
	assert_true(ov_collect__same_origin("https://management.azure.com:443/"
	    "subscriptions?$skiptoken=x", "https://management.azure.com"));
	assert_false(ov_collect__same_origin("https://a.b:444/x",
	    "https://a.b"));
	assert_false(ov_collect__same_origin("https://evil@a.b/x",
	    "https://a.b"));
	assert_false(ov_collect__same_origin("https://a.b:x/", "https://a.b"));
	ov_ctx_free(ctx);
}

static void
test_redact(void **state)
{
	struct ov_redact r = { NULL, 0, 0 };
	char buf[256], url[256];
	(void)state;

	assert_int_equal(ov_collect__redact_add(&r, "s3cr3t-value"), 0);
	assert_int_equal(ov_collect__redact_add(&r, "abc"), 0);	/* too short */
	snprintf(buf, sizeof(buf), "bad s3cr3t-value and s3cr3t-value; abc");
	ov_collect__redact(&r, buf, sizeof(buf));
	assert_string_equal(buf, "bad [redacted] and [redacted]; abc");
	/* Anything shaped like a JWT goes, known or not. */
	snprintf(buf, sizeof(buf), "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0."
	    "c2lnbmF0dXJl rest");
	ov_collect__redact(&r, buf, sizeof(buf));
	assert_string_equal(buf, "token [redacted] rest");
	/* A short secret replaced by a longer mark still fits the buffer. */
	assert_int_equal(ov_collect__redact_add(&r, "xy12"), 0);
	snprintf(buf, 16, "aaaaaaaaaaxy12");
	ov_collect__redact(&r, buf, 16);
	assert_null(strstr(buf, "xy12"));
	assert_true(strlen(buf) < 16);
	ov_collect__redact_free(&r);

	ov_collect__log_url("https://h/v1.0/users?$select=id&$top=999&"
	    "$skiptoken=SECRETPAGE&client_secret=x", url, sizeof(url));
	assert_string_equal(url, "https://h/v1.0/users?$select=id&$top=999&"
	    "$skiptoken=...&client_secret=...");
	ov_collect__log_url("https://h/x?api-version=1&sig", url, sizeof(url));
	assert_string_equal(url, "https://h/x?api-version=1&sig");
	ov_collect__log_url("https://h/x", url, sizeof(url));
	assert_string_equal(url, "https://h/x");
}

static void
test_hms(void **state)
{
	(void)state;
	assert_int_equal(ov_collect__parse_hms("00:00:05", 8), 5000);
	assert_int_equal(ov_collect__parse_hms("01:02:03", 8), 3723000);
	assert_int_equal(ov_collect__parse_hms("00:00:05.123", 12), 5000);
	assert_int_equal(ov_collect__parse_hms("5", 1), -1);
	assert_int_equal(ov_collect__parse_hms("00:61:00", 8), -1);
	assert_int_equal(ov_collect__parse_hms("aa:bb:cc", 8), -1);
	assert_int_equal(ov_collect__parse_hms("", 0), -1);
}

/* The reply order that let the old count start queries the service refused. */
static void
test_arg_quota_reorder(void **state)
{
	struct ov_arg_window w = { -1, 0 };

	(void)state;
	/* A probe: 3 left after it. */
	assert_int_equal(ov_collect__arg_quota(&w, 3, 1, 1, 0), 3);
	/* Queries 2, 3 and 4 start; the service counts 4, 2, 3. */
	assert_int_equal(ov_collect__arg_quota(&w, 2, 4, 4, 2), 0);
	assert_int_equal(ov_collect__arg_quota(&w, 1, 2, 4, 1), 0);
	assert_int_equal(ov_collect__arg_quota(&w, 0, 3, 4, 0), 0);
	/* A stale reply, counted before others that came back first. */
	w.low = 1;
	w.low_sent = 6;
	assert_int_equal(ov_collect__arg_quota(&w, 2, 5, 6, 0), 1);
	/* A query started after the lowest was read: a new window. */
	assert_int_equal(ov_collect__arg_quota(&w, 14, 7, 7, 0), 14);
	assert_int_equal(ov_collect__arg_quota(&w, 12, 9, 9, 1), 11);
}

/*
 * The service counts queries and answers them in random orders, and its
 * window resets at random moments; the client starts a query only as the
 * engine's gate allows (one probe when none is out, more while the quota
 * says so, none after a count of 0 until the reset).  No query is ever
 * refused.
 */
static void
test_arg_quota_random(void **state)
{
	enum { MAXQ = 16 };
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	int trial;

	(void)state;
	for (trial = 0; trial < 3000; trial++) {
		struct ov_arg_window w = { -1, 0 };
		struct { uint64_t seq; long rem; bool counted; } q[MAXQ];
		long quota = -1, cap;
		size_t n = 0, parallel, i;
		uint64_t sent = 0;
		unsigned used = 0, windows = 0;
		bool gate = false;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		cap = 1 + (long)((rng >> 33) % 6);
		parallel = 1 + (size_t)((rng >> 40) % 4);
		while (windows < 3) {
			unsigned pick;
			bool can_start = !gate && n < parallel &&
			    (quota > 0 || n == 0);

			rng = rng * 6364136223846793005ULL +
			    1442695040888963407ULL;
			pick = (unsigned)(rng >> 33);
			if ((gate && n == 0) || pick % 29 == 0) {
				/*
				 * The window resets, at any moment; the gate,
				 * set to the reset, opens.
				 */
				gate = false;
				used = 0;
				windows++;
				continue;
			}
			if (can_start && pick % 3 == 0) {
				q[n].seq = ++sent;
				q[n].counted = false;
				n++;
				if (quota > 0)
					quota--;
				continue;
			}
			if (n == 0)
				continue;
			i = (pick / 3) % n;
			if (!q[i].counted) {
				/* The service counts it: never refused. */
				assert_true(used < (unsigned)cap);
				q[i].rem = cap - (long)++used;
				q[i].counted = true;
				continue;
			}
			{
				uint64_t seq = q[i].seq;
				long rem = q[i].rem;

				q[i] = q[--n];
				quota = ov_collect__arg_quota(&w, rem, seq,
				    sent, n);
				if (rem == 0)
					gate = true;
			}
		}
	}
}

static void
expect_token(const char *json, int kind, int64_t now, int want,
    int64_t expires)
{
	struct ov_token_reply rep;
	ov_json_doc *doc = parse(json);
	char err[200];

	assert_int_equal(ov_collect__parse_token(ov_json_doc_root(doc), kind,
	    now, &rep, err, sizeof(err)), want);
	if (want == 0) {
		assert_string_equal(rep.access_token, "eyJ0eXAi.tok.en");
		assert_int_equal(rep.expires_at, expires);
		assert_int_equal(rep.lifetime, expires - now);
	} else {
		/* The message never carries the token. */
		assert_null(strstr(err, "eyJ0eXAi"));
		assert_true(err[0] != '\0');
	}
	ov_json_doc_free(doc);
}

static void
test_token_reply(void **state)
{
	(void)state;
	expect_token("{\"token_type\":\"Bearer\",\"expires_in\":3599,"
	    "\"access_token\":\"eyJ0eXAi.tok.en\"}", OV_TOKEN_V2, 1000, 0, 4599);
	/* IMDS: strings, and expires_on wins. */
	expect_token("{\"access_token\":\"eyJ0eXAi.tok.en\",\"expires_in\":"
	    "\"86399\",\"expires_on\":\"2000\",\"token_type\":\"Bearer\"}",
	    OV_TOKEN_MI, 1000, 0, 2000);
	/* az: expires_on as a number. */
	expect_token("{\"accessToken\":\"eyJ0eXAi.tok.en\",\"expires_on\":5000,"
	    "\"expiresOn\":\"2000-01-01 00:00:00.000000\",\"tokenType\":"
	    "\"Bearer\",\"tenant\":\"t\"}", OV_TOKEN_CLI, 1000, 0, 5000);
	expect_token("{\"expires_in\":3599}", OV_TOKEN_V2, 1000, OV_EAUTH, 0);
	expect_token("{\"access_token\":\"eyJ0eXAi.tok.en\"}", OV_TOKEN_V2,
	    1000, OV_EAUTH, 0);
	expect_token("{\"access_token\":\"eyJ0eXAi.tok.en\",\"expires_on\":"
	    "\"999\"}", OV_TOKEN_MI, 1000, OV_EAUTH, 0);	/* expired */
	expect_token("{\"access_token\":\"eyJ0eXAi.tok.en\\r\\nX: y\","
	    "\"expires_in\":60}", OV_TOKEN_V2, 1000, OV_EAUTH, 0);
	expect_token("{\"access_token\":\"eyJ0eXAi.tok.en\",\"expires_in\":60,"
	    "\"token_type\":\"MAC\"}", OV_TOKEN_V2, 1000, OV_EAUTH, 0);
	expect_token("[]", OV_TOKEN_V2, 1000, OV_EAUTH, 0);
}

static void
test_pages(void **state)
{
	struct ov_page p;
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	ov_json_doc *doc;
	char err[200];
	(void)state;

	doc = parse("{\"totalRecords\":2876,\"count\":2,\"resultTruncated\":"
	    "\"false\",\"$skipToken\":\"ew0K\",\"data\":[{\"id\":\"/a\"},"
	    "{\"id\":\"/b\"}],\"facets\":[]}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_ARG,
	    &p, err, sizeof(err)), 0);
	assert_int_equal(p.n_rows, 2);
	assert_int_equal(p.total, 2876);
	assert_int_equal(p.count, 2);
	assert_false(p.truncated);
	assert_string_equal(p.next, "ew0K");
	ov_json_doc_free(doc);

	/* The legacy table format becomes objects. */
	doc = parse("{\"totalRecords\":1,\"resultTruncated\":\"true\",\"data\":"
	    "{\"columns\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":"
	    "\"n\",\"type\":\"integer\"}],\"rows\":[[\"/x\",3]]}}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_ARG,
	    &p, err, sizeof(err)), 0);
	assert_true(p.truncated);
	assert_null(p.next);
	assert_int_equal(ov_collect__write_row(&p, 0, NULL,
	    buf_sink, &b), 0);
	assert_string_equal(ov__buf_cstr(&b), "{\"id\":\"/x\",\"n\":3}");
	ov__buf_free(&b);
	ov_json_doc_free(doc);

	doc = parse("{\"data\":{\"columns\":[{\"name\":\"id\"}],\"rows\":"
	    "[[1,2]]}}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_ARG,
	    &p, err, sizeof(err)), OV_EPARSE);
	ov_json_doc_free(doc);
	doc = parse("{\"totalRecords\":3}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_ARG,
	    &p, err, sizeof(err)), OV_EPARSE);
	ov_json_doc_free(doc);

	/* ARM nextLink, Graph @odata.nextLink, null and empty mean none. */
	doc = parse("{\"value\":[{\"a\":1}],\"nextLink\":\"https://h/n\"}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_LIST,
	    &p, err, sizeof(err)), 0);
	assert_string_equal(p.next, "https://h/n");
	ov_json_doc_free(doc);
	doc = parse("{\"@odata.context\":\"c\",\"value\":[],"
	    "\"@odata.nextLink\":\"https://h/g\"}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_LIST,
	    &p, err, sizeof(err)), 0);
	assert_int_equal(p.n_rows, 0);
	assert_string_equal(p.next, "https://h/g");	/* empty, yet more */
	ov_json_doc_free(doc);
	doc = parse("{\"value\":[],\"nextLink\":null}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_LIST,
	    &p, err, sizeof(err)), 0);
	assert_null(p.next);
	ov_json_doc_free(doc);
	doc = parse("{\"value\":[1]}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_LIST,
	    &p, err, sizeof(err)), OV_EPARSE);
	ov_json_doc_free(doc);
	doc = parse("{\"value\":[],\"nextLink\":7}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_LIST,
	    &p, err, sizeof(err)), OV_EPARSE);
	ov_json_doc_free(doc);
	doc = parse("{\"error\":{\"code\":\"Nope\",\"message\":\"m\"}}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_OBJECT,
	    &p, err, sizeof(err)), OV_EPARSE);
	assert_non_null(strstr(err, "Nope"));
	ov_json_doc_free(doc);
	doc = parse("{\"@odata.context\":\"c\",\"id\":\"authorizationPolicy\"}");
	assert_int_equal(ov_collect__page(ov_json_doc_root(doc), OV_PAGE_OBJECT,
	    &p, err, sizeof(err)), 0);
	assert_int_equal(ov_collect__write_row(&p, 0, "@odata.context",
	    buf_sink, &b), 0);
	assert_string_equal(ov__buf_cstr(&b), "{\"id\":\"authorizationPolicy\"}");
	ov__buf_free(&b);
	ov_json_doc_free(doc);
}

/* An RSA key and a self-signed certificate for it. */
static void
make_cert(EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_RSA_gen(2048);
	assert_non_null(*key);
	*cert = X509_new();
	assert_non_null(*cert);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600);
	X509_set_pubkey(*cert, *key);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"overvisor unit", -1, -1, 0);
	X509_set_issuer_name(*cert, name);
	assert_true(X509_sign(*cert, *key, EVP_sha256()) > 0);
}

static size_t
unb64url(const char *s, size_t n, unsigned char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_";
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		acc = acc << 6 | (uint32_t)(strchr(tab, s[i]) - tab);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	return o;
}

static void
test_assertion(void **state)
{
	char path[] = "/tmp/ov-unit-cert-XXXXXX", *x5t = NULL, *jwt = NULL;
	unsigned char json[4096], sig[512], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	const char *d1, *d2;
	void *loaded = NULL;
	EVP_PKEY *key;
	EVP_MD_CTX *v;
	X509 *cert;
	ov_json_doc *doc;
	ov_ctx *ctx;
	size_t n;
	FILE *f;
	int fd;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	make_cert(&key, &cert);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	/* Encrypted key first, then the certificate, as az writes them. */
	assert_int_equal(PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(), NULL,
	    0, NULL, (void *)(uintptr_t)"pw-unit"), 1);
	assert_int_equal(PEM_write_X509(f, cert), 1);
	fclose(f);
	assert_int_equal(ov_collect__load_cert(ctx, path, "wrong", &loaded,
	    &x5t), OV_EAUTH);
	assert_non_null(strstr(ov_error_last(ctx)->message, "wrong password"));
	assert_null(strstr(ov_error_last(ctx)->message, "wrong\""));
	assert_int_equal(ov_collect__load_cert(ctx, path, "pw-unit", &loaded,
	    &x5t), 0);
	unlink(path);
	/* x5t is the SHA-1 thumbprint, base64url. */
	assert_int_equal(X509_digest(cert, EVP_sha1(), md, &mdlen), 1);
	n = unb64url(x5t, strlen(x5t), json);
	assert_int_equal(n, mdlen);
	assert_memory_equal(json, md, mdlen);

	assert_int_equal(ov_collect__client_assertion(loaded, x5t, "client-1",
	    "https://login/t/oauth2/v2.0/token", 1700000000, &jwt), 0);
	d1 = strchr(jwt, '.');
	d2 = strchr(d1 + 1, '.');
	n = unb64url(jwt, (size_t)(d1 - jwt), json);
	json[n] = '\0';
	doc = parse((char *)json);
	assert_string_equal(ov_json_string(ov_json_get(ov_json_doc_root(doc),
	    "alg")), "RS256");
	assert_string_equal(ov_json_string(ov_json_get(ov_json_doc_root(doc),
	    "x5t")), x5t);
	ov_json_doc_free(doc);
	n = unb64url(d1 + 1, (size_t)(d2 - d1 - 1), json);
	json[n] = '\0';
	doc = parse((char *)json);
	assert_string_equal(ov_json_string(ov_json_get(ov_json_doc_root(doc),
	    "aud")), "https://login/t/oauth2/v2.0/token");
	assert_string_equal(ov_json_string(ov_json_get(ov_json_doc_root(doc),
	    "iss")), "client-1");
	assert_string_equal(ov_json_string(ov_json_get(ov_json_doc_root(doc),
	    "sub")), "client-1");
	assert_int_equal(ov_json_number(ov_json_get(ov_json_doc_root(doc),
	    "exp")) - ov_json_number(ov_json_get(ov_json_doc_root(doc), "nbf")),
	    600);
	assert_non_null(ov_json_get(ov_json_doc_root(doc), "jti"));
	ov_json_doc_free(doc);
	/* The signature verifies with the certificate's public key. */
	n = unb64url(d2 + 1, strlen(d2 + 1), sig);
	assert_non_null(v = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestVerifyInit(v, NULL, EVP_sha256(), NULL,
	    X509_get0_pubkey(cert)), 1);
	assert_int_equal(EVP_DigestVerify(v, sig, n, (unsigned char *)jwt,
	    (size_t)(d2 - jwt)), 1);
	EVP_MD_CTX_free(v);

	ov__free(jwt);
	ov__free(x5t);
	EVP_PKEY_free(loaded);
	EVP_PKEY_free(key);
	X509_free(cert);
	ov_ctx_free(ctx);
}

static void
test_jwt_tenant(void **state)
{
	char tid[64];
	(void)state;

	/* {"alg":"none"} . {"tid":"t-1","aud":"x"} . sig */
	assert_true(ov_collect__jwt_tenant("eyJhbGciOiJub25lIn0."
	    "eyJ0aWQiOiJ0LTEiLCJhdWQiOiJ4In0.c2ln", tid, sizeof(tid)));
	assert_string_equal(tid, "t-1");
	assert_false(ov_collect__jwt_tenant("opaque-token", tid, sizeof(tid)));
	assert_false(ov_collect__jwt_tenant("a.!!!.c", tid, sizeof(tid)));
}

static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
test_writer(void **state)
{
	char base[] = "/tmp/ov-unit-writer-XXXXXX", out[256], p[512];
	struct ov_writer w;
	struct ov_part parts[2];
	ov_json_doc *doc = parse("{\"id\":\"/x\",\"n\":1}");
	ov_ctx *ctx;
	char *data = NULL;
	size_t len;
	FILE *f;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_non_null(mkdtemp(base));
	snprintf(out, sizeof(out), "%s/snap", base);

	/* Two parts joined in order; the manifest last; then renamed. */
	assert_int_equal(ov_writer__open(&w, ctx, out), 0);
	assert_int_equal(ov_writer__part(&w, ".a.part0", &parts[0]), 0);
	assert_int_equal(ov_writer__part(&w, ".a.part1", &parts[1]), 0);
	assert_int_equal(ov_writer__record(&parts[1], ov_json_doc_root(doc),
	    NULL), 0);
	assert_int_equal(ov_writer__record(&parts[0], ov_json_doc_root(doc),
	    "n"), 0);
	assert_int_equal(ov_writer__join(&w, parts, 2, "a.ndjson"), 0);
	assert_int_equal(count_entries(out), -1);	/* not yet in place */
	assert_int_equal(ov_writer__commit(&w, "{}\n", 3), 0);
	ov__free(parts[0].path);
	ov__free(parts[1].path);
	ov_writer__free(&w);
	snprintf(p, sizeof(p), "%s/a.ndjson", out);
	assert_int_equal(ov__read_file(ctx, OV_ERRCLASS_OS, p, 1 << 20,
	    &data, &len), 0);
	assert_string_equal(data, "{\"id\":\"/x\"}\n{\"id\":\"/x\",\"n\":1}\n");
	ov__free(data);
	assert_int_equal(count_entries(out), 2);
	assert_int_equal(count_entries(base), 1);	/* no partial left */

	/* A snapshot there is replaced; an abort leaves it untouched. */
	assert_int_equal(ov_writer__open(&w, ctx, out), 0);
	ov_writer__abort(&w);
	ov_writer__free(&w);
	assert_int_equal(count_entries(out), 2);
	assert_int_equal(count_entries(base), 1);
	assert_int_equal(ov_writer__open(&w, ctx, out), 0);
	assert_int_equal(ov_writer__commit(&w, "{}\n", 3), 0);
	ov_writer__free(&w);
	assert_int_equal(count_entries(out), 1);
	assert_int_equal(count_entries(base), 1);

	/* A directory that is not a snapshot is refused and untouched. */
	snprintf(p, sizeof(p), "%s/mine", base);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(out, sizeof(out), "%s/mine/notes", base);
	assert_non_null(f = fopen(out, "w"));
	fclose(f);
	assert_int_equal(ov_writer__open(&w, ctx, p), OV_EINVALID);
	ov_writer__free(&w);
	assert_int_equal(count_entries(p), 1);
	assert_int_equal(unlink(out), 0);
	assert_int_equal(rmdir(p), 0);
	/* Stale partial directories of dead processes are removed. */
	snprintf(p, sizeof(p), "%s/snap.partial-999999999", base);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(out, sizeof(out), "%s/snap", base);
	assert_int_equal(ov_writer__open(&w, ctx, out), 0);
	ov_writer__abort(&w);
	ov_writer__free(&w);
	assert_int_equal(access(p, F_OK), -1);

	snprintf(p, sizeof(p), "%s/snap/manifest.json", base);
	unlink(p);
	snprintf(p, sizeof(p), "%s/snap", base);
	rmdir(p);
	rmdir(base);
	ov_json_doc_free(doc);
	ov_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cloud),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_hms),
		cmocka_unit_test(test_arg_quota_reorder),
		cmocka_unit_test(test_arg_quota_random),
		cmocka_unit_test(test_token_reply),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_assertion),
		cmocka_unit_test(test_jwt_tenant),
		cmocka_unit_test(test_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
