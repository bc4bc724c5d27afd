/* SPDX-License-Identifier: MIT */
/*
 * Secrets never leave: every message and log line that could carry text
 * from a server or the environment goes through ov_collect__redact(),
 * which hides the client secret, every token and assertion obtained so
 * far, and anything shaped like a JWT.  URLs in logs keep only the query
 * parameters known to be harmless.
 */
#include <stdio.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"

#define REDACTED "[redacted]"

/* Remember a secret; see collect_int.h. */
int
ov_collect__redact_add(struct ov_redact *r, const char *secret)
{
	char **grown;
	size_t i;

	if (secret == NULL || strlen(secret) < 4)
		return 0;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->secrets[i], secret) == 0)
			return 0;
	if (r->n == r->cap) {
		if ((grown = ov__reallocarray(r->secrets, r->cap != 0 ?
		    r->cap * 2 : 8, sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		r->secrets = grown;
		r->cap = r->cap != 0 ? r->cap * 2 : 8;
	}
	if ((r->secrets[r->n] = ov__strdup(secret)) == NULL)
		return OV_ENOMEM;
	r->n++;
	return 0;
}

void
ov_collect__redact_free(struct ov_redact *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		/* Do not leave secrets in freed memory. */
		memset(r->secrets[i], 0, strlen(r->secrets[i]));
		ov__free(r->secrets[i]);
	}
	ov__free(r->secrets);
	memset(r, 0, sizeof(*r));
}

static bool
is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '=';
}

/*
 * Replace n bytes at p (inside s) by REDACTED, within size; returns where
 * scanning continues.
 */
static char *
replace(char *s, size_t size, char *p, size_t n)
{
	size_t rl = strlen(REDACTED), tail = strlen(p + n);

	if (rl <= n) {
		memcpy(p, REDACTED, rl);
		memmove(p + rl, p + n, tail + 1);
		return p + rl;
	}
	if ((size_t)(p - s) + rl + 1 > size) {
		*p = '\0';		/* no room: cut the secret off */
		return p;
	}
	/* Longer replacement: shift the tail right, truncating at size. */
	if ((size_t)(p - s) + rl + tail + 1 > size)
		tail = size - (size_t)(p - s) - rl - 1;
	memmove(p + rl, p + n, tail);
	p[rl + tail] = '\0';
	memcpy(p, REDACTED, rl);
	return p + rl;
}

/*
 * The length of a JWT-looking run at p: "eyJ" then base64url, a dot,
 * base64url, and optionally a dot and a signature; 0 when none.
 */
static size_t
jwt_len(const char *p)
{
	size_t n = 0, dots = 0;

	if (strncmp(p, "eyJ", 3) != 0)
		return 0;
	while (is_b64url(p[n]) || (p[n] == '.' && dots < 2 &&
	    is_b64url(p[n + 1]))) {
		if (p[n] == '.')
			dots++;
		n++;
	}
	return dots >= 1 && n >= 20 ? n : 0;
}

/* Hide secrets in s; see collect_int.h. */
void
ov_collect__redact(const struct ov_redact *r, char *s, size_t size)
{
	char *p;
	size_t i, n;

	if (s == NULL || size < strlen(REDACTED) + 1)
		return;
	for (i = 0; r != NULL && i < r->n; i++) {
		n = strlen(r->secrets[i]);
		p = s;
		while ((p = strstr(p, r->secrets[i])) != NULL)
			p = replace(s, size, p, n);
	}
	for (p = s; *p != '\0';)
		if ((n = jwt_len(p)) != 0)
			p = replace(s, size, p, n);
		else
			p++;
}

/* Query parameters whose values are safe to log. */
static const char *const safe_params[] = {
	"api-version", "$top", "$select", "$expand", "$filter", "resource",
	"client_id", "%24top", "%24select", "%24expand", "%24filter", NULL
};

static bool
safe_param(const char *name, size_t n)
{
	size_t i;

	for (i = 0; safe_params[i] != NULL; i++)
		if (strlen(safe_params[i]) == n &&
		    strncmp(safe_params[i], name, n) == 0)
			return true;
	return false;
}

/* A URL for logs; see collect_int.h. */
void
ov_collect__log_url(const char *url, char *out, size_t size)
{
	const char *q, *p, *eq, *amp;
	size_t o, n;

	if (size == 0)
		return;
	q = strchr(url, '?');
	n = q != NULL ? (size_t)(q - url) : strlen(url);
	o = (size_t)snprintf(out, size, "%.*s", (int)n, url);
	if (q == NULL || o >= size)
		return;
	for (p = q + 1; *p != '\0' && o < size; p = amp) {
		amp = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(amp - p));
		n = eq != NULL ? (size_t)(eq - p) : (size_t)(amp - p);
		if (eq != NULL && safe_param(p, n))
			o += (size_t)snprintf(out + o, size - o, "%c%.*s",
			    p == q + 1 ? '?' : '&', (int)(amp - p), p);
		else
			o += (size_t)snprintf(out + o, size - o, "%c%.*s%s",
			    p == q + 1 ? '?' : '&', (int)n, p,
			    eq != NULL ? "=..." : "");
		if (*amp == '&')
			amp++;
	}
}
