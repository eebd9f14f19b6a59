/* test_roles.c: the permission table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/roles.h"

static void names_round_trip(void **state)
{
	(void)state;
	const char *const *names = role_names();
	size_t n = 0;
	for (; names[n]; n++) {
		unsigned bit = role_parse(names[n]);
		assert_int_not_equal(bit, 0);
		assert_string_equal(role_name((role)bit), names[n]);
		assert_string_not_equal(role_label((role)bit), "Unknown");
	}
	assert_int_equal(n, ROLE_COUNT);
	assert_int_equal(role_parse("chief"), 0);
}

static void lists_parse_strictly(void **state)
{
	(void)state;
	unsigned m = 0;
	assert_true(role_parse_list("officer, supervisor", &m));
	assert_int_equal(m, ROLE_OFFICER | ROLE_SUPERVISOR);
	assert_false(role_parse_list("officer,,supervisor", &m));
	assert_false(role_parse_list("officer,chief", &m));
	assert_false(role_parse_list("", &m));
}

static void every_permission_is_named_and_unset_grants_nothing(void **state)
{
	(void)state;
	for (int p = PERM_UNSET + 1; p < PERM_COUNT; p++)
		assert_string_not_equal(perm_name((perm)p), "unknown");
	assert_false(perm_granted(ROLE_ALL, PERM_UNSET));
	assert_false(perm_granted(ROLE_ALL, PERM_COUNT));
}

static void least_privilege(void **state)
{
	(void)state;
	assert_true(perm_granted(ROLE_ADMIN, PERM_AUDIT_READ));
	assert_false(perm_granted(ROLE_COORDINATOR, PERM_AUDIT_READ));
	assert_false(perm_granted(ROLE_OFFICER, PERM_USERS_READ));
	assert_true(perm_granted(ROLE_SUPERVISOR, PERM_USERS_READ));
	assert_false(perm_granted(ROLE_SUPERVISOR, PERM_USERS_WRITE));
	assert_true(perm_granted(ROLE_COORDINATOR, PERM_ROSTER_IMPORT));
	assert_false(perm_granted(ROLE_ANALYST, PERM_ORGS_WRITE));
	assert_true(perm_granted(0, PERM_PUBLIC));
	assert_true(roles_see_all_orgs(ROLE_COORDINATOR));
	assert_false(roles_see_all_orgs(ROLE_SUPERVISOR | ROLE_OFFICER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(lists_parse_strictly),
		cmocka_unit_test(every_permission_is_named_and_unset_grants_nothing),
		cmocka_unit_test(least_privilege),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
