/* test_auth_web.c: the helpers the auth pages share: the `next` check that
 * keeps the login redirect on this site, role lists, and time display. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/auth_web.h"
#include "auth/roles.h"

static void local_paths_are_accepted(void **state)
{
	(void)state;
	assert_true(auth_is_local_path("/"));
	assert_true(auth_is_local_path("/users"));
	assert_true(auth_is_local_path("/users?org=2&q=a%20b#top"));
	assert_true(auth_is_local_path("/account/totp"));
	assert_string_equal(auth_next_or_home("/orgs/3"), "/orgs/3");
}

static void other_sites_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {
		"//evil.example",          /* scheme-relative */
		"/\\evil.example",         /* backslash read as slash */
		"/\t/evil.example",        /* tab dropped by browsers */
		"/\n/evil.example",
		"/ /x",
		"/a\\b",
		"https://evil.example/",
		"http:/evil.example",
		"javascript:alert(1)",
		"evil.example",
		"",
		"\xc3\xa9",
		"/caf\xc3\xa9",            /* raw non-ASCII: percent-encode instead */
		NULL,
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(auth_is_local_path(bad[i]));
		assert_string_equal(auth_next_or_home(bad[i]), "/");
	}
}

static void overlong_next_is_refused(void **state)
{
	(void)state;
	char s[AUTH_NEXT_MAX + 2];
	memset(s, 'a', sizeof s);
	s[0] = '/';
	s[AUTH_NEXT_MAX] = '\0';
	assert_true(auth_is_local_path(s));
	s[AUTH_NEXT_MAX] = 'a';
	s[AUTH_NEXT_MAX + 1] = '\0';
	assert_false(auth_is_local_path(s));
}

static void roles_round_trip(void **state)
{
	(void)state;
	arena *a = arena_new();
	unsigned mask = ROLE_OFFICER | ROLE_SUPERVISOR;
	const char **names = auth_role_list(a, mask);
	assert_string_equal(names[0], "officer");
	assert_string_equal(names[1], "supervisor");
	assert_null(names[2]);
	assert_int_equal(auth_role_mask(names), mask);
	assert_string_equal(auth_role_text(a, mask), "Officer, Supervisor");
	assert_string_equal(auth_role_text(a, 0), "");
	const char *const *labels = auth_role_labels(a);
	const char *const *all = role_names();
	size_t n = 0;
	for (; all[n]; n++)
		assert_string_equal(labels[n], role_label((role)role_parse(all[n])));
	assert_null(labels[n]);
	arena_free(a);
}

static void times_show_utc(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	auth_time_html(&b, 1795704054); /* 2026-11-26T14:40:54Z */
	assert_string_equal(buf_str(&b),
			    "<time datetime=\"2026-11-26T14:40:54Z\">2026-11-26 14:40 UTC</time>");
	buf_reset(&b);
	auth_time_cs_html(&b, 179570405425);
	assert_string_equal(buf_str(&b),
			    "<time datetime=\"2026-11-26T14:40:54.25Z\">2026-11-26 14:40:54.25 UTC</time>");
	buf_reset(&b);
	auth_time_html(&b, 0);
	assert_string_equal(buf_str(&b), "&mdash;");
	json_t *j = auth_json_time(1795704054);
	assert_string_equal(json_string_value(j), "2026-11-26T14:40:54Z");
	json_decref(j);
	j = auth_json_time(0);
	assert_true(json_is_null(j));
	json_decref(j);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_paths_are_accepted),
		cmocka_unit_test(other_sites_are_refused),
		cmocka_unit_test(overlong_next_is_refused),
		cmocka_unit_test(roles_round_trip),
		cmocka_unit_test(times_show_utc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
