/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of live collection.  One thread drives every transfer
 * through the libcurl multi interface (http.c); tokens come from auth.c;
 * arg.c, arm.c and graph.c turn API pages into records; writer.c puts them
 * in the snapshot directory; collect.c runs the whole thing.
 */
#ifndef OV_COLLECT_INT_H
#define OV_COLLECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "overvisor/collect.h"
#include "overvisor/json.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"

/* Defaults and caps. */
#define OV_COLLECT_PARALLEL	8	/* requests in flight */
#define OV_COLLECT_PARALLEL_MAX	64	/* --parallel cap */
#define OV_COLLECT_REQ_TIMEOUT	60	/* seconds per request */
#define OV_COLLECT_ATTEMPTS	6	/* tries per request, first included */
#define OV_COLLECT_BACKOFF_MS	500	/* first back-off step */
#define OV_COLLECT_BACKOFF_MAX	30000	/* longest back-off step */
#define OV_COLLECT_WAIT_MAX	300	/* longest Retry-After honoured, s */
#define OV_COLLECT_ARG_TOP	1000	/* Resource Graph rows per page */
#define OV_COLLECT_ARG_BATCH	300	/* subscriptions per query */
#define OV_COLLECT_SPLIT_PAGES	5	/* pages before a query is split */
#define OV_COLLECT_REASON	512	/* bytes of a source's reason */

/* ---- cloud.c: endpoint sets ---------------------------------------- */

struct ov_cloud {
	char	*name;		/* AzureCloud, or the endpoint file's name */
	char	*login;		/* activeDirectory, no trailing slash */
	char	*arm;		/* resourceManager, no trailing slash */
	char	*graph;		/* Microsoft Graph, no trailing slash */
	char	*arm_audience;	/* activeDirectoryResourceId, as given */
	char	*graph_audience; /* microsoftGraphResourceId, as given */
};

/*
 * Fill c from a cloud name (NULL = AzureCloud) or, when path is set, from
 * an endpoint file (az cloud show's keys, at the top level or under
 * "endpoints").  Errors name the file, position and key.
 */
int	ov_collect__cloud_load(struct ov_cloud *c, ov_ctx *ctx,
	    const char *name, const char *path);
/* As ov_collect__cloud_load, from an endpoint document in memory. */
int	ov_collect__cloud_parse(struct ov_cloud *c, ov_ctx *ctx,
	    const char *path, const char *data, size_t len);
void	ov_collect__cloud_free(struct ov_cloud *c);
/* True when url has the same scheme, host and port as base. */
bool	ov_collect__same_origin(const char *url, const char *base);

/* ---- redact.c: secrets never leave ---------------------------------- */

struct ov_redact {
	char	**secrets;	/* owned copies */
	size_t	  n, cap;
};

/* Remember a secret (at least 4 bytes) so redact() hides it. */
int	ov_collect__redact_add(struct ov_redact *r, const char *secret);
/*
 * Replace every remembered secret and every JWT-looking run in s (in
 * place, NUL-terminated) with "[redacted]"; s must have room for the
 * result, which is never longer than size bytes.
 */
void	ov_collect__redact(const struct ov_redact *r, char *s, size_t size);
void	ov_collect__redact_free(struct ov_redact *r);
/*
 * Copy url into out for logs: the query keeps api-version, $top, $select,
 * $expand, $filter, resource and client_id; every other value is elided.
 */
void	ov_collect__log_url(const char *url, char *out, size_t size);

/* ---- http.c: the transfer engine ------------------------------------ */

enum ov_api {
	OV_API_ARM = 0,		/* Resource Manager REST */
	OV_API_ARG,		/* Resource Graph (quota-gated) */
	OV_API_GRAPH,		/* Microsoft Graph */
	OV_API_TOKEN,		/* token endpoints */
	OV_API__COUNT
};

enum ov_aud {
	OV_AUD_NONE = -1,
	OV_AUD_ARM = 0,
	OV_AUD_GRAPH = 1,
	OV_AUD__COUNT = 2
};

/* Request flags. */
#define OV_REQ_NO_PROXY		0x01	/* managed identity: never proxied */
#define OV_REQ_RETRY_404	0x02	/* IMDS: 404 while provisioning */
#define OV_REQ_LOW		0x04	/* bulk work: after paging chains */
#define OV_REQ_FORM		0x08	/* body is form-encoded */
#define OV_REQ_NO_JSON		0x10	/* body need not be JSON */
#define OV_REQ_ONCE		0x20	/* one try only (probes) */

/* A finished exchange, as the completion callback sees it. */
struct ov_http_resp {
	long		 status;	/* HTTP status; 0 when none came */
	int		 error;		/* 0, OV_EHTTP, OV_EAUTH, OV_ELIMIT */
	const char	*message;	/* why it failed (redacted), or "" */
	const ov_json	*json;		/* parsed body, or NULL */
	const char	*body;		/* raw body (NUL-terminated) */
	size_t		 body_len;
	const char	*request_id;	/* request-id header, or NULL */
	const char	*error_code;	/* error.code of the body, or NULL */
};

struct ov_http;
struct ov_http_req;

/* Completion callback; called exactly once per submitted request. */
typedef void (*ov_http_done)(struct ov_http *h, struct ov_http_req *req,
    const struct ov_http_resp *resp);

struct ov_http_req {
	/* Set by the submitter. */
	enum ov_api	 api;		/* which API (gates, stats) */
	int		 audience;	/* token audience, or OV_AUD_NONE */
	char		*url;		/* owned */
	char		*body;		/* owned POST body, or NULL for GET */
	size_t		 body_len;
	const char	*extra_header;	/* one "Name: value", or NULL */
	unsigned	 flags;		/* OV_REQ_* */
	unsigned	 timeout_ms;	/* per try; 0 = the engine's */
	ov_http_done	 done;		/* completion callback */
	void		*arg;		/* for the callback */
	uint64_t	 tag;		/* for the callback */
	/* Engine state. */
	unsigned	 attempts;	/* tries made */
	uint64_t	 arg_seq;	/* arg_sent when this query started */
	bool		 refreshed;	/* the token was refreshed after a 401 */
	int64_t		 ready_ms;	/* not before this monotonic time */
	int64_t		 start_ms;	/* when the current try started */
	void		*easy;		/* CURL *, while in flight */
	void		*headers;	/* struct curl_slist * */
	uint64_t	 token_gen;	/* which token was sent */
	struct ov_buf	 in;		/* response body */
	long		 retry_after;	/* seconds, -1 when absent */
	long		 quota_remaining; /* ARG, -1 when absent */
	long		 quota_reset_ms; /* ARG, -1 when absent */
	long		 arm_remaining;	/* ARM reads left, -1 when absent */
	char		 request_id[64]; /* for support */
	char		 errbuf[256];	/* CURLOPT_ERRORBUFFER */
	struct ov_http_req *next;	/* queue link */
};

struct ov_auth;

/* Engine settings. */
struct ov_http_config {
	unsigned		 parallel;	/* in flight */
	unsigned		 request_timeout; /* seconds */
	int64_t			 deadline_ms;	/* monotonic; 0 = none */
	const char		*ca_file;	/* extra CA bundle, or NULL */
	ov_collect_log_cb	 log;		/* per-request log */
	void			*log_payload;
};

struct ov_http_queue {
	struct ov_http_req	*head, *tail;
	size_t			 len;
};

/*
 * Resource Graph's quota as its replies tell it.  The service counts
 * queries in an order the client cannot see (they travel on parallel
 * connections), and replies come back in yet another, so only the lowest
 * count read in a window is trusted.
 */
struct ov_arg_window {
	long		 low;		/* lowest quota read; -1 none yet */
	uint64_t	 low_sent;	/* queries started when it was read */
};

struct ov_http {
	ov_ctx			*ctx;
	struct ov_http_config	 cfg;
	void			*multi;		/* CURLM * */
	void			*ca;		/* STACK_OF(X509) * */
	bool			 ca_replaces;	/* ca holds libcurl's bundle too */
	struct ov_auth		*auth;		/* token source */
	struct ov_redact	*redact;	/* secrets to hide */
	ov_json_parser		*parser;	/* one tree at a time */
	struct ov_http_queue	 ready[2][OV_API__COUNT]; /* [low][api] */
	struct ov_http_req	*delayed;	/* sorted by ready_ms */
	size_t			 active;	/* in flight */
	size_t			 active_api[OV_API__COUNT];
	int64_t			 arg_gate_ms;	/* ARG paused until */
	long			 arg_quota;	/* queries that may start in the
						   window; -1 unknown */
	struct ov_arg_window	 arg_window;	/* what the replies told */
	bool			 arg_unlimited;	/* replies carry no quota */
	uint64_t		 arg_sent;	/* ARG queries started */
	int64_t			 arm_gate_ms;	/* ARM paused until */
	bool			 aborted;	/* deadline passed */
	bool			 auth_failed;	/* a token could not be had */
	char			 perform_msg[1024]; /* ov_http__perform's */
	uint64_t		 rng;		/* jitter */
	ov_collect_stats	 stats;
	/* Called after every completion, for progress and back-pressure. */
	void			(*tick)(struct ov_http *h, void *payload);
	void			*tick_payload;
	/* Reported when a request waits on throttling. */
	void			(*throttled)(struct ov_http_req *req,
				    int64_t wait_ms, void *payload);
	void			*throttled_payload;
};

/* Monotonic milliseconds. */
int64_t	ov_collect__now_ms(void);
int	ov_http__init(struct ov_http *h, ov_ctx *ctx,
	    const struct ov_http_config *cfg, struct ov_redact *redact);
void	ov_http__free(struct ov_http *h);
/* A request for url (copied); NULL when out of memory. */
struct ov_http_req *ov_http__req(enum ov_api api, int audience,
	    const char *url, ov_http_done done, void *arg);
/* Give body (copied) to a request, making it a POST. */
int	ov_http__req_body(struct ov_http_req *r, const char *body,
	    size_t len);
void	ov_http__req_free(struct ov_http_req *r);
/* Queue a request; the engine owns it and calls its callback once. */
void	ov_http__submit(struct ov_http *h, struct ov_http_req *r);
/* Run until every request has completed. */
int	ov_http__run(struct ov_http *h);
/*
 * Perform one request synchronously with the same retries (token
 * endpoints).  *resp lives until the request is freed or performed again;
 * the parsed JSON until the next parse on h.
 */
int	ov_http__perform(struct ov_http *h, struct ov_http_req *r,
	    struct ov_http_resp *resp);
/* Requests queued or in flight. */
size_t	ov_http__pending(const struct ov_http *h);
/* Requests queued at low priority. */
size_t	ov_http__pending_low(const struct ov_http *h);
/*
 * Parse "hh:mm:ss" (Resource Graph's x-ms-user-quota-resets-after) into
 * milliseconds; -1 when malformed.
 */
long	ov_collect__parse_hms(const char *s, size_t len);
/*
 * Note a Resource Graph reply: the service had remaining queries left
 * when it counted the query started as number seq; sent queries have
 * started so far and inflight others are still unanswered.  Returns how
 * many may start now, never more than the service can have left.
 */
long	ov_collect__arg_quota(struct ov_arg_window *w, long remaining,
	    uint64_t seq, uint64_t sent, size_t inflight);

/* ---- auth.c, assert.c, azcli.c: tokens ------------------------------ */

struct ov_token {
	char		*value;		/* owned; NULL when none */
	int64_t		 expires_at;	/* Unix seconds */
	int64_t		 lifetime;	/* seconds it was issued for */
	uint64_t	 gen;		/* bumped for every new token */
	int		 error;		/* sticky failure, 0 when none */
};

struct ov_auth {
	ov_ctx			*ctx;
	struct ov_http		*http;		/* for token requests */
	const struct ov_cloud	*cloud;
	struct ov_redact	*redact;
	ov_collect_auth		 method;	/* resolved: never AUTO */
	char			*tenant;	/* owned, may be NULL */
	char			*client_id;	/* owned, may be NULL */
	char			*secret;	/* owned, may be NULL */
	char			*cert_path;	/* owned, may be NULL */
	char			*cert_pass;	/* owned, may be NULL */
	char			*fed_file;	/* owned, may be NULL */
	char			*mi_endpoint;	/* IDENTITY_ENDPOINT or IMDS */
	char			*mi_header;	/* IDENTITY_HEADER, or NULL */
	bool			 app_service;	/* mi_endpoint is App Service */
	void			*key;		/* EVP_PKEY * */
	char			*x5t;		/* certificate thumbprint */
	unsigned		 timeout;	/* seconds per request */
	struct ov_token		 tok[OV_AUD__COUNT];
	char			 message[OV_COLLECT_REASON]; /* last failure */
	uint64_t		 issued;	/* tokens obtained */
};

/* What a token endpoint answered. */
struct ov_token_reply {
	const char	*access_token;	/* borrowed from the JSON */
	int64_t		 expires_at;	/* Unix seconds */
	int64_t		 lifetime;	/* seconds */
	const char	*tenant;	/* CLI "tenant", or NULL */
};

/* Kinds of token reply. */
#define OV_TOKEN_V2	0	/* Entra v2: expires_in number */
#define OV_TOKEN_MI	1	/* managed identity: expires_on string */
#define OV_TOKEN_CLI	2	/* az: expires_on or expiresOn */

/*
 * Read a token reply.  now is the current Unix time.  Returns 0, or
 * OV_EAUTH with a message (never containing the token) in err.
 */
int	ov_collect__parse_token(const ov_json *root, int kind, int64_t now,
	    struct ov_token_reply *out, char *err, size_t errlen);
/*
 * Resolve the method (AUTO picks the first usable one), read the
 * environment and load a certificate.  Fails with OV_EAUTH when no
 * credential is usable.
 */
int	ov_auth__init(struct ov_auth *a, ov_ctx *ctx, ov_collect_auth method,
	    const char *tenant, const struct ov_cloud *cloud,
	    struct ov_http *http, struct ov_redact *redact, unsigned timeout);
void	ov_auth__free(struct ov_auth *a);
/*
 * A valid token for audience, fetched or refreshed when it expires within
 * a safety margin.  *token is borrowed until the next call.  OV_EAUTH with
 * a.message when it cannot be obtained.
 */
int	ov_auth__token(struct ov_auth *a, int audience, const char **token,
	    uint64_t *gen);
/* Forget the audience's token if it is still generation gen (a 401). */
void	ov_auth__invalidate(struct ov_auth *a, int audience, uint64_t gen);
/* The tenant id inside a JWT access token ("tid"), copied into out. */
bool	ov_collect__jwt_tenant(const char *jwt, char *out, size_t size);
/*
 * A client assertion (RS256 JWT with x5t) for client_id at audience aud,
 * signed with key; owned by the caller (ov__free).
 */
int	ov_collect__client_assertion(void *key, const char *x5t,
	    const char *client_id, const char *aud, int64_t now, char **out);
/*
 * Load a PEM (or PKCS#12) file holding a certificate and its private key;
 * *key (EVP_PKEY *) and *x5t (owned) on success.
 */
int	ov_collect__load_cert(ov_ctx *ctx, const char *path,
	    const char *password, void **key, char **x5t);
/*
 * Run "az account get-access-token" for resource; *out holds its stdout
 * (owned).  OV_EAUTH with msg on failure.
 */
int	ov_collect__az_token(const char *resource, const char *tenant,
	    unsigned timeout, char **out, size_t *len, char *msg,
	    size_t msglen);
/* True when an "az" executable is on PATH. */
bool	ov_collect__az_available(void);

/* ---- page.c: reading API pages -------------------------------------- */

enum ov_page_kind {
	OV_PAGE_ARG = 0,	/* Resource Graph: data + $skipToken */
	OV_PAGE_LIST,		/* ARM or Graph: value + nextLink */
	OV_PAGE_OBJECT		/* a single object (GET) */
};

struct ov_page {
	const ov_json	*rows;		/* array of objects, or NULL */
	const ov_json	*columns;	/* ARG table format: columns */
	const ov_json	*table_rows;	/* ARG table format: rows */
	const ov_json	*object;	/* OV_PAGE_OBJECT: the object */
	const char	*next;		/* $skipToken or next link, or NULL */
	int64_t		 total;		/* totalRecords, -1 when absent */
	int64_t		 count;		/* count, -1 when absent */
	bool		 truncated;	/* resultTruncated */
	size_t		 n_rows;	/* rows in this page */
};

/*
 * Read one page of kind from root.  Returns 0, or OV_EPARSE with a short
 * message in err when the shape is not what the API documents.
 */
int	ov_collect__page(const ov_json *root, enum ov_page_kind kind,
	    struct ov_page *out, char *err, size_t errlen);
/*
 * The i-th row of a page as an object written to sink: objectArray rows
 * as they are, table rows as {column: value}.  skip names a member left
 * out (NULL for none).
 */
int	ov_collect__write_row(const struct ov_page *p, size_t i,
	    const char *skip, ov_json_sink sink, void *payload);
/* The i-th row's object (objectArray and lists), or NULL. */
const ov_json *ov_collect__row(const struct ov_page *p, size_t i);
/* The error code and message of an error body, or NULL. */
void	ov_collect__error_body(const ov_json *root, const char **code,
	    const char **message);

/* Append s as a JSON string literal to b; 0 or OV_ENOMEM. */
int	ov_collect__put_str(struct ov_buf *b, const char *s);
/* Append n bytes as base64url without padding (JWT segments) to b. */
int	ov_collect__b64url(struct ov_buf *b, const unsigned char *p,
	    size_t n);
/*
 * Decode n bytes of base64url (or base64) into out (size bytes, NUL
 * added); the length, or (size_t)-1 when malformed or too long.
 */
size_t	ov_collect__b64url_decode(const char *s, size_t n,
	    unsigned char *out, size_t size);

/* ---- writer.c: the snapshot directory -------------------------------- */

struct ov_part {
	FILE		*f;		/* open while writing */
	char		*path;		/* owned */
	uint64_t	 n;		/* records */
	int		 error;		/* first write error */
};

struct ov_writer {
	ov_ctx		*ctx;
	char		*out;		/* final directory */
	char		*tmp;		/* directory being written */
	char		*old;		/* previous snapshot while replacing */
	int		 error;		/* first I/O error */
};

int	ov_writer__open(struct ov_writer *w, ov_ctx *ctx, const char *out);
/* Open a part file named name inside the directory. */
int	ov_writer__part(struct ov_writer *w, const char *name,
	    struct ov_part *p);
/* Append one record (a JSON object) and its newline. */
int	ov_writer__record(struct ov_part *p, const ov_json *obj,
	    const char *skip);
/* Append one row of a page. */
int	ov_writer__row(struct ov_part *p, const struct ov_page *page,
	    size_t i, const char *skip);
/* Close a part. */
int	ov_writer__close_part(struct ov_writer *w, struct ov_part *p);
/*
 * Join parts, in order, into the file name (renaming when there is one);
 * removes the parts.
 */
int	ov_writer__join(struct ov_writer *w, struct ov_part *parts,
	    size_t n, const char *name);
/* Write manifest.json from buf, then rename the directory into place. */
int	ov_writer__commit(struct ov_writer *w, const char *manifest,
	    size_t len);
/* Remove the temporary directory (after a failure). */
void	ov_writer__abort(struct ov_writer *w);
void	ov_writer__free(struct ov_writer *w);

/* ---- sources: collect.c, arg.c, arm.c, graph.c ----------------------- */

enum ov_src_kind {
	OV_KIND_ARG,		/* a Resource Graph table */
	OV_KIND_ARM_SUB,		/* an ARM list per subscription */
	OV_KIND_ARM_CHILD,	/* ARM children of Resource Graph resources */
	OV_KIND_ARM_DIAG,	/* diagnostic settings */
	OV_KIND_GRAPH,		/* a Microsoft Graph collection */
	OV_KIND_GRAPH_OBJECT	/* a Microsoft Graph singleton */
};

enum ov_src_id {
#define OV_SOURCE(id, name, kind, file, type, api, path, perm) id,
#include "lib/collect/source_list.h"
#undef OV_SOURCE
	OV_SRC__COUNT
};

struct ov_source_def {
	const char		*name;		/* manifest name */
	enum ov_src_kind	 kind;
	const char		*file;		/* NDJSON file */
	const char		*type;		/* manifest type, or NULL */
	const char		*api;		/* API version */
	const char		*path;		/* table, path or query */
	const char		*permission;	/* what a 403 needs */
};

extern const struct ov_source_def ov_collect__sources[OV_SRC__COUNT];

enum ov_src_state {
	OV_SRC_NOT_REQUESTED = 0,
	OV_SRC_RUNNING,
	OV_SRC_COLLECTED,
	OV_SRC_PARTIAL,
	OV_SRC_FAILED
};

struct ov_source {
	const struct ov_source_def *def;
	enum ov_src_id	 id;
	bool		 requested;	/* write its records */
	bool		 needed;	/* run it (another source needs it) */
	enum ov_src_state state;
	bool		 started;	/* its requests began */
	bool		 done;		/* no more requests will come */
	unsigned	 outstanding;	/* requests queued or in flight */
	uint64_t	 ok;		/* requests that succeeded */
	uint64_t	 lost;		/* requests whose data is missing */
	uint64_t	 count;		/* records written */
	uint64_t	 pages;		/* pages read */
	uint64_t	 throttle_ms;	/* throttling waits */
	bool		 degraded;	/* e.g. users without signInActivity */
	char		 reason[OV_COLLECT_REASON];
	char		 degraded_reason[OV_COLLECT_REASON];
	struct ov_part	*parts;		/* in output order */
	size_t		 n_parts;
	char		*api_version;	/* owned, for the manifest */
};

/* One paged query: a Resource Graph batch or an ARM / Graph list chain. */
struct ov_query {
	struct ov_collect	*c;
	struct ov_source	*src;		/* NULL for discovery */
	size_t			 part;		/* index in src->parts */
	bool			 write;		/* write rows to the part */
	enum ov_api		 api;
	int			 audience;
	enum ov_page_kind	 kind;
	unsigned		 flags;		/* OV_REQ_* for every page */
	char			*body_prefix;	/* ARG request without options */
	struct ov_map		 subs;		/* ARG: this batch's subscriptions */
	bool			 filter;	/* ARG: drop rows of other batches */
	bool			 probe;		/* ARG: may be split after page 1 */
	size_t			 batch_subs;	/* subscriptions in the batch */
	char			*last_next;	/* loop guard */
	uint64_t		 pages;
	int			 variant;	/* source-specific fallback state */
	/* Per-row hook (may be NULL); a negative return fails the page. */
	int			(*row)(struct ov_query *q, const ov_json *row);
	/*
	 * Error hook (may be NULL): true when it handled the failure, e.g.
	 * by asking again without an optional field.
	 */
	bool			(*fallback)(struct ov_query *q,
				    const struct ov_http_resp *resp);
	/* Called once when the chain ends (ok: every page was read). */
	void			(*finish)(struct ov_query *q, bool ok);
	struct ov_query		*next;		/* all queries, for freeing */
	struct ov_arena		 arena;		/* subscription strings */
};

/* How a request of a source ended. */
enum ov_end {
	OV_END_OK,		/* its data was written */
	OV_END_LOST,		/* its data is missing */
	OV_END_NEUTRAL		/* replaced by another request */
};

/* A collection in progress. */
struct ov_collect {
	ov_ctx			*ctx;
	const ov_collect_options *opts;
	struct ov_cloud		 cloud;
	struct ov_redact	 redact;
	struct ov_http		 http;
	struct ov_auth		 auth;
	struct ov_writer	 writer;
	struct ov_source	 src[OV_SRC__COUNT];
	char			**subs;		/* subscription ids */
	size_t			 n_subs, cap_subs;
	bool			 subs_ready;	/* discovery finished */
	struct ov_map		 subs_seen;	/* dedupe while listing */
	char			 subs_error[OV_COLLECT_REASON];
	bool			 subs_partial;	/* the listing stopped early */
	struct ov_query		*queries;	/* every query made */
	struct ov_arena		 arena;
	bool			 auth_failed;	/* a token could not be had */
	char			 auth_message[OV_COLLECT_REASON];
	char			*tenant;	/* owned */
	uint64_t		 child_resources; /* ARM children queued */
	char			*tenant_name;	/* organization displayName */
	int			 error;		/* first fatal error (ENOMEM, EIO) */
};

/* Start a source once subscriptions are known (ARM, ARG) or at once. */
int	ov_collect__arg_start(struct ov_collect *c, struct ov_source *s);
int	ov_collect__arm_start(struct ov_collect *c, struct ov_source *s);
int	ov_collect__graph_start(struct ov_collect *c, struct ov_source *s);
/* List the subscriptions to collect (ARM or management group). */
int	ov_collect__discover(struct ov_collect *c);
/* Subscriptions are known: start what needs them. */
void	ov_collect__subs_ready(struct ov_collect *c);
/* A Resource Graph resources row: queue its ARM children. */
int	ov_collect__arm_resource(struct ov_collect *c, const ov_json *row);
/* The resources source finished: ARM children can finish too. */
void	ov_collect__arm_resources_done(struct ov_collect *c);

/* Shared source bookkeeping (collect.c). */
struct ov_query *ov_collect__query_new(struct ov_collect *c,
	    struct ov_source *s);
int	ov_collect__add_part(struct ov_collect *c, struct ov_source *s,
	    size_t *index);
/* Submit a GET of url for a chain query (counted on its source). */
int	ov_collect__chain_get(struct ov_query *q, const char *url);
/* May the query follow next (loop guard, page limit)?  NULL or why not. */
const char *ov_collect__next_ok(struct ov_query *q, const char *next);
/* Count a request that will complete later. */
void	ov_collect__begin(struct ov_source *s);
/*
 * A request of s ended (see enum ov_end); reason says why data is
 * missing.  Finishes the source when nothing else is outstanding and
 * done is set.
 */
void	ov_collect__end(struct ov_collect *c, struct ov_source *s,
	    enum ov_end how, const char *reason);
/* Mark s done: no further requests will be started for it. */
void	ov_collect__done(struct ov_collect *c, struct ov_source *s);
/* Describe a failed exchange for a source's reason. */
void	ov_collect__describe(const struct ov_source *s,
	    const struct ov_http_req *req, const struct ov_http_resp *resp,
	    char *out, size_t size);
/* Report progress for s. */
void	ov_collect__progress(struct ov_collect *c, struct ov_source *s);
/* The base URL for an API. */
const char *ov_collect__base(const struct ov_collect *c, enum ov_api api);
/* Set the source's API version string (copied). */
int	ov_collect__set_api(struct ov_source *s, const char *api);
/* Mark s partial for a reason that is not a lost request. */
void	ov_collect__degrade(struct ov_source *s, const char *reason);
/* Fail a source before any request (no subscriptions, no token...). */
void	ov_collect__fail(struct ov_collect *c, struct ov_source *s,
	    const char *reason);

#endif
