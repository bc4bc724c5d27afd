/* SPDX-License-Identifier: MIT */
/*
 * fakeazure: a loopback test service for overvisor collect.  It speaks the
 * public contracts of the Entra ID token endpoint, the managed identity
 * endpoints (IMDS and App Service), Azure Resource Manager, Azure Resource
 * Graph and Microsoft Graph, over HTTPS with a certificate made at test
 * time, and serves a snapshot directory (the bundled sample estate, or a
 * generated one) as their data.  Faults are injected on a schedule.
 * docs/collect.md ("Testing against the fake service") describes it.
 */
#ifndef FAKEAZURE_H
#define FAKEAZURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "overvisor/json.h"
#include "util/buf.h"
#include "util/hash.h"

/* Listener roles: each API on its own port, so mixed hosts fail. */
enum fa_role { FA_LOGIN = 0, FA_ARM, FA_GRAPH, FA_MI, FA_NROLES };

/* API classes for fault schedules and latency. */
enum fa_api { FA_API_TOKEN = 0, FA_API_MI, FA_API_ARM, FA_API_ARG,
	FA_API_GRAPH, FA_NAPIS };

/* A parsed request. */
struct fa_req {
	enum fa_role	 role;
	char		 method[16];
	char		 path[8192];	/* percent-decoded, no query */
	char		 query[16384];	/* raw query string, no '?' */
	char		 host[256];
	char		*auth;		/* Authorization value (malloc) */
	char		 metadata[32];	/* Metadata header */
	char		 identity[512];	/* X-IDENTITY-HEADER */
	char		*body;		/* malloc, NUL-terminated */
	size_t		 body_len;
	enum fa_api	 api;		/* classified by the router */
	unsigned	 nth;		/* 1-based count within api */
};

/* A response being built. */
struct fa_resp {
	int		 status;
	struct ov_buf	 body;
	char		 headers[2048];	/* extra "Name: value\r\n" lines */
	bool		 truncate;	/* send half the body, then close */
	unsigned	 delay_ms;	/* sleep before answering */
	char		 note[256];	/* for the request log */
};

/* Fault kinds. */
enum fa_fault { FA_F_NONE = 0, FA_F_429, FA_F_503, FA_F_500, FA_F_SLOW,
	FA_F_EXPIRE, FA_F_TRUNCATE, FA_F_403, FA_F_404, FA_F_PAGEFAIL,
	FA_F_401, FA_F_NOEXPAND };

struct fa_fault_rule {
	enum fa_fault	 kind;
	enum fa_api	 api;		/* for scheduled faults */
	unsigned	 nth;		/* 0: by path prefix instead */
	bool		 onward;	/* every request from the nth on */
	char		 prefix[512];	/* path prefix (case-insensitive) */
	bool		 exact;		/* the whole path, not a prefix */
	bool		 fired;
};

/* Rows of one Resource Graph table, ARM records or a Graph collection. */
struct fa_row {
	char		*line;		/* the record, one JSON line */
	size_t		 len;
	char		*id;		/* lower-cased id, or NULL */
	char		*sub;		/* lower-cased subscriptionId, or NULL */
	char		*parent;	/* lower-cased id without its last
					   segment (ARM records) */
};

struct fa_table {
	char		 name[96];	/* "resources", "graph:users" ... */
	struct fa_row	*rows;
	size_t		 n, cap;
};

struct fa_sub {
	char		 id[64];	/* subscription id as given */
	char		*line;		/* its resourcecontainers row */
};

/* Everything the service knows; read-only after loading. */
struct fa_data {
	char		 tenant[128];
	char		 tenant_name[256];
	struct fa_table	 arg[32];
	size_t		 n_arg;
	struct fa_table	 arm;
	struct fa_table	 graph[32];
	size_t		 n_graph;
	struct fa_sub	*subs;
	size_t		 n_subs;
	struct ov_map	 arm_ids;	/* lower id -> struct fa_row * */
	struct ov_groups arm_coll;	/* lower parent -> struct fa_row * */
	struct ov_map	 known;		/* every lower id -> non-NULL */
	struct ov_map	 principals;	/* Graph object id -> struct fa_row * */
};

/* Settings from the command line. */
struct fa_config {
	const char	*estate;
	const char	*cert, *key;
	const char	*port_file;
	const char	*log_path;
	const char	*corpus;
	char		 tenant[128];
	const char	*client_id;
	const char	*client_secret;	/* FAKEAZURE_CLIENT_SECRET */
	const char	*client_cert;	/* PEM of the app's certificate */
	const char	*federated_file;
	bool		 rotate_federated;
	const char	*identity_header;
	const char	*mi_client_id;	/* a user-assigned identity */
	const char	*arm_audience;
	const char	*graph_audience;
	unsigned	 token_lifetime;
	unsigned	 latency[FA_NAPIS];
	unsigned	 arg_quota;
	unsigned	 arg_window;
	unsigned	 arm_page;
	unsigned	 graph_page;	/* most objects per Graph page */
	unsigned	 arg_page;	/* most rows per Resource Graph page */
	const char	*token_log;	/* every token issued, for leak tests */
	unsigned	 slow_ms;
	bool		 no_premium;
	bool		 expand;	/* honour $expand=principal */
	struct fa_fault_rule faults[64];
	size_t		 n_faults;
};

/* Shared mutable state. */
struct fa_state {
	pthread_mutex_t	 lock;
	unsigned	 count[FA_NAPIS];
	struct ov_map	 revoked;	/* jti -> non-NULL */
	uint64_t	 next_jti;
	int64_t		 window_start;
	unsigned	 window_used;
	unsigned char	 hmac_key[32];
	FILE		*log;
	FILE		*token_log;
	char		*err403;	/* corpus Graph 403 body, or NULL */
	char		*err400;	/* corpus ARG 400 body, or NULL */
	unsigned	 ports[FA_NROLES];
};

extern struct fa_config fa_cfg;
extern struct fa_data fa_data;
extern struct fa_state fa_st;

/* routes.c */
int	fa_load(const char *dir);
void	fa_route(struct fa_req *req, struct fa_resp *resp);
/* A JSON error body. */
void	fa_error(struct fa_resp *resp, int status, const char *code,
	    const char *message);
/* Percent-decode src into dst (size bytes); '+' is a space when form. */
void	fa_urldecode(const char *src, size_t n, char *dst, size_t size,
	    bool form);
/* The decoded value of name in a query or form string, or false. */
bool	fa_param(const char *qs, const char *name, char *out, size_t size);
int64_t	fa_now(void);
void	fa_log(const struct fa_req *req, const struct fa_resp *resp,
	    unsigned ms);

#endif
