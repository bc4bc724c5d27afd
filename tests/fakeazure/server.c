/* SPDX-License-Identifier: MIT */
/*
 * fakeazure: listeners, TLS, HTTP/1.1 with keep-alive, one thread per
 * connection, latency and the faults that act on the wire (slow answers,
 * truncated bodies).  Routing and data are in routes.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "fakeazure.h"

struct fa_config fa_cfg;
struct fa_data fa_data;
struct fa_state fa_st;

static SSL_CTX *tls;

struct conn {
	int		 fd;
	SSL		*ssl;
	enum fa_role	 role;
	char		 buf[65536];
	size_t		 have, off;
};

static const char *const role_names[FA_NROLES] = { "login", "arm", "graph",
	"mi" };

static void
usage(void)
{
	fputs("usage: fakeazure --estate DIR --cert PEM --key PEM "
	    "--port-file FILE\n"
	    "  [--tenant ID] [--client-id ID] [--client-cert PEM]\n"
	    "  [--federated-token-file FILE [--rotate-federated]]\n"
	    "  [--identity-header VALUE] [--mi-client-id ID]\n"
	    "  [--token-lifetime S] [--latency API=MS,...] [--arg-quota N]\n"
	    "  [--arg-window S] [--arm-page N] [--graph-page N] [--arg-page N]\n"
	    "  [--slow-ms N] [--token-log FILE]\n"
	    "  [--no-premium] [--no-expand] [--fault SPEC]... [--log FILE]\n"
	    "  [--corpus DIR]\n"
	    "The client secret is read from FAKEAZURE_CLIENT_SECRET.\n", stderr);
	exit(2);
}

int64_t
fa_now(void)
{
	return (int64_t)time(NULL);
}

static unsigned
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (unsigned)((t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static ssize_t
raw_read(struct conn *c, void *p, size_t n)
{
	int k;

	if (c->ssl == NULL)
		return read(c->fd, p, n);
	k = SSL_read(c->ssl, p, (int)(n > 1 << 30 ? 1 << 30 : n));
	return k > 0 ? k : -1;
}

static bool
write_all(struct conn *c, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if (c->ssl != NULL) {
			k = SSL_write(c->ssl, p, (int)(n > 1 << 30 ? 1 << 30 : n));
			if (k <= 0)
				return false;
		} else {
			k = send(c->fd, p, n, MSG_NOSIGNAL);
			if (k < 0) {
				if (errno == EINTR)
					continue;
				return false;
			}
		}
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* Read one line (CRLF or LF) into out; false at EOF or overflow. */
static bool
read_line(struct conn *c, char *out, size_t size)
{
	size_t o = 0;
	ssize_t k;
	char ch;

	for (;;) {
		if (c->off == c->have) {
			if ((k = raw_read(c, c->buf, sizeof(c->buf))) <= 0)
				return false;
			c->have = (size_t)k;
			c->off = 0;
		}
		ch = c->buf[c->off++];
		if (ch == '\n') {
			if (o > 0 && out[o - 1] == '\r')
				o--;
			out[o] = '\0';
			return true;
		}
		if (o + 1 >= size)
			return false;
		out[o++] = ch;
	}
}

static bool
read_n(struct conn *c, char *out, size_t n)
{
	size_t take;
	ssize_t k;

	while (n > 0) {
		if (c->off == c->have) {
			if ((k = raw_read(c, c->buf, sizeof(c->buf))) <= 0)
				return false;
			c->have = (size_t)k;
			c->off = 0;
		}
		take = c->have - c->off < n ? c->have - c->off : n;
		memcpy(out, c->buf + c->off, take);
		c->off += take;
		out += take;
		n -= take;
	}
	return true;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

/* Read a request; false when the connection ended. */
static bool
read_request(struct conn *c, struct fa_req *r, bool *close_after)
{
	char line[16384], *sp, *q, *v;
	size_t clen = 0;
	bool expect = false;

	memset(r, 0, sizeof(*r));
	r->role = c->role;
	*close_after = false;
	if (!read_line(c, line, sizeof(line)))
		return false;
	if ((sp = strchr(line, ' ')) == NULL)
		return false;
	*sp = '\0';
	snprintf(r->method, sizeof(r->method), "%.15s", line);
	v = sp + 1;
	if ((sp = strchr(v, ' ')) != NULL)
		*sp = '\0';
	if ((q = strchr(v, '?')) != NULL) {
		*q = '\0';
		snprintf(r->query, sizeof(r->query), "%s", q + 1);
	}
	fa_urldecode(v, strlen(v), r->path, sizeof(r->path), false);
	for (;;) {
		if (!read_line(c, line, sizeof(line)))
			return false;
		if (line[0] == '\0')
			break;
		if ((v = strchr(line, ':')) == NULL)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcasecmp(line, "Content-Length") == 0)
			clen = strtoul(v, NULL, 10);
		else if (strcasecmp(line, "Host") == 0)
			snprintf(r->host, sizeof(r->host), "%s", v);
		else if (strcasecmp(line, "Authorization") == 0) {
			free(r->auth);
			r->auth = strdup(v);
		} else if (strcasecmp(line, "Metadata") == 0)
			snprintf(r->metadata, sizeof(r->metadata), "%s", v);
		else if (strcasecmp(line, "X-IDENTITY-HEADER") == 0)
			snprintf(r->identity, sizeof(r->identity), "%s", v);
		else if (strcasecmp(line, "Connection") == 0 &&
		    strcasecmp(v, "close") == 0)
			*close_after = true;
		else if (strcasecmp(line, "Expect") == 0 &&
		    strcasecmp(v, "100-continue") == 0)
			expect = true;
	}
	if (clen > (64u << 20))
		return false;
	if (expect && !write_all(c, "HTTP/1.1 100 Continue\r\n\r\n", 25))
		return false;
	if ((r->body = malloc(clen + 1)) == NULL)
		return false;
	if (clen != 0 && !read_n(c, r->body, clen))
		return false;
	r->body[clen] = '\0';
	r->body_len = clen;
	return true;
}

/* Send a response; false when the connection must close. */
static bool
send_response(struct conn *c, struct fa_resp *resp)
{
	char head[4096];
	const char *body = ov__buf_cstr(&resp->body);
	size_t len = resp->body.len;
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n%s\r\n", resp->status, reason(resp->status),
	    len, resp->headers);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    !write_all(c, head, (size_t)n))
		return false;
	if (resp->truncate) {
		(void)write_all(c, body, len / 2);
		return false;
	}
	return write_all(c, body, len);
}

static void *
serve(void *arg)
{
	struct conn *c = arg;
	struct fa_req req;
	struct fa_resp resp;
	struct timespec t0;
	bool close_after, keep;

	if (c->ssl != NULL && SSL_accept(c->ssl) != 1) {
		ERR_clear_error();
		goto done;
	}
	for (;;) {
		if (!read_request(c, &req, &close_after)) {
			free(req.auth);
			free(req.body);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		memset(&resp, 0, sizeof(resp));
		ov__buf_init(&resp.body, 1u << 30);
		fa_route(&req, &resp);
		if (resp.delay_ms != 0)
			sleep_ms(resp.delay_ms);
		keep = send_response(c, &resp) && !close_after;
		fa_log(&req, &resp, ms_since(&t0));
		ov__buf_free(&resp.body);
		free(req.auth);
		free(req.body);
		if (!keep)
			break;
	}
done:
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c);
	return NULL;
}

struct listener {
	int		 fd;
	enum fa_role	 role;
};

static void *
accept_loop(void *arg)
{
	struct listener *l = arg;
	struct conn *c;
	pthread_t t;
	int fd, one = 1;

	for (;;) {
		if ((fd = accept(l->fd, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->role = l->role;
		if (l->role != FA_MI) {
			if ((c->ssl = SSL_new(tls)) == NULL) {
				close(fd);
				free(c);
				continue;
			}
			SSL_set_fd(c->ssl, fd);
		}
		if (pthread_create(&t, NULL, serve, c) != 0) {
			if (c->ssl != NULL)
				SSL_free(c->ssl);
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
}

static int
listen_on(unsigned *port)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 256) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static enum fa_api
api_named(const char *s, size_t n)
{
	static const char *const names[FA_NAPIS] = { "token", "mi", "arm", "arg",
	    "graph" };
	size_t i;

	for (i = 0; i < FA_NAPIS; i++)
		if (strlen(names[i]) == n && strncmp(names[i], s, n) == 0)
			return (enum fa_api)i;
	fprintf(stderr, "fakeazure: unknown API '%.*s'\n", (int)n, s);
	exit(2);
}

/* KIND@API#N (the Nth request of API) or KIND@/path/prefix (always). */
static void
add_fault(const char *spec)
{
	static const struct { const char *name; enum fa_fault kind; } kinds[] = {
		{ "429", FA_F_429 }, { "503", FA_F_503 }, { "500", FA_F_500 },
		{ "slow", FA_F_SLOW }, { "expire", FA_F_EXPIRE },
		{ "truncate", FA_F_TRUNCATE }, { "403", FA_F_403 },
		{ "404", FA_F_404 }, { "pagefail", FA_F_PAGEFAIL },
		{ "401", FA_F_401 }, { "noexpand", FA_F_NOEXPAND },
	};
	struct fa_fault_rule *f;
	const char *at = strchr(spec, '@'), *hash;
	char *end;
	size_t i;

	if (at == NULL || fa_cfg.n_faults == 64)
		usage();
	f = &fa_cfg.faults[fa_cfg.n_faults++];
	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((size_t)(at - spec) == strlen(kinds[i].name) &&
		    strncmp(spec, kinds[i].name, (size_t)(at - spec)) == 0)
			f->kind = kinds[i].kind;
	if (f->kind == FA_F_NONE)
		usage();
	at++;
	if (*at == '/') {
		/* A trailing '$' asks for the exact path. */
		snprintf(f->prefix, sizeof(f->prefix), "%s", at);
		if ((f->exact = f->prefix[strlen(f->prefix) - 1] == '$'))
			f->prefix[strlen(f->prefix) - 1] = '\0';
		return;
	}
	if ((hash = strchr(at, '#')) == NULL)
		usage();
	f->api = api_named(at, (size_t)(hash - at));
	f->nth = (unsigned)strtoul(hash + 1, &end, 10);
	f->onward = *end == '+';	/* N+: the Nth and every later one */
	if (f->nth == 0)
		usage();
}

/* api=ms,... */
static void
set_latency(const char *spec)
{
	const char *p = spec, *eq, *end;

	while (*p != '\0') {
		end = p + strcspn(p, ",");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL) {
			unsigned ms = (unsigned)strtoul(p, NULL, 10);
			size_t i;

			for (i = 0; i < FA_NAPIS; i++)
				fa_cfg.latency[i] = ms;
		} else {
			fa_cfg.latency[api_named(p, (size_t)(eq - p))] =
			    (unsigned)strtoul(eq + 1, NULL, 10);
		}
		p = *end == ',' ? end + 1 : end;
	}
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
		if (fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
		}
	}
	fclose(f);
	return p;
}

/* The "body" member of a recorded exchange in the corpus, re-serialised. */
static char *
corpus_body(const char *rel)
{
	char path[4096], *data, *out = NULL;
	ov_json_doc *doc = NULL;
	const ov_json *body;

	if (fa_cfg.corpus == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", fa_cfg.corpus, rel);
	if ((data = slurp(path)) == NULL)
		return NULL;
	if (ov_json_parse(&doc, NULL, data, strlen(data), OV_JSON_STRICT,
	    NULL) == 0 && (body = ov_json_path(ov_json_doc_root(doc),
	    "response.body")) != NULL)
		out = ov_json_to_string(body, 0);
	ov_json_doc_free(doc);
	free(data);
	return out;
}

int
main(int argc, char **argv)
{
	static const struct { const char *name; const char **dest; } strs[] = {
		{ "--estate", &fa_cfg.estate }, { "--cert", &fa_cfg.cert },
		{ "--key", &fa_cfg.key }, { "--port-file", &fa_cfg.port_file },
		{ "--log", &fa_cfg.log_path }, { "--corpus", &fa_cfg.corpus },
		{ "--client-id", &fa_cfg.client_id },
		{ "--client-cert", &fa_cfg.client_cert },
		{ "--federated-token-file", &fa_cfg.federated_file },
		{ "--identity-header", &fa_cfg.identity_header },
		{ "--mi-client-id", &fa_cfg.mi_client_id },
		{ "--arm-audience", &fa_cfg.arm_audience },
		{ "--graph-audience", &fa_cfg.graph_audience },
		{ "--token-log", &fa_cfg.token_log },
	};
	static const struct { const char *name; unsigned *dest; } nums[] = {
		{ "--token-lifetime", &fa_cfg.token_lifetime },
		{ "--arg-quota", &fa_cfg.arg_quota },
		{ "--arg-window", &fa_cfg.arg_window },
		{ "--arm-page", &fa_cfg.arm_page },
		{ "--graph-page", &fa_cfg.graph_page },
		{ "--arg-page", &fa_cfg.arg_page },
		{ "--slow-ms", &fa_cfg.slow_ms },
	};
	struct listener ls[FA_NROLES];
	pthread_t t;
	FILE *pf;
	char tmp[4096];
	size_t i;
	int a;

	fa_cfg.token_lifetime = 3600;
	fa_cfg.arg_quota = 15;
	fa_cfg.arg_window = 5;
	fa_cfg.arm_page = 100;
	fa_cfg.graph_page = 999;
	fa_cfg.arg_page = 1000;
	fa_cfg.slow_ms = 5000;
	fa_cfg.expand = true;
	fa_cfg.identity_header = "fake-identity-header";
	fa_cfg.arm_audience = "https://management.core.windows.net/";
	fa_cfg.graph_audience = "https://graph.microsoft.com/";
	fa_cfg.client_secret = getenv("FAKEAZURE_CLIENT_SECRET");
	for (a = 1; a < argc; a++) {
		for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (strcmp(argv[a], strs[i].name) == 0 && a + 1 < argc) {
				*strs[i].dest = argv[++a];
				break;
			}
		if (i < sizeof(strs) / sizeof(strs[0]))
			continue;
		for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
			if (strcmp(argv[a], nums[i].name) == 0 && a + 1 < argc) {
				*nums[i].dest = (unsigned)strtoul(argv[++a], NULL,
				    10);
				break;
			}
		if (i < sizeof(nums) / sizeof(nums[0]))
			continue;
		if (strcmp(argv[a], "--tenant") == 0 && a + 1 < argc)
			snprintf(fa_cfg.tenant, sizeof(fa_cfg.tenant), "%s",
			    argv[++a]);
		else if (strcmp(argv[a], "--latency") == 0 && a + 1 < argc)
			set_latency(argv[++a]);
		else if (strcmp(argv[a], "--fault") == 0 && a + 1 < argc)
			add_fault(argv[++a]);
		else if (strcmp(argv[a], "--no-premium") == 0)
			fa_cfg.no_premium = true;
		else if (strcmp(argv[a], "--no-expand") == 0)
			fa_cfg.expand = false;
		else if (strcmp(argv[a], "--rotate-federated") == 0)
			fa_cfg.rotate_federated = true;
		else
			usage();
	}
	if (fa_cfg.estate == NULL || fa_cfg.cert == NULL || fa_cfg.key == NULL ||
	    fa_cfg.port_file == NULL || fa_cfg.arg_window == 0)
		usage();
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&fa_st.lock, NULL);
	if (RAND_bytes(fa_st.hmac_key, sizeof(fa_st.hmac_key)) != 1)
		return 1;
	if (fa_cfg.log_path != NULL &&
	    (fa_st.log = fopen(fa_cfg.log_path, "a")) == NULL) {
		perror(fa_cfg.log_path);
		return 1;
	}
	if (fa_st.log != NULL)
		setvbuf(fa_st.log, NULL, _IOLBF, 0);
	if (fa_cfg.token_log != NULL &&
	    (fa_st.token_log = fopen(fa_cfg.token_log, "a")) == NULL) {
		perror(fa_cfg.token_log);
		return 1;
	}
	if (fa_st.token_log != NULL)
		setvbuf(fa_st.token_log, NULL, _IOLBF, 0);
	fa_st.err403 = corpus_body("graph-examples/"
	    "error.403.authorizationRequestDenied.response.json");
	fa_st.err400 = corpus_body("arg-examples/azure-cli-recordings/"
	    "test_query_error.response.json");
	if (fa_load(fa_cfg.estate) < 0)
		return 1;
	if (fa_cfg.tenant[0] == '\0')
		snprintf(fa_cfg.tenant, sizeof(fa_cfg.tenant), "%s",
		    fa_data.tenant);
	if ((tls = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(tls, fa_cfg.cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(tls, fa_cfg.key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	for (i = 0; i < FA_NROLES; i++) {
		ls[i].role = (enum fa_role)i;
		if ((ls[i].fd = listen_on(&fa_st.ports[i])) < 0) {
			perror("fakeazure: listen");
			return 1;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", fa_cfg.port_file);
	if ((pf = fopen(tmp, "w")) == NULL)
		return 1;
	for (i = 0; i < FA_NROLES; i++)
		fprintf(pf, "%s=%u\n", role_names[i], fa_st.ports[i]);
	fprintf(pf, "tenant=%s\n", fa_cfg.tenant);
	if (fclose(pf) != 0 || rename(tmp, fa_cfg.port_file) < 0)
		return 1;
	for (i = 1; i < FA_NROLES; i++)
		if (pthread_create(&t, NULL, accept_loop, &ls[i]) != 0)
			return 1;
	accept_loop(&ls[0]);
	return 0;
}
