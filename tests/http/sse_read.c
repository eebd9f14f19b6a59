/* sse_read.c: see sse_read.h. One curl multi handle per stream; the
 * received text is split into events by the event-stream rules (lines
 * end in LF, CRLF or CR; a blank line ends an event; lines starting with
 * ':' are comments; "field: value" with one optional space). */
#include "sse_read.h"
#include "harness_internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct sse_stream {
	CURLM *multi;
	CURL *easy;
	struct curl_slist *headers;
	grow raw; /* everything received, NUL-terminated */
	size_t parsed; /* how much of raw has been split into events */
	/* The event being read. */
	char *cur_id, *cur_event, *cur_data;
	sse_event *events;
	size_t n_events;
	bool is_done; /* the transfer ended */
	CURLcode result;
};

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		fail_msg("out of memory");
	return p;
}

static void set_field(char **field, const char *v, size_t n, bool append)
{
	size_t old = append && *field ? strlen(*field) : 0;
	char *p = realloc(append ? *field : NULL, old + (old ? 1 : 0) + n + 1);
	if (!p)
		fail_msg("out of memory");
	if (!append || !*field)
		old = 0;
	else
		p[old++] = '\n';
	memcpy(p + old, v, n);
	p[old + n] = '\0';
	if (!append)
		free(*field);
	*field = p;
}

/* Splits the complete lines received since the last call. */
static void parse(sse_stream *s)
{
	while (s->parsed < s->raw.n) {
		const char *line = s->raw.p + s->parsed;
		size_t n = strcspn(line, "\r\n");
		if (s->parsed + n >= s->raw.n)
			return; /* no line ending yet */
		size_t skip = n + 1;
		if (line[n] == '\r' && line[n + 1] == '\n')
			skip++;
		else if (line[n] == '\r' && s->parsed + n + 1 >= s->raw.n)
			return; /* a CR that may be followed by its LF */
		s->parsed += skip;
		if (n == 0) {
			if (s->cur_data) {
				sse_event *e = realloc(s->events, (s->n_events + 1) * sizeof *e);
				if (!e)
					fail_msg("out of memory");
				s->events = e;
				e[s->n_events++] = (sse_event){
				    .id = xstrdup(s->cur_id),
				    .event = xstrdup(s->cur_event),
				    .data = s->cur_data,
				};
				s->cur_data = NULL;
			}
			free(s->cur_event);
			s->cur_event = NULL;
			continue;
		}
		if (line[0] == ':')
			continue;
		const char *colon = memchr(line, ':', n);
		size_t fn = colon ? (size_t)(colon - line) : n;
		const char *v = colon ? colon + 1 : line + n;
		if (v < line + n && *v == ' ')
			v++;
		size_t vn = (size_t)(line + n - v);
		if (fn == 5 && !memcmp(line, "event", 5))
			set_field(&s->cur_event, v, vn, false);
		else if (fn == 4 && !memcmp(line, "data", 4))
			set_field(&s->cur_data, v, vn, true);
		else if (fn == 2 && !memcmp(line, "id", 2))
			set_field(&s->cur_id, v, vn, false); /* the last id stays, as in browsers */
	}
}

sse_stream *sse_open(const char *base, const agent *a, const char *path, const char *last_id)
{
	sse_stream *s = calloc(1, sizeof *s);
	if (!s)
		fail_msg("out of memory");
	s->raw.p = xstrdup("");
	char url[2048], h[600];
	snprintf(url, sizeof url, "%s%s", base, path);
	s->headers = curl_slist_append(NULL, "Accept: text/event-stream");
	if (a && a->bearer[0]) {
		snprintf(h, sizeof h, "Authorization: Bearer %s", a->bearer);
		s->headers = curl_slist_append(s->headers, h);
	} else if (a && a->n_cookies) {
		char cookies[4096] = "Cookie: ";
		for (size_t i = 0; i < a->n_cookies; i++) {
			size_t len = strlen(cookies);
			snprintf(cookies + len, sizeof cookies - len, "%s%s=%s", i ? "; " : "",
			         a->jar[i].name, a->jar[i].value);
		}
		s->headers = curl_slist_append(s->headers, cookies);
	}
	if (last_id) {
		snprintf(h, sizeof h, "Last-Event-ID: %s", last_id);
		s->headers = curl_slist_append(s->headers, h);
	}
	s->easy = curl_easy_init();
	s->multi = curl_multi_init();
	if (!s->easy || !s->multi || !s->headers)
		fail_msg("curl could not start an event stream");
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, grow_write);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, &s->raw);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_multi_add_handle(s->multi, s->easy);
	return s;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the transfer for at most wait_ms. */
static void pump(sse_stream *s, long wait_ms)
{
	if (s->is_done)
		return;
	int running = 0;
	curl_multi_perform(s->multi, &running);
	if (running) {
		curl_multi_poll(s->multi, NULL, 0, (int)(wait_ms > 0 ? wait_ms : 0), NULL);
		curl_multi_perform(s->multi, &running);
	}
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(s->multi, &left)))
		if (m->msg == CURLMSG_DONE) {
			s->is_done = true;
			s->result = m->data.result;
		}
	parse(s);
}

void sse_wait_open(sse_stream *s, long timeout_ms)
{
	long long until = now_ms() + timeout_ms;
	while (s->raw.n == 0 && !s->is_done && now_ms() < until)
		pump(s, 100);
	long status = 0;
	char *ct = NULL;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(s->easy, CURLINFO_CONTENT_TYPE, &ct);
	if (status != 200)
		fail_msg("event stream: status %ld (%s), want 200: %.300s", status,
		         s->is_done ? curl_easy_strerror(s->result) : "still open", s->raw.p);
	if (!ct || strncasecmp(ct, "text/event-stream", 17))
		fail_msg("event stream: content type %s, want text/event-stream", ct ? ct : "(none)");
	if (s->raw.n == 0)
		fail_msg("event stream: no bytes within %ld ms of opening", timeout_ms);
}

/* What an event must be to end a wait; NULL members match anything. */
typedef struct wanted {
	const char *id, *event, *needle;
} wanted;

static bool match(const sse_event *e, const wanted *w)
{
	return (!w->id || !strcmp(e->id, w->id)) && (!w->event || !strcmp(e->event, w->event)) &&
	       (!w->needle || strstr(e->data, w->needle));
}

static bool wait_for(sse_stream *s, const wanted *w, long timeout_ms, sse_event *out)
{
	long long until = now_ms() + timeout_ms;
	size_t seen = 0;
	for (;;) {
		for (; seen < s->n_events; seen++)
			if (match(&s->events[seen], w)) {
				*out = s->events[seen];
				return true;
			}
		long long left = until - now_ms();
		if (left <= 0 || s->is_done)
			return false;
		pump(s, left < 100 ? left : 100);
	}
}

bool sse_wait_event(sse_stream *s, const char *event, const char *needle, long timeout_ms,
                    sse_event *out)
{
	return wait_for(s, &(wanted){.event = event, .needle = needle}, timeout_ms, out);
}

bool sse_wait_id(sse_stream *s, const char *id, long timeout_ms, sse_event *out)
{
	return wait_for(s, &(wanted){.id = id}, timeout_ms, out);
}

bool sse_wait_end(sse_stream *s, long timeout_ms)
{
	long long until = now_ms() + timeout_ms;
	while (!s->is_done && now_ms() < until)
		pump(s, 100);
	return s->is_done && s->result == CURLE_OK;
}

size_t sse_events(sse_stream *s, const sse_event **events)
{
	pump(s, 0);
	*events = s->events;
	return s->n_events;
}

const char *sse_raw(const sse_stream *s)
{
	return s->raw.p;
}

void sse_close(sse_stream *s)
{
	if (!s)
		return;
	curl_multi_remove_handle(s->multi, s->easy);
	curl_easy_cleanup(s->easy);
	curl_multi_cleanup(s->multi);
	curl_slist_free_all(s->headers);
	for (size_t i = 0; i < s->n_events; i++) {
		free((char *)s->events[i].id);
		free((char *)s->events[i].event);
		free((char *)s->events[i].data);
	}
	free(s->events);
	free(s->cur_id);
	free(s->cur_event);
	free(s->cur_data);
	free(s->raw.p);
	free(s);
}
