/* enrollments_pages.c: enrollment pages. A course's trainees with their
 * status, hours and exactly what each still misses (/courses/{id}/enrollments),
 * the enroll form, withdraw and completion; one
 * trainee's hours by module and component with make-up credit
 * (/enrollments/{id}); and an officer's own courses (/me/courses). */
#include <string.h>
#include <time.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../auth/users.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "courses.h"
#include "enroll_web.h"

static const field_label enroll_labels[] = {
    {"user_id", "Officer"},    {"email", "Email"},        {"course_id", "Course"},
    {"session_id", "Session"}, {"module_code", "Module"}, {"minutes", "Minutes"},
    {"progress", NULL},        {"status", "Status"},
};

/* A course date (midnight UTC of the local date) as YYYY-MM-DD. */
static const char *date_text(arena *a, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char out[16];
	gmtime_r(&tt, &tm);
	strftime(out, sizeof out, "%Y-%m-%d", &tm);
	return arena_strdup(a, out);
}

/* A form posting to action with the CSRF token, one hidden field and a
 * button. */
static void small_form(request *req, const char *action, const char *name, const char *value,
                       const char *label)
{
	form_begin(req, action, NULL);
	if (name)
		form_hidden(req, name, value);
	html_printf(&req->resp.body, "<button type=\"submit\" class=\"secondary\">%s</button>",
	            label);
	form_end(req);
}

/* The officers the actor may enroll (their agency's, or everyone's). */
static void enroll_form(request *req, db *d, int64_t course_id, const kv *in,
                        const field_errors *errs)
{
	user_filter f = {.role = ROLE_OFFICER, .active = 1};
	user *people = NULL;
	size_t n = 0;
	const char *next = NULL;
	bool has_list =
	    user_list(d, req->arena, &req->who, &f, 200, NULL, &people, &n, &next) == 0 && n > 0;
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"enroll-h\"><h2 id=\"enroll-h\">Enroll an "
	            "officer</h2>");
	form_errors_summary(req, errs);
	form_begin(req, arena_printf(req->arena, "/courses/%lld/enrollments", (long long)course_id),
	           NULL);
	if (has_list) {
		const char **values = arena_array(req->arena, n + 2, sizeof *values);
		const char **labels = arena_array(req->arena, n + 2, sizeof *labels);
		values[0] = "";
		labels[0] = "Choose an officer";
		for (size_t i = 0; i < n; i++) {
			values[i + 1] = arena_printf(req->arena, "%lld", (long long)people[i].id);
			labels[i + 1] = arena_printf(req->arena, "%s (%s)", people[i].name,
			                             people[i].org_name ? people[i].org_name : "");
		}
		form_select(req, "user_id", "Officer", values, labels,
		            in ? kv_get(in, "user_id") : NULL, errs);
	} else {
		form_text(req, "email", "Officer's email", "email", in ? kv_get(in, "email") : NULL,
		          errs, "required");
	}
	form_submit(req, "Enroll");
	form_end(req);
	html_raw(b, "<p class=\"hint\">Past the course's capacity the officer is waitlisted; "
	            "the waitlist moves up in order when someone withdraws.</p></section>");
}

static void trainee_row(request *req, db *d, const enrollment *e, bool may_status)
{
	buf *b = &req->resp.body;
	html_printf(
	    b,
	    "<tr id=\"e-%lld\"><td data-label=\"Name\"><a href=\"/enrollments/%lld\">%s</a></td>"
	    "<td data-label=\"Agency\">%s</td><td data-label=\"Status\">%s</td>",
	    (long long)e->id, (long long)e->id, e->user_name, e->org_name,
	    enrollment_status_text(req->arena, e));
	progress p;
	bool seated = !strcmp(e->status, "enrolled") || !strcmp(e->status, "completed");
	if (may_status && seated && training_progress(d, req->arena, e->id, &p) == 0) {
		html_printf(
		    b, "<td data-label=\"Hours\" class=\"num\">%s</td><td data-label=\"Missing\">",
		    progress_hours_text(req->arena, p.total_minutes));
		if (p.n_missing == 0)
			html_raw(b, "Nothing: meets the completion rule");
		else {
			html_raw(b, "<ul class=\"missing\">");
			for (size_t i = 0; i < p.n_missing; i++)
				html_printf(b, "<li>%s</li>", p.missing[i].text);
			html_raw(b, "</ul>");
		}
		html_raw(b, "</td>");
	} else if (may_status) {
		html_raw(b, "<td data-label=\"Hours\" class=\"num\">—</td><td "
		            "data-label=\"Missing\">—</td>");
	}
	html_raw(b, "<td data-label=\"Actions\" class=\"actions\">");
	const char *base = arena_printf(req->arena, "/enrollments/%lld", (long long)e->id);
	bool active = !strcmp(e->status, "enrolled") || !strcmp(e->status, "waitlisted");
	if (active && perm_granted(req->who.roles, PERM_ENROLL) &&
	    (roles_see_all_orgs(req->who.roles) || e->org_id == req->who.org_id))
		small_form(req, arena_printf(req->arena, "%s/withdraw", base), NULL, NULL,
		           "Withdraw");
	if (seated && perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE) &&
	    !strcmp(e->status, "enrolled"))
		small_form(req, arena_printf(req->arena, "%s/complete", base), NULL, NULL,
		           "Complete");
	html_raw(b, "</td></tr>");
}

static const char *done_message(request *req)
{
	const char *done = kv_get(&req->query, "done");
	const char *pos = kv_get(&req->query, "position");
	if (!done)
		return NULL;
	if (!strcmp(done, "enrolled"))
		return "Enrolled.";
	if (!strcmp(done, "waitlisted"))
		return arena_printf(req->arena, "The course is full: waitlisted, position %s.",
		                    pos && strspn(pos, "0123456789") == strlen(pos) ? pos : "?");
	if (!strcmp(done, "withdrawn"))
		return "Withdrawn. The first on the waitlist, if any, now has the seat.";
	if (!strcmp(done, "completed"))
		return "Completed.";
	return NULL;
}

/* The course's sessions, each linked to its roll call. */
static void session_links(request *req, db *d, int64_t course_id)
{
	course_session *sessions = NULL;
	size_t n = 0;
	if (course_sessions_list(d, req->arena, &req->who, course_id, &sessions, &n) < 0 || n == 0)
		return;
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"roll-h\"><h2 id=\"roll-h\">Roll call</h2><ul>");
	for (size_t i = 0; i < n; i++) {
		char from[CLOCK_LOCAL_LEN];
		clock_local(sessions[i].starts_at, from);
		html_printf(b, "<li><a href=\"/sessions/%lld/roll\">%s</a>%s%s</li>",
		            (long long)sessions[i].id, from, *sessions[i].room ? ", room " : "",
		            sessions[i].room);
	}
	html_raw(b, "</ul></section>");
}

static int render_course(request *req, int64_t course_id, const kv *in, field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	course c;
	enrollment *items;
	size_t n;
	int rc = course_get(d, req->arena, &req->who, course_id, &c);
	if (rc == 0)
		rc = enrollment_list_for_course(d, req->arena, &req->who, course_id, &items, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	if (errs)
		AUTH_NAME_ERRORS(req->arena, errs, enroll_labels);
	page_begin(req, arena_printf(req->arena, "Enrollment: %s", c.title));
	const char *msg = done_message(req);
	if (msg)
		page_flash(req, FLASH_SUCCESS, msg);
	int64_t seated = 0, waiting = 0;
	for (size_t i = 0; i < n; i++) {
		seated +=
		    !strcmp(items[i].status, "enrolled") || !strcmp(items[i].status, "completed");
		waiting += !strcmp(items[i].status, "waitlisted");
	}
	html_printf(b,
	            "<p><a href=\"/courses/%lld\">%s</a> · %s · %lld of %lld seats taken, %lld "
	            "waitlisted</p>",
	            (long long)c.id, c.title, course_status_label(c.status), (long long)seated,
	            (long long)c.capacity, (long long)waiting);
	bool may_status = perm_granted(req->who.roles, PERM_TRAINING_STATUS);
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">Nobody is enrolled yet.</p>");
	} else {
		static const char *const full[] = {"Name",    "Agency",  "Status", "Hours",
		                                   "Missing", "Actions", NULL};
		static const char *const short_h[] = {"Name", "Agency", "Status", "Actions", NULL};
		page_table_begin(req, "Trainees", may_status ? full : short_h);
		for (size_t i = 0; i < n; i++)
			trainee_row(req, d, &items[i], may_status);
		page_table_end(req);
	}
	if (may_status)
		session_links(req, d, c.id);
	bool is_open = !strcmp(c.status, "open") || !strcmp(c.status, "in_progress");
	if (is_open && perm_granted(req->who.roles, PERM_ENROLL))
		enroll_form(req, d, c.id, in, errs);
	page_end(req);
	return 0;
}

/* GET /courses/{id}/enrollments?done=…: the course's trainees, status,
 * hours and what each still misses; enroll, withdraw, sign off, complete. */
static int course_enrollments_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_course(req, id, NULL, NULL);
}

/* POST /courses/{id}/enrollments: form field user_id (or email).
 * Redirects with done=enrolled or done=waitlisted&position=N; a problem
 * re-shows the page with the form's errors. */
static int course_enroll_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	enrollment e;
	int rc = enrollment_enroll_kv(d, req->arena, &req->who, id, &req->form, &e, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		req->resp.status = ck_error_status(rc);
		return render_course(req, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	if (!strcmp(e.status, "waitlisted"))
		resp_redirect(
		    req, arena_printf(req->arena,
		                      "/courses/%lld/enrollments?done=waitlisted&position=%lld",
		                      (long long)id, (long long)e.position));
	else
		resp_redirect(req,
		              arena_printf(req->arena, "/courses/%lld/enrollments?done=enrolled",
		                           (long long)id));
	return 0;
}

static void back_to_course(request *req, int64_t course_id, int64_t enrollment_id, const char *done)
{
	resp_redirect(req, arena_printf(req->arena, "/courses/%lld/enrollments?done=%s#e-%lld",
	                                (long long)course_id, done, (long long)enrollment_id));
}

/* The course of an enrollment the actor may see; false (404 set) if none. */
static bool course_of(request *req, db *d, int64_t id, int64_t *course_id)
{
	enrollment e;
	int rc = enrollment_get(d, req->arena, &req->who, id, &e);
	if (rc < 0) {
		auth_fail(req, rc);
		return false;
	}
	*course_id = e.course_id;
	return true;
}

/* POST /enrollments/{id}/withdraw: withdraws; back to the course's page. */
static int withdraw_submit(request *req)
{
	int64_t id, course_id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)) || !course_of(req, d, id, &course_id))
		return 0;
	int rc = enrollment_withdraw(d, req->arena, &req->who, id, NULL);
	if (!auth_ok(req, rc))
		return 0;
	back_to_course(req, course_id, id, "withdrawn");
	return 0;
}

/* POST /enrollments/{id}/complete: completes when the rule holds; else
 * the course page again (422) listing what is missing, or 409 when the
 * person is not enrolled. */
static int complete_submit(request *req)
{
	int64_t id, course_id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)) || !course_of(req, d, id, &course_id))
		return 0;
	field_errors errs = {0};
	int rc = enrollment_complete(d, req->arena, &req->who, id, NULL, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		req->resp.status = rc == CK_E_INVALID ? 422 : 409;
		return render_course(req, course_id, NULL, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	back_to_course(req, course_id, id, "completed");
	return 0;
}

static void progress_tables(request *req, const progress *p)
{
	buf *b = &req->resp.body;
	html_printf(b,
	            "<p>Attended <strong>%s</strong> of the %s the completion rule asks "
	            "(curriculum: %s).</p>",
	            progress_hours_text(req->arena, p->total_minutes),
	            progress_hours_text(req->arena, p->required_minutes),
	            progress_hours_text(req->arena, p->planned_minutes));
	if (p->n_missing == 0)
		page_flash(req, FLASH_SUCCESS, "Meets the completion rule.");
	else {
		html_raw(b, "<h2>Still missing</h2><ul class=\"missing\">");
		for (size_t i = 0; i < p->n_missing; i++)
			html_printf(b, "<li>%s</li>", p->missing[i].text);
		html_raw(b, "</ul>");
	}
	static const char *const mh[] = {"Module", "Component", "Required", "Attended",
	                                 "Of",     "Make-up",   NULL};
	page_table_begin(req, "Hours by module", mh);
	for (size_t i = 0; i < p->n_modules; i++) {
		const progress_module *m = &p->modules[i];
		html_printf(
		    b,
		    "<tr><td data-label=\"Module\">%s</td><td data-label=\"Component\">%s</td>"
		    "<td data-label=\"Required\">%s</td><td data-label=\"Attended\" "
		    "class=\"num\">%lld min</td><td data-label=\"Of\" class=\"num\">%lld "
		    "min</td><td data-label=\"Make-up\" class=\"num\">%lld min</td></tr>",
		    m->title, progress_component_label(m->component),
		    m->is_required ? (m->is_met ? "Yes, met" : "Yes, short") : "No",
		    (long long)m->attended, (long long)m->minutes, (long long)m->makeup);
	}
	page_table_end(req);
	static const char *const ch[] = {"Component", "Attended", "Of", NULL};
	page_table_begin(req, "Hours by component", ch);
	for (size_t i = 0; i < p->n_components; i++) {
		const progress_component *c = &p->components[i];
		if (c->minutes == 0)
			continue;
		html_printf(b,
		            "<tr><td data-label=\"Component\">%s</td><td data-label=\"Attended\" "
		            "class=\"num\">%s</td><td data-label=\"Of\" class=\"num\">%s</td></tr>",
		            progress_component_label(c->component),
		            progress_hours_text(req->arena, c->attended),
		            progress_hours_text(req->arena, c->minutes));
	}
	page_table_end(req);
}

static int render_enrollment(request *req, int64_t id, const kv *in, field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	enrollment e;
	progress p;
	int rc = enrollment_get(d, req->arena, &req->who, id, &e);
	if (rc == 0)
		rc = training_progress(d, req->arena, id, &p);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, arena_printf(req->arena, "%s: %s", e.user_name, e.course_title));
	const char *done = kv_get(&req->query, "done");
	if (done && !strcmp(done, "makeup"))
		page_flash(req, FLASH_SUCCESS, "The make-up credit was recorded.");
	html_printf(b, "<p>%s · %s · <a href=\"/courses/%lld\">%s</a></p>", e.org_name,
	            enrollment_status_text(req->arena, &e), (long long)e.course_id, e.course_title);
	progress_tables(req, &p);
	if (perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE) &&
	    (!strcmp(e.status, "enrolled") || !strcmp(e.status, "completed"))) {
		if (errs)
			AUTH_NAME_ERRORS(req->arena, errs, enroll_labels);
		html_raw(b, "<section aria-labelledby=\"makeup-h\"><h2 id=\"makeup-h\">Make-up "
		            "credit</h2><p>For a module missed here and attended in a session of "
		            "another course covering the same module.</p>");
		form_errors_summary(req, errs);
		form_begin(req, arena_printf(req->arena, "/enrollments/%lld/makeup", (long long)id),
		           NULL);
		form_text(req, "session_id", "Session number (of the other course)", "number",
		          in ? kv_get(in, "session_id") : NULL, errs, "required min=\"1\"");
		const char **codes = arena_array(req->arena, p.n_modules + 1, sizeof *codes);
		const char **titles = arena_array(req->arena, p.n_modules + 1, sizeof *titles);
		for (size_t i = 0; i < p.n_modules; i++) {
			codes[i] = p.modules[i].code;
			titles[i] = p.modules[i].title;
		}
		form_select(req, "module_code", "Module", codes, titles,
		            in ? kv_get(in, "module_code") : NULL, errs);
		form_text(req, "minutes", "Minutes (blank: all the session gives the module)",
		          "number", in ? kv_get(in, "minutes") : NULL, errs, "min=\"1\"");
		form_submit(req, "Record make-up credit");
		form_end(req);
		html_raw(b, "</section>");
	}
	if (perm_granted(req->who.roles, PERM_TRAINING_STATUS))
		html_printf(b,
		            "<p><a href=\"/courses/%lld/enrollments\">All trainees of the "
		            "course</a></p>",
		            (long long)e.course_id);
	page_end(req);
	return 0;
}

/* GET /enrollments/{id}?done=makeup: one trainee's hours by module and
 * component, what is missing, and the make-up credit form. */
static int enrollment_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_enrollment(req, id, NULL, NULL);
}

/* POST /enrollments/{id}/makeup: session_id, module_code, minutes. */
static int makeup_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	int rc = attendance_makeup(d, req->arena, &req->who, id, &req->form, NULL, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		req->resp.status = ck_error_status(rc);
		return render_enrollment(req, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req,
	              arena_printf(req->arena, "/enrollments/%lld?done=makeup", (long long)id));
	return 0;
}

/* GET /me/courses: the signed-in officer's courses, status and hours. */
static int my_courses_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	enrollment *items;
	size_t n;
	int rc = enrollment_list_for_user(d, req->arena, &req->who, req->who.user_id, &items, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "My courses");
	if (n == 0) {
		html_raw(b,
		         "<p class=\"empty\">You are not enrolled in any course. Your supervisor "
		         "or the program's coordinator enrolls you.</p>");
		page_end(req);
		return 0;
	}
	static const char *const h[] = {"Course", "Dates",         "Status",
	                                "Hours",  "Still missing", NULL};
	page_table_begin(req, "Courses", h);
	for (size_t i = 0; i < n; i++) {
		const enrollment *e = &items[i];
		progress p;
		if (training_progress(d, req->arena, e->id, &p) < 0)
			p = (progress){0};
		html_printf(
		    b,
		    "<tr><td data-label=\"Course\"><a href=\"/enrollments/%lld\">%s</a></td>"
		    "<td data-label=\"Dates\">%s – %s</td><td data-label=\"Status\">%s</td>"
		    "<td data-label=\"Hours\" class=\"num\">%s</td><td data-label=\"Still "
		    "missing\">",
		    (long long)e->id, e->course_title, date_text(req->arena, e->course_starts_on),
		    date_text(req->arena, e->course_ends_on), enrollment_status_text(req->arena, e),
		    progress_hours_text(req->arena, p.total_minutes));
		if (!strcmp(e->status, "completed"))
			html_raw(b, "Nothing");
		else
			for (size_t j = 0; j < p.n_missing; j++)
				html_printf(b, "%s%s", j ? "; " : "", p.missing[j].text);
		html_raw(b, "</td></tr>");
	}
	page_table_end(req);
	page_end(req);
	return 0;
}

void enroll_course_section(request *req, db *d, int64_t course_id)
{
	enrollment *items;
	size_t n;
	if (enrollment_list_for_course(d, req->arena, &req->who, course_id, &items, &n) < 0)
		return;
	int64_t seated = 0, waiting = 0;
	for (size_t i = 0; i < n; i++) {
		seated +=
		    !strcmp(items[i].status, "enrolled") || !strcmp(items[i].status, "completed");
		waiting += !strcmp(items[i].status, "waitlisted");
	}
	html_printf(&req->resp.body,
	            "<section aria-labelledby=\"trainees-h\"><h2 id=\"trainees-h\">Trainees</h2>"
	            "<p>%lld enrolled, %lld waitlisted. <a href=\"/courses/%lld/enrollments\">"
	            "Trainees, hours and enrollment</a></p></section>",
	            (long long)seated, (long long)waiting, (long long)course_id);
}

static const route enrollments_routes[] = {
    {"GET", "/courses/{id}/enrollments", course_enrollments_page, PERM_COURSES_READ, 0,
     "A course's trainees: status, hours, what is missing"},
    {"POST", "/courses/{id}/enrollments", course_enroll_submit, PERM_ENROLL, 0,
     "Enroll an officer"},
    {"GET", "/enrollments/{id}", enrollment_page, PERM_SIGNED_IN, 0,
     "One trainee's hours by module and component"},
    {"POST", "/enrollments/{id}/withdraw", withdraw_submit, PERM_ENROLL, 0, "Withdraw"},
    {"POST", "/enrollments/{id}/complete", complete_submit, PERM_ATTENDANCE_WRITE, 0,
     "Complete an enrollment"},
    {"POST", "/enrollments/{id}/makeup", makeup_submit, PERM_ATTENDANCE_WRITE, 0,
     "Record make-up credit"},
    {"GET", "/me/courses", my_courses_page, PERM_SIGNED_IN, 0, "My courses"},
};

void enrollments_pages_register(void)
{
	ROUTES_ADD(enrollments_routes);
}
