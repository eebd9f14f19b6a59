/* test_html.c: the escaping HTML writer (src/base/html.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/html.h"

static void escapes_every_special_character(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	html_printf(&b, "<p title=\"%s\">%s</p>", "a\"b'c", "<&>\"'");
	assert_string_equal(buf_str(&b),
	                    "<p title=\"a&quot;b&#39;c\">&lt;&amp;&gt;&quot;&#39;</p>");
	buf_reset(&b);
	html_text(&b, "x < y && y > z");
	assert_string_equal(buf_str(&b), "x &lt; y &amp;&amp; y &gt; z");
	buf_reset(&b);
	html_text(&b, NULL);
	/* A NULL the compiler cannot see (it would warn about a literal). */
	const char *none = getenv("CITKIT_TEST_UNSET_VARIABLE");
	assert_null(none);
	html_printf(&b, "[%s]", none);
	assert_string_equal(buf_str(&b), "[]");
	buf_free(&b);
}

static void precision_limits_bytes_before_escaping(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	html_printf(&b, "%.3s|%.*s|%.0s", "<<<<<", 2, "&&&", "gone");
	assert_string_equal(buf_str(&b), "&lt;&lt;&lt;|&amp;&amp;|");
	buf_free(&b);
}

static void numbers_print_as_printf(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	html_printf(&b, "%d %5d %-3d| %u %x %X %lld %zu %ld %.2f %c %c %%", -7, 42, 1, 3u, 255u,
	            255u, -9000000000LL, (size_t)12, 123456789L, 3.14159, 'a', '<');
	assert_string_equal(buf_str(&b),
	                    "-7    42 1  | 3 ff FF -9000000000 12 123456789 3.14 a &lt; %");
	buf_free(&b);
}

static void raw_and_url_writers(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	html_raw(&b, "<b>");
	html_raw(&b, NULL);
	html_url_arg(&b, "a b&c=d/é~._-");
	html_url_arg(&b, NULL);
	assert_string_equal(buf_str(&b), "<b>a%20b%26c%3Dd%2F%C3%A9~._-");
	buf_free(&b);
}

static void long_and_arena_output(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	char big[3000];
	memset(big, '&', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	html_printf(&b, "%s", big);
	assert_int_equal(b.len, (sizeof big - 1) * 5);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(escapes_every_special_character),
	    cmocka_unit_test(precision_limits_bytes_before_escaping),
	    cmocka_unit_test(numbers_print_as_printf),
	    cmocka_unit_test(raw_and_url_writers),
	    cmocka_unit_test(long_and_arena_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
