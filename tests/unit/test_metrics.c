/* test_metrics.c: the Prometheus text output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/metrics.h"
#include "web/web_internal.h"

static void counts_and_histogram(void **state)
{
	(void)state;
	metrics_init();
	static const char route_a[] = "/api/v1/users/{id}";
	metrics_observe(route_a, "GET", 200, 500);
	metrics_observe(route_a, "GET", 200, 20000);
	metrics_observe(route_a, "GET", 404, 7000000);
	metrics_observe("/odd\"\\\n", "BREW", 418, 1);
	buf b;
	buf_init(&b, NULL);
	metrics_write(&b, 12, true);
	const char *t = buf_str(&b);
	assert_non_null(strstr(t, "# TYPE citkit_http_requests_total counter\n"));
	assert_non_null(strstr(t, "citkit_http_requests_total{route=\"/api/v1/users/{id}\",method=\"GET\",status=\"200\"} 2\n"));
	assert_non_null(strstr(t, "citkit_http_requests_total{route=\"/api/v1/users/{id}\",method=\"GET\",status=\"404\"} 1\n"));
	assert_non_null(strstr(t, "citkit_http_requests_total{route=\"/odd\\\"\\\\\\n\",method=\"other\",status=\"418\"} 1\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"0.001\"} 2\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"0.025\"} 3\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"5\"} 3\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_count 4\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_sum 7.020501\n"));
	assert_non_null(strstr(t, "citkit_db_seconds_total "));
	assert_non_null(strstr(t, "citkit_active_sessions 12\n"));
	assert_non_null(strstr(t, "process_start_time_seconds "));
	assert_null(strstr(t, "process_start_time_seconds 0\n"));
	buf_reset(&b);
	metrics_write(&b, 0, false);
	assert_null(strstr(buf_str(&b), "citkit_active_sessions"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_and_histogram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
