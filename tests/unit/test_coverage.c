/* SPDX-License-Identifier: MIT */
/*
 * The coverage ledger: a pair passes only when its check ran over the
 * record's type and the pair was never vetoed.  Vetoed pairs are held as
 * hashes; they must still compare without regard to ASCII case, survive
 * growth and a merge of per-thread ledgers, and never read as passed.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#include "findings/coverage.h"

#define VM	"Microsoft.Compute/virtualMachines"
#define ID	"/subscriptions/s/resourceGroups/rg/providers/" VM "/vm%05d"

static void
test_ran_and_vetoed(void **state)
{
	struct ov_coverage c;

	(void)state;
	ov_coverage__init(&c);
	assert_false(ov_coverage__passed(&c, "R1", VM, "/x/vm1"));
	assert_int_equal(ov_coverage__ran(&c, "R1", VM), 0);
	assert_true(ov_coverage__covers(&c, "r1", "microsoft.compute/"
	    "virtualmachines"));
	assert_false(ov_coverage__covers(&c, "R2", VM));
	assert_true(ov_coverage__passed(&c, "R1", VM, "/x/vm1"));
	assert_int_equal(ov_coverage__veto(&c, "R1", "/X/VM1"), 0);
	/* the veto holds whatever the case of either half */
	assert_false(ov_coverage__passed(&c, "R1", VM, "/x/vm1"));
	assert_false(ov_coverage__passed(&c, "r1", VM, "/X/Vm1"));
	/* other pairs are untouched: another rule, another resource */
	assert_true(ov_coverage__passed(&c, "R1", VM, "/x/vm2"));
	assert_int_equal(ov_coverage__ran(&c, "R2", NULL), 0);
	assert_true(ov_coverage__passed(&c, "R2", VM, "/x/vm1"));
	/* the halves do not run together: "R1" + "x" is not "R1x" + "" */
	assert_int_equal(ov_coverage__veto(&c, "R2", "a/b"), 0);
	assert_false(ov_coverage__passed(&c, "R2", VM, "a/b"));
	assert_true(ov_coverage__passed(&c, "R2", VM, "a/bb"));
	/* NULL is never a pass */
	assert_false(ov_coverage__passed(&c, NULL, VM, "/x/vm2"));
	assert_false(ov_coverage__passed(&c, "R1", VM, NULL));
	ov_coverage__free(&c);
}

static void
test_many_and_absorb(void **state)
{
	struct ov_coverage a, b;
	char id[128];
	int i;

	(void)state;
	ov_coverage__init(&a);
	ov_coverage__init(&b);
	assert_int_equal(ov_coverage__ran(&a, "R1", VM), 0);
	/* thousands of vetoes grow the set; every even one is vetoed */
	for (i = 0; i < 20000; i += 2) {
		snprintf(id, sizeof(id), ID, i);
		assert_int_equal(ov_coverage__veto(i < 10000 ? &a : &b, "R1",
		    id), 0);
	}
	/* a repeated veto is one entry */
	snprintf(id, sizeof(id), ID, 0);
	assert_int_equal(ov_coverage__veto(&a, "R1", id), 0);
	assert_int_equal(a.vetoed_len, 5000);
	assert_int_equal(ov_coverage__absorb(&a, &b), 0);
	assert_int_equal(a.vetoed_len, 10000);
	for (i = 0; i < 20000; i++) {
		snprintf(id, sizeof(id), ID, i);
		if (i % 2 == 0)
			assert_false(ov_coverage__passed(&a, "R1", VM, id));
		else
			assert_true(ov_coverage__passed(&a, "R1", VM, id));
	}
	/* a resource id longer than any key buffer is vetoed too */
	{
		static char big[6000];

		memset(big, 'a', sizeof(big) - 1);
		assert_int_equal(ov_coverage__veto(&a, "R1", big), 0);
		assert_false(ov_coverage__passed(&a, "R1", VM, big));
	}
	ov_coverage__free(&a);
	ov_coverage__free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ran_and_vetoed),
		cmocka_unit_test(test_many_and_absorb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
