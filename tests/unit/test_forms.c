/* test_forms.c: urlencoded bodies and percent-decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "web/parse.h"

static int parse(arena *a, const char *s, kv *out)
{
	return parse_urlencoded(a, s, strlen(s), &parse_form_limits, out);
}

static void decodes_pairs(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv f;
	assert_int_equal(parse(a, "name=Ann+Lee&email=ann%40example.org&x=%C3%A9&empty=&flag", &f),
	                 0);
	assert_int_equal(f.len, 5);
	assert_string_equal(kv_get(&f, "name"), "Ann Lee");
	assert_string_equal(kv_get(&f, "email"), "ann@example.org");
	assert_string_equal(kv_get(&f, "x"), "\xC3\xA9");
	assert_string_equal(kv_get(&f, "empty"), "");
	assert_string_equal(kv_get(&f, "flag"), "");
	arena_free(a);
}

static void keeps_repeated_names_in_order(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv f;
	assert_int_equal(parse(a, "role=officer&&role=supervisor&", &f), 0);
	size_t n;
	const char **all = kv_get_all(&f, "role", &n);
	assert_int_equal(n, 2);
	assert_string_equal(all[0], "officer");
	assert_string_equal(all[1], "supervisor");
	assert_null(all[2]);
	arena_free(a);
}

static void rejects_malformed(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv f;
	const char *bad[] = {"a=%",   "a=%4",  "a=%zz",       "a=%00",   "=value",
	                     "a=%FF", "a=%C3", "a=%ED%A0%80", "%C0%AF=1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse(a, bad[i], &f), CK_E_MALFORMED);
	/* A raw NUL inside the body is malformed too. */
	assert_int_equal(parse_urlencoded(a, "a=b\0c", 5, &parse_form_limits, &f), CK_E_MALFORMED);
	arena_free(a);
}

static void enforces_limits(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv f;
	parse_limits lim = {.max_fields = 2, .max_name = 4, .max_value = 3};
	assert_int_equal(parse_urlencoded(a, "a=1&b=2", 7, &lim, &f), 0);
	assert_int_equal(parse_urlencoded(a, "a=1&b=2&c=3", 11, &lim, &f), CK_E_TOO_LARGE);
	assert_int_equal(parse_urlencoded(a, "abcde=1", 7, &lim, &f), CK_E_TOO_LARGE);
	assert_int_equal(parse_urlencoded(a, "a=1234", 6, &lim, &f), CK_E_TOO_LARGE);
	/* Limits count decoded bytes: %41%41%41 is three. */
	assert_int_equal(parse_urlencoded(a, "a=%41%41%41", 11, &lim, &f), 0);
	assert_string_equal(kv_get(&f, "a"), "AAA");
	arena_free(a);
}

static void percent_decode_keeps_plus_in_paths(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *out;
	size_t n;
	assert_int_equal(parse_percent_decode(a, "a+b%20c", 7, false, &out, &n), 0);
	assert_string_equal(out, "a+b c");
	assert_int_equal(n, 5);
	assert_int_equal(parse_percent_decode(a, "a+b", 3, true, &out, &n), 0);
	assert_string_equal(out, "a b");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_pairs),
	    cmocka_unit_test(keeps_repeated_names_in_order),
	    cmocka_unit_test(rejects_malformed),
	    cmocka_unit_test(enforces_limits),
	    cmocka_unit_test(percent_decode_keeps_plus_in_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
