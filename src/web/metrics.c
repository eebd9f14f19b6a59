/* metrics.c: request counters by route, method and status, a latency
 * histogram, database time, active sessions and the process start time,
 * in the Prometheus text format. Counting costs one short mutex hold per
 * request (the counter table) and relaxed atomics for the histogram. */
#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "../base/clock.h"
#include "../db/db.h"
#include "web_internal.h"

enum { MAX_SERIES = 2048 };

static const char *const methods[] = {"GET",   "HEAD",   "POST",    "PUT",
                                      "PATCH", "DELETE", "OPTIONS", "other"};
enum { N_METHODS = sizeof methods / sizeof methods[0] };

/* Upper bounds of the latency buckets, in microseconds. */
static const int64_t bucket_us[] = {1000,   5000,   10000,   25000,   50000,  100000,
                                    250000, 500000, 1000000, 2500000, 5000000};
static const char *const bucket_le[] = {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1",
                                        "0.25",  "0.5",   "1",    "2.5",   "5"};
enum { N_BUCKETS = sizeof bucket_us / sizeof bucket_us[0] };

typedef struct series {
	const char *route; /* a pattern from a static route table */
	int method, status;
	uint64_t count;
} series;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static series table[MAX_SERIES];
static size_t n_series;
static _Atomic uint64_t buckets[N_BUCKETS + 1]; /* last: +Inf */
static _Atomic uint64_t sum_us, total;
static _Atomic int64_t start_time;

void metrics_init(void)
{
	int64_t zero = 0;
	atomic_compare_exchange_strong(&start_time, &zero, clock_now());
}

static int method_index(const char *m)
{
	for (int i = 0; i < N_METHODS - 1; i++)
		if (!strcmp(methods[i], m))
			return i;
	return N_METHODS - 1;
}

void metrics_observe(const char *route_pattern, const char *method, int status, int64_t duration_us)
{
	int mi = method_index(method);
	size_t b = 0;
	while (b < N_BUCKETS && duration_us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0),
	                          memory_order_relaxed);
	atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
	pthread_mutex_lock(&lock);
	/* Patterns are static strings: compare pointers first. */
	size_t i = 0;
	for (; i < n_series; i++)
		if (table[i].method == mi && table[i].status == status &&
		    (table[i].route == route_pattern || !strcmp(table[i].route, route_pattern)))
			break;
	if (i == n_series && n_series < MAX_SERIES)
		table[n_series++] = (series){route_pattern, mi, status, 0};
	if (i < n_series)
		table[i].count++;
	pthread_mutex_unlock(&lock);
}

static void label_value(buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(b, '\\');
		if (*s == '\n') {
			buf_puts(b, "\\n");
			continue;
		}
		buf_putc(b, *s);
	}
}

void metrics_write(buf *b, int64_t active_sessions, bool has_sessions)
{
	buf_puts(b, "# HELP citkit_http_requests_total HTTP requests answered, by route pattern, "
	            "method and status.\n"
	            "# TYPE citkit_http_requests_total counter\n");
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n_series; i++) {
		buf_puts(b, "citkit_http_requests_total{route=\"");
		label_value(b, table[i].route);
		buf_printf(b, "\",method=\"%s\",status=\"%d\"} %llu\n", methods[table[i].method],
		           table[i].status, (unsigned long long)table[i].count);
	}
	pthread_mutex_unlock(&lock);
	buf_puts(b, "# HELP citkit_http_request_duration_seconds Time from first byte of the "
	            "request to the end of the response.\n"
	            "# TYPE citkit_http_request_duration_seconds histogram\n");
	uint64_t cumulative = 0;
	for (size_t i = 0; i <= N_BUCKETS; i++) {
		cumulative += atomic_load_explicit(&buckets[i], memory_order_relaxed);
		buf_printf(b, "citkit_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n",
		           i < N_BUCKETS ? bucket_le[i] : "+Inf", (unsigned long long)cumulative);
	}
	buf_printf(b, "citkit_http_request_duration_seconds_sum %.6f\n",
	           (double)atomic_load(&sum_us) / 1e6);
	buf_printf(b, "citkit_http_request_duration_seconds_count %llu\n",
	           (unsigned long long)cumulative);
	buf_printf(b,
	           "# HELP citkit_db_seconds_total Time spent in the database.\n"
	           "# TYPE citkit_db_seconds_total counter\n"
	           "citkit_db_seconds_total %.6f\n",
	           db_total_busy_seconds());
	sse_stats st = sse_get_stats();
	buf_printf(b,
	           "# HELP citkit_sse_streams Server-sent event streams open now.\n"
	           "# TYPE citkit_sse_streams gauge\n"
	           "citkit_sse_streams %zu\n"
	           "# HELP citkit_sse_reads_total Reads of stored events by the event dispatcher.\n"
	           "# TYPE citkit_sse_reads_total counter\n"
	           "citkit_sse_reads_total %llu\n"
	           "# HELP citkit_sse_read_errors_total Reads of stored events that failed.\n"
	           "# TYPE citkit_sse_read_errors_total counter\n"
	           "citkit_sse_read_errors_total %llu\n",
	           st.streams, (unsigned long long)st.reads, (unsigned long long)st.read_errors);
	if (has_sessions)
		buf_printf(b,
		           "# HELP citkit_active_sessions Sessions signed in and not expired.\n"
		           "# TYPE citkit_active_sessions gauge\n"
		           "citkit_active_sessions %lld\n",
		           (long long)active_sessions);
	buf_printf(b,
	           "# HELP process_start_time_seconds Start time of the process since the epoch.\n"
	           "# TYPE process_start_time_seconds gauge\n"
	           "process_start_time_seconds %lld\n",
	           (long long)atomic_load(&start_time));
}

/* GET /metrics: unauthenticated, for Prometheus; nothing here names a
 * person or a record. */
int metrics_handle(request *req)
{
	const web_options *o = web_request_options(req);
	bool has = o && o->active_sessions;
	int64_t sessions = has ? o->active_sessions() : 0;
	resp_text(req, 200, "text/plain; version=0.0.4; charset=utf-8", "");
	metrics_write(&req->resp.body, sessions, has);
	return 0;
}
