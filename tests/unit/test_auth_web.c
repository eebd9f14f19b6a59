/* test_auth_web.c: the helpers the auth pages share: the `next` check that
 * keeps the login redirect on this site, role lists, and time display. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/clock.h"
#include "auth/auth_web.h"
#include "base/errors.h"
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
	    "//evil.example",   /* scheme-relative */
	    "/\\evil.example",  /* backslash read as slash */
	    "/\t/evil.example", /* tab dropped by browsers */
	    "/\n/evil.example",
	    "/ /x",
	    "/a\\b",
	    "https://evil.example/",
	    "http:/evil.example",
	    "javascript:alert(1)",
	    "evil.example",
	    "",
	    "\xc3\xa9",
	    "/caf\xc3\xa9", /* raw non-ASCII: percent-encode instead */
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

static void times_show_in_the_program_zone(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	assert_true(clock_set_zone("America/Chicago"));
	auth_time_html(&b, 1795704054); /* 2026-11-26T14:40:54Z */
	assert_string_equal(buf_str(&b),
	                    "<time datetime=\"2026-11-26T14:40:54Z\">2026-11-26 08:40 CST</time>");
	buf_reset(&b);
	auth_time_html(&b, 1782484854); /* 2026-06-26T14:40:54Z, daylight time */
	assert_string_equal(buf_str(&b),
	                    "<time datetime=\"2026-06-26T14:40:54Z\">2026-06-26 09:40 CDT</time>");
	buf_reset(&b);
	assert_false(clock_set_zone("Mars/Olympus_Mons"));
	auth_time_html(&b, 1795704054);
	assert_string_equal(buf_str(&b),
	                    "<time datetime=\"2026-11-26T14:40:54Z\">2026-11-26 14:40 UTC</time>");
	buf_reset(&b);
	auth_time_cs_html(&b, 179570405425);
	assert_string_equal(
	    buf_str(&b),
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

static void fragments_become_sentences(void **state)
{
	(void)state;
	arena *a = arena_new();
	field_errors errs = {0};
	field_errors_add(&errs, "name", "is required");
	field_errors_add(&errs, "roles", "only an administrator may grant the admin role");
	field_errors_add(&errs, "email", "Enter your email address");
	field_errors_add(&errs, "other", "must be short");
	static const field_label labels[] = {{"name", "Full name"}, {"roles", NULL}};
	AUTH_NAME_ERRORS(a, &errs, labels);
	assert_string_equal(errs.items[0].message, "Full name is required");
	assert_string_equal(errs.items[1].message,
	                    "Only an administrator may grant the admin role");
	assert_string_equal(errs.items[2].message, "Enter your email address");
	assert_string_equal(errs.items[3].message, "other must be short");
	arena_free(a);
}

/* A request with only what the query helpers read. */
static request *fake_request(arena *a, const char *name, const char *value)
{
	request *req = arena_alloc(a, sizeof *req);
	req->arena = a;
	req->path = "/api/v1/things";
	req->wants_json = true;
	kv_init(&req->query, a);
	kv_init(&req->form, a);
	buf_init(&req->resp.body, a);
	if (name)
		kv_add(&req->query, name, value, strlen(value));
	return req;
}

static void query_numbers(void **state)
{
	(void)state;
	arena *a = arena_new();
	int limit = 0;
	assert_true(auth_query_limit(fake_request(a, NULL, NULL), 50, 200, &limit));
	assert_int_equal(limit, 50);
	assert_true(auth_query_limit(fake_request(a, "limit", "7"), 50, 200, &limit));
	assert_int_equal(limit, 7);
	assert_true(auth_query_limit(fake_request(a, "limit", "5000"), 50, 200, &limit));
	assert_int_equal(limit, 200);
	request *bad = fake_request(a, "limit", "0");
	assert_false(auth_query_limit(bad, 50, 200, &limit));
	assert_int_equal(bad->resp.status, 422);
	assert_non_null(strstr(buf_str(&bad->resp.body), "\"field\":\"limit\""));
	assert_false(auth_query_limit(fake_request(a, "limit", "ten"), 50, 200, &limit));

	assert_int_equal(auth_query_id(fake_request(a, NULL, NULL), "org"), 0);
	assert_int_equal(auth_query_id(fake_request(a, "org", ""), "org"), 0);
	assert_int_equal(auth_query_id(fake_request(a, "org", "12"), "org"), 12);
	assert_int_equal(auth_query_id(fake_request(a, "org", "12x"), "org"), -1);
	assert_int_equal(auth_query_id(fake_request(a, "org", "-3"), "org"), -1);
	request *cur = fake_request(a, "cursor", "abc");
	assert_int_equal(auth_id_cursor(cur), -1);
	assert_int_equal(cur->resp.status, 400);
	arena_free(a);
}

/* Pages of ids taken newest first, as tokens and sessions list them. */
static const char *id_page(arena *a, int64_t after, int limit, char *taken, size_t len)
{
	static const int64_t ids[] = {9, 7, 5, 3, 1};
	auth_id_page pg = {.after = after, .limit = limit};
	taken[0] = '\0';
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (auth_id_page_takes(&pg, a, ids[i]))
			snprintf(taken + strlen(taken), len - strlen(taken), "%lld ",
			         (long long)ids[i]);
	return pg.next;
}

static void id_pages_continue_below_the_cursor(void **state)
{
	(void)state;
	arena *a = arena_new();
	char taken[64];
	assert_string_equal(id_page(a, 0, 2, taken, sizeof taken), "7");
	assert_string_equal(taken, "9 7 ");
	assert_string_equal(id_page(a, 7, 2, taken, sizeof taken), "3");
	assert_string_equal(taken, "5 3 ");
	assert_null(id_page(a, 3, 2, taken, sizeof taken));
	assert_string_equal(taken, "1 ");
	/* Exactly the rest: no next page. */
	assert_null(id_page(a, 0, 5, taken, sizeof taken));
	assert_string_equal(taken, "9 7 5 3 1 ");
	/* A cursor below every id: an empty last page. */
	assert_null(id_page(a, 1, 2, taken, sizeof taken));
	assert_string_equal(taken, "");
	arena_free(a);
}

static void problems_name_fields(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = fake_request(a, NULL, NULL);
	field_errors errs = {0};
	field_errors_add(&errs, "email", "is already used by another user");
	auth_api_problem(req, CK_E_CONFLICT, "Taken.", &errs);
	assert_int_equal(req->resp.status, 409);
	assert_string_equal(req->resp.content_type, "application/problem+json");
	json_t *p = json_loads(buf_str(&req->resp.body), 0, NULL);
	assert_non_null(p);
	assert_int_equal(json_integer_value(json_object_get(p, "status")), 409);
	assert_string_equal(json_string_value(json_object_get(p, "detail")), "Taken.");
	assert_string_equal(json_string_value(json_object_get(p, "instance")), "/api/v1/things");
	json_t *e = json_array_get(json_object_get(p, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "field")), "email");
	json_decref(p);

	json_t *list = auth_list_json(json_array(), NULL);
	assert_true(json_is_null(json_object_get(list, "next_cursor")));
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	json_decref(list);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(local_paths_are_accepted),
	    cmocka_unit_test(other_sites_are_refused),
	    cmocka_unit_test(overlong_next_is_refused),
	    cmocka_unit_test(roles_round_trip),
	    cmocka_unit_test(times_show_in_the_program_zone),
	    cmocka_unit_test(fragments_become_sentences),
	    cmocka_unit_test(query_numbers),
	    cmocka_unit_test(id_pages_continue_below_the_cursor),
	    cmocka_unit_test(problems_name_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
