/* rubrics_api.c: the JSON API of rubrics: /api/v1/rubrics (list, add)
 * and /api/v1/rubrics/{id} (one with its skills, change). A rubric that
 * runs were scored on answers 409 to a change. */
#include "../auth/auth_web.h"
#include "rubrics.h"
#include "scenario_json.h"
#include "scenarios_web.h"

/* The JSON body as the service's input; false with the response set. */
static bool body_rubric(request *req, rubric_in *out)
{
	json_t *j = NULL;
	if (request_json(req, &j) < 0)
		return false;
	field_errors errs = {0};
	int rc = rubric_json_fields(req->arena, j, out, &errs);
	json_decref(j);
	if (rc < 0) {
		auth_api_fail(req, rc, &errs);
		return false;
	}
	return true;
}

static int reply_rubric(request *req, db *d, int64_t id, int status)
{
	rubric r;
	int rc = rubric_get(d, req->arena, &req->who, id, &r);
	if (rc < 0)
		auth_api_fail(req, rc, NULL);
	else
		resp_json(req, status, rubric_to_json(&r, true));
	return 0;
}

/* GET /api/v1/rubrics: every rubric by title (skills in GET /rubrics/{id}). */
static int rubrics_list_api(request *req)
{
	db *d;
	if (!auth_begin(req, NULL, &d))
		return 0;
	rubric *items;
	size_t n;
	int rc = rubric_list(d, req->arena, &req->who, &items, &n);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, rubric_to_json(&items[i], true));
	resp_json(req, 200, auth_list_json(arr, NULL));
	return 0;
}

/* POST /api/v1/rubrics: {code, title, description, pass_mean, skills:
 * [{code, title, anchors: {"1", "3", "5"}, weight, critical}]}. */
static int rubrics_create_api(request *req)
{
	rubric_in in;
	db *d;
	if (!body_rubric(req, &in) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = rubric_create(d, req->arena, &req->who, &in, &id, &errs);
	if (!scenarios_api_ok(req, rc, &errs))
		return 0;
	auth_api_location(req, "/api/v1/rubrics", id);
	return reply_rubric(req, d, id, 201);
}

/* GET /api/v1/rubrics/{id} */
static int rubrics_get_api(request *req)
{
	return auth_api_get(req, reply_rubric);
}

/* PUT /api/v1/rubrics/{id}: members present replace the stored ones;
 * "skills" replaces the whole list. 409 once a run used the rubric. */
static int rubrics_put_api(request *req)
{
	int64_t id;
	rubric_in in;
	db *d;
	if (!auth_path_id(req, 0, &id) || !body_rubric(req, &in) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = rubric_update(d, req->arena, &req->who, id, &in, &errs);
	if (!scenarios_api_ok(req, rc, &errs))
		return 0;
	return reply_rubric(req, d, id, 200);
}

static const route rubrics_api_routes[] = {
    {"GET", "/api/v1/rubrics", rubrics_list_api, PERM_SCENARIOS_READ, ROUTE_API,
     "Rubrics for scoring scenario runs, by title"},
    {"POST", "/api/v1/rubrics", rubrics_create_api, PERM_SCENARIOS_WRITE, ROUTE_API,
     "Add a rubric with its ordered skills"},
    {"GET", "/api/v1/rubrics/{id}", rubrics_get_api, PERM_SCENARIOS_READ, ROUTE_API,
     "One rubric with its skills, anchors, weights and critical flags"},
    {"PUT", "/api/v1/rubrics/{id}", rubrics_put_api, PERM_SCENARIOS_WRITE, ROUTE_API,
     "Change a rubric (409 once a run was scored on it)"},
};

void rubrics_api_register(void)
{
	ROUTES_ADD(rubrics_api_routes);
}
