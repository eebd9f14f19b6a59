/* enrollments_api.c: the JSON API for enrollment and completion:
 * GET/POST /api/v1/courses/{id}/enrollments, GET/DELETE
 * /api/v1/enrollments/{id} (DELETE withdraws), completion, make-up credit and GET
 * /api/v1/me/enrollments. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "enroll_web.h"

json_t *enroll_enrollment_json(const enrollment *e)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:o, s:o, s:o, "
	                 "s:o}",
	                 "id", (json_int_t)e->id, "course_id", (json_int_t)e->course_id,
	                 "course_title", e->course_title, "user_id", (json_int_t)e->user_id,
	                 "user_name", e->user_name, "user_email", e->user_email, "org_id",
	                 (json_int_t)e->org_id, "org_name", e->org_name, "status", e->status,
	                 "course_status", e->course_status, "position", (json_int_t)e->position,
	                 "waitlisted_at", auth_json_time(e->waitlisted_at), "seated_at",
	                 auth_json_time(e->seated_at), "created_at", auth_json_time(e->created_at),
	                 "updated_at", auth_json_time(e->updated_at));
}

static const char *const gap_kinds[] = {"module", "total", "assessment"};

json_t *enroll_progress_json(const progress *p)
{
	json_t *modules = json_array(), *components = json_array(), *missing = json_array();
	for (size_t i = 0; i < p->n_modules; i++) {
		const progress_module *m = &p->modules[i];
		json_array_append_new(
		    modules,
		    json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:b}", "code", m->code,
		              "title", m->title, "component", m->component, "minutes",
		              (json_int_t)m->minutes, "attended", (json_int_t)m->attended, "makeup",
		              (json_int_t)m->makeup, "before_seat", (json_int_t)m->before_seat,
		              "is_required", m->is_required, "is_met", m->is_met));
	}
	for (size_t i = 0; i < p->n_components; i++)
		json_array_append_new(components,
		                      json_pack("{s:s, s:I, s:I}", "component",
		                                p->components[i].component, "minutes",
		                                (json_int_t)p->components[i].minutes, "attended",
		                                (json_int_t)p->components[i].attended));
	for (size_t i = 0; i < p->n_missing; i++) {
		const progress_gap *g = &p->missing[i];
		json_array_append_new(missing, json_pack("{s:s, s:s?, s:I, s:I, s:s, s:b}", "kind",
		                                         gap_kinds[g->kind], "code", g->code,
		                                         "have", (json_int_t)g->have, "need",
		                                         (json_int_t)g->need, "text", g->text,
		                                         "makeup_needed", g->is_makeup_needed));
	}
	return json_pack("{s:I, s:s, s:I, s:I, s:I, s:b, s:I, s:I, s:o, s:b, s:o, s:o, s:o}",
	                 "enrollment_id", (json_int_t)p->enrollment_id, "status", p->status,
	                 "total_minutes", (json_int_t)p->total_minutes, "planned_minutes",
	                 (json_int_t)p->planned_minutes, "required_minutes",
	                 (json_int_t)p->required_minutes, "assessment_passed", p->assessment_passed,
	                 "runs_passed", (json_int_t)p->runs_passed, "runs_required",
	                 (json_int_t)p->runs_required, "assessment_passed_at",
	                 auth_json_time(p->assessment_passed_at), "is_complete", p->is_complete,
	                 "modules", modules, "components", components, "missing", missing);
}

static void reply_list(request *req, int rc, const enrollment *items, size_t n, const char *next)
{
	if (rc < 0) {
		auth_list_fail(req, rc);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, enroll_enrollment_json(&items[i]));
	resp_json(req, 200, auth_list_json(arr, next));
}

/* GET /api/v1/courses/{id}/enrollments?limit=N&cursor=C: the course's
 * enrollments the caller may see: seated, then the waitlist in order,
 * then the withdrawn. */
static int course_enrollments(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)))
		return 0;
	int limit;
	if (!auth_query_limit(req, 100, 200, &limit))
		return 0;
	enrollment *items;
	size_t n;
	const char *next;
	int rc = enrollment_page_for_course(d, req->arena, &req->who, id, limit,
	                                    kv_get(&req->query, "cursor"), &items, &n, &next);
	reply_list(req, rc, items, n, next);
	return 0;
}

/* POST /api/v1/courses/{id}/enrollments: JSON {user_id} or {email}. 201
 * with the enrollment; past capacity its status is "waitlisted" and
 * "message" says "waitlisted, position N". 409 when already enrolled,
 * 422 for someone who is not an officer or a course not open, 404 for a
 * person outside the caller's agency. */
static int course_enroll(request *req)
{
	int64_t id;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &id) || request_fields(req, &in) < 0 || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	enrollment e;
	int rc = enrollment_enroll_kv(d, req->arena, &req->who, id, in, &e, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	json_t *body = enroll_enrollment_json(&e);
	json_object_set_new(body, "message",
	                    json_string(!strcmp(e.status, "waitlisted")
	                                    ? arena_printf(req->arena, "waitlisted, position %lld",
	                                                   (long long)e.position)
	                                    : "enrolled"));
	auth_api_location(req, "/api/v1/enrollments", e.id);
	resp_json(req, 201, body);
	return 0;
}

static int reply_enrollment(request *req, db *d, int64_t id, int status)
{
	enrollment e;
	progress p;
	int rc = enrollment_get(d, req->arena, &req->who, id, &e);
	if (rc == 0)
		rc = training_progress(d, req->arena, id, &p);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *body = enroll_enrollment_json(&e);
	json_object_set_new(body, "progress", enroll_progress_json(&p));
	resp_json(req, status, body);
	return 0;
}

/* GET /api/v1/enrollments/{id}: one enrollment with its progress (hours
 * per module and component, and what is missing for completion). */
static int enrollment_one(request *req)
{
	return auth_api_get(req, reply_enrollment);
}

/* DELETE /api/v1/enrollments/{id}: withdraws; the first waitlisted is
 * promoted in the same transaction ("promoted_id", else null). 409 when
 * already withdrawn or completed. */
static int enrollment_delete(request *req)
{
	int64_t id, promoted = 0;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)))
		return 0;
	int rc = enrollment_withdraw(d, req->arena, &req->who, id, &promoted);
	enrollment e;
	if (rc == 0)
		rc = enrollment_get(d, req->arena, &req->who, id, &e);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *body = enroll_enrollment_json(&e);
	json_object_set_new(body, "promoted_id",
	                    promoted ? json_integer((json_int_t)promoted) : json_null());
	resp_json(req, 200, body);
	return 0;
}

/* POST /api/v1/enrollments/{id}/complete: marks the enrollment completed
 * when the completion rule holds; 422 listing each missing piece
 * ("progress") otherwise, 409 when not enrolled. */
static int enrollment_finish(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	progress p;
	int rc = enrollment_complete(d, req->arena, &req->who, id, &p, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply_enrollment(req, d, id, 200);
}

/* POST /api/v1/enrollments/{id}/makeup: JSON {session_id, module_code,
 * minutes?}: make-up credit from a session of another course. 201. */
static int enrollment_makeup(request *req)
{
	int64_t id, credit = 0;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &id) || request_fields(req, &in) < 0 || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	int rc = attendance_makeup(d, req->arena, &req->who, id, in, &credit, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply_enrollment(req, d, id, 201);
}

/* GET /api/v1/me/enrollments?limit=N&cursor=C: the caller's own
 * enrollments, newest course first. */
static int my_enrollments(request *req)
{
	int limit;
	db *d;
	if (!auth_list_begin(req, 100, 200, &limit, &d))
		return 0;
	enrollment *items;
	size_t n;
	const char *next;
	int rc = enrollment_page_for_user(d, req->arena, &req->who, req->who.user_id, limit,
	                                  kv_get(&req->query, "cursor"), &items, &n, &next);
	reply_list(req, rc, items, n, next);
	return 0;
}

static const route enrollments_api_routes[] = {
    {"GET", "/api/v1/courses/{id}/enrollments", course_enrollments, PERM_COURSES_READ, ROUTE_API,
     "A course's enrollments the caller may see: seated, waitlist in order, withdrawn; "
     "paged by limit and cursor"},
    {"POST", "/api/v1/courses/{id}/enrollments", course_enroll, PERM_ENROLL, ROUTE_API,
     "Enroll an officer (waitlisted past capacity)"},
    {"GET", "/api/v1/enrollments/{id}", enrollment_one, PERM_SIGNED_IN, ROUTE_API,
     "One enrollment with its hours and what is missing for completion"},
    {"DELETE", "/api/v1/enrollments/{id}", enrollment_delete, PERM_ENROLL, ROUTE_API,
     "Withdraw; the first waitlisted is promoted"},
    {"POST", "/api/v1/enrollments/{id}/complete", enrollment_finish, PERM_ATTENDANCE_WRITE,
     ROUTE_API, "Complete an enrollment that meets the completion rule"},
    {"POST", "/api/v1/enrollments/{id}/makeup", enrollment_makeup, PERM_ATTENDANCE_WRITE, ROUTE_API,
     "Make-up credit from a session of another course"},
    {"GET", "/api/v1/me/enrollments", my_enrollments, PERM_SIGNED_IN, ROUTE_API,
     "The caller's own enrollments, newest course first; paged by limit and cursor"},
};

void enrollments_api_register(void)
{
	ROUTES_ADD(enrollments_api_routes);
}
