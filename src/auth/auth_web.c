/* auth_web.c: small helpers shared by the auth pages and API handlers
 * (see auth_web.h). Kept apart so they can be unit-tested without a
 * server. */
#include "auth_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "roles.h"

db *auth_db(request *req)
{
	db *d = db_thread();
	if (!d)
		resp_error(req, CK_E_DB, NULL);
	return d;
}

void auth_fail(request *req, int rc)
{
	resp_error(req, rc < 0 ? rc : CK_E_INTERNAL, NULL);
}

bool auth_path_id(request *req, size_t i, int64_t *id)
{
	if (request_path_id(req, i, id))
		return true;
	resp_error(req, CK_E_NOT_FOUND, NULL);
	return false;
}

bool auth_begin(request *req, const kv **in, db **d)
{
	if (in && request_fields(req, in) < 0)
		return false;
	*d = auth_db(req);
	return *d != NULL;
}

bool auth_ok(request *req, int rc)
{
	if (rc >= 0)
		return true;
	auth_fail(req, rc);
	return false;
}

bool auth_api_ok(request *req, int rc, const field_errors *errs)
{
	if (rc >= 0)
		return true;
	auth_api_fail(req, rc, errs);
	return false;
}

int auth_api_get(request *req, auth_reply_fn reply)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	return reply(req, d, id, 200);
}

int auth_api_create(request *req, auth_create_fn create, const char *collection,
                    auth_reply_fn reply)
{
	const kv *in = NULL;
	db *d;
	if (!auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = create(d, req->arena, &req->who, in, &id, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	auth_api_location(req, collection, id);
	return reply(req, d, id, 201);
}

int auth_api_update(request *req, auth_update_fn update, auth_reply_fn reply)
{
	int64_t id;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int rc = update(d, req->arena, &req->who, id, in, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply(req, d, id, 200);
}

void auth_api_location(request *req, const char *collection, int64_t id)
{
	resp_header(req, "Location",
	            arena_printf(req->arena, "%s/%lld", collection, (long long)id));
}

bool auth_is_local_path(const char *s)
{
	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (*p <= 0x20 || *p >= 0x7F || *p == '\\')
			return false;
	}
	return n <= AUTH_NEXT_MAX;
}

const char *auth_next_or_home(const char *s)
{
	return auth_is_local_path(s) ? s : "/";
}

const char *const *auth_role_labels(arena *a)
{
	const char **labels = arena_array(a, ROLE_COUNT + 1, sizeof *labels);
	for (unsigned i = 0; i < ROLE_COUNT; i++)
		labels[i] = role_label((role)(1u << i));
	return labels;
}

const char **auth_role_list(arena *a, unsigned mask)
{
	const char **out = arena_array(a, ROLE_COUNT + 1, sizeof *out);
	size_t n = 0;
	for (unsigned i = 0; i < ROLE_COUNT; i++)
		if (mask & (1u << i))
			out[n++] = role_name((role)(1u << i));
	out[n] = NULL;
	return out;
}

unsigned auth_role_mask(const char *const *names)
{
	unsigned mask = 0;
	for (size_t i = 0; names && names[i]; i++)
		mask |= role_parse(names[i]);
	return mask;
}

const char *auth_role_text(arena *a, unsigned mask)
{
	buf b;
	buf_init(&b, a);
	for (unsigned i = 0; i < ROLE_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, role_label((role)(1u << i)));
	}
	return buf_str(&b);
}

void auth_time_html(buf *b, int64_t t)
{
	if (!t) {
		html_raw(b, "&mdash;");
		return;
	}
	char iso[CLOCK_RFC3339_LEN], local[CLOCK_LOCAL_LEN];
	clock_rfc3339(t, iso);
	/* Shown in the program's time zone: "2026-11-26 08:40 CST". */
	clock_local(t, local);
	html_printf(b, "<time datetime=\"%s\">%s</time>", iso, local);
}

void auth_time_cs_html(buf *b, int64_t cs)
{
	char iso[CLOCK_RFC3339_LEN];
	clock_rfc3339_cs(cs, iso);
	size_t n = strlen(iso);
	/* Show "2026-11-26 14:40:54.25 UTC": drop the T and the Z. */
	html_printf(b, "<time datetime=\"%s\">%.10s %.*s UTC</time>", iso, iso,
	            (int)(n > 12 ? n - 12 : 0), iso + 11);
}

json_t *auth_json_time(int64_t t)
{
	if (!t)
		return json_null();
	char iso[CLOCK_RFC3339_LEN];
	clock_rfc3339(t, iso);
	return json_string(iso);
}

bool auth_query_limit(request *req, int def, int max, int *out)
{
	const char *s = kv_get(&req->query, "limit");
	*out = def;
	if (!s || !*s)
		return true;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (*end || v < 1) {
		field_errors errs = {0};
		field_errors_add(&errs, "limit", "must be a whole number of at least 1");
		resp_validation(req, &errs);
		return false;
	}
	*out = v > max ? max : (int)v;
	return true;
}

bool auth_list_begin(request *req, int def, int max, int *limit, db **d)
{
	if (!auth_query_limit(req, def, max, limit))
		return false;
	*d = auth_db(req);
	return *d != NULL;
}

int64_t auth_query_id(request *req, const char *name)
{
	const char *s = kv_get(&req->query, name);
	if (!s || !*s)
		return 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	return (*end || v < 1) ? -1 : (int64_t)v;
}

void auth_api_fail(request *req, int rc, const field_errors *errs)
{
	if (rc == CK_E_INVALID && errs && errs->len) {
		resp_validation(req, errs);
		return;
	}
	if (rc == CK_E_CONFLICT && errs && errs->len) {
		auth_api_problem(req, rc, NULL, errs);
		return;
	}
	auth_fail(req, rc);
}

void auth_api_problem(request *req, int code, const char *detail, const field_errors *errs)
{
	json_t *list = json_array();
	for (size_t i = 0; errs && i < errs->len; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->items[i].field,
		                                      "message", errs->items[i].message));
	json_t *p = json_pack(
	    "{s:s, s:s, s:i, s:s?, s:s?, s:o}", "type",
	    arena_printf(req->arena, "https://citkit.invalid/problems/%s", ck_error_slug(code)),
	    "title", ck_error_title(code), "status", ck_error_status(code), "detail", detail,
	    "instance", req->path, "errors", list);
	resp_json(req, ck_error_status(code), p);
	req->resp.content_type = "application/problem+json";
}

void auth_list_fail(request *req, int rc)
{
	if (rc == CK_E_MALFORMED)
		resp_error(req, CK_E_MALFORMED, "cursor is not one this list gave out");
	else
		auth_api_fail(req, rc, NULL);
}

json_t *auth_list_json(json_t *items, const char *next)
{
	return json_pack("{s:o, s:o}", "items", items, "next_cursor",
	                 next ? json_string(next) : json_null());
}

int64_t auth_id_cursor(request *req)
{
	int64_t id = auth_query_id(req, "cursor");
	if (id < 0)
		resp_error(req, CK_E_MALFORMED, "cursor is not one this list gave out");
	return id;
}

bool auth_id_page_begin(request *req, auth_id_page *pg, db **d)
{
	*pg = (auth_id_page){0};
	if (!auth_query_limit(req, 50, 200, &pg->limit))
		return false;
	pg->after = auth_id_cursor(req);
	if (pg->after < 0)
		return false;
	*d = auth_db(req);
	return *d != NULL;
}

bool auth_id_page_takes(auth_id_page *pg, arena *a, int64_t id)
{
	if (pg->next || (pg->after && id >= pg->after))
		return false;
	if (pg->taken == pg->limit) {
		pg->next = arena_printf(a, "%lld", (long long)pg->last);
		return false;
	}
	pg->taken++;
	pg->last = id;
	return true;
}

void auth_name_errors(arena *a, field_errors *errs, const field_label *labels, size_t n)
{
	for (size_t i = 0; errs && i < errs->len; i++) {
		field_error *e = &errs->items[i];
		if (!e->message || !(e->message[0] >= 'a' && e->message[0] <= 'z'))
			continue;
		const char *label = e->field;
		for (size_t j = 0; j < n; j++)
			if (e->field && !strcmp(e->field, labels[j].name))
				label = labels[j].label;
		if (!label) {
			/* A message that reads as a sentence on its own. */
			char *m = arena_strdup(a, e->message);
			m[0] = (char)(m[0] - 'a' + 'A');
			e->message = m;
			continue;
		}
		e->message = arena_printf(a, "%s %s", label, e->message);
	}
}
