/* courses_pages.c: course offerings as pages: the list (officers see the
 * open ones first), a new course, one course with its details, the
 * conflict report, the sessions by day and the calendar link, and the
 * session add / edit / delete forms. Coordinators and admins change
 * them; everyone signed in reads what they may see. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "calendar.h"
#include "conflicts.h"
#include "courses.h"
#include "enroll_web.h"
#include "courses_internal.h"
#include "courses_web.h"
#include "curricula.h"
#include "../scenarios/runs_pages.h"

static const field_label course_labels[] = {
    {"version_id", "Curriculum version"},
    {"title", "Title"},
    {"location", "Location"},
    {"starts_on", "First day"},
    {"ends_on", "Last day"},
    {"capacity", "Capacity"},
    {"scenario_runs_required", "Scenario runs required"},
    {"status", "Status"},
};
static const field_label session_labels[] = {
    {"date", "Date"}, {"start", "Start"},    {"end", "End"},
    {"room", "Room"}, {"module", "Modules"}, {"instructor", "Instructors"},
};

static const char *day_text(arena *a, int64_t day)
{
	char out[CLOCK_RFC3339_LEN];
	clock_rfc3339(day, out);
	return arena_strndup(a, out, 10);
}

static const char *hhmm(arena *a, int64_t t)
{
	int m = courses_local_minute(t);
	return arena_printf(a, "%02d:%02d", m / 60, m % 60);
}

static const char *const *status_labels(arena *a)
{
	const char *const *st = course_statuses();
	size_t n = 0;
	while (st[n])
		n++;
	const char **labels = arena_array(a, n + 1, sizeof *labels);
	for (size_t i = 0; i < n; i++)
		labels[i] = course_status_label(st[i]);
	return labels;
}

static bool may_write(request *req)
{
	return perm_granted(req->who.roles, PERM_COURSES_WRITE);
}

/* The viewer's own feeds: teaching (instructor kinds) and enrolled
 * courses (officers). */
static void own_feeds(request *req, db *d)
{
	buf *b = &req->resp.body;
	const char *teach = NULL, *enrolled = NULL;
	bool teaches = req->who.roles & (ROLE_INSTRUCTOR | ROLE_CLINICIAN | ROLE_PRESENTER);
	int64_t generation = 0;
	if ((!teaches && !(req->who.roles & ROLE_OFFICER)) ||
	    calendar_generation(d, CALENDAR_OFFICER, req->who.user_id, &generation) < 0)
		return;
	if (teaches)
		teach = calendar_feed_path(req->arena, CALENDAR_INSTRUCTOR, req->who.user_id,
		                           generation);
	if (req->who.roles & ROLE_OFFICER)
		enrolled =
		    calendar_feed_path(req->arena, CALENDAR_OFFICER, req->who.user_id, generation);
	if (!teach && !enrolled)
		return;
	html_raw(b, "<section aria-labelledby=\"cal-h\"><h2 id=\"cal-h\">Your calendar</h2>"
	            "<p>Subscribe in your calendar app; keep these links to yourself.</p><ul>");
	if (teach)
		html_printf(b, "<li><a href=\"%s\">Sessions you teach (.ics)</a></li>", teach);
	if (enrolled)
		html_printf(b, "<li><a href=\"%s\">Your enrolled courses (.ics)</a></li>",
		            enrolled);
	html_raw(b, "</ul><p>A link someone else has seen can be replaced: the old one stops "
	            "working, and your calendar app needs the new one.</p>");
	form_button(req, "/calendar/reset", "Replace my calendar links",
	            "Replace your calendar links? Calendars subscribed to the old ones stop "
	            "updating.");
	html_raw(b, "</section>");
}

/* GET /courses?status=S&cursor=C: course offerings, newest first.
 * Those who plan courses see all of them; everyone else the open ones
 * and those they teach (status=mine, the default for them: an
 * instructor finds their course in progress at once) unless they pick
 * another status (status=all: everything they may see). */
static int courses_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	const char *status = kv_get(&req->query, "status");
	if (!status)
		status = may_write(req) ? "all" : "mine";
	bool is_mine = !strcmp(status, "mine");
	course_filter f = {
	    .status = is_mine                 ? "open"
	              : strcmp(status, "all") ? status
	                                      : NULL,
	    .or_taught_by = is_mine ? req->who.user_id : 0,
	};
	course *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = course_list(d, req->arena, &req->who, &f, 0, kv_get(&req->query, "cursor"), &items,
	                     &n, &next);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Courses");
	static const page_done done[] = {
	    {"calendar", "Your calendar links were replaced; the old ones no longer work."},
	};
	PAGE_FLASH_DONE(req, done);
	html_raw(b, "<p>Offerings of the 40-hour CIT course and its sessions.</p>");
	if (may_write(req))
		html_raw(b, "<p><a class=\"button\" href=\"/courses/new\">Add a course</a></p>");
	html_raw(b, "<form method=\"get\" action=\"/courses\" class=\"filters\">"
	            "<label for=\"status\">Status</label><select id=\"status\" name=\"status\">");
	const char *const *st = course_statuses();
	html_printf(b, "<option value=\"all\"%s>All</option>",
	            !strcmp(status, "all") ? " selected" : "");
	html_printf(b, "<option value=\"mine\"%s>Open, and those I teach</option>",
	            is_mine ? " selected" : "");
	for (size_t i = 0; st[i]; i++)
		if (strcmp(st[i], "planned") || may_write(req))
			html_printf(b, "<option value=\"%s\"%s>%s</option>", st[i],
			            !strcmp(status, st[i]) ? " selected" : "",
			            course_status_label(st[i]));
	html_raw(b, "</select> <button type=\"submit\">Show</button></form>");
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">No courses to show.</p>");
	} else {
		static const char *const headers[] = {"Course",   "Dates",    "Status",
		                                      "Sessions", "Capacity", NULL};
		page_table_begin(req, "Courses", headers);
		for (size_t i = 0; i < n; i++) {
			const course *c = &items[i];
			html_printf(
			    b,
			    "<tr><td data-label=\"Course\"><a href=\"/courses/%lld\">%s</a></td>"
			    "<td data-label=\"Dates\">%s to %s</td><td "
			    "data-label=\"Status\">%s</td>"
			    "<td data-label=\"Sessions\" class=\"num\">%lld</td>"
			    "<td data-label=\"Capacity\" class=\"num\">%lld</td></tr>",
			    (long long)c->id, c->title, day_text(req->arena, c->starts_on),
			    day_text(req->arena, c->ends_on), course_status_label(c->status),
			    (long long)c->session_count, (long long)c->capacity);
		}
		page_table_end(req);
	}
	page_next_link(req, next);
	own_feeds(req, d);
	page_end(req);
	return 0;
}

/* The course form. c NULL: a new course (with the version choice). */
static void course_form(request *req, db *d, const course *c, const kv *in,
                        const field_errors *errs)
{
#define VAL(name, stored) (in ? kv_get(in, name) : (stored))
	form_errors_summary(req, errs);
	form_begin(req,
	           c ? arena_printf(req->arena, "/courses/%lld", (long long)c->id) : "/courses/new",
	           NULL);
	if (!c) {
		curriculum_version *versions = NULL;
		size_t n = 0;
		if (curriculum_versions_approved(d, req->arena, &req->who, &versions, &n) < 0)
			n = 0;
		const char **values = arena_array(req->arena, n + 1, sizeof *values);
		const char **labels = arena_array(req->arena, n + 1, sizeof *labels);
		for (size_t i = 0; i < n; i++) {
			values[i] = arena_printf(req->arena, "%lld", (long long)versions[i].id);
			labels[i] = arena_printf(req->arena, "%s, version %d", versions[i].title,
			                         versions[i].version);
		}
		form_select(req, "version_id", "Curriculum version (approved)", values, labels,
		            VAL("version_id", NULL), errs);
	}
	form_text(req, "title", "Title", "text", VAL("title", c ? c->title : NULL), errs,
	          "required maxlength=\"200\"");
	form_text(req, "location", "Location", "text", VAL("location", c ? c->location : NULL),
	          errs, "maxlength=\"200\"");
	form_text(req, "starts_on", "First day", "date",
	          VAL("starts_on", c ? day_text(req->arena, c->starts_on) : NULL), errs,
	          "required");
	form_text(req, "ends_on", "Last day", "date",
	          VAL("ends_on", c ? day_text(req->arena, c->ends_on) : NULL), errs, "required");
	form_text(
	    req, "capacity", "Capacity", "number",
	    VAL("capacity", c ? arena_printf(req->arena, "%lld", (long long)c->capacity) : "24"),
	    errs, "required min=\"1\" max=\"500\"");
	form_text(req, "scenario_runs_required", "Scenario runs required", "number",
	          VAL("scenario_runs_required",
	              arena_printf(req->arena, "%lld",
	                           (long long)(c ? c->scenario_runs_required
	                                         : COURSE_RUNS_REQUIRED_DEFAULT))),
	          errs, "min=\"0\" max=\"20\"");
	form_select(req, "status", "Status", course_statuses(), status_labels(req->arena),
	            VAL("status", c ? c->status : "planned"), errs);
	form_submit(req, c ? "Save changes" : "Add course");
	form_end(req);
#undef VAL
}

static int render_new(request *req, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	page_begin(req, "Add a course");
	course_form(req, d, NULL, in, errs);
	page_end(req);
	return 0;
}

/* GET /courses/new: the form for a new course offering. */
static int course_new_page(request *req)
{
	return render_new(req, NULL, NULL);
}

/* POST /courses/new: version_id, title, location, starts_on, ends_on,
 * capacity, status. Redirects to the course; a problem re-shows the form. */
static int course_new_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = course_create(d, req->arena, &req->who, &req->form, &id, &errs);
	if (rc == CK_E_INVALID) {
		AUTH_NAME_ERRORS(req->arena, &errs, course_labels);
		req->resp.status = ck_error_status(rc);
		return render_new(req, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/courses/%lld?done=created", (long long)id));
	return 0;
}

static void conflict_report(request *req, db *d, int64_t id)
{
	buf *b = &req->resp.body;
	course_conflict *items;
	size_t n;
	html_raw(b, "<section aria-labelledby=\"conf-h\"><h2 id=\"conf-h\">Conflicts</h2>");
	if (course_conflicts(d, req->arena, &req->who, id, &items, &n) < 0) {
		html_raw(b, "<p>The conflict report could not be made.</p></section>");
		return;
	}
	if (n == 0)
		html_raw(b,
		         "<p class=\"empty\">No conflicts: every module is scheduled in full.</p>");
	else
		html_raw(b, "<ul class=\"conflicts\">");
	for (size_t i = 0; i < n; i++)
		html_printf(b, "<li class=\"%s\" data-kind=\"%s\"><strong>%s:</strong> %s</li>",
		            items[i].is_warning ? "warning" : "error",
		            conflict_kind_name(items[i].kind),
		            items[i].is_warning ? "Warning" : "Conflict", items[i].message);
	if (n)
		html_raw(b, "</ul>");
	html_raw(b, "</section>");
}

static void session_cells(request *req, const course *c, const course_session *s)
{
	buf *b = &req->resp.body;
	html_printf(b,
	            "<tr><td data-label=\"Time\">%s–%s</td><td data-label=\"Room\">%s</td>"
	            "<td data-label=\"Modules\">",
	            hhmm(req->arena, s->starts_at), hhmm(req->arena, s->ends_at), s->room);
	for (size_t k = 0; k < s->module_count; k++)
		html_printf(b, "%s%s (%lld min)", k ? "<br>" : "", s->modules[k].title,
		            (long long)s->modules[k].minutes);
	html_raw(b, "</td><td data-label=\"Instructors\">");
	for (size_t k = 0; k < s->instructor_count; k++)
		html_printf(b, "%s%s", k ? ", " : "", s->instructors[k].name);
	html_raw(b, "</td>");
	/* The Actions column shows for those who take roll calls; the link
	 * only on the sessions they take (coordinators: all; instructors:
	 * those they teach, as attendance.h says). */
	bool has_actions = may_write(req) || perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE);
	bool takes_roll = perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE) && may_write(req);
	for (size_t k = 0; k < s->instructor_count && !takes_roll; k++)
		takes_roll = perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE) &&
		             s->instructors[k].user_id == req->who.user_id;
	if (has_actions) {
		html_raw(b, "<td data-label=\"Actions\">");
		if (takes_roll)
			html_printf(b, "<a href=\"/sessions/%lld/roll\">Roll call</a> ",
			            (long long)s->id);
	}
	if (may_write(req)) {
		html_printf(b, "<a href=\"/courses/%lld/sessions/%lld\">Edit</a> ",
		            (long long)c->id, (long long)s->id);
		form_button(req,
		            arena_printf(req->arena, "/courses/%lld/sessions/%lld/delete",
		                         (long long)c->id, (long long)s->id),
		            "Delete", "Delete this session?");
	}
	if (has_actions)
		html_raw(b, "</td>");
	html_raw(b, "</tr>");
}

/* Sessions grouped by local day, one table a day. */
static void sessions_by_day(request *req, const course *c, const course_session *s, size_t n)
{
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"sess-h\"><h2 id=\"sess-h\">Sessions</h2>");
	if (n == 0)
		html_raw(b, "<p class=\"empty\">No sessions yet.</p>");
	static const char *const headers[] = {"Time", "Room", "Modules", "Instructors", NULL};
	static const char *const headers_w[] = {"Time",        "Room",    "Modules",
	                                        "Instructors", "Actions", NULL};
	for (size_t i = 0; i < n;) {
		int64_t day = courses_local_day(s[i].starts_at);
		time_t tt = (time_t)day;
		struct tm tm;
		gmtime_r(&tt, &tm);
		char label[64];
		strftime(label, sizeof label, "%A %Y-%m-%d", &tm);
		bool actions =
		    may_write(req) || perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE);
		page_table_begin(req, label, actions ? headers_w : headers);
		for (; i < n && courses_local_day(s[i].starts_at) == day; i++)
			session_cells(req, c, &s[i]);
		page_table_end(req);
	}
	html_raw(b, "</section>");
}

/* The session form: add (s NULL) or edit. Module rows: a checkbox and
 * its minutes; instructors: checkboxes with their roles. */
static void session_form(request *req, db *d, const course *c, const course_session *s,
                         const kv *in, const field_errors *errs)
{
	buf *b = &req->resp.body;
	course_module *mods = NULL;
	size_t nm = 0;
	course_session_instructor *people = NULL;
	size_t np = 0;
	if (courses_load_modules(d, req->arena, c->version_id, c->id, &mods, &nm) < 0)
		nm = 0;
	if (course_instructor_choices(d, req->arena, &req->who, &people, &np) < 0)
		np = 0;
	form_errors_summary(req, errs);
	form_begin(req,
	           s ? arena_printf(req->arena, "/courses/%lld/sessions/%lld", (long long)c->id,
	                            (long long)s->id)
	             : arena_printf(req->arena, "/courses/%lld/sessions", (long long)c->id),
	           NULL);
#define VAL(name, stored) (in ? kv_get(in, name) : (stored))
	form_text(req, "date", "Date", "date",
	          VAL("date", s ? day_text(req->arena, courses_local_day(s->starts_at))
	                        : day_text(req->arena, c->starts_on)),
	          errs, "required");
	form_text(req, "start", "Start", "time",
	          VAL("start", s ? hhmm(req->arena, s->starts_at) : NULL), errs, "required");
	form_text(req, "end", "End", "time", VAL("end", s ? hhmm(req->arena, s->ends_at) : NULL),
	          errs, "required");
	form_text(req, "room", "Room", "text", VAL("room", s ? s->room : NULL), errs,
	          "maxlength=\"100\"");
#undef VAL
	form_hidden(req, "modules_set", "1");
	form_hidden(req, "instructors_set", "1");
	html_raw(b, "<fieldset id=\"module\"><legend>Modules and minutes</legend>");
	for (size_t i = 0; i < nm; i++) {
		const course_module *m = &mods[i];
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)m->id);
		int64_t minutes = 0;
		bool on = false;
		for (size_t k = 0; s && !in && k < s->module_count; k++)
			if (s->modules[k].module_id == m->id) {
				on = true;
				minutes = s->modules[k].minutes;
			}
		const char *mtext =
		    in ? kv_get(in, arena_printf(req->arena, "minutes_%s", id)) : NULL;
		if (in) {
			size_t cnt = 0;
			const char **vals = kv_get_all(in, "module", &cnt);
			for (size_t k = 0; k < cnt; k++)
				on = on || !strcmp(vals[k], id);
		}
		html_printf(
		    b,
		    "<div class=\"module-row\"><input type=\"checkbox\" name=\"module\" "
		    "id=\"module-%s\" value=\"%s\"%s> <label for=\"module-%s\">%s "
		    "(%lld of %lld min scheduled)</label> <label for=\"minutes-%s\">Minutes"
		    "</label> <input type=\"number\" min=\"1\" max=\"1440\" "
		    "id=\"minutes-%s\" name=\"minutes_%s\" value=\"%s\"></div>",
		    id, id, on ? " checked" : "", id, m->title, (long long)m->scheduled_minutes,
		    (long long)m->minutes, id, id, id,
		    mtext ? mtext
		          : (minutes ? arena_printf(req->arena, "%lld", (long long)minutes) : ""));
	}
	html_raw(b, "</fieldset><fieldset id=\"instructor\"><legend>Instructors</legend>");
	for (size_t i = 0; i < np; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)people[i].user_id);
		bool on = false;
		for (size_t k = 0; s && !in && k < s->instructor_count; k++)
			on = on || s->instructors[k].user_id == people[i].user_id;
		if (in) {
			size_t cnt = 0;
			const char **vals = kv_get_all(in, "instructor", &cnt);
			for (size_t k = 0; k < cnt; k++)
				on = on || !strcmp(vals[k], id);
		}
		html_printf(
		    b,
		    "<div><input type=\"checkbox\" name=\"instructor\" id=\"instructor-%s\" "
		    "value=\"%s\"%s> <label for=\"instructor-%s\">%s (%s)</label></div>",
		    id, id, on ? " checked" : "", id, people[i].name,
		    auth_role_text(req->arena, people[i].roles));
	}
	html_raw(b, "</fieldset>");
	form_submit(req, s ? "Save session" : "Add session");
	form_end(req);
}

static int render_course(request *req, int64_t id, const kv *course_in,
                         const field_errors *course_errs, const kv *session_in,
                         const field_errors *session_errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	course c;
	int rc = course_get(d, req->arena, &req->who, id, &c);
	course_session *sessions = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = courses_load_sessions(d, req->arena, id, &sessions, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, c.title);
	static const page_done done[] = {
	    {"created", "The course was added."},
	    {"saved", "Your changes were saved."},
	    {"session", "The session was saved."},
	    {"deleted", "The session was deleted."},
	    {"calendar", "The course's calendar link was replaced; the old one no longer works."},
	};
	PAGE_FLASH_DONE(req, done);
	html_printf(b,
	            "<dl class=\"details\"><dt>Curriculum</dt><dd>%s, version %lld</dd>"
	            "<dt>Dates</dt><dd>%s to %s</dd><dt>Location</dt><dd>%s</dd>"
	            "<dt>Capacity</dt><dd>%lld</dd><dt>Status</dt><dd>%s</dd>"
	            "<dt>Scenario runs required</dt><dd>%lld passed</dd>"
	            "<dt>Scheduled</dt><dd>%lld h %02lld min in %lld sessions</dd>",
	            c.curriculum_title, (long long)c.curriculum_version,
	            day_text(req->arena, c.starts_on), day_text(req->arena, c.ends_on),
	            *c.location ? c.location : "—", (long long)c.capacity,
	            course_status_label(c.status), (long long)c.scenario_runs_required,
	            (long long)(c.scheduled_minutes / 60), (long long)(c.scheduled_minutes % 60),
	            (long long)c.session_count);
	const char *feed =
	    calendar_feed_path(req->arena, CALENDAR_COURSE, c.id, c.calendar_generation);
	if (feed)
		html_printf(b,
		            "<dt>Calendar</dt><dd><a href=\"%s\">Subscribe to this course's "
		            "sessions (.ics)</a></dd>",
		            feed);
	html_raw(b, "</dl>");
	if (feed && may_write(req))
		form_button(req,
		            arena_printf(req->arena, "/courses/%lld/calendar/reset", (long long)id),
		            "Replace the course's calendar link",
		            "Replace the link? Calendars subscribed to the old one stop updating.");
	if (may_write(req))
		conflict_report(req, d, id);
	sessions_by_day(req, &c, sessions, n);
	enroll_course_section(req, d, id);
	runs_course_link(req, id);
	if (perm_granted(req->who.roles, PERM_CERTS_ISSUE))
		html_printf(b,
		            "<p><a href=\"/courses/%lld/certificates\">Certificates of this course"
		            "</a></p>",
		            (long long)id);
	if (may_write(req)) {
		html_raw(b,
		         "<section aria-labelledby=\"add-h\"><h2 id=\"add-h\">Add a session</h2>");
		session_form(req, d, &c, NULL, session_in, session_errs);
		html_raw(b, "</section><section aria-labelledby=\"edit-h\"><h2 id=\"edit-h\">Edit "
		            "the course</h2>");
		course_form(req, d, &c, course_in, course_errs);
		html_raw(b, "</section>");
	}
	html_raw(b, "<p><a href=\"/courses\">All courses</a></p>");
	page_end(req);
	return 0;
}

/* GET /courses/{id}?done=…: the course, its conflicts and sessions; the
 * session and course forms for those who plan courses. */
static int course_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_course(req, id, NULL, NULL, NULL, NULL);
}

/* POST /courses/{id}: the course fields. Redirects back to the page. */
static int course_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = course_update(d, req->arena, &req->who, id, &req->form, &errs);
	if (rc == CK_E_INVALID) {
		AUTH_NAME_ERRORS(req->arena, &errs, course_labels);
		req->resp.status = ck_error_status(rc);
		return render_course(req, id, &req->form, &errs, NULL, NULL);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/courses/%lld?done=saved", (long long)id));
	return 0;
}

/* POST /courses/{id}/sessions: date, start, end, room, module (+
 * minutes_ID), instructor. Redirects to the course. */
static int session_new_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int64_t sid = 0;
	int rc = course_session_create(d, req->arena, &req->who, id, &req->form, &sid, &errs);
	if (rc == CK_E_INVALID) {
		AUTH_NAME_ERRORS(req->arena, &errs, session_labels);
		req->resp.status = ck_error_status(rc);
		return render_course(req, id, NULL, NULL, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/courses/%lld?done=session", (long long)id));
	return 0;
}

static int render_session(request *req, int64_t course_id, int64_t id, const kv *in,
                          const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	course c;
	course_session s;
	int rc = course_session_get(d, req->arena, &req->who, id, &s);
	if (rc == 0 && s.course_id != course_id)
		rc = CK_E_NOT_FOUND;
	if (rc == 0)
		rc = course_get(d, req->arena, &req->who, course_id, &c);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, arena_printf(req->arena, "Session of %s",
	                             courses_span_text(req->arena, s.starts_at, s.ends_at)));
	html_printf(&req->resp.body, "<p>Course: <a href=\"/courses/%lld\">%s</a></p>",
	            (long long)c.id, c.title);
	session_form(req, d, &c, &s, in, errs);
	page_end(req);
	return 0;
}

/* GET /courses/{id}/sessions/{sid}: the session's edit form. */
static int session_page(request *req)
{
	int64_t course_id, id;
	if (!auth_path_id(req, 0, &course_id) || !auth_path_id(req, 1, &id))
		return 0;
	return render_session(req, course_id, id, NULL, NULL);
}

/* POST /courses/{id}/sessions/{sid}: as for a new session. */
static int session_submit(request *req)
{
	int64_t course_id, id;
	db *d;
	if (!auth_path_id(req, 0, &course_id) || !auth_path_id(req, 1, &id) ||
	    !auth_begin(req, NULL, &d))
		return 0;
	course_session s;
	int rc = course_session_get(d, req->arena, &req->who, id, &s);
	if (rc == 0 && s.course_id != course_id)
		rc = CK_E_NOT_FOUND;
	field_errors errs = {0};
	if (rc == 0)
		rc = course_session_update(d, req->arena, &req->who, id, &req->form, &errs);
	/* 422 for a bad field, 409 for new times once attendance was taken:
	 * the form again with what is wrong. */
	if (rc == CK_E_INVALID || (rc == CK_E_CONFLICT && errs.len)) {
		AUTH_NAME_ERRORS(req->arena, &errs, session_labels);
		req->resp.status = ck_error_status(rc);
		return render_session(req, course_id, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req,
	              arena_printf(req->arena, "/courses/%lld?done=session", (long long)course_id));
	return 0;
}

/* POST /courses/{id}/sessions/{sid}/delete: removes the session (refused
 * with 409 once attendance was taken). */
static int session_delete_submit(request *req)
{
	int64_t course_id, id;
	db *d;
	if (!auth_path_id(req, 0, &course_id) || !auth_path_id(req, 1, &id) ||
	    !auth_begin(req, NULL, &d))
		return 0;
	course_session s;
	int rc = course_session_get(d, req->arena, &req->who, id, &s);
	if (rc == 0 && s.course_id != course_id)
		rc = CK_E_NOT_FOUND;
	if (rc == 0)
		rc = course_session_delete(d, req->arena, &req->who, id);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req,
	              arena_printf(req->arena, "/courses/%lld?done=deleted", (long long)course_id));
	return 0;
}

static const route courses_routes[] = {
    {"GET", "/courses", courses_page, PERM_COURSES_READ, 0, "Course offerings"},
    {"GET", "/courses/new", course_new_page, PERM_COURSES_WRITE, 0, "Form for a new course"},
    {"POST", "/courses/new", course_new_submit, PERM_COURSES_WRITE, 0, "Add a course"},
    {"GET", "/courses/{id}", course_page, PERM_COURSES_READ, 0,
     "One course: details, conflicts, sessions by day, calendar link"},
    {"POST", "/courses/{id}", course_submit, PERM_COURSES_WRITE, 0, "Change a course"},
    {"POST", "/courses/{id}/sessions", session_new_submit, PERM_COURSES_WRITE, 0, "Add a session"},
    {"GET", "/courses/{id}/sessions/{sid}", session_page, PERM_COURSES_WRITE, 0,
     "A session's edit form"},
    {"POST", "/courses/{id}/sessions/{sid}", session_submit, PERM_COURSES_WRITE, 0,
     "Change a session"},
    {"POST", "/courses/{id}/sessions/{sid}/delete", session_delete_submit, PERM_COURSES_WRITE, 0,
     "Delete a session"},
};

void courses_pages_register(void)
{
	ROUTES_ADD(courses_routes);
}
