/* SPDX-License-Identifier: MIT */
/*
 * Client certificate credentials: the certificate and key are read with
 * OpenSSL from a PEM file (or PKCS#12), and each token request carries a
 * fresh RS256 client assertion whose header names the certificate by its
 * SHA-1 thumbprint (x5t), as Entra ID expects.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Base64url without padding; see collect_int.h. */
int
ov_collect__b64url(struct ov_buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_";
	uint32_t v;
	size_t i, k;
	int error = 0;
	char out[4];

	for (i = 0; i < n && error == 0; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[0] = tab[v >> 18 & 63];
		out[1] = tab[v >> 12 & 63];
		out[2] = tab[v >> 6 & 63];
		out[3] = tab[v & 63];
		k = n - i >= 3 ? 4 : n - i + 1;	/* no padding */
		error = ov__buf_add(b, out, k);
	}
	return error;
}

/* Decode base64url; see collect_int.h. */
size_t
ov_collect__b64url_decode(const char *s, size_t n, unsigned char *out,
    size_t size)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-' || c == '+')
			v = 62;
		else if (c == '_' || c == '/')
			v = 63;
		else if (c == '=')
			break;
		else
			return (size_t)-1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= size)
				return (size_t)-1;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	if (size == 0)
		return (size_t)-1;
	out[o] = '\0';
	return o;
}

static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	(void)rwflag;
	if (pw == NULL || size <= 0)
		return 0;
	n = strlen(pw);
	if (n > (size_t)size)
		n = (size_t)size;
	memcpy(buf, pw, n);
	return (int)n;
}

/* The SHA-1 thumbprint of cert, base64url: the JWT x5t header. */
static int
thumbprint(X509 *cert, char **out)
{
	struct ov_buf b = OV_BUF_INIT(256);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (X509_digest(cert, EVP_sha1(), md, &mdlen) != 1 ||
	    ov_collect__b64url(&b, md, mdlen) < 0 || (*out = ov__buf_detach(&b)) == NULL) {
		ov__buf_free(&b);
		return OV_ENOMEM;
	}
	return 0;
}

/* Load a certificate and key; see collect_int.h. */
int
ov_collect__load_cert(ov_ctx *ctx, const char *path, const char *password,
    void **key_out, char **x5t)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	PKCS12 *p12;
	BIO *bio;
	int error = 0;

	*key_out = NULL;
	*x5t = NULL;
	if ((bio = BIO_new_file(path, "rb")) == NULL) {
		ERR_clear_error();
		return ov__error_at(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT, path, 0,
		    0, NULL, "cannot read the client certificate "
		    "(AZURE_CLIENT_CERTIFICATE_PATH)");
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, pass_cb,
	    (void *)(uintptr_t)password);
	(void)BIO_reset(bio);
	if (key != NULL)	/* PEM reading skips blocks of other kinds */
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (key == NULL || cert == NULL) {
		/* Not PEM: PKCS#12 (.pfx) holds both. */
		EVP_PKEY_free(key);
		X509_free(cert);
		key = NULL;
		cert = NULL;
		(void)BIO_reset(bio);
		if ((p12 = d2i_PKCS12_bio(bio, NULL)) != NULL) {
			(void)PKCS12_parse(p12, password != NULL ? password :
			    "", &key, &cert, NULL);
			PKCS12_free(p12);
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	if (key == NULL || cert == NULL) {
		error = ov__error_at(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT, path,
		    0, 0, NULL, "no certificate with its private key%s "
		    "(PEM or PKCS#12; AZURE_CLIENT_CERTIFICATE_PASSWORD for an "
		    "encrypted key)", password != NULL ? " (wrong password?)" :
		    "");
		goto done;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		error = ov__error_at(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT, path,
		    0, 0, NULL, "the client certificate key is not RSA "
		    "(RS256 assertions need one)");
		goto done;
	}
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		error = ov__error_at(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT, path,
		    0, 0, NULL, "the private key does not belong to the "
		    "certificate");
		goto done;
	}
	if (thumbprint(cert, x5t) < 0) {
		error = ov__error_oom(ctx);
		goto done;
	}
	*key_out = key;
	key = NULL;
done:
	EVP_PKEY_free(key);
	X509_free(cert);
	return error;
}

/* The assertion's claims: audience, issuer = subject = client, jti. */
static int
claims_json(struct ov_buf *b, const char *aud, const char *client_id,
    const char *jti, int64_t now)
{
	if (ov__buf_puts(b, "{\"aud\":") < 0 || ov_collect__put_str(b, aud) < 0 ||
	    ov__buf_puts(b, ",\"iss\":") < 0 || ov_collect__put_str(b, client_id) < 0 ||
	    ov__buf_puts(b, ",\"sub\":") < 0 || ov_collect__put_str(b, client_id) < 0 ||
	    ov__buf_printf(b, ",\"jti\":\"%s\",\"nbf\":%lld,\"iat\":%lld,"
	    "\"exp\":%lld}", jti, (long long)now, (long long)now,
	    (long long)(now + 600)) < 0)
		return OV_ENOMEM;
	return 0;
}

/* A client assertion; see collect_int.h. */
int
ov_collect__client_assertion(void *key, const char *x5t,
    const char *client_id, const char *aud, int64_t now, char **out)
{
	struct ov_buf hdr = OV_BUF_INIT(4096), claims = OV_BUF_INIT(1 << 16);
	struct ov_buf jwt = OV_BUF_INIT(1 << 17);
	unsigned char rnd[16], sig[1024];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = NULL;
	char jti[40];
	int error = OV_ENOMEM;

	*out = NULL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto done;
	rnd[6] = (unsigned char)((rnd[6] & 0x0f) | 0x40);
	rnd[8] = (unsigned char)((rnd[8] & 0x3f) | 0x80);
	snprintf(jti, sizeof(jti), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x"
	    "-%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
	    rnd[5], rnd[6], rnd[7], rnd[8], rnd[9], rnd[10], rnd[11], rnd[12],
	    rnd[13], rnd[14], rnd[15]);
	/* Header and claims are JSON; the strings need escaping. */
	if (ov__buf_printf(&hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\","
	    "\"x5t\":\"%s\"}", x5t) < 0)
		goto done;
	if ((error = claims_json(&claims, aud, client_id, jti, now)) < 0)
		goto done;
	error = OV_ENOMEM;
	if (ov_collect__b64url(&jwt, (const unsigned char *)hdr.ptr, hdr.len) < 0 ||
	    ov__buf_putc(&jwt, '.') < 0 ||
	    ov_collect__b64url(&jwt, (const unsigned char *)claims.ptr, claims.len) < 0)
		goto done;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)jwt.ptr,
	    jwt.len) != 1) {
		ERR_clear_error();
		error = OV_EAUTH;
		goto done;
	}
	if (ov__buf_putc(&jwt, '.') < 0 || ov_collect__b64url(&jwt, sig, siglen) < 0)
		goto done;
	if ((*out = ov__buf_detach(&jwt)) == NULL)
		goto done;
	error = 0;
done:
	EVP_MD_CTX_free(md);
	ov__buf_free(&hdr);
	ov__buf_free(&claims);
	ov__buf_free(&jwt);
	return error;
}
