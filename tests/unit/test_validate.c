/* test_validate.c: declarative field specs collect every problem at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "base/validate.h"

static const char *const kinds[] = {"law_enforcement", "hospital", NULL};
static const char *const roles[] = {"officer", "supervisor", "admin", NULL};

static const field_spec specs[] = {
	{.name = "name", .type = FIELD_TEXT, .required = true, .min = 2, .max = 10},
	{.name = "email", .type = FIELD_EMAIL, .required = true, .max = 254},
	{.name = "age", .type = FIELD_INT, .min = 18, .max = 99},
	{.name = "kind", .type = FIELD_ENUM, .required = true, .choices = kinds},
	{.name = "roles", .type = FIELD_ENUM_LIST, .required = true, .choices = roles},
	{.name = "active", .type = FIELD_BOOL},
	{.name = "start", .type = FIELD_DATE},
	{.name = "notes", .type = FIELD_MULTILINE, .max = 20},
};
enum { N = sizeof specs / sizeof specs[0] };

static kv input(arena *a, const char *const *pairs)
{
	kv l;
	kv_init(&l, a);
	for (size_t i = 0; pairs[i]; i += 2)
		kv_add(&l, pairs[i], pairs[i + 1], strlen(pairs[i + 1]));
	return l;
}

static const char *error_for(const field_errors *e, const char *field)
{
	for (size_t i = 0; i < e->len; i++)
		if (!strcmp(e->items[i].field, field))
			return e->items[i].message;
	return NULL;
}

static void good_input_is_normalised(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char *const pairs[] = {
		"name", "  Ann Lee ", "email", "Ann.Lee@Example.ORG", "age", "42",
		"kind", "hospital", "roles", "officer, supervisor", "roles", "officer",
		"active", "on", "start", "2026-03-31", "notes", "line one\nline two", NULL};
	kv in = input(a, pairs);
	field_value v[N];
	field_errors e = {0};
	assert_int_equal(validate_fields(a, &in, specs, N, v, &e), 0);
	assert_int_equal(e.len, 0);
	assert_string_equal(v[0].text, "Ann Lee");
	assert_string_equal(v[1].text, "ann.lee@example.org");
	assert_int_equal(v[2].number, 42);
	assert_string_equal(v[3].text, "hospital");
	assert_int_equal(v[4].list_len, 2);
	assert_string_equal(v[4].list[0], "officer");
	assert_string_equal(v[4].list[1], "supervisor");
	assert_int_equal(v[5].number, 1);
	assert_int_equal(v[6].number, 1774915200);
	assert_string_equal(v[7].text, "line one\nline two");
	arena_free(a);
}

static void every_problem_is_reported(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char *const pairs[] = {
		"name", "x", "email", "not-an-email", "age", "17x", "kind", "jail",
		"roles", "officer,chief", "active", "maybe", "start", "2026-02-30",
		"notes", "a\x01", NULL};
	kv in = input(a, pairs);
	field_value v[N];
	field_errors e = {0};
	assert_int_equal(validate_fields(a, &in, specs, N, v, &e), CK_E_INVALID);
	assert_int_equal(e.len, 8);
	assert_string_equal(error_for(&e, "name"), "must be at least 2 characters");
	assert_non_null(error_for(&e, "email"));
	assert_string_equal(error_for(&e, "age"), "must be a whole number");
	assert_non_null(error_for(&e, "kind"));
	assert_non_null(error_for(&e, "roles"));
	assert_non_null(error_for(&e, "active"));
	assert_non_null(error_for(&e, "start"));
	assert_string_equal(error_for(&e, "notes"), "contains control characters");
	arena_free(a);
}

static void required_and_bounds(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char *const pairs[] = {"name", "   ", "age", "100", NULL};
	kv in = input(a, pairs);
	field_value v[N];
	field_errors e = {0};
	assert_int_equal(validate_fields(a, &in, specs, N, v, &e), CK_E_INVALID);
	assert_string_equal(error_for(&e, "name"), "is required");
	assert_string_equal(error_for(&e, "email"), "is required");
	assert_string_equal(error_for(&e, "kind"), "is required");
	assert_string_equal(error_for(&e, "roles"), "needs at least one choice");
	assert_string_equal(error_for(&e, "age"), "must be between 18 and 99");
	assert_null(error_for(&e, "active"));
	assert_false(v[5].present);
	arena_free(a);
}

static void lengths_count_characters_not_bytes(void **state)
{
	(void)state;
	arena *a = arena_new();
	/* Ten two-byte characters fit a ten-character limit. */
	static const char *const ok[] = {"name", "éééééééééé", NULL};
	static const char *const long_one[] = {"name", "ééééééééééé", NULL};
	field_value v[1];
	field_errors e = {0};
	kv in = input(a, ok);
	assert_int_equal(validate_fields(a, &in, specs, 1, v, &e), 0);
	in = input(a, long_one);
	assert_int_equal(validate_fields(a, &in, specs, 1, v, &e), CK_E_INVALID);
	assert_string_equal(e.items[0].message, "must be at most 10 characters");
	arena_free(a);
}

static void utf8_checks(void **state)
{
	(void)state;
	assert_true(validate_utf8("plain", 5));
	assert_true(validate_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	assert_false(validate_utf8("\xc3", 1));            /* truncated */
	assert_false(validate_utf8("\xc0\xaf", 2));        /* overlong */
	assert_false(validate_utf8("\xed\xa0\x80", 3));    /* surrogate */
	assert_false(validate_utf8("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(validate_utf8("\xff", 1));
	arena *a = arena_new();
	static const char *const bad[] = {"name", "ab\xc3(", NULL};
	kv in = input(a, bad);
	field_value v[1];
	field_errors e = {0};
	assert_int_equal(validate_fields(a, &in, specs, 1, v, &e), CK_E_INVALID);
	assert_string_equal(e.items[0].message, "is not valid UTF-8 text");
	arena_free(a);
}

static void errors_registry(void **state)
{
	(void)state;
	assert_int_equal(ck_error_status(CK_E_NOT_FOUND), 404);
	assert_int_equal(ck_error_status(CK_E_INVALID), 422);
	assert_int_equal(ck_error_status(CK_E_CSRF), 403);
	assert_int_equal(ck_error_status(CK_E_TOO_LARGE), 413);
	assert_string_equal(ck_error_slug(CK_E_METHOD), "method-not-allowed");
	/* Unknown codes fall back to an internal error, never a crash. */
	assert_int_equal(ck_error_status(-9999), 500);
	assert_string_equal(ck_error_name(CK_OK), "CK_OK");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_input_is_normalised),
		cmocka_unit_test(every_problem_is_reported),
		cmocka_unit_test(required_and_bounds),
		cmocka_unit_test(lengths_count_characters_not_bytes),
		cmocka_unit_test(utf8_checks),
		cmocka_unit_test(errors_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
