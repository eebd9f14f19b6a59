/* calendar_web.c: the iCalendar feeds at their secret URLs,
 * /calendar/{course|instructor|officer}/{id}-{token}.ics. Public: a
 * calendar app subscribes without a session; the token is the key, and
 * a wrong or missing one answers 404 like an unknown feed. */
#include <string.h>

#include "../auth/auth.h"
#include "../auth/auth_web.h"
#include "../base/errors.h"
#include "calendar.h"
#include "courses_web.h"

static int feed(request *req, calendar_kind k)
{
	int64_t id;
	db *d = auth_db(req);
	if (!d)
		return 0;
	if (req->n_path_params < 1 || calendar_feed_check(d, k, req->path_params[0], &id) < 0) {
		resp_error(req, CK_E_NOT_FOUND, NULL);
		return 0;
	}
	buf b;
	buf_init(&b, req->arena);
	int rc = calendar_feed(d, req->arena, k, id, auth_now(), &b);
	if (rc < 0) {
		resp_error(req, rc, NULL);
		return 0;
	}
	resp_header(req, "Cache-Control", "private, max-age=300");
	resp_text(req, 200, "text/calendar; charset=utf-8", buf_str(&b));
	return 0;
}

/* GET /calendar/course/{id}-{token}.ics: a course's sessions. */
static int course_feed(request *req)
{
	return feed(req, CALENDAR_COURSE);
}

/* GET /calendar/instructor/{id}-{token}.ics: what a person teaches. */
static int instructor_feed(request *req)
{
	return feed(req, CALENDAR_INSTRUCTOR);
}

/* GET /calendar/officer/{id}-{token}.ics: the sessions of the courses an
 * officer is enrolled in. */
static int officer_feed(request *req)
{
	return feed(req, CALENDAR_OFFICER);
}

/* POST /calendar/reset: replaces the signed-in person's feed links (what
 * they teach and their enrolled courses). Back to Courses. */
static int own_reset(request *req)
{
	db *d;
	if (!auth_begin(req, NULL, &d))
		return 0;
	int rc = calendar_feed_reset(d, req->arena, &req->who, CALENDAR_OFFICER, req->who.user_id);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, "/courses?done=calendar");
	return 0;
}

/* POST /courses/{id}/calendar/reset: replaces a course's feed link
 * (coordinators). Back to the course. */
static int course_reset(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = calendar_feed_reset(d, req->arena, &req->who, CALENDAR_COURSE, id);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/courses/%lld?done=calendar", (long long)id));
	return 0;
}

static const route calendar_routes[] = {
    {"POST", "/calendar/reset", own_reset, PERM_SIGNED_IN, 0,
     "Replace your calendar feed links (the old ones stop working)"},
    {"POST", "/courses/{id}/calendar/reset", course_reset, PERM_COURSES_WRITE, 0,
     "Replace a course's calendar feed link (the old one stops working)"},
    {"GET", "/calendar/course/{feed}", course_feed, PERM_PUBLIC, 0,
     "iCalendar feed of a course's sessions (secret URL)"},
    {"GET", "/calendar/instructor/{feed}", instructor_feed, PERM_PUBLIC, 0,
     "iCalendar feed of an instructor's teaching (secret URL)"},
    {"GET", "/calendar/officer/{feed}", officer_feed, PERM_PUBLIC, 0,
     "iCalendar feed of an officer's course schedule (secret URL)"},
};

void calendar_web_register(void)
{
	ROUTES_ADD(calendar_routes);
}

void courses_routes_register(void)
{
	courses_pages_register();
	courses_api_register();
	calendar_web_register();
}
