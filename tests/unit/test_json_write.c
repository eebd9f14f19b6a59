/* test_json_write.c: our JSON writer reads back, through jansson, as the
 * value it was given, and escapes what JSON requires. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/json_write.h"

static void round_trip(json_t *v)
{
	buf b;
	buf_init(&b, NULL);
	json_write(&b, v);
	json_error_t err;
	json_t *back = json_loadb(b.data, b.len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!back)
		fail_msg("%s does not parse: %s", buf_str(&b), err.text);
	assert_true(json_equal(v, back));
	json_decref(back);
	json_decref(v);
	buf_free(&b);
}

static void values_read_back_equal(void **state)
{
	(void)state;
	round_trip(json_pack("{s:i, s:s, s:b, s:n, s:f, s:[i, s, {}], s:{}}", "id", 42, "name",
			     "Ann \"Nan\" O'Lee \\ é ✓ 😀", "ok", 1, "none", "pi", 3.25, "list", -7,
			     "x", "empty", "obj"));
	round_trip(json_integer(INT64_MIN));
	round_trip(json_integer(INT64_MAX));
	round_trip(json_real(1.0));
	round_trip(json_real(1e300));
	round_trip(json_stringn("nul\0inside", 10));
	round_trip(json_array());
	char controls[32];
	for (int i = 1; i < 32; i++)
		controls[i - 1] = (char)i;
	controls[31] = '\0';
	round_trip(json_string(controls));
}

static void exact_output(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	json_t *v = json_pack("{s:s, s:i, s:[b, b], s:f}", "a", "q\"\\\n\t\x01/é", "b", -3, "c", 1,
			      0, "d", 2.0);
	json_write(&b, v);
	assert_string_equal(buf_str(&b),
			    "{\"a\":\"q\\\"\\\\\\n\\t\\u0001/é\",\"b\":-3,\"c\":[true,false],\"d\":2.0}");
	json_decref(v);
	buf_free(&b);
}

static void streaming_places_commas(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	json_out o;
	json_out_init(&o, &b);
	json_out_object(&o);
	json_out_key(&o, "items");
	json_out_array(&o);
	for (int i = 0; i < 2; i++) {
		json_out_object(&o);
		json_out_key(&o, "id");
		json_out_int(&o, i);
		json_out_key(&o, "tags");
		json_out_array(&o);
		json_out_end(&o);
		json_out_key(&o, "at");
		json_out_time(&o, i ? 1795704054 : 0);
		json_out_end(&o);
	}
	json_out_end(&o);
	json_out_key(&o, "ok");
	json_out_bool(&o, true);
	json_out_key(&o, "none");
	json_out_string(&o, NULL);
	json_t *extra = json_pack("{s:[i,i]}", "n", 1, 2);
	json_out_key(&o, "extra");
	json_out_value(&o, extra);
	json_decref(extra);
	json_out_end(&o);
	assert_int_equal(o.depth, 0);
	assert_string_equal(buf_str(&b),
			    "{\"items\":[{\"id\":0,\"tags\":[],\"at\":null},"
			    "{\"id\":1,\"tags\":[],\"at\":\"2026-11-26T14:40:54Z\"}],"
			    "\"ok\":true,\"none\":null,\"extra\":{\"n\":[1,2]}}");
	buf_free(&b);
}

static void integers_at_the_edges(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	json_out o;
	json_out_init(&o, &b);
	json_out_array(&o);
	json_out_int(&o, 0);
	json_out_int(&o, -7);
	json_out_int(&o, INT64_MIN);
	json_out_int(&o, INT64_MAX);
	json_out_end(&o);
	assert_string_equal(buf_str(&b), "[0,-7,-9223372036854775808,9223372036854775807]");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_read_back_equal),
		cmocka_unit_test(exact_output),
		cmocka_unit_test(streaming_places_commas),
		cmocka_unit_test(integers_at_the_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
