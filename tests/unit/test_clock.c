/* test_clock.c: RFC 3339 formatting and parsing at the edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "base/clock.h"

static void formats_utc(void **state)
{
	(void)state;
	char out[CLOCK_RFC3339_LEN];
	clock_rfc3339(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	clock_rfc3339(1795704054, out);
	assert_string_equal(out, "2026-11-26T14:40:54Z");
	clock_rfc3339_cs(179570405425, out);
	assert_string_equal(out, "2026-11-26T14:40:54.25Z");
	clock_rfc3339_cs(179570405407, out);
	assert_string_equal(out, "2026-11-26T14:40:54.07Z");
}

static void parses_and_round_trips(void **state)
{
	(void)state;
	int64_t t;
	assert_true(clock_parse("2026-11-26T14:40:54Z", &t));
	assert_int_equal(t, 1795704054);
	assert_true(clock_parse("2026-11-26T08:40:54-06:00", &t));
	assert_int_equal(t, 1795704054);
	assert_true(clock_parse("2026-11-26T14:40:54.999Z", &t));
	assert_int_equal(t, 1795704054);
	assert_true(clock_parse("2026-11-26", &t));
	assert_int_equal(t, 1795651200);
	assert_true(clock_parse("2024-02-29", &t));
	char out[CLOCK_RFC3339_LEN];
	for (int64_t x = -86400; x < 4102444800; x += 86400 * 397 + 3671) {
		clock_rfc3339(x, out);
		assert_true(clock_parse(out, &t));
		assert_int_equal(t, x);
	}
}

/* The arithmetic formatter agrees with the C library's calendar from
 * 1900 to 2400, leap centuries included. */
static void formatting_matches_gmtime(void **state)
{
	(void)state;
	char ours[CLOCK_RFC3339_LEN], libc[CLOCK_RFC3339_LEN];
	for (int64_t t = -2208988800; t < 13569465600; t += 86400 * 13 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(libc, sizeof libc, "%Y-%m-%dT%H:%M:%SZ", &tm);
		clock_rfc3339(t, ours);
		assert_string_equal(ours, libc);
	}
	clock_rfc3339_cs(-1, ours);
	assert_string_equal(ours, "1969-12-31T23:59:59.99Z");
	clock_rfc3339(951782400, ours); /* the leap day of 2000 */
	assert_string_equal(ours, "2000-02-29T00:00:00Z");
}

static void rejects_malformed(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", "2026", "2026-13-01", "2026-00-10", "2026-02-30", "2025-02-29",
		"2026-11-26T25:00:00Z", "2026-11-26T14:61:00Z", "2026-11-26T14:40:54",
		"2026-11-26T14:40:54+0600", "2026-11-26T14:40:54Zjunk", "2026-11-26x",
		"２０２６-11-26", "2026-11-26T14:40:54.Z", "2026-1-26",
	};
	int64_t t;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(clock_parse(bad[i], &t));
}

static void clocks_move_forward(void **state)
{
	(void)state;
	int64_t a = clock_mono_us(), b = clock_mono_us();
	assert_true(b >= a);
	assert_true(clock_now_cs() / 100 - clock_now() <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_utc),
		cmocka_unit_test(parses_and_round_trips),
		cmocka_unit_test(formatting_matches_gmtime),
		cmocka_unit_test(rejects_malformed),
		cmocka_unit_test(clocks_move_forward),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
