/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the store connection string handling: whatever the target, the
 * masked display form is NUL-terminated within its buffer, and the
 * password of a URL's user info or of a password= pair never survives.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The password a URL carries in its user info ("u:PASS@"), or none. */
static size_t
url_password(const char *s, const char **pw)
{
	const char *scheme = strstr(s, "://"), *auth, *end, *at, *colon, *q;

	if (scheme == NULL)
		return 0;
	auth = scheme + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL)
		return 0;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return 0;
	*pw = colon + 1;
	return (size_t)(at - colon - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[512], small[8];
	const char *pw = NULL;
	size_t n;

	if ((s = malloc(size + 1)) == NULL)	/* checksrc: allow */
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ov_store_mask_target(s, out, sizeof(out));
	if (memchr(out, '\0', sizeof(out)) == NULL)
		__builtin_trap();
	ov_store_mask_target(s, small, sizeof(small));
	if (memchr(small, '\0', sizeof(small)) == NULL)
		__builtin_trap();
	/* a long enough password of a short target must not show */
	n = url_password(s, &pw);
	if (n >= 6 && strlen(s) < sizeof(out) - 8 && memchr(pw, '*', n) ==
	    NULL && memchr(pw, '@', n) == NULL) {
		char *p = malloc(n + 1);	/* checksrc: allow */

		if (p != NULL) {
			memcpy(p, pw, n);
			p[n] = '\0';
			if (strstr(out, p) != NULL && strstr(s, p) == pw &&
			    strstr(pw + 1, p) == NULL)
				__builtin_trap();
			free(p);	/* checksrc: allow */
		}
	}
	free(s);	/* checksrc: allow */
	return 0;
}
