/* response.c: building responses. Every response leaves through
 * resp_finalize, which adds the security headers (CSP, nosniff, framing,
 * referrer, opener, HSTS under TLS) and no-store caching unless the
 * handler chose otherwise, so no page can forget them. Errors are RFC
 * 9457 problem documents for the API and an HTML page for browsers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/errors.h"
#include "../base/json_write.h"
#include "../base/html.h"
#include "../base/log.h"
#include "layout.h"
#include "web_internal.h"

#define CSP                                                                                        \
	"default-src 'self'; script-src 'self'; style-src 'self'; "                                \
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; "                               \
	"form-action 'self'; frame-ancestors 'none'"

void resp_header(request *req, const char *name, const char *value)
{
	response *r = &req->resp;
	size_t max = sizeof r->headers / sizeof r->headers[0];
	if (r->n_headers == max) {
		log_error("response header %s dropped: more than %zu headers", name, max);
		return;
	}
	r->headers[r->n_headers++] =
	    (header){arena_strdup(req->arena, name), arena_strdup(req->arena, value)};
}

bool resp_has_header(const request *req, const char *name)
{
	for (size_t i = 0; i < req->resp.n_headers; i++)
		if (!strcasecmp(req->resp.headers[i].name, name))
			return true;
	return false;
}

static void set_body(request *req, int status, const char *content_type)
{
	req->resp.status = status;
	req->resp.content_type = content_type;
	req->resp.static_body = NULL;
	req->resp.static_len = 0;
	buf_init(&req->resp.body, req->arena);
}

void resp_text(request *req, int status, const char *content_type, const char *text)
{
	set_body(req, status, content_type);
	buf_puts(&req->resp.body, text);
}

void resp_static(request *req, int status, const char *content_type, const void *data, size_t len)
{
	set_body(req, status, content_type);
	req->resp.static_body = data;
	req->resp.static_len = len;
}

void resp_redirect(request *req, const char *location)
{
	resp_header(req, "Location", location);
	set_body(req, 303, "text/plain; charset=utf-8");
	buf_puts(&req->resp.body, "See Other\n");
}

void resp_json(request *req, int status, json_t *json)
{
	set_body(req, status, "application/json");
	json_write(&req->resp.body, json);
	json_decref(json);
}

void resp_json_stream(request *req, int status, size_t size_hint, json_out *o)
{
	set_body(req, status, "application/json");
	buf_reserve(&req->resp.body, size_hint);
	json_out_init(o, &req->resp.body);
}

static json_t *problem(request *req, int code, const char *detail)
{
	int status = ck_error_status(code);
	json_t *p = json_object();
	json_object_set_new(
	    p, "type",
	    json_string(arena_printf(req->arena, "https://citkit.invalid/problems/%s",
	                             ck_error_slug(code))));
	json_object_set_new(p, "title", json_string(ck_error_title(code)));
	json_object_set_new(p, "status", json_integer(status));
	if (detail)
		json_object_set_new(p, "detail", json_string(detail));
	if (req->path)
		json_object_set_new(p, "instance", json_string(req->path));
	return p;
}

static void send_problem(request *req, int status, json_t *p)
{
	resp_json(req, status, p);
	req->resp.content_type = "application/problem+json";
}

/* The HTML error page, in the site's chrome. */
static void error_page(request *req, int code, const char *detail, const field_errors *errs)
{
	int status = ck_error_status(code);
	set_body(req, status, "text/html; charset=utf-8");
	page_begin(req, ck_error_title(code));
	req->resp.status = status;
	buf *b = &req->resp.body;
	if (detail)
		html_printf(b, "<p>%s</p>\n", detail);
	if (errs && errs->len) {
		html_raw(b, "<ul class=\"error-list\">\n");
		for (size_t i = 0; i < errs->len; i++)
			html_printf(b, "<li>%s: %s</li>\n", errs->items[i].field,
			            errs->items[i].message);
		html_raw(b, "</ul>\n");
	}
	if (status == 401)
		html_raw(b, "<p><a href=\"/login\">Sign in</a></p>\n");
	else
		html_raw(b, "<p><a href=\"/\">Go to the dashboard</a></p>\n");
	page_end(req);
}

void resp_error(request *req, int ck_code, const char *detail)
{
	if (req->wants_json)
		send_problem(req, ck_error_status(ck_code), problem(req, ck_code, detail));
	else
		error_page(req, ck_code, detail, NULL);
}

void resp_validation(request *req, const field_errors *errs)
{
	if (!req->wants_json) {
		error_page(req, CK_E_INVALID, NULL, errs);
		return;
	}
	json_t *p = problem(req, CK_E_INVALID, NULL);
	json_t *list = json_array();
	for (size_t i = 0; errs && i < errs->len; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "field", json_string(errs->items[i].field));
		json_object_set_new(e, "message", json_string(errs->items[i].message));
		json_array_append_new(list, e);
	}
	json_object_set_new(p, "errors", list);
	send_problem(req, 422, p);
}

const char *cookie_name(request *req, const char *base)
{
	return req->is_tls ? arena_printf(req->arena, "__Host-%s", base) : base;
}

void resp_cookie(request *req, const char *name, const char *value, int64_t max_age)
{
	buf b;
	buf_init(&b, req->arena);
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Strict", cookie_name(req, name),
	           max_age == 0 || !value ? "" : value);
	if (req->is_tls)
		buf_puts(&b, "; Secure");
	if (max_age >= 0)
		buf_printf(&b, "; Max-Age=%lld", (long long)max_age);
	resp_header(req, "Set-Cookie", buf_str(&b));
}

void resp_finalize(request *req)
{
	response *r = &req->resp;
	/* The security headers go first so that a full header array never
	 * costs one of them. */
	header sec[8];
	size_t n = 0;
	sec[n++] = (header){"Content-Security-Policy", CSP};
	sec[n++] = (header){"X-Content-Type-Options", "nosniff"};
	sec[n++] = (header){"Referrer-Policy", "same-origin"};
	sec[n++] = (header){"X-Frame-Options", "DENY"};
	sec[n++] = (header){"Cross-Origin-Opener-Policy", "same-origin"};
	if (req->is_tls)
		sec[n++] = (header){"Strict-Transport-Security", "max-age=31536000"};
	if (!resp_has_header(req, "Cache-Control"))
		sec[n++] = (header){"Cache-Control", "no-store"};
	size_t max = sizeof r->headers / sizeof r->headers[0];
	size_t keep = r->n_headers + n > max ? max - n : r->n_headers;
	if (keep < r->n_headers)
		log_error("%zu response headers dropped to make room for security headers",
		          r->n_headers - keep);
	memmove(r->headers + n, r->headers, keep * sizeof r->headers[0]);
	memcpy(r->headers, sec, n * sizeof sec[0]);
	r->n_headers = keep + n;
	if (!r->content_type)
		r->content_type = "text/plain; charset=utf-8";
}
