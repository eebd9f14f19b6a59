/* audit_api.c: the audit log as JSON for administrators, newest first,
 * with the same filters as the page. */
#include <string.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "audit.h"
#include "auth_web.h"

static json_t *entry_json(const audit_entry *e)
{
	char at[CLOCK_RFC3339_LEN];
	clock_rfc3339_cs(e->at_cs, at);
	/* detail is a JSON object written by the services: pass it on as one. */
	json_t *detail = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
	if (e->detail && !detail)
		detail = json_string(e->detail);
	return json_pack("{s:I, s:s, s:o, s:s?, s:s, s:s?, s:s?, s:s?, s:s, s:o}", "id",
	                 (json_int_t)e->id, "at", at, "actor_id",
	                 e->actor_id ? json_integer(e->actor_id) : json_null(), "actor_email",
	                 e->actor_email, "action", e->action, "object_type", e->object_type,
	                 "object_id", e->object_id, "ip", e->ip, "outcome", e->outcome, "detail",
	                 detail ? detail : json_null());
}

/* A bound of the range: a date (the whole day counts) or an RFC 3339 time. */
static void read_bound(request *req, const char *name, bool is_end, int64_t *out,
                       field_errors *errs)
{
	const char *s = kv_get(&req->query, name);
	*out = 0;
	if (!s || !*s)
		return;
	if (!clock_parse(s, out)) {
		field_errors_add(errs, name, "must be a date (YYYY-MM-DD) or an RFC 3339 time");
		return;
	}
	if (is_end && strlen(s) == 10)
		*out += 86399;
}

/* GET /api/v1/audit?limit=N&cursor=C&user=ID&action=A&from=T&to=T: audit
 * entries, newest first. action: exact, or a prefix ending in "."; from,
 * to: dates or RFC 3339 times, inclusive. */
static int audit_list_api(request *req)
{
	int limit;
	if (!auth_query_limit(req, 50, 200, &limit))
		return 0;
	field_errors errs = {0};
	audit_filter f = {0};
	int64_t user_id = auth_query_id(req, "user");
	if (user_id < 0)
		field_errors_add(&errs, "user", "must be a user id");
	else
		f.user_id = user_id;
	const char *action = kv_get(&req->query, "action");
	f.action = action && *action ? action : NULL;
	read_bound(req, "from", false, &f.from, &errs);
	read_bound(req, "to", true, &f.to, &errs);
	if (errs.len) {
		resp_validation(req, &errs);
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	audit_entry *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = audit_list(d, req->arena, &req->who, &f, limit, kv_get(&req->query, "cursor"),
	                    &items, &n, &next);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, entry_json(&items[i]));
	resp_json(req, 200, auth_list_json(arr, next));
	return 0;
}

static const route audit_api_routes[] = {
    {"GET", "/api/v1/audit", audit_list_api, PERM_AUDIT_READ, ROUTE_API,
     "Audit entries, newest first; filters user, action, from, to; paged by limit and cursor"},
};

void audit_api_register(void)
{
	ROUTES_ADD(audit_api_routes);
}
