/* test_multipart.c: multipart/form-data bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "web/parse.h"

#define CT "multipart/form-data; boundary=----xyz"

static int mp(arena *a, const char *ct, const char *body, size_t len, kv *f, upload **u, size_t *n)
{
	return parse_multipart(a, ct, body, len, &parse_form_limits, f, u, n);
}

static void parses_fields_and_files(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char body[] =
	    "preamble\r\n"
	    "------xyz\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n"
	    "\r\n"
	    "tok\r\n"
	    "------xyz\r\n"
	    "content-disposition: form-data; name=\"roster\"; filename=\"a \\\"b\\\".csv\"\r\n"
	    "Content-Type: text/csv\r\n"
	    "\r\n"
	    "email,name\r\nx@y.z,X\0Y\r\n"
	    "------xyz--\r\n"
	    "epilogue";
	kv f;
	upload *u;
	size_t n;
	assert_int_equal(mp(a, CT, body, sizeof body - 1, &f, &u, &n), 0);
	assert_string_equal(kv_get(&f, "csrf"), "tok");
	assert_int_equal(n, 1);
	assert_string_equal(u[0].name, "roster");
	assert_string_equal(u[0].filename, "a \"b\".csv");
	assert_string_equal(u[0].content_type, "text/csv");
	assert_int_equal(u[0].len, 21);
	assert_memory_equal(u[0].data, "email,name\r\nx@y.z,X\0Y", 21);
	/* The file is also a field, with its length. */
	assert_int_equal(f.len, 2);
	assert_int_equal(f.items[1].value_len, 21);
	arena_free(a);
}

static void finds_the_boundary(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *b;
	assert_int_equal(parse_multipart_boundary(a, "multipart/form-data; boundary=\"q r\"", &b),
	                 0);
	assert_string_equal(b, "q r");
	assert_int_equal(
	    parse_multipart_boundary(a, "Multipart/Form-Data;charset=utf-8; BOUNDARY=zz", &b), 0);
	assert_string_equal(b, "zz");
	assert_int_equal(parse_multipart_boundary(a, "multipart/form-data", &b), CK_E_MALFORMED);
	assert_int_equal(parse_multipart_boundary(a, "multipart/mixed; boundary=a", &b),
	                 CK_E_MALFORMED);
	assert_int_equal(parse_multipart_boundary(a, "multipart/form-data; boundary=", &b),
	                 CK_E_MALFORMED);
	assert_int_equal(parse_multipart_boundary(a, NULL, &b), CK_E_MALFORMED);
	arena_free(a);
}

static void rejects_malformed(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv f;
	upload *u;
	size_t n;
	const char *bad[] = {
	    "",
	    "------xyz",
	    "------xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
	    "------xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n------xyz--",
	    "------xyz\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n------xyz--",
	    "------xyz\r\nNo colon here\r\n\r\nx\r\n------xyz--",
	    "------xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xFF\r\n------xyz--",
	    "------xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n------xyz--",
	    "------xyzjunk",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(mp(a, CT, bad[i], strlen(bad[i]), &f, &u, &n), CK_E_MALFORMED);
	arena_free(a);
}

static void enforces_limits(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char body[] =
	    "------xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n"
	    "------xyz\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n1\r\n------xyz--";
	kv f;
	upload *u;
	size_t n;
	parse_limits lim = {.max_fields = 10, .max_name = 10, .max_value = 4};
	assert_int_equal(parse_multipart(a, CT, body, sizeof body - 1, &lim, &f, &u, &n),
	                 CK_E_TOO_LARGE);
	lim = (parse_limits){.max_fields = 1, .max_name = 10, .max_value = 10};
	assert_int_equal(parse_multipart(a, CT, body, sizeof body - 1, &lim, &f, &u, &n),
	                 CK_E_TOO_LARGE);
	lim.max_fields = 2;
	assert_int_equal(parse_multipart(a, CT, body, sizeof body - 1, &lim, &f, &u, &n), 0);
	assert_int_equal(n, 0);
	assert_string_equal(kv_get(&f, "a"), "12345");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_fields_and_files),
	    cmocka_unit_test(finds_the_boundary),
	    cmocka_unit_test(rejects_malformed),
	    cmocka_unit_test(enforces_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
