/* test_arena.c: the region allocator and growable buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/kv.h"

static void allocations_are_zeroed_and_aligned(void **state)
{
	(void)state;
	arena *a = arena_new();
	for (size_t n = 1; n < 5000; n += 97) {
		unsigned char *p = arena_alloc(a, n);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xAB, n);
	}
	arena_free(a);
}

static void large_blocks_keep_the_current_block(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *small1 = arena_strdup(a, "first");
	char *big = arena_alloc(a, 100000);
	char *small2 = arena_strdup(a, "second");
	memset(big, 'x', 100000);
	assert_string_equal(small1, "first");
	assert_string_equal(small2, "second");
	assert_true(arena_used(a) >= 100000 + 13);
	arena_free(a);
}

static void printf_and_dup(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(arena_printf(a, "%s-%d", "id", 42), "id-42");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_null(arena_strdup(a, NULL));
	char *long_one = arena_printf(a, "%05000d", 7);
	assert_int_equal(strlen(long_one), 5000);
	arena_free(a);
}

static void buf_grows_on_heap_and_arena(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf on_arena, on_heap;
	buf_init(&on_arena, a);
	buf_init(&on_heap, NULL);
	assert_string_equal(buf_str(&on_heap), "");
	for (int i = 0; i < 1000; i++) {
		buf_printf(&on_arena, "%d,", i);
		buf_printf(&on_heap, "%d,", i);
	}
	assert_int_equal(on_arena.len, on_heap.len);
	assert_memory_equal(on_arena.data, on_heap.data, on_heap.len);
	assert_true(strncmp(buf_str(&on_heap), "0,1,2,", 6) == 0);
	buf_reset(&on_heap);
	assert_string_equal(buf_str(&on_heap), "");
	buf_putc(&on_heap, 'x');
	buf_append(&on_heap, "y\0z", 3);
	assert_int_equal(on_heap.len, 4);
	buf_free(&on_heap);
	arena_free(a);
}

static void kv_keeps_order_and_repeats(void **state)
{
	(void)state;
	arena *a = arena_new();
	kv l;
	kv_init(&l, a);
	assert_null(kv_get(&l, "role"));
	for (int i = 0; i < 20; i++)
		kv_add(&l, i % 2 ? "role" : "other", arena_printf(a, "v%d", i), 2);
	assert_string_equal(kv_get(&l, "role"), "v1");
	size_t n;
	const char **all = kv_get_all(&l, "role", &n);
	assert_int_equal(n, 10);
	assert_string_equal(all[9], "v19");
	assert_null(all[10]);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocations_are_zeroed_and_aligned),
		cmocka_unit_test(large_blocks_keep_the_current_block),
		cmocka_unit_test(printf_and_dup),
		cmocka_unit_test(buf_grows_on_heap_and_arena),
		cmocka_unit_test(kv_keeps_order_and_repeats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
