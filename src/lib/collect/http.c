/* SPDX-License-Identifier: MIT */
/*
 * The transfer engine: one thread drives every request through the libcurl
 * multi interface, up to `parallel` at a time.  Paging chains go first and
 * bulk per-resource requests after them, so the longest chain is never
 * starved.  Throttling (429 and 503 with Retry-After, Resource Graph's
 * x-ms-user-quota-* headers, ARM's remaining-reads headers) and transient
 * failures (timeouts, resets, truncated bodies, 5xx) are retried with
 * exponential back-off and jitter, up to OV_COLLECT_ATTEMPTS tries; a 401
 * refreshes the token once.  TLS is always verified; --ca-file only adds
 * trust anchors.  Tokens and secrets never reach a log line or message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/error.h"

#define MSG_MAX 1024

/* What to do with a finished try. */
enum action { DELIVER, RETRY, REFRESH };

int64_t
ov_collect__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Parse "hh:mm:ss" into milliseconds; -1 when malformed. */
long
ov_collect__parse_hms(const char *s, size_t len)
{
	long part[3] = { 0, 0, 0 };
	size_t i, k = 0, digits = 0;

	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (part[k] > 100000)
				return -1;
			part[k] = part[k] * 10 + (s[i] - '0');
			digits++;
		} else if (s[i] == ':' && digits != 0 && k < 2) {
			k++;
			digits = 0;
		} else if (s[i] == '.' && k == 2 && digits != 0) {
			break;		/* fractions of a second: ignored */
		} else {
			return -1;
		}
	}
	if (k != 2 || digits == 0 || part[1] > 59 || part[2] > 59)
		return -1;
	return ((part[0] * 60 + part[1]) * 60 + part[2]) * 1000;
}

static uint64_t
rnd(struct ov_http *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

/* Exponential back-off with jitter for try number attempt (1-based). */
static int64_t
backoff(struct ov_http *h, unsigned attempt)
{
	int64_t ms = OV_COLLECT_BACKOFF_MS;
	unsigned i;

	for (i = 1; i < attempt && ms < OV_COLLECT_BACKOFF_MAX; i++)
		ms *= 2;
	if (ms > OV_COLLECT_BACKOFF_MAX)
		ms = OV_COLLECT_BACKOFF_MAX;
	/* Between half and the full step, so clients do not march. */
	return ms / 2 + (int64_t)(rnd(h) % (uint64_t)(ms / 2 + 1));
}

/* Append the PEM certificates of path to certs; how many, or -1. */
static int
read_pem(STACK_OF(X509) *certs, const char *path)
{
	STACK_OF(X509_INFO) *infos;
	X509_INFO *info;
	BIO *bio;
	int i, n = 0;

	if ((bio = BIO_new_file(path, "r")) == NULL) {
		ERR_clear_error();
		return -1;
	}
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (infos == NULL)
		return -1;
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		info = sk_X509_INFO_value(infos, i);
		if (info->x509 != NULL && sk_X509_push(certs, info->x509) != 0) {
			info->x509 = NULL;
			n++;
		}
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return n;
}

/*
 * The trust anchors when --ca-file is given: libcurl's default bundle and
 * the file, read once.  Each connection then gets them from memory: a
 * store callback would otherwise make libcurl re-read its bundle for every
 * connection.
 */
static int
load_ca(struct ov_http *h, const char *path)
{
	STACK_OF(X509) *certs;
	char *def = NULL;
	CURL *e;
	int n;

	if ((certs = sk_X509_new_null()) == NULL)
		return ov__error_oom(h->ctx);
	if ((n = read_pem(certs, path)) <= 0) {
		sk_X509_pop_free(certs, X509_free);
		return ov__error_at(h->ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    path, 0, 0, NULL, n < 0 ? "cannot read the CA file" :
		    "no PEM certificate in the CA file");
	}
	h->ca = certs;
	if ((e = curl_easy_init()) != NULL) {
		if (curl_easy_getinfo(e, CURLINFO_CAINFO, &def) == CURLE_OK &&
		    def != NULL && read_pem(certs, def) > 0)
			h->ca_replaces = true;
		curl_easy_cleanup(e);
	}
	return 0;
}

/* Add the extra CAs to the store libcurl already filled. */
static CURLcode
ssl_ctx_cb(CURL *curl, void *sslctx, void *payload)
{
	STACK_OF(X509) *certs = payload;
	X509_STORE *store = SSL_CTX_get_cert_store((SSL_CTX *)sslctx);
	int i;

	(void)curl;
	for (i = 0; i < sk_X509_num(certs); i++)
		(void)X509_STORE_add_cert(store, sk_X509_value(certs, i));
	ERR_clear_error();	/* duplicates are fine */
	return CURLE_OK;
}

int
ov_http__init(struct ov_http *h, ov_ctx *ctx,
    const struct ov_http_config *cfg, struct ov_redact *redact)
{
	int error;

	memset(h, 0, sizeof(*h));
	h->ctx = ctx;
	h->cfg = *cfg;
	h->redact = redact;
	h->arg_quota = -1;
	h->arg_window.low = -1;
	h->rng = (uint64_t)ov_collect__now_ms() * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)getpid();
	if (h->rng == 0)
		h->rng = 1;
	if (cfg->ca_file != NULL && (error = load_ca(h, cfg->ca_file)) < 0)
		return error;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (h->multi = curl_multi_init()) == NULL) {
		ov_http__free(h);
		return ov__error(ctx, OV_EHTTP, OV_ERRCLASS_COLLECT,
		    "cannot initialise libcurl");
	}
	if ((error = ov_json_parser_new(&h->parser, ctx, OV_JSON_STRICT)) < 0) {
		ov_http__free(h);
		return error;
	}
	return 0;
}

static void
release(struct ov_http *h, struct ov_http_req *r)
{
	if (r->easy != NULL) {
		if (h->multi != NULL)
			curl_multi_remove_handle(h->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	curl_slist_free_all(r->headers);
	r->headers = NULL;
}

void
ov_http__req_free(struct ov_http_req *r)
{
	if (r == NULL)
		return;
	curl_slist_free_all(r->headers);
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	ov__free(r->url);
	if (r->body != NULL) {
		memset(r->body, 0, r->body_len);	/* may hold a secret */
		ov__free(r->body);
	}
	ov__buf_free(&r->in);
	ov__free(r);
}

static void
free_queue(struct ov_http *h, struct ov_http_req *r)
{
	struct ov_http_req *next;

	for (; r != NULL; r = next) {
		next = r->next;
		release(h, r);
		ov_http__req_free(r);
	}
}

void
ov_http__free(struct ov_http *h)
{
	size_t p, a;

	if (h == NULL)
		return;
	for (p = 0; p < 2; p++)
		for (a = 0; a < OV_API__COUNT; a++)
			free_queue(h, h->ready[p][a].head);
	free_queue(h, h->delayed);
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	if (h->ca != NULL)
		sk_X509_pop_free((STACK_OF(X509) *)h->ca, X509_free);
	ov_json_parser_free(h->parser);
	memset(h, 0, sizeof(*h));
}

struct ov_http_req *
ov_http__req(enum ov_api api, int audience, const char *url,
    ov_http_done done, void *arg)
{
	struct ov_http_req *r;

	if ((r = ov__calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->url = ov__strdup(url)) == NULL) {
		ov__free(r);
		return NULL;
	}
	r->api = api;
	r->audience = audience;
	r->done = done;
	r->arg = arg;
	r->retry_after = -1;
	r->quota_remaining = -1;
	r->quota_reset_ms = -1;
	r->arm_remaining = -1;
	return r;
}

int
ov_http__req_body(struct ov_http_req *r, const char *body, size_t len)
{
	if ((r->body = ov__strndup(body, len)) == NULL)
		return OV_ENOMEM;
	r->body_len = len;
	return 0;
}

static void
enqueue(struct ov_http_queue *q, struct ov_http_req *r)
{
	r->next = NULL;
	if (q->tail != NULL)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->len++;
}

static struct ov_http_req *
dequeue(struct ov_http_queue *q)
{
	struct ov_http_req *r = q->head;

	if (r != NULL) {
		q->head = r->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->len--;
		r->next = NULL;
	}
	return r;
}

/* Queue a request; see collect_int.h. */
void
ov_http__submit(struct ov_http *h, struct ov_http_req *r)
{
	struct ov_http_req **pp;

	if (r->ready_ms > ov_collect__now_ms()) {
		for (pp = &h->delayed; *pp != NULL &&
		    (*pp)->ready_ms <= r->ready_ms; pp = &(*pp)->next)
			;
		r->next = *pp;
		*pp = r;
		return;
	}
	enqueue(&h->ready[(r->flags & OV_REQ_LOW) != 0][r->api], r);
}

size_t
ov_http__pending(const struct ov_http *h)
{
	const struct ov_http_req *r;
	size_t n = h->active, p, a;

	for (p = 0; p < 2; p++)
		for (a = 0; a < OV_API__COUNT; a++)
			n += h->ready[p][a].len;
	for (r = h->delayed; r != NULL; r = r->next)
		n++;
	return n;
}

size_t
ov_http__pending_low(const struct ov_http *h)
{
	size_t n = 0, a;

	for (a = 0; a < OV_API__COUNT; a++)
		n += h->ready[1][a].len;
	return n;
}

/* Header callback: the throttling and support headers. */
static size_t
header_cb(char *buf, size_t size, size_t nitems, void *payload)
{
	struct ov_http_req *r = payload;
	size_t n = size * nitems, k, vl;
	const char *v;
	char num[32];

	if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		r->retry_after = -1;
		r->quota_remaining = -1;
		r->quota_reset_ms = -1;
		r->arm_remaining = -1;
		return n;
	}
	if ((v = memchr(buf, ':', n)) == NULL)
		return n;
	k = (size_t)(v - buf);
	v++;
	while (v < buf + n && (*v == ' ' || *v == '\t'))
		v++;
	vl = (size_t)(buf + n - v);
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' ||
	    v[vl - 1] == ' '))
		vl--;
	snprintf(num, sizeof(num), "%.*s", (int)(vl < 31 ? vl : 31), v);
#define IS(name) (k == strlen(name) && ov__eq_ci(buf, k, name, k))
	if (IS("x-ms-user-quota-remaining"))
		r->quota_remaining = num[0] >= '0' && num[0] <= '9' ?
		    strtol(num, NULL, 10) : -1;
	else if (IS("x-ms-user-quota-resets-after"))
		r->quota_reset_ms = ov_collect__parse_hms(v, vl);
	else if (IS("x-ms-ratelimit-remaining-subscription-reads"))
		r->arm_remaining = num[0] >= '0' && num[0] <= '9' ?
		    strtol(num, NULL, 10) : -1;
	else if (IS("request-id") || IS("x-ms-request-id") ||
	    IS("x-ms-correlation-request-id"))
		snprintf(r->request_id, sizeof(r->request_id), "%.*s",
		    (int)(vl < sizeof(r->request_id) - 1 ? vl :
		    sizeof(r->request_id) - 1), v);
#undef IS
	return n;
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *payload)
{
	struct ov_http_req *r = payload;

	if (ov__buf_add(&r->in, ptr, size * nmemb) < 0)
		return 0;	/* over the cap: CURLE_WRITE_ERROR */
	return size * nmemb;
}

/* Prepare a try: a fresh easy handle with every option set. */
static int
setup(struct ov_http *h, struct ov_http_req *r, const char *token)
{
	struct curl_slist *hd = NULL, *t;
	char line[64];
	int64_t timeout = r->timeout_ms != 0 ? (int64_t)r->timeout_ms :
	    (int64_t)h->cfg.request_timeout * 1000, left;
	CURL *e;
	bool ok = true;

	ov__buf_free(&r->in);
	ov__buf_init(&r->in, (size_t)ov_ctx_limit(h->ctx, OV_LIMIT_HTTP_BODY));
	r->errbuf[0] = '\0';
	r->request_id[0] = '\0';
	r->retry_after = r->quota_remaining = r->quota_reset_ms = -1;
	r->arm_remaining = -1;
	if ((e = curl_easy_init()) == NULL)
		return OV_ENOMEM;
	if (h->cfg.deadline_ms != 0) {
		left = h->cfg.deadline_ms - ov_collect__now_ms();
		if (left < timeout)
			timeout = left > 1 ? left : 1;
	}
#define SET(opt, val) (ok = ok && curl_easy_setopt(e, opt, val) == CURLE_OK)
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_PROTOCOLS_STR, (r->flags & OV_REQ_NO_PROXY) != 0 ?
	    "http,https" : "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_TIMEOUT_MS, (long)timeout);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout < 10000 ? timeout :
	    10000));
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_USERAGENT, "overvisor/" OV_VERSION);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, r);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	SET(CURLOPT_HEADERDATA, r);
	SET(CURLOPT_ERRORBUFFER, r->errbuf);
	SET(CURLOPT_PRIVATE, r);
	if (h->ca != NULL) {
		SET(CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
		SET(CURLOPT_SSL_CTX_DATA, h->ca);
		if (h->ca_replaces) {
			/* The default bundle is in h->ca already. */
			SET(CURLOPT_CAINFO, NULL);
			SET(CURLOPT_CAPATH, NULL);
		}
	}
	if ((r->flags & OV_REQ_NO_PROXY) != 0)
		SET(CURLOPT_NOPROXY, "*");
	if (r->body != NULL) {
		SET(CURLOPT_POSTFIELDS, r->body);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	}
#undef SET
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	hd = curl_slist_append(NULL, "Accept: application/json");
	if (hd != NULL && r->body != NULL)
		hd = (t = curl_slist_append(hd, (r->flags & OV_REQ_FORM) != 0 ?
		    "Content-Type: application/x-www-form-urlencoded" :
		    "Content-Type: application/json")) != NULL ? t : NULL;
	if (hd != NULL && r->extra_header != NULL)
		hd = (t = curl_slist_append(hd, r->extra_header)) != NULL ?
		    t : NULL;
	if (hd != NULL && token != NULL) {
		struct ov_buf b = OV_BUF_INIT(1 << 20);

		if (ov__buf_printf(&b, "Authorization: Bearer %s", token) == 0)
			t = curl_slist_append(hd, ov__buf_cstr(&b));
		else
			t = NULL;
		if (b.ptr != NULL)
			memset(b.ptr, 0, b.len);
		ov__buf_free(&b);
		hd = t;
	}
	if (hd != NULL && r->body != NULL) {
		/* No "Expect: 100-continue" round trip. */
		snprintf(line, sizeof(line), "Expect:");
		hd = (t = curl_slist_append(hd, line)) != NULL ? t : NULL;
	}
	if (hd == NULL || !ok ||
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hd) != CURLE_OK) {
		curl_slist_free_all(hd);
		curl_easy_cleanup(e);
		return OV_ENOMEM;
	}
	r->headers = hd;
	r->easy = e;
	r->start_ms = ov_collect__now_ms();
	return 0;
}

/* Copy the code and message of an error body into out. */
static void
error_text(const ov_json *root, char *out, size_t size)
{
	const char *code = NULL, *message = NULL;

	ov_collect__error_body(root, &code, &message);
	if (code != NULL && message != NULL)
		snprintf(out, size, "%s: %s", code, message);
	else if (code != NULL || message != NULL)
		snprintf(out, size, "%s", code != NULL ? code : message);
	else
		out[0] = '\0';
}

/* One log line for a finished try. */
static void
log_try(struct ov_http *h, struct ov_http_req *r, long status,
    const char *note)
{
	char url[1024], line[1400];

	if (h->cfg.log == NULL)
		return;
	ov_collect__log_url(r->url, url, sizeof(url));
	snprintf(line, sizeof(line), "%s %s %ld %zu B %lld ms%s%s%s",
	    r->body != NULL ? "POST" : "GET", url, status, r->in.len,
	    (long long)(ov_collect__now_ms() - r->start_ms),
	    note[0] != '\0' ? " (" : "", note, note[0] != '\0' ? ")" : "");
	ov_collect__redact(h->redact, line, sizeof(line));
	h->cfg.log(line, h->cfg.log_payload);
}

static bool
retryable_status(const struct ov_http_req *r, long status)
{
	switch (status) {
	case 408: case 429: case 500: case 502: case 503: case 504:
		return true;
	case 404: case 410:
		return (r->flags & OV_REQ_RETRY_404) != 0;
	default:
		return false;
	}
}

static bool
retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_WRITE_ERROR:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_ABORTED_BY_CALLBACK:
		return false;
	default:
		return true;
	}
}

/*
 * Decide what a finished try means.  Fills resp and msg for DELIVER and
 * *wait_ms for RETRY.
 */
static enum action
classify(struct ov_http *h, struct ov_http_req *r, CURLcode rc, long status,
    struct ov_http_resp *resp, char *msg, char *note, int64_t *wait_ms)
{
	const ov_json *root = NULL;
	ov_json_error jerr;
	char why[MSG_MAX];
	bool retry = false, throttled = false;
	int64_t now = ov_collect__now_ms(), wait;

	memset(resp, 0, sizeof(*resp));
	msg[0] = note[0] = why[0] = '\0';
	resp->status = status;
	resp->message = msg;
	resp->body = ov__buf_cstr(&r->in);
	resp->body_len = r->in.len;
	resp->request_id = r->request_id[0] != '\0' ? r->request_id : NULL;
	if (rc != CURLE_OK) {
		resp->status = status = 0;
		if (rc == CURLE_WRITE_ERROR)
			snprintf(why, sizeof(why), "response larger than %zu "
			    "bytes (OV_LIMIT_HTTP_BODY)", r->in.max);
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			snprintf(why, sizeof(why), "no complete response within "
			    "%lld ms", (long long)(now - r->start_ms));
		else if (rc == CURLE_PARTIAL_FILE)
			snprintf(why, sizeof(why), "response body truncated");
		else if (rc == CURLE_PEER_FAILED_VERIFICATION)
			snprintf(why, sizeof(why), "TLS certificate not trusted "
			    "(%s); --ca-file adds a CA", r->errbuf[0] != '\0' ?
			    r->errbuf : curl_easy_strerror(rc));
		else
			snprintf(why, sizeof(why), "%s", r->errbuf[0] != '\0' ?
			    r->errbuf : curl_easy_strerror(rc));
		retry = retryable_curl(rc);
		resp->error = rc == CURLE_WRITE_ERROR ? OV_ELIMIT : OV_EHTTP;
	} else if (status == 401 && r->audience != OV_AUD_NONE &&
	    !r->refreshed && h->auth != NULL) {
		r->refreshed = true;
		snprintf(note, MSG_MAX, "401: token refreshed, sent again");
		return REFRESH;
	} else if (retryable_status(r, status)) {
		throttled = status == 429 || status == 503;
		if (r->in.len != 0 && ov_json_parser_parse(h->parser,
		    r->in.ptr, r->in.len, &root, NULL, &jerr) == 0)
			error_text(root, why, sizeof(why));
		if (why[0] == '\0')
			snprintf(why, sizeof(why), "HTTP %ld", status);
		else {
			char tmp[MSG_MAX];

			snprintf(tmp, sizeof(tmp), "HTTP %ld %s", status, why);
			memcpy(why, tmp, sizeof(why));
		}
		retry = true;
		resp->error = OV_EHTTP;
	} else if ((r->flags & OV_REQ_NO_JSON) != 0) {
		if (status < 200 || status > 299)
			resp->error = OV_EHTTP;
	} else if (r->in.len == 0) {
		if (status >= 200 && status <= 299) {
			snprintf(why, sizeof(why), "empty response body");
			retry = true;
		} else {
			snprintf(why, sizeof(why), "HTTP %ld", status);
		}
		resp->error = OV_EHTTP;
	} else if (ov_json_parser_parse(h->parser, r->in.ptr, r->in.len,
	    &root, NULL, &jerr) < 0) {
		ov_error_clear(h->ctx);
		snprintf(why, sizeof(why), "%sresponse is not JSON (%s at "
		    "byte %llu)", status >= 200 && status <= 299 ? "" : "error ",
		    jerr.message, (unsigned long long)jerr.offset);
		/* A cut 2xx body is transient; a bad error body is not. */
		retry = status >= 200 && status <= 299;
		resp->error = OV_EHTTP;
	} else {
		resp->json = root;
		if (status < 200 || status > 299) {
			const char *code = NULL, *m = NULL;

			ov_collect__error_body(root, &code, &m);
			resp->error_code = code;
			error_text(root, why, sizeof(why));
			resp->error = OV_EHTTP;
		}
	}
	if (retry && r->attempts < OV_COLLECT_ATTEMPTS && !h->aborted &&
	    (r->flags & OV_REQ_ONCE) == 0) {
		if (r->retry_after >= 0)
			wait = (r->retry_after > OV_COLLECT_WAIT_MAX ?
			    OV_COLLECT_WAIT_MAX : r->retry_after) * 1000;
		else if (r->api == OV_API_ARG && r->quota_remaining == 0 &&
		    r->quota_reset_ms >= 0)
			wait = r->quota_reset_ms;
		else
			wait = backoff(h, r->attempts);
		if (h->cfg.deadline_ms != 0 && now + wait >= h->cfg.deadline_ms) {
			snprintf(msg, MSG_MAX, "%s; the overall --timeout ends "
			    "before a retry could be made", why);
			ov_collect__redact(h->redact, msg, MSG_MAX);
			resp->error = OV_EHTTP;
			snprintf(note, MSG_MAX, "%s; no time left", why);
			return DELIVER;
		}
		if (throttled) {
			h->stats.throttled++;
			h->stats.throttle_ms += (uint64_t)wait;
			if (h->throttled != NULL)
				h->throttled(r, wait, h->throttled_payload);
		}
		*wait_ms = wait;
		snprintf(note, MSG_MAX, "%s; retry in %lld ms", why,
		    (long long)wait);
		ov_collect__redact(h->redact, note, MSG_MAX);
		return RETRY;
	}
	if (retry && why[0] != '\0') {
		char tmp[MSG_MAX];

		snprintf(tmp, sizeof(tmp), "%s (gave up after %u tries)", why,
		    r->attempts);
		memcpy(why, tmp, sizeof(why));
	}
	if (resp->request_id != NULL && why[0] != '\0' &&
	    strlen(why) + strlen(resp->request_id) + 16 < sizeof(why)) {
		size_t n = strlen(why);

		snprintf(why + n, sizeof(why) - n, " [request-id %s]",
		    resp->request_id);
	}
	snprintf(msg, MSG_MAX, "%s", why);
	ov_collect__redact(h->redact, msg, MSG_MAX);
	snprintf(note, MSG_MAX, "%s", msg);
	return DELIVER;
}

long
ov_collect__arg_quota(struct ov_arg_window *w, long remaining, uint64_t seq,
    uint64_t sent, size_t inflight)
{
	/*
	 * Within a window the count only falls.  A higher count is a new
	 * window only when its query started after the lowest was read (it
	 * was counted later); otherwise the service may have counted it
	 * before a query whose reply came back first, and it is stale.
	 * Every query still out may be counted before the next one.
	 */
	if (w->low < 0 || remaining < w->low || seq > w->low_sent) {
		w->low = remaining;
		w->low_sent = sent;
	}
	return w->low > (long)inflight ? w->low - (long)inflight : 0;
}

/* Throttling state shared by every request of an API. */
static void
note_quota(struct ov_http *h, const struct ov_http_req *r)
{
	int64_t now = ov_collect__now_ms();

	/* A service that sends no quota headers has no quota to respect. */
	if (r->api == OV_API_ARG && r->quota_remaining < 0 &&
	    h->arg_quota < 0 && r->in.len != 0)
		h->arg_unlimited = true;
	if (r->api == OV_API_ARG && r->quota_remaining >= 0) {
		h->arg_unlimited = false;
		h->arg_quota = ov_collect__arg_quota(&h->arg_window,
		    r->quota_remaining, r->arg_seq, h->arg_sent,
		    h->active_api[OV_API_ARG]);
		if (r->quota_remaining == 0 && r->quota_reset_ms > 0 &&
		    now + r->quota_reset_ms > h->arg_gate_ms)
			h->arg_gate_ms = now + r->quota_reset_ms;
	}
	if (r->api == OV_API_ARM && r->arm_remaining >= 0 &&
	    r->arm_remaining < (long)h->cfg.parallel && now + 1000 >
	    h->arm_gate_ms)
		h->arm_gate_ms = now + 1000;	/* a breath before the bucket
						   runs dry */
}

/* Deliver a final answer and free the request. */
static void
deliver(struct ov_http *h, struct ov_http_req *r,
    const struct ov_http_resp *resp)
{
	r->done(h, r, resp);
	ov_http__req_free(r);
	if (h->tick != NULL)
		h->tick(h, h->tick_payload);
}

/* Deliver a failure that happened before any exchange. */
static void
fail_early(struct ov_http *h, struct ov_http_req *r, int error,
    const char *why)
{
	struct ov_http_resp resp;
	char msg[MSG_MAX];

	memset(&resp, 0, sizeof(resp));
	snprintf(msg, sizeof(msg), "%s", why);
	ov_collect__redact(h->redact, msg, sizeof(msg));
	resp.error = error;
	resp.message = msg;
	resp.body = "";
	if (h->cfg.log != NULL) {
		r->start_ms = ov_collect__now_ms();
		log_try(h, r, 0, msg);
	}
	deliver(h, r, &resp);
}

/* The token for a request, or NULL after failing it. */
static int
token_for(struct ov_http *h, struct ov_http_req *r, const char **token)
{
	int error;

	*token = NULL;
	if (r->audience == OV_AUD_NONE || h->auth == NULL)
		return 0;
	if ((error = ov_auth__token(h->auth, r->audience, token,
	    &r->token_gen)) < 0) {
		h->auth_failed = true;
		fail_early(h, r, error, h->auth->message);
		return error;
	}
	return 0;
}

/* Start one request: token, handle, add to the multi. */
static void
start(struct ov_http *h, struct ov_http_req *r)
{
	const char *token;

	if (token_for(h, r, &token) < 0)
		return;
	if (setup(h, r, token) < 0 ||
	    curl_multi_add_handle(h->multi, r->easy) != CURLM_OK) {
		release(h, r);
		fail_early(h, r, OV_ENOMEM, "out of memory");
		return;
	}
	r->attempts++;
	h->active++;
	h->active_api[r->api]++;
	if (r->api == OV_API_ARG) {
		r->arg_seq = ++h->arg_sent;
		if (h->arg_quota > 0)
			h->arg_quota--;
	}
}

/* True when a request of api may start now. */
static bool
open_gate(const struct ov_http *h, enum ov_api a, int64_t now)
{
	/*
	 * Resource Graph: one query until a reply tells the quota, then as
	 * many as it has left; with none left (or none known), one probe
	 * at a time once the window has reset.
	 */
	if (a == OV_API_ARG && (h->arg_gate_ms > now || (!h->arg_unlimited &&
	    h->arg_quota <= 0 && h->active_api[a] != 0)))
		return false;
	return a != OV_API_ARM || h->arm_gate_ms <= now;
}

/* True when pick() would return a request. */
static bool
startable(const struct ov_http *h, int64_t now)
{
	size_t p, a;

	if (h->active >= h->cfg.parallel)
		return false;
	for (p = 0; p < 2; p++)
		for (a = 0; a < OV_API__COUNT; a++)
			if (h->ready[p][a].head != NULL &&
			    open_gate(h, (enum ov_api)a, now))
				return true;
	return false;
}

/* The next request that may start now, or NULL. */
static struct ov_http_req *
pick(struct ov_http *h, int64_t now)
{
	static const enum ov_api order[] = { OV_API_TOKEN, OV_API_GRAPH,
	    OV_API_ARG, OV_API_ARM };
	size_t p, i;
	enum ov_api a;

	for (p = 0; p < 2; p++)
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			a = order[(i + (size_t)(h->stats.requests %
			    (sizeof(order) / sizeof(order[0])))) %
			    (sizeof(order) / sizeof(order[0]))];
			if (h->ready[p][a].head == NULL || !open_gate(h, a, now))
				continue;
			return dequeue(&h->ready[p][a]);
		}
	return NULL;
}

/* Handle a completed try of the multi interface. */
static void
finished(struct ov_http *h, struct ov_http_req *r, CURLcode rc)
{
	struct ov_http_resp resp;
	char msg[MSG_MAX], note[MSG_MAX];
	long status = 0;
	int64_t wait = 0;
	enum action act;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && r->retry_after < 0) {
		curl_off_t ra = -1;

		if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra) ==
		    CURLE_OK && ra > 0)
			r->retry_after = (long)ra;
	}
	release(h, r);
	h->active--;
	h->active_api[r->api]--;
	h->stats.requests++;
	h->stats.bytes += r->in.len;
	note_quota(h, r);
	act = classify(h, r, rc, status, &resp, msg, note, &wait);
	log_try(h, r, resp.status, note);
	if (act == REFRESH) {
		h->stats.retries++;
		ov_auth__invalidate(h->auth, r->audience, r->token_gen);
		r->ready_ms = 0;
		ov_http__submit(h, r);
		return;
	}
	if (act == RETRY) {
		h->stats.retries++;
		r->ready_ms = ov_collect__now_ms() + wait;
		ov_http__submit(h, r);
		return;
	}
	deliver(h, r, &resp);
}

/* Fail everything queued: the overall deadline passed. */
static void
abort_queued(struct ov_http *h)
{
	struct ov_http_req *r;
	size_t p, a;

	for (p = 0; p < 2; p++)
		for (a = 0; a < OV_API__COUNT; a++)
			while ((r = dequeue(&h->ready[p][a])) != NULL)
				fail_early(h, r, OV_EHTTP, "the overall "
				    "--timeout was reached before this request "
				    "could be made");
	while ((r = h->delayed) != NULL) {
		h->delayed = r->next;
		fail_early(h, r, OV_EHTTP, "the overall --timeout was reached "
		    "while waiting to retry");
	}
}

/* Run until every request has completed; see collect_int.h. */
int
ov_http__run(struct ov_http *h)
{
	struct ov_http_req *r;
	CURLMsg *m;
	int running, left, n;
	int64_t now, wait;

	for (;;) {
		now = ov_collect__now_ms();
		if (h->cfg.deadline_ms != 0 && now >= h->cfg.deadline_ms &&
		    !h->aborted)
			h->aborted = true;
		if (h->aborted)
			abort_queued(h);
		while ((r = h->delayed) != NULL && r->ready_ms <= now) {
			h->delayed = r->next;
			r->ready_ms = 0;
			ov_http__submit(h, r);
		}
		while (!h->aborted && h->active < h->cfg.parallel &&
		    (r = pick(h, now)) != NULL)
			start(h, r);
		if (h->active == 0 && ov_http__pending(h) == 0)
			break;
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			return ov__error(h->ctx, OV_EHTTP, OV_ERRCLASS_COLLECT,
			    "libcurl multi interface failed");
		while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			r = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
			if (r != NULL)
				finished(h, r, m->data.result);
		}
		wait = 1000;
		now = ov_collect__now_ms();
		if (h->delayed != NULL && h->delayed->ready_ms - now < wait)
			wait = h->delayed->ready_ms - now;
		if (h->arg_gate_ms > now && h->arg_gate_ms - now < wait)
			wait = h->arg_gate_ms - now;
		if (h->arm_gate_ms > now && h->arm_gate_ms - now < wait)
			wait = h->arm_gate_ms - now;
		if (h->cfg.deadline_ms != 0 && h->cfg.deadline_ms - now < wait)
			wait = h->cfg.deadline_ms - now;
		if (wait < 0 || startable(h, now) || (h->aborted &&
		    ov_http__pending(h) > h->active))
			wait = 0;
		if (curl_multi_poll(h->multi, NULL, 0, (int)wait, &n) !=
		    CURLM_OK)
			return ov__error(h->ctx, OV_EHTTP, OV_ERRCLASS_COLLECT,
			    "libcurl multi interface failed");
	}
	return 0;
}

/* Perform one request synchronously; see collect_int.h. */
int
ov_http__perform(struct ov_http *h, struct ov_http_req *r,
    struct ov_http_resp *resp)
{
	char *msg = h->perform_msg, note[MSG_MAX];
	long status;
	int64_t wait;
	enum action act;
	CURLcode rc;

	for (;;) {
		if (setup(h, r, NULL) < 0)
			return ov__error_oom(h->ctx);
		r->attempts++;
		rc = curl_easy_perform(r->easy);
		status = 0;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
		if (rc == CURLE_OK && r->retry_after < 0) {
			curl_off_t ra = -1;

			if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER,
			    &ra) == CURLE_OK && ra > 0)
				r->retry_after = (long)ra;
		}
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
		h->stats.requests++;
		h->stats.bytes += r->in.len;
		wait = 0;
		act = classify(h, r, rc, status, resp, msg, note, &wait);
		log_try(h, r, resp->status, note);
		if (act != RETRY)
			return 0;
		h->stats.retries++;
		while (wait > 0) {
			struct timespec ts = { (time_t)(wait / 1000),
			    (long)(wait % 1000) * 1000000L };

			if (nanosleep(&ts, NULL) == 0 || errno != EINTR)
				break;
		}
	}
}
