/* scenarios_api.c: the JSON API of the scenario library:
 * /api/v1/scenarios (list, add), /api/v1/scenarios/{id} (one, change),
 * its role-player brief, and the library's import and export. The
 * role-player brief appears only for those who may read it
 * (PERM_SCENARIOS_BRIEF): the service leaves it out for everyone else,
 * and the brief route refuses them with 403. */
#include <string.h>
#include <strings.h>

#include "../auth/auth_web.h"
#include "../base/errors.h"
#include "scenario_json.h"
#include "scenarios.h"
#include "scenarios_web.h"

/* The JSON body as the service's fields; false with the response set
 * (400 / 415 for the body, 422 for members of the wrong kind). */
static bool body_fields(request *req, kv *out)
{
	json_t *j = NULL;
	if (request_json(req, &j) < 0)
		return false;
	field_errors errs = {0};
	int rc = scenario_json_fields(req->arena, j, out, &errs);
	json_decref(j);
	if (rc < 0) {
		auth_api_fail(req, rc, &errs);
		return false;
	}
	return true;
}

bool scenarios_api_ok(request *req, int rc, field_errors *errs)
{
	if (rc >= 0)
		return true;
	scenario_json_rename_errors(req->arena, errs);
	auth_api_fail(req, rc, errs);
	return false;
}

static int reply_scenario(request *req, db *d, int64_t id, int status)
{
	scenario s;
	int rc = scenario_get(d, req->arena, &req->who, id, &s);
	if (rc < 0)
		auth_api_fail(req, rc, NULL);
	else
		resp_json(req, status, scenario_to_json(&s, true));
	return 0;
}

static bool listed(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* GET /api/v1/scenarios?crisis_type=T&difficulty=D&archived=1&limit=N&cursor=C:
 * the library by title (archived ones only for writers who ask). */
static int scenarios_list_api(request *req)
{
	int limit;
	db *d;
	if (!auth_list_begin(req, 50, 200, &limit, &d))
		return 0;
	const char *archived = kv_get(&req->query, "archived");
	scenario_filter f = {
	    .crisis_type = kv_get(&req->query, "crisis_type"),
	    .difficulty = kv_get(&req->query, "difficulty"),
	    .include_archived = archived && !strcmp(archived, "1"),
	};
	scenario *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = scenario_list(d, req->arena, &req->who, &f, limit, kv_get(&req->query, "cursor"),
	                       &items, &n, &next);
	if (rc == CK_E_INVALID) {
		field_errors errs = {0};
		if (f.crisis_type && *f.crisis_type && !listed(scenario_crisis_types(), f.crisis_type))
			field_errors_add(&errs, "crisis_type", "is not one of the crisis types");
		if (f.difficulty && *f.difficulty && !listed(scenario_difficulties(), f.difficulty))
			field_errors_add(&errs, "difficulty",
			                 "must be introductory, intermediate or advanced");
		auth_api_fail(req, rc, &errs);
		return 0;
	}
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, scenario_to_json(&items[i], true));
	resp_json(req, 200, auth_list_json(arr, next));
	return 0;
}

/* POST /api/v1/scenarios: a scenario object (scenario_json.h). 201 with
 * the scenario and Location; 422 per field; 409 for a code in use. */
static int scenarios_create_api(request *req)
{
	kv in;
	db *d;
	if (!body_fields(req, &in) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = scenario_create(d, req->arena, &req->who, &in, &id, &errs);
	if (!scenarios_api_ok(req, rc, &errs))
		return 0;
	auth_api_location(req, "/api/v1/scenarios", id);
	return reply_scenario(req, d, id, 201);
}

/* GET /api/v1/scenarios/{id}: role_player_brief only with scenarios.brief. */
static int scenarios_get_api(request *req)
{
	return auth_api_get(req, reply_scenario);
}

/* PUT /api/v1/scenarios/{id}: the members present replace the stored
 * ones ("archived": true takes it out of the library). */
static int scenarios_put_api(request *req)
{
	int64_t id;
	kv in;
	db *d;
	if (!auth_path_id(req, 0, &id) || !body_fields(req, &in) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = scenario_update(d, req->arena, &req->who, id, &in, &errs);
	if (!scenarios_api_ok(req, rc, &errs))
		return 0;
	return reply_scenario(req, d, id, 200);
}

/* GET /api/v1/scenarios/{id}/brief: the role-player brief alone. */
static int scenarios_brief_api(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	scenario s;
	int rc = scenario_brief_get(d, req->arena, &req->who, id, &s);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *o = scenario_to_json(&s, false);
	json_t *brief = json_incref(json_object_get(o, "role_player_brief"));
	json_decref(o);
	resp_json(req, 200,
	          json_pack("{s:I, s:s, s:s, s:o}", "scenario_id", (json_int_t)s.id, "code", s.code,
	                    "title", s.title, "role_player_brief", brief));
	return 0;
}

static bool is_json(const char *content_type)
{
	if (!content_type)
		return false;
	size_t n = strcspn(content_type, ";");
	while (n && content_type[n - 1] == ' ')
		n--;
	return n == 16 && !strncasecmp(content_type, "application/json", 16);
}

/* {rubrics, scenarios, created, updated, unchanged, items: [{kind, code,
 * title, action}]} */
static json_t *report_json(const scenario_import_report *rep)
{
	json_t *items = json_array();
	for (size_t i = 0; i < rep->n_items; i++) {
		const scenario_import_item *it = &rep->items[i];
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "kind", it->kind,
		                                       "code", it->code, "title", it->title,
		                                       "action", it->action));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "rubrics", (json_int_t)rep->rubrics,
	                 "scenarios", (json_int_t)rep->scenarios, "created",
	                 (json_int_t)rep->created, "updated", (json_int_t)rep->updated, "unchanged",
	                 (json_int_t)rep->unchanged, "items", items);
}

/* A 422 problem with one entry per problem: {field ("scenarios[3].title"),
 * item, code, message}. */
static void reply_problems(request *req, const scenario_import_report *rep)
{
	json_t *errors = json_array();
	for (size_t i = 0; i < rep->n_problems; i++) {
		const scenario_import_problem *p = &rep->problems[i];
		const char *field =
		    p->field ? arena_printf(req->arena, "%s.%s", p->item, p->field) : p->item;
		if (p->field && !strcmp(p->item, "file"))
			field = p->field;
		json_t *e = json_pack("{s:s, s:s, s:s}", "field", field, "item", p->item, "message",
		                      p->message);
		if (p->code)
			json_object_set_new(e, "code", json_string(p->code));
		json_array_append_new(errors, e);
	}
	json_t *body = json_pack(
	    "{s:s, s:s, s:i, s:s, s:s, s:I, s:o}", "type",
	    "https://citkit.invalid/problems/validation", "title", ck_error_title(CK_E_INVALID),
	    "status", 422, "detail",
	    "Nothing was imported: fix every item listed and send the file again.", "instance",
	    req->path, "more_problems", (json_int_t)rep->more_problems, "errors", errors);
	resp_json(req, 422, body);
	req->resp.content_type = "application/problem+json";
}

/* POST /api/v1/scenarios/import: body {"rubrics": [...], "scenarios":
 * [...]} (the export's format). All or nothing: 200 with the report, or
 * 422 with every bad item. Codes already in the library are updated. */
static int scenarios_import_api(request *req)
{
	if (!is_json(req->content_type)) {
		resp_error(req, CK_E_UNSUPPORTED, "Send the library as application/json.");
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	scenario_import_report rep;
	int rc = scenario_import(d, req->arena, &req->who, req->body ? req->body : "",
	                         req->body_len, SCENARIO_IMPORT_UPSERT, &rep);
	if (rc == CK_E_INVALID) {
		reply_problems(req, &rep);
		return 0;
	}
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, 200, report_json(&rep));
	return 0;
}

/* GET /api/v1/scenarios/export and GET /scenarios/export (the page's
 * download link): the whole library, briefs included, as a file import
 * takes back. */
int scenarios_export_handle(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	json_t *doc;
	int rc = scenario_export(d, req->arena, &req->who, &doc);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, 200, doc);
	resp_header(req, "Content-Disposition", "attachment; filename=\"citkit-scenarios.json\"");
	return 0;
}

static const route scenarios_api_routes[] = {
    {"GET", "/api/v1/scenarios", scenarios_list_api, PERM_SCENARIOS_READ, ROUTE_API,
     "The scenario library by title; crisis_type and difficulty filters; paged by limit and "
     "cursor"},
    {"POST", "/api/v1/scenarios", scenarios_create_api, PERM_SCENARIOS_WRITE, ROUTE_API,
     "Add a scenario"},
    {"GET", "/api/v1/scenarios/export", scenarios_export_handle, PERM_SCENARIOS_WRITE, ROUTE_API,
     "Export the whole library (rubrics and scenarios, role-player briefs included) as JSON"},
    {"POST", "/api/v1/scenarios/import", scenarios_import_api, PERM_SCENARIOS_WRITE, ROUTE_API,
     "Import rubrics and scenarios by code: all or nothing, every bad item reported"},
    {"GET", "/api/v1/scenarios/{id}", scenarios_get_api, PERM_SCENARIOS_READ, ROUTE_API,
     "One scenario; its role-player brief only for those who may read briefs"},
    {"PUT", "/api/v1/scenarios/{id}", scenarios_put_api, PERM_SCENARIOS_WRITE, ROUTE_API,
     "Change a scenario (the members sent), or archive it"},
    {"GET", "/api/v1/scenarios/{id}/brief", scenarios_brief_api, PERM_SCENARIOS_BRIEF, ROUTE_API,
     "The scenario's role-player brief (never for trainees)"},
};

void scenarios_api_register(void)
{
	ROUTES_ADD(scenarios_api_routes);
}
