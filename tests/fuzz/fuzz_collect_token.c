/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for token handling in live collection: the first byte picks
 * the kind of reply (Entra v2, managed identity, Azure CLI), the rest is
 * the reply.  A reply either yields a usable token (a single printable
 * word, an expiry after now) or an error whose message never carries the
 * token.  The same bytes also go through the JWT tenant reader, the quota
 * header parser and the redactor, which must hide a planted secret
 * wherever it lands.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char secret[] = "Sekr3t!value";
	struct ov_token_reply rep;
	struct ov_redact r = { NULL, 0, 0 };
	ov_json_doc *doc = NULL;
	const char *tok, *p;
	char err[256], tid[64], buf[512];
	size_t n;
	int kind, rc;

	if (size < 1)
		return 0;
	kind = data[0] % 3;
	if (ov_json_parse(&doc, NULL, (const char *)data + 1, size - 1,
	    OV_JSON_STRICT, NULL) == 0) {
		rc = ov_collect__parse_token(ov_json_doc_root(doc), kind, NOW,
		    &rep, err, sizeof(err));
		tok = ov_json_string(ov_json_get(ov_json_doc_root(doc),
		    kind == OV_TOKEN_CLI ? "accessToken" : "access_token"));
		if (rc == 0) {
			if (rep.access_token == NULL || rep.expires_at <= NOW ||
			    rep.lifetime != rep.expires_at - NOW)
				abort();
			for (p = rep.access_token; *p != '\0'; p++)
				if ((unsigned char)*p <= 0x20 ||
				    (unsigned char)*p >= 0x7f)
					abort();	/* header injection */
		} else {
			if (rc != OV_EAUTH || err[0] == '\0')
				abort();
			if (tok != NULL && strlen(tok) >= 8 &&
			    strstr(err, tok) != NULL)
				abort();	/* the token leaked */
		}
	}
	ov_json_doc_free(doc);

	/* The tenant in a JWT, and Resource Graph's hh:mm:ss. */
	n = size - 1 < sizeof(buf) - 1 ? size - 1 : sizeof(buf) - 1;
	memcpy(buf, data + 1, n);
	buf[n] = '\0';
	if (ov_collect__jwt_tenant(buf, tid, sizeof(tid)) &&
	    (tid[0] == '\0' || strlen(tid) >= sizeof(tid)))
		abort();
	if (ov_collect__parse_hms(buf, n) < -1)
		abort();

	/* Plant the secret in the text; redaction must remove it. */
	if (ov_collect__redact_add(&r, secret) < 0)
		return 0;
	n = strlen(buf) / 2;
	if (strlen(buf) + sizeof(secret) < sizeof(buf)) {
		memmove(buf + n + sizeof(secret) - 1, buf + n,
		    strlen(buf + n) + 1);
		memcpy(buf + n, secret, sizeof(secret) - 1);
		ov_collect__redact(&r, buf, sizeof(buf));
		if (strstr(buf, secret) != NULL || strlen(buf) >= sizeof(buf))
			abort();
	}
	ov_collect__redact_free(&r);
	return 0;
}
