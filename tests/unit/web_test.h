/* web_test.h: helpers for the web layer's unit tests that speak HTTP to
 * a server started in-process on a free port (libcurl). Header-only so
 * each test_<module>.c stays one executable. */
#ifndef CITKIT_WEB_TEST_H
#define CITKIT_WEB_TEST_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "web/http.h"
#include "web/server.h"

typedef struct http_result {
	long status;
	buf body;
	buf headers; /* every header line as received */
} http_result;

static size_t wt_collect(char *p, size_t size, size_t n, void *ud)
{
	buf_append(ud, p, size * n);
	return size * n;
}

/* Set to speak HTTPS (certificate not verified: the tests make their own). */
static bool wt_use_tls;

/* One request. extra_headers: NULL-terminated "Name: value" lines.
 * body may be NULL; a body with body_len (size_t)-1 is sent chunked. */
static void http_do(int port, const char *method, const char *path,
                    const char *const *extra_headers, const char *body, size_t body_len,
                    http_result *r)
{
	char url[16384];
	snprintf(url, sizeof url, "%s://127.0.0.1:%d%s", wt_use_tls ? "https" : "http", port, path);
	buf_init(&r->body, NULL);
	buf_init(&r->headers, NULL);
	r->status = 0;
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	for (size_t i = 0; extra_headers && extra_headers[i]; i++)
		hl = curl_slist_append(hl, extra_headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (wt_use_tls) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		if (body_len == (size_t)-1)
			hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
		else
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wt_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, wt_collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

static void http_free(http_result *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

/* The value of header name in r (first occurrence, trimmed), copied into
 * out; "" when absent. */
static const char *http_header(const http_result *r, const char *name, char *out, size_t n)
{
	out[0] = '\0';
	size_t nl = strlen(name);
	for (const char *p = buf_str(&r->headers); *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(p + len - v);
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			snprintf(out, n, "%.*s", (int)vl, v);
			return out;
		}
		p += len + (eol ? 1 : 0);
	}
	return out;
}

#endif
