/* attendance_api.c: roll call over JSON. GET /api/v1/sessions/{id}/attendance
 * lists every seated trainee with their mark (present by default); PUT
 * records marks, all or nothing. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "enroll_web.h"

enum { ATTENDANCE_MAX_MARKS = 500 };

static int reply_roll(request *req, db *d, int64_t id)
{
	roll_call roll;
	int rc = attendance_roll(d, req->arena, &req->who, id, &roll);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *items = json_array();
	for (size_t i = 0; i < roll.n; i++) {
		const roll_entry *e = &roll.items[i];
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "enrollment_id",
		              (json_int_t)e->enrollment_id, "user_id", (json_int_t)e->user_id,
		              "name", e->name, "org_name", e->org_name, "status", e->status,
		              "minutes_late", (json_int_t)e->minutes_late, "minutes_left_early",
		              (json_int_t)e->minutes_left_early, "credited_minutes",
		              (json_int_t)e->credited_minutes, "is_recorded", e->is_recorded));
	}
	resp_json(req, 200,
	          json_pack("{s:I, s:I, s:s, s:o, s:o, s:I, s:b, s:b, s:o, s:n}", "session_id",
	                    (json_int_t)roll.session_id, "course_id", (json_int_t)roll.course_id,
	                    "course_title", roll.course_title, "starts_at",
	                    auth_json_time(roll.starts_at), "ends_at", auth_json_time(roll.ends_at),
	                    "length_minutes", (json_int_t)roll.length, "may_mark", roll.may_mark,
	                    "has_started", roll.has_started, "items", items, "next_cursor"));
	return 0;
}

/* GET /api/v1/sessions/{id}/attendance: the roll of a session. */
static int attendance_get(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	db *d = auth_db(req);
	return d ? reply_roll(req, d, id) : 0;
}

/* One mark from {enrollment_id, status?, minutes_late?, minutes_left_early?};
 * false with a field error when it is not that shape. */
static bool read_mark(request *req, json_t *obj, size_t i, attendance_mark *m, field_errors *errs)
{
	json_t *eid = json_object_get(obj, "enrollment_id"),
	       *status = json_object_get(obj, "status"),
	       *late = json_object_get(obj, "minutes_late"),
	       *early = json_object_get(obj, "minutes_left_early");
	const char *base = arena_printf(req->arena, "marks[%zu]", i);
	if (!json_is_object(obj) || !json_is_integer(eid)) {
		field_errors_add(errs, arena_printf(req->arena, "%s.enrollment_id", base),
		                 "is required (a whole number)");
		return false;
	}
	if ((status && !json_is_string(status)) || (late && !json_is_integer(late)) ||
	    (early && !json_is_integer(early))) {
		field_errors_add(
		    errs, base,
		    "status must be text, minutes_late and minutes_left_early whole numbers");
		return false;
	}
	*m = (attendance_mark){
	    .enrollment_id = json_integer_value(eid),
	    .status = status ? arena_strdup(req->arena, json_string_value(status)) : NULL,
	    .minutes_late = late ? json_integer_value(late) : 0,
	    .minutes_left_early = early ? json_integer_value(early) : 0,
	};
	return true;
}

/* PUT /api/v1/sessions/{id}/attendance: JSON {"marks": [{enrollment_id,
 * status?, minutes_late?, minutes_left_early?}, …]} (or the bare array).
 * Those not named keep their mark (present by default). 200 with the
 * roll; 422 naming marks[i].field for every bad mark (the plain field
 * name when a single mark is sent), or session_id for a session that has
 * not started yet, nothing written. */
static int attendance_put(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	json_t *body = NULL;
	if (request_json(req, &body) < 0)
		return 0;
	json_t *list = json_is_array(body) ? body : json_object_get(body, "marks");
	field_errors errs = {0};
	if (!json_is_array(list) || json_array_size(list) > ATTENDANCE_MAX_MARKS) {
		json_decref(body);
		field_errors_add(&errs, "marks", "must be a list of at most 500 marks");
		auth_api_fail(req, CK_E_INVALID, &errs);
		return 0;
	}
	size_t n = json_array_size(list);
	attendance_mark *marks = arena_array(req->arena, n + 1, sizeof *marks);
	for (size_t i = 0; i < n; i++)
		read_mark(req, json_array_get(list, i), i, &marks[i], &errs);
	json_decref(body);
	if (errs.len) {
		auth_api_fail(req, CK_E_INVALID, &errs);
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	int rc = attendance_record(d, req->arena, &req->who, id, marks, n, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply_roll(req, d, id);
}

static const route attendance_api_routes[] = {
    {"GET", "/api/v1/sessions/{id}/attendance", attendance_get, PERM_TRAINING_STATUS, ROUTE_API,
     "A session's roll: every seated trainee, present by default"},
    {"PUT", "/api/v1/sessions/{id}/attendance", attendance_put, PERM_ATTENDANCE_WRITE, ROUTE_API,
     "Record roll-call marks (late, left early, absent), all or nothing"},
};

void attendance_api_register(void)
{
	ROUTES_ADD(attendance_api_routes);
}
