/* courses_api.c: the JSON API for course offerings and their sessions:
 * /api/v1/courses, /api/v1/courses/{id}, its sessions and its conflict
 * report. Everyone signed in reads what they may see (officers: not
 * planned courses); coordinators and admins write. A course's session is
 * /api/v1/courses/{id}/sessions/{sid}: /api/v1/sessions/{id} is the
 * foundation's sign-in sessions. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "calendar.h"
#include "conflicts.h"
#include "courses.h"
#include "courses_web.h"

static json_t *day_json(int64_t day)
{
	char out[CLOCK_RFC3339_LEN];
	clock_rfc3339(day, out);
	return json_stringn(out, 10);
}

static json_t *course_json(arena *a, const course *c)
{
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:o}",
	    "id", (json_int_t)c->id, "version_id", (json_int_t)c->version_id, "curriculum_title",
	    c->curriculum_title, "curriculum_version", (json_int_t)c->curriculum_version, "title",
	    c->title, "location", c->location, "starts_on", day_json(c->starts_on), "ends_on",
	    day_json(c->ends_on), "capacity", (json_int_t)c->capacity, "status", c->status,
	    "status_label", course_status_label(c->status), "session_count",
	    (json_int_t)c->session_count, "scheduled_minutes", (json_int_t)c->scheduled_minutes,
	    "scenario_runs_required", (json_int_t)c->scenario_runs_required, "created_at",
	    auth_json_time(c->created_at), "updated_at", auth_json_time(c->updated_at));
	const char *feed = calendar_feed_path(a, CALENDAR_COURSE, c->id, c->calendar_generation);
	if (feed)
		json_object_set_new(o, "calendar_path", json_string(feed));
	return o;
}

static json_t *session_json(const course_session *s)
{
	json_t *mods = json_array(), *ins = json_array();
	for (size_t i = 0; i < s->module_count; i++) {
		const course_session_module *m = &s->modules[i];
		json_array_append_new(mods, json_pack("{s:I, s:s, s:s, s:s, s:I}", "module_id",
		                                      (json_int_t)m->module_id, "code", m->code,
		                                      "title", m->title, "component", m->component,
		                                      "minutes", (json_int_t)m->minutes));
	}
	for (size_t i = 0; i < s->instructor_count; i++)
		json_array_append_new(ins, json_pack("{s:I, s:s}", "user_id",
		                                     (json_int_t)s->instructors[i].user_id, "name",
		                                     s->instructors[i].name));
	return json_pack("{s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)s->id,
	                 "course_id", (json_int_t)s->course_id, "starts_at",
	                 auth_json_time(s->starts_at), "ends_at", auth_json_time(s->ends_at),
	                 "room", s->room, "modules", mods, "instructors", ins, "created_at",
	                 auth_json_time(s->created_at), "updated_at",
	                 auth_json_time(s->updated_at));
}

static int reply_course(request *req, db *d, int64_t id, int status)
{
	course c;
	int rc = course_get(d, req->arena, &req->who, id, &c);
	if (rc < 0)
		auth_api_fail(req, rc, NULL);
	else
		resp_json(req, status, course_json(req->arena, &c));
	return 0;
}

/* The session when it belongs to the course, else a 404 is set. */
static bool load_session(request *req, db *d, int64_t course_id, int64_t session_id,
                         course_session *out)
{
	int rc = course_session_get(d, req->arena, &req->who, session_id, out);
	if (rc == 0 && out->course_id != course_id)
		rc = CK_E_NOT_FOUND;
	if (rc < 0)
		auth_api_fail(req, rc, NULL);
	return rc == 0;
}

/* GET /api/v1/courses?status=S&limit=N&cursor=C: newest first. */
static int courses_list_api(request *req)
{
	int limit;
	db *d;
	if (!auth_list_begin(req, 50, 200, &limit, &d))
		return 0;
	course_filter f = {.status = kv_get(&req->query, "status")};
	course *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = course_list(d, req->arena, &req->who, &f, limit, kv_get(&req->query, "cursor"),
	                     &items, &n, &next);
	if (rc < 0) {
		auth_list_fail(req, rc);
		return 0;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, course_json(req->arena, &items[i]));
	resp_json(req, 200, auth_list_json(arr, next));
	return 0;
}

/* POST /api/v1/courses: {version_id, title, location, starts_on, ends_on,
 * capacity, status}. 201 with the course and Location; 422 per field. */
static int courses_create_api(request *req)
{
	return auth_api_create(req, course_create, "/api/v1/courses", reply_course);
}

/* GET /api/v1/courses/{id} */
static int courses_get_api(request *req)
{
	return auth_api_get(req, reply_course);
}

/* PATCH /api/v1/courses/{id}: any of the create fields. */
static int courses_patch_api(request *req)
{
	return auth_api_update(req, course_update, reply_course);
}

/* GET /api/v1/courses/{id}/conflicts: the conflict report. */
static int courses_conflicts_api(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	course_conflict *items;
	size_t n;
	int rc = course_conflicts(d, req->arena, &req->who, id, &items, &n);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const course_conflict *c = &items[i];
		json_t *o =
		    json_pack("{s:s, s:s, s:s}", "kind", conflict_kind_name(c->kind), "severity",
		              c->is_warning ? "warning" : "error", "message", c->message);
		if (c->session_id)
			json_object_set_new(o, "session_id",
			                    json_integer((json_int_t)c->session_id));
		if (c->other_session_id)
			json_object_set_new(o, "other_session_id",
			                    json_integer((json_int_t)c->other_session_id));
		if (c->module_id)
			json_object_set_new(o, "module_id", json_integer((json_int_t)c->module_id));
		if (c->user_id)
			json_object_set_new(o, "user_id", json_integer((json_int_t)c->user_id));
		json_array_append_new(arr, o);
	}
	resp_json(req, 200, auth_list_json(arr, NULL));
	return 0;
}

/* GET /api/v1/courses/{id}/sessions?limit=N&cursor=C: in time order. The
 * cursor is the id of the last session of the page before. */
static int sessions_list_api(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	int limit;
	if (!auth_query_limit(req, 200, 200, &limit))
		return 0;
	int64_t after = auth_id_cursor(req);
	if (after < 0)
		return 0;
	db *d = auth_db(req);
	if (!d)
		return 0;
	course_session *items;
	size_t n;
	int rc = course_sessions_list(d, req->arena, &req->who, id, &items, &n);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	size_t from = 0;
	if (after > 0)
		while (from < n && items[from++].id != after) {
		}
	json_t *arr = json_array();
	const char *next = NULL;
	for (size_t i = from; i < n; i++) {
		if (json_array_size(arr) == (size_t)limit) {
			next = arena_printf(req->arena, "%lld", (long long)items[i - 1].id);
			break;
		}
		json_array_append_new(arr, session_json(&items[i]));
	}
	resp_json(req, 200, auth_list_json(arr, next));
	return 0;
}

static int reply_session(request *req, db *d, int64_t course_id, int64_t id, int status)
{
	course_session s;
	if (load_session(req, d, course_id, id, &s))
		resp_json(req, status, session_json(&s));
	return 0;
}

/* POST /api/v1/courses/{id}/sessions: {date, start, end, room, module:
 * ["ID:MINUTES" …], instructor: [ID …]}. 201 with the session. */
static int sessions_create_api(request *req)
{
	int64_t course_id;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &course_id) || !auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = course_session_create(d, req->arena, &req->who, course_id, in, &id, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	resp_header(req, "Location",
	            arena_printf(req->arena, "/api/v1/courses/%lld/sessions/%lld",
	                         (long long)course_id, (long long)id));
	return reply_session(req, d, course_id, id, 201);
}

/* GET /api/v1/courses/{id}/sessions/{sid} */
static int sessions_get_api(request *req)
{
	int64_t course_id, id;
	if (!auth_path_id(req, 0, &course_id) || !auth_path_id(req, 1, &id))
		return 0;
	db *d = auth_db(req);
	return d ? reply_session(req, d, course_id, id, 200) : 0;
}

/* PATCH /api/v1/courses/{id}/sessions/{sid}: date+start+end, room,
 * module (with modules_set for none), instructor (instructors_set). */
static int sessions_patch_api(request *req)
{
	int64_t course_id, id;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &course_id) || !auth_path_id(req, 1, &id) ||
	    !auth_begin(req, &in, &d))
		return 0;
	course_session s;
	if (!load_session(req, d, course_id, id, &s))
		return 0;
	field_errors errs = {0};
	int rc = course_session_update(d, req->arena, &req->who, id, in, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply_session(req, d, course_id, id, 200);
}

/* DELETE /api/v1/courses/{id}/sessions/{sid}: 204; 409 once attendance
 * was taken in it. */
static int sessions_delete_api(request *req)
{
	int64_t course_id, id;
	db *d;
	if (!auth_path_id(req, 0, &course_id) || !auth_path_id(req, 1, &id) ||
	    !auth_begin(req, NULL, &d))
		return 0;
	course_session s;
	if (!load_session(req, d, course_id, id, &s))
		return 0;
	int rc = course_session_delete(d, req->arena, &req->who, id);
	if (rc == CK_E_CONFLICT) {
		auth_api_problem(
		    req, rc, "Attendance was taken in this session; it cannot be deleted.", NULL);
		return 0;
	}
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	req->resp.status = 204;
	return 0;
}

static const route courses_api_routes[] = {
    {"GET", "/api/v1/courses", courses_list_api, PERM_COURSES_READ, ROUTE_API,
     "Course offerings, newest first; status filter; paged by limit and cursor"},
    {"POST", "/api/v1/courses", courses_create_api, PERM_COURSES_WRITE, ROUTE_API,
     "Add a course on an approved curriculum version"},
    {"GET", "/api/v1/courses/{id}", courses_get_api, PERM_COURSES_READ, ROUTE_API, "One course"},
    {"PATCH", "/api/v1/courses/{id}", courses_patch_api, PERM_COURSES_WRITE, ROUTE_API,
     "Change a course: title, location, dates, capacity, status"},
    {"GET", "/api/v1/courses/{id}/conflicts", courses_conflicts_api, PERM_COURSES_READ, ROUTE_API,
     "The course's conflict report: scheduling errors and warnings"},
    {"GET", "/api/v1/courses/{id}/sessions", sessions_list_api, PERM_COURSES_READ, ROUTE_API,
     "The course's sessions in time order, with modules and instructors"},
    {"POST", "/api/v1/courses/{id}/sessions", sessions_create_api, PERM_COURSES_WRITE, ROUTE_API,
     "Add a session: date, start, end, room, modules, instructors"},
    {"GET", "/api/v1/courses/{id}/sessions/{sid}", sessions_get_api, PERM_COURSES_READ, ROUTE_API,
     "One session of a course"},
    {"PATCH", "/api/v1/courses/{id}/sessions/{sid}", sessions_patch_api, PERM_COURSES_WRITE,
     ROUTE_API, "Change a session"},
    {"DELETE", "/api/v1/courses/{id}/sessions/{sid}", sessions_delete_api, PERM_COURSES_WRITE,
     ROUTE_API, "Delete a session (not once attendance was taken)"},
};

void courses_api_register(void)
{
	ROUTES_ADD(courses_api_routes);
}
