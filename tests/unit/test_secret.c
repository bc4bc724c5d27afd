/* SPDX-License-Identifier: MIT */
/* The secret-field policy: names, paths, masked JSON. */
#include <string.h>

#include "testutil.h"

#include "findings/secret.h"
#include "util/arena.h"

static bool
key(const char *parent, const char *k)
{
	return ov_secret__key(parent, parent != NULL ? strlen(parent) : 0, k,
	    strlen(k));
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(key(NULL, "password"));
	assert_true(key(NULL, "adminPassword"));
	assert_true(key(NULL, "ADMINPASSWORD"));
	assert_true(key(NULL, "administratorLoginPassword"));
	assert_true(key(NULL, "secretText"));
	assert_true(key(NULL, "clientSecret"));
	assert_true(key(NULL, "connectionString"));
	assert_true(key(NULL, "primaryConnectionString"));
	assert_true(key(NULL, "primaryKey"));
	assert_true(key(NULL, "SecondaryKey"));
	assert_true(key(NULL, "sasToken"));
	assert_true(key(NULL, "customData"));
	assert_true(key(NULL, "protectedSettings"));
	assert_true(key("passwordCredentials", "value"));
	assert_true(key("keyCredentials", "key"));
	assert_true(key("appSettings", "value"));
	/* the twins: names that only look alike */
	assert_false(key(NULL, "value"));
	assert_false(key("settings", "value"));
	assert_false(key(NULL, "key"));
	assert_false(key(NULL, "keyId"));
	assert_false(key(NULL, "passwordCredentials"));
	assert_false(key(NULL, "disablePasswordAuthentication"));
	assert_false(key(NULL, "passwordProfile"));
	assert_false(key(NULL, "publicKeys"));
	assert_false(key(NULL, "adminUsername"));
	assert_false(key(NULL, "endDateTime"));
	assert_false(key(NULL, ""));
}

static void
test_paths(void **state)
{
	(void)state;
	assert_true(ov_secret__path("properties.osProfile.adminPassword"));
	assert_true(ov_secret__path(
	    "Microsoft.Compute/virtualMachines/osProfile.adminPassword"));
	assert_true(ov_secret__path("passwordCredentials[0].secretText"));
	assert_true(ov_secret__path("passwordCredentials[*].value"));
	assert_true(ov_secret__path(
	    "Microsoft.Web/sites/siteConfig.appSettings[*].value"));
	assert_false(ov_secret__path("properties.osProfile"));
	assert_false(ov_secret__path("passwordCredentials.keyId"));
	assert_false(ov_secret__path("properties.value"));
	assert_false(ov_secret__path(""));
	assert_false(ov_secret__path(NULL));
}

static void
test_mask_text(void **state)
{
	struct ov_arena a;
	const char *s;

	(void)state;
	ov__arena_init(&a, 0, 0);
	/* a secret path: the whole value */
	assert_string_equal(ov_secret__mask_text(&a,
	    "properties.adminPassword", "\"hunter2\""), "\"***\"");
	/* nested members, whatever their depth and case */
	s = ov_secret__mask_text(&a, "properties.osProfile",
	    "{\"adminUsername\":\"u\",\"AdminPassword\":\"hunter2\","
	    "\"x\":{\"customData\":{\"a\":1}}}");
	assert_string_equal(s, "{\"adminUsername\":\"u\","
	    "\"AdminPassword\":\"***\",\"x\":{\"customData\":\"***\"}}");
	/* credential lists: value and key under their parent only */
	s = ov_secret__mask_text(&a, "passwordCredentials",
	    "[{\"keyId\":\"k\",\"value\":\"v\",\"secretText\":\"t\"}]");
	assert_string_equal(s, "[{\"keyId\":\"k\",\"value\":\"***\","
	    "\"secretText\":\"***\"}]");
	s = ov_secret__mask_text(&a, "properties.tags",
	    "{\"value\":\"kept\"}");
	assert_string_equal(s, "{\"value\":\"kept\"}");
	/* a name/value pair whose name says secret */
	s = ov_secret__mask_text(&a, "properties.parameters",
	    "[{\"name\":\"DB_PASSWORD\",\"value\":\"v\"},"
	    "{\"name\":\"MODE\",\"value\":\"prod\"}]");
	assert_string_equal(s, "[{\"name\":\"DB_PASSWORD\",\"value\":\"***\"},"
	    "{\"name\":\"MODE\",\"value\":\"prod\"}]");
	/* scalars and text that is not JSON come back as they are */
	assert_string_equal(ov_secret__mask_text(&a, "properties.x", "42"),
	    "42");
	assert_string_equal(ov_secret__mask_text(&a, "properties.x",
	    "{not json"), "{not json");
	ov__arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_mask_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
