/* test_cookies.c: the Cookie header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "web/parse.h"

static int cookies(arena *a, const char *h, kv *out)
{
	return parse_cookies(a, h, strlen(h), out);
}

static void parses_pairs(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv c;
	assert_int_equal(cookies(a, "citkit_session=abc-_123; theme=\"dark\";x=;  y = 2 ", &c), 0);
	assert_int_equal(c.len, 4);
	assert_string_equal(kv_get(&c, "citkit_session"), "abc-_123");
	assert_string_equal(kv_get(&c, "theme"), "dark");
	assert_string_equal(kv_get(&c, "x"), "");
	assert_string_equal(kv_get(&c, "y"), "2");
	/* No percent-decoding: values are taken as sent. */
	assert_int_equal(cookies(a, "a=%41", &c), 0);
	assert_string_equal(kv_get(&c, "a"), "%41");
	arena_free(a);
}

static void skips_pairs_without_equals(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv c;
	assert_int_equal(cookies(a, "lonely; a=1;;", &c), 0);
	assert_int_equal(c.len, 1);
	assert_string_equal(kv_get(&c, "a"), "1");
	assert_int_equal(cookies(a, "", &c), 0);
	assert_int_equal(c.len, 0);
	arena_free(a);
}

static void rejects_malformed(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv c;
	assert_int_equal(cookies(a, "=1", &c), CK_E_MALFORMED);
	assert_int_equal(cookies(a, "a b=1", &c), CK_E_MALFORMED);
	assert_int_equal(cookies(a, "a=b\x01", &c), CK_E_MALFORMED);
	assert_int_equal(cookies(a, "a=\xC3\xA9", &c), CK_E_MALFORMED);
	assert_int_equal(cookies(a, "a=x\\y", &c), CK_E_MALFORMED);
	buf b;
	buf_init(&b, a);
	for (int i = 0; i < 65; i++)
		buf_printf(&b, "c%d=1; ", i);
	assert_int_equal(cookies(a, b.data, &c), CK_E_TOO_LARGE);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_pairs),
	    cmocka_unit_test(skips_pairs_without_equals),
	    cmocka_unit_test(rejects_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
