/* test_query.c: request targets: decoded path and query string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "web/parse.h"

static int target(arena *a, const char *t, const char **path, kv *q)
{
	return parse_target(a, t, strlen(t), path, q);
}

static void splits_path_and_query(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *path;
	kv q;
	assert_int_equal(target(a, "/users/a%20b+c?limit=50&cursor=abc%3D&q=x+y", &path, &q), 0);
	assert_string_equal(path, "/users/a b+c");
	assert_string_equal(kv_get(&q, "limit"), "50");
	assert_string_equal(kv_get(&q, "cursor"), "abc=");
	assert_string_equal(kv_get(&q, "q"), "x y");
	assert_int_equal(target(a, "/", &path, &q), 0);
	assert_string_equal(path, "/");
	assert_int_equal(q.len, 0);
	assert_int_equal(target(a, "/x?", &path, &q), 0);
	assert_int_equal(q.len, 0);
	arena_free(a);
}

static void rejects_bad_targets(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *path;
	kv q;
	assert_int_equal(target(a, "", &path, &q), CK_E_MALFORMED);
	assert_int_equal(target(a, "users", &path, &q), CK_E_MALFORMED);
	assert_int_equal(target(a, "/a%00b", &path, &q), CK_E_MALFORMED);
	assert_int_equal(target(a, "/a%FE", &path, &q), CK_E_MALFORMED);
	assert_int_equal(target(a, "/a#frag", &path, &q), CK_E_MALFORMED);
	assert_int_equal(target(a, "/a?b=%G1", &path, &q), CK_E_MALFORMED);
	arena_free(a);
}

static void limits_query_fields(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	for (size_t i = 0; i <= parse_query_limits.max_fields; i++)
		buf_printf(&b, "k%zu=v&", i);
	kv q;
	assert_int_equal(parse_query(a, b.data, b.len, &q), CK_E_TOO_LARGE);
	buf_reset(&b);
	buf_puts(&b, "v=");
	for (size_t i = 0; i <= parse_query_limits.max_value; i++)
		buf_putc(&b, 'x');
	assert_int_equal(parse_query(a, b.data, b.len, &q), CK_E_TOO_LARGE);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(splits_path_and_query),
	    cmocka_unit_test(rejects_bad_targets),
	    cmocka_unit_test(limits_query_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
