/* roster_api.c: importing a roster through the JSON API: the CSV file is
 * the request body. All rows or none; a 422 lists every bad row with its
 * line number. */
#include <string.h>
#include <strings.h>

#include "../base/errors.h"
#include "auth_web.h"
#include "roster.h"

/* A 422 problem with one entry per bad row: {line, field, message}. */
static void reply_problems(request *req, const roster_report *rep)
{
	json_t *errors = json_array();
	for (size_t i = 0; i < rep->n_problems; i++) {
		const roster_problem *p = &rep->problems[i];
		json_array_append_new(
		    errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)p->line, "field",
		                      p->field ? p->field : "file", "message", p->message));
	}
	json_t *body =
	    json_pack("{s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:o}", "type",
	              "https://citkit.invalid/problems/validation", "title",
	              ck_error_title(CK_E_INVALID), "status", 422, "detail",
	              "Nothing was imported: fix every row listed and send the file again.",
	              "instance", req->path, "rows", (json_int_t)rep->rows, "more_problems",
	              (json_int_t)rep->more_problems, "errors", errors);
	resp_json(req, 422, body);
	req->resp.content_type = "application/problem+json";
}

static bool is_csv(const char *content_type)
{
	if (!content_type)
		return false;
	size_t n = strcspn(content_type, ";");
	while (n && content_type[n - 1] == ' ')
		n--;
	return n == 8 && !strncasecmp(content_type, "text/csv", 8);
}

/* POST /api/v1/roster?org=ID: body text/csv (the roster file). 200 with
 * {org_id, rows, imported}; 422 with every bad row; 404 for an unknown
 * organization; 415 for a body that is not CSV. */
static int roster_post(request *req)
{
	int64_t org_id = auth_query_id(req, "org");
	if (org_id <= 0) {
		field_errors errs = {0};
		field_errors_add(&errs, "org",
		                 "must be the id of the organization the people belong to");
		resp_validation(req, &errs);
		return 0;
	}
	if (!is_csv(req->content_type)) {
		resp_error(req, CK_E_UNSUPPORTED, "Send the roster as text/csv.");
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	roster_report rep = {0};
	int rc = roster_import(d, req->arena, &req->who, org_id, req->body ? req->body : "",
	                       req->body_len, &rep);
	if (rc == CK_E_INVALID) {
		reply_problems(req, &rep);
		return 0;
	}
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, 200,
	          json_pack("{s:I, s:I, s:I}", "org_id", (json_int_t)org_id, "rows",
	                    (json_int_t)rep.rows, "imported", (json_int_t)rep.imported));
	return 0;
}

static const route roster_api_routes[] = {
    {"POST", "/api/v1/roster", roster_post, PERM_ROSTER_IMPORT, ROUTE_API,
     "Import a roster (text/csv body) into the organization ?org=ID: all rows or none"},
};

void roster_api_register(void)
{
	ROUTES_ADD(roster_api_routes);
}
