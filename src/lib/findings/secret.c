/* SPDX-License-Identifier: MIT */
/* The secret-field policy; see secret.h. */
#include "findings/secret.h"

#include <string.h>

#include "overvisor/common.h"
#include "util/buf.h"
#include "util/hash.h"

/*
 * Property names whose values are secrets, whatever their parent.  Names
 * ending in "password", "secret" or "connectionstring" are secrets too
 * (adminPassword, administratorLoginPassword, clientSecret,
 * primaryConnectionString...), so they need not be listed.
 */
static const char *const names[] = {
	"secretText", "customData", "userData", "protectedSettings",
	"connectionStrings", "sasToken", "sasUrl", "sasKey", "sharedKey",
	"sharedAccessKey", "primaryKey", "secondaryKey", "primaryMasterKey",
	"secondaryMasterKey", "primaryReadonlyMasterKey",
	"secondaryReadonlyMasterKey", "primarySharedKey", "secondarySharedKey",
	"accessKey", "accountKey", "storageAccountKey",
	"storageAccountAccessKey", "privateKey", "keyValue", "apiKey",
	"token", "accessToken", "refreshToken", "idToken", "authKey1",
	"authKey2", "instrumentationKey", "pfx", "pfxBlob",
	"certificatePassword", "credentials", NULL
};

/* Name endings that make a secret. */
static const char *const endings[] = {
	"password", "secret", "connectionstring", NULL
};

/*
 * Parents whose "value" and "key" hold a credential (Graph application
 * and service principal credentials) or may hold one (App Service
 * settings, whose names say nothing reliable).
 */
static const char *const cred_parents[] = {
	"passwordCredentials", "keyCredentials", "appSettings", NULL
};

static bool
in_list(const char *const *list, const char *s, size_t n)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (ov__eq_ci(list[i], strlen(list[i]), s, n))
			return true;
	return false;
}

static bool
ends_with(const char *s, size_t n, const char *tail)
{
	size_t k = strlen(tail);

	return n >= k && ov__eq_ci(s + n - k, k, tail, k);
}

/* A secret-holding property name. */
bool
ov_secret__key(const char *parent, size_t plen, const char *key,
    size_t klen)
{
	size_t i;

	if (key == NULL || klen == 0)
		return false;
	if (in_list(names, key, klen))
		return true;
	for (i = 0; endings[i] != NULL; i++)
		if (ends_with(key, klen, endings[i]))
			return true;
	return parent != NULL && in_list(cred_parents, parent, plen) &&
	    (ov__eq_ci(key, klen, "value", 5) || ov__eq_ci(key, klen, "key", 3));
}

/* A setting name that says its value is a secret (app settings). */
static bool
secret_setting(const char *s)
{
	static const char *const words[] = {
		"password", "passwd", "pwd", "secret", "token", "apikey",
		"api_key", "connectionstring", "connection_string", "sas",
		"accountkey", "account_key", "accesskey", "access_key",
		"privatekey", "private_key", "credential", NULL
	};
	size_t i, n = strlen(s), k, j;

	for (i = 0; words[i] != NULL; i++) {
		k = strlen(words[i]);
		for (j = 0; j + k <= n; j++)
			if (ov__eq_ci(s + j, k, words[i], k))
				return true;
	}
	return false;
}

/* The mask the JSON writer asks. */
bool
ov_secret__mask(const ov_json *obj, const char *parent, size_t plen,
    const char *key, size_t klen)
{
	const char *name;

	if (ov_secret__key(parent, plen, key, klen))
		return true;
	if (!ov__eq_ci(key, klen, "value", 5))
		return false;
	name = ov_json_string(ov_json_get(obj, "name"));
	return name != NULL && secret_setting(name);
}

/* The last segment of path and the one before it ("a.b[*].c"). */
static void
segments(const char *path, const char **last, size_t *llen,
    const char **prev, size_t *plen)
{
	const char *seg[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	const char *p = path, *s;

	while (*p != '\0') {
		while (*p == '.' || *p == '/' || *p == '[' || *p == ']' ||
		    *p == '*')
			p++;
		if (*p == '\0')
			break;
		s = p;
		while (*p != '\0' && *p != '.' && *p != '/' && *p != '[')
			p++;
		/* an index ("0") is not a name: skip it */
		if (strspn(s, "0123456789") >= (size_t)(p - s))
			continue;
		seg[0] = seg[1];
		len[0] = len[1];
		seg[1] = s;
		len[1] = (size_t)(p - s);
	}
	*last = seg[1];
	*llen = len[1];
	*prev = seg[0];
	*plen = len[0];
}

/* A path whose last segment names a secret. */
bool
ov_secret__path(const char *path)
{
	const char *last, *prev;
	size_t llen, plen;

	if (path == NULL)
		return false;
	segments(path, &last, &llen, &prev, &plen);
	return last != NULL && ov_secret__key(prev, plen, last, llen);
}

static int
buf_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

/* Masked JSON text of v. */
const char *
ov_secret__json_text(struct ov_arena *a, const char *path,
    const ov_json *v)
{
	return ov_secret__json_textf(a, path, v, 0);
}

/* Masked JSON text of v, with writer flags. */
const char *
ov_secret__json_textf(struct ov_arena *a, const char *path,
    const ov_json *v, unsigned wflags)
{
	struct ov_buf b = OV_BUF_INIT(1 << 24);
	const char *last = NULL, *prev;
	char parent[256];
	size_t llen = 0, plen;
	const char *s;

	if (v == NULL)
		return "null";
	if (path != NULL) {
		if (ov_secret__path(path))
			return OV_SECRET_JSON;
		segments(path, &last, &llen, &prev, &plen);
	}
	if (llen >= sizeof(parent))
		llen = 0;
	if (last != NULL)
		memcpy(parent, last, llen);
	parent[llen] = '\0';
	if (ov_json_write_masked(v, wflags, ov_secret__mask, llen != 0 ?
	    parent : NULL, buf_sink, &b) < 0) {
		ov__buf_free(&b);
		return NULL;
	}
	s = ov__arena_strndup(a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return s;
}

/* JSON text with its secrets masked. */
const char *
ov_secret__mask_text(struct ov_arena *a, const char *path, const char *text)
{
	ov_json_doc *doc = NULL;
	const char *s;

	if (text == NULL)
		return NULL;
	if (ov_secret__path(path))
		return OV_SECRET_JSON;
	/* only containers can hold a secret member */
	s = text + strspn(text, " \t\r\n");
	if (*s != '{' && *s != '[')
		return text;
	switch (ov_json_parse(&doc, NULL, text, strlen(text), OV_JSON_STRICT,
	    NULL)) {
	case 0:
		break;
	case OV_ENOMEM:
		return NULL;
	default:
		return text;	/* not JSON: no member to mask */
	}
	s = ov_secret__json_text(a, path, ov_json_doc_root(doc));
	ov_json_doc_free(doc);
	return s;
}
