/* test_metrics.c: the Prometheus text output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"
#include "web/metrics.h"
#include "web/web_internal.h"
#include "web_test.h"

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
	assert_non_null(strstr(t, "citkit_http_requests_total{route=\"/api/v1/users/"
	                          "{id}\",method=\"GET\",status=\"200\"} 2\n"));
	assert_non_null(strstr(t, "citkit_http_requests_total{route=\"/api/v1/users/"
	                          "{id}\",method=\"GET\",status=\"404\"} 1\n"));
	assert_non_null(strstr(t, "citkit_http_requests_total{route=\"/"
	                          "odd\\\"\\\\\\n\",method=\"other\",status=\"418\"} 1\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"0.001\"} 2\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"0.025\"} 3\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"5\"} 3\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_count 4\n"));
	assert_non_null(strstr(t, "citkit_http_request_duration_seconds_sum 7.020501\n"));
	assert_non_null(strstr(t, "citkit_db_seconds_total "));
	assert_non_null(strstr(t, "citkit_active_sessions 12\n"));
	assert_non_null(strstr(t, "# TYPE citkit_sse_streams gauge\ncitkit_sse_streams 0\n"));
	assert_non_null(strstr(t, "citkit_sse_reads_total 0\n"));
	assert_non_null(strstr(t, "citkit_sse_read_errors_total 0\n"));
	assert_non_null(strstr(t, "process_start_time_seconds "));
	assert_null(strstr(t, "process_start_time_seconds 0\n"));
	buf_reset(&b);
	metrics_write(&b, 0, false);
	assert_null(strstr(buf_str(&b), "citkit_active_sessions"));
	buf_free(&b);
}

static int64_t sessions_now(void)
{
	return 3;
}

/* /healthz, /metrics and /api/v1/openapi.json through a real server:
 * healthz is 503 while the database is unreachable, 200 once it answers. */
static void endpoints_over_http(void **state)
{
	(void)state;
	router_clear();
	web_routes_register();
	web_options o = {
	    .listen = "127.0.0.1:0", .threads = 2, .quiet = true, .active_sessions = sessions_now};
	web_server *s;
	char err[256], v[256];
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), 0);
	int port = web_server_port(s);
	http_result r;
	http_do(port, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 503);
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "application/problem+json");
	http_free(&r);

	char dir[] = "/tmp/citkit-health-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/h.db", dir);
	assert_int_equal(db_thread_setup(path, NULL), 0);
	http_do(port, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "{\"status\":\"ok\"}");
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v), "application/json");
	http_free(&r);

	http_do(port, "GET", "/metrics", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "text/plain; version=0.0.4; charset=utf-8");
	assert_non_null(strstr(
	    buf_str(&r.body),
	    "citkit_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1\n"));
	assert_non_null(strstr(
	    buf_str(&r.body),
	    "citkit_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"503\"} 1\n"));
	assert_non_null(strstr(buf_str(&r.body), "citkit_active_sessions 3\n"));
	http_free(&r);

	http_do(port, "GET", "/api/v1/openapi.json", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	json_t *doc = json_loads(buf_str(&r.body), 0, NULL);
	assert_non_null(json_object_get(json_object_get(doc, "paths"), "/api/v1/openapi.json"));
	json_decref(doc);
	http_free(&r);

	web_server_stop(s);
	db_thread_teardown();
	unlink(path);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	router_clear();
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counts_and_histogram),
	    cmocka_unit_test(endpoints_over_http),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
