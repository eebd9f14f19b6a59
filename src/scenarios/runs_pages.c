/* runs_pages.c: live scenario runs as pages, for the instructor's laptop
 * and the classmates' phones. /courses/{id}/runs lists a course's runs,
 * starts one (scenario, trainee, role player) and shows the course
 * matrix (trainee × skill); /runs/{id} is the instructor's console (the
 * dispatch brief, the join code large with its QR code, End scenario,
 * Close run, the result); /join and /runs/join/{code} take a classmate
 * from a code to the run's score page; /me/runs is a trainee's history
 * and skill trend. The score and debrief pages are in debrief_pages.c.
 * Every form works without JavaScript and carries the CSRF token. */
#include <stdlib.h>
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../base/qr_svg.h"
#include "../training/courses.h"
#include "../training/enrollments.h"
#include "../web/layout.h"
#include "feedback.h"
#include "runs.h"
#include "runs_pages.h"
#include "runs_web.h"
#include "scenarios.h"

static const field_label start_labels[] = {
    {"scenario_id", "Scenario"},
    {"enrollment_id", "Trainee"},
    {"trainee_id", "Trainee"},
    {"role_player_id", "Role player"},
    {"role_player_name", "Role player's name"},
    {"course_id", "Course"},
};

static const char *id_text(arena *a, int64_t id)
{
	return arena_printf(a, "%lld", (long long)id);
}

const char *runs_result_text(const run *r)
{
	if (!r->result)
		return "Not closed";
	return strcmp(r->result, "pass") ? "Did not pass" : "Passed";
}

/* The run's result as a badge ("Passed", "Did not pass"), or its status. */
static void result_badge(buf *b, const run *r)
{
	if (r->result)
		html_printf(b, "<span class=\"badge %s\">%s</span>",
		            strcmp(r->result, "pass") ? "badge-warn" : "badge-ok",
		            runs_result_text(r));
	else
		html_printf(b, "<span class=\"badge badge-muted\">%s</span>",
		            run_status_label(r->status));
}

/* ---- /courses/{id}/runs ------------------------------------------------ */

/* The start form's choices: the library's scenarios with a rubric, the
 * course's seated trainees, and the people who may play a role. */
static void start_form(request *req, db *d, int64_t course_id, const kv *in,
                       const field_errors *errs)
{
	arena *a = req->arena;
	buf *b = &req->resp.body;
	/* The whole library, a page at a time (it is small: tens). */
	enum { MAX_CHOICES = 1000 };
	const char **sv = arena_array(a, MAX_CHOICES + 2, sizeof *sv);
	const char **sl = arena_array(a, MAX_CHOICES + 2, sizeof *sl);
	size_t k = 0, nsc = 0;
	sv[k] = "";
	sl[k++] = "Choose a scenario";
	const char *cursor = NULL;
	do {
		scenario *sc = NULL;
		size_t n = 0;
		const char *next = NULL;
		if (scenario_list(d, a, &req->who, NULL, 0, cursor, &sc, &n, &next) < 0)
			break;
		for (size_t i = 0; i < n && k <= MAX_CHOICES; i++) {
			nsc++;
			if (!sc[i].rubric_id || sc[i].is_archived)
				continue;
			sv[k] = id_text(a, sc[i].id);
			sl[k++] = arena_printf(a, "%s (%s, %lld min)", sc[i].title,
			                       scenario_crisis_label(sc[i].crisis_type),
			                       (long long)sc[i].minutes);
		}
		cursor = next;
	} while (cursor && k <= MAX_CHOICES);
	sv[k] = sl[k] = NULL;

	enrollment *en = NULL;
	size_t nen = 0;
	if (enrollment_list_for_course(d, a, &req->who, course_id, &en, &nen) < 0)
		nen = 0;
	const char **tv = arena_array(a, nen + 2, sizeof *tv),
	           **tl = arena_array(a, nen + 2, sizeof *tl);
	k = 0;
	tv[k] = "";
	tl[k++] = "Choose a trainee";
	for (size_t i = 0; i < nen; i++) {
		if (strcmp(en[i].status, "enrolled") && strcmp(en[i].status, "completed"))
			continue;
		tv[k] = id_text(a, en[i].id);
		tl[k++] = arena_printf(a, "%s (%s)", en[i].user_name, en[i].org_name);
	}
	tv[k] = tl[k] = NULL;

	course_session_instructor *people = NULL;
	size_t np = 0;
	if (course_instructor_choices(d, a, &req->who, &people, &np) < 0)
		np = 0;
	const char **pv = arena_array(a, np + 2, sizeof *pv),
	           **pl = arena_array(a, np + 2, sizeof *pl);
	pv[0] = "";
	pl[0] = "An actor without an account (name below)";
	for (size_t i = 0; i < np; i++) {
		pv[i + 1] = id_text(a, people[i].user_id);
		pl[i + 1] =
		    arena_printf(a, "%s (%s)", people[i].name, auth_role_text(a, people[i].roles));
	}
	pv[np + 1] = pl[np + 1] = NULL;

	html_raw(b, "<section aria-labelledby=\"start-h\"><h2 id=\"start-h\">Start a run</h2>");
	form_errors_summary(req, errs);
	form_begin(req, arena_printf(a, "/courses/%lld/runs", (long long)course_id), NULL);
#define VAL(name) (in ? kv_get(in, name) : NULL)
	form_select(req, "scenario_id", "Scenario", sv, sl, VAL("scenario_id"), errs);
	form_select(req, "enrollment_id", "Trainee", tv, tl, VAL("enrollment_id"), errs);
	form_select(req, "role_player_id", "Role player", pv, pl, VAL("role_player_id"), errs);
	form_text(req, "role_player_name", "Role player's name (an actor without an account)",
	          "text", VAL("role_player_name"), errs, "maxlength=\"100\" autocomplete=\"off\"");
#undef VAL
	form_submit(req, "Start the run");
	form_end(req);
	if (nsc == 0)
		html_raw(
		    b,
		    "<p class=\"muted\">The scenario library is empty: add scenarios first.</p>");
	html_raw(b, "</section>");
}

static void runs_table(request *req, const run *items, size_t n, bool show_course)
{
	buf *b = &req->resp.body;
	static const char *const headers[] = {"Started", "Scenario", "Trainee", "Result", NULL};
	static const char *const headers_c[] = {"Started", "Course", "Scenario", "Result", NULL};
	page_table_begin(req, show_course ? "Your runs" : "Runs",
	                 show_course ? headers_c : headers);
	for (size_t i = 0; i < n; i++) {
		const run *r = &items[i];
		html_raw(b, "<tr><td data-label=\"Started\">");
		auth_time_html(b, r->started_at);
		if (show_course)
			html_printf(b, "</td><td data-label=\"Course\">%s", r->course_title);
		html_printf(b,
		            "</td><td data-label=\"Scenario\"><a href=\"/runs/%lld%s\">%s</a></td>",
		            (long long)r->id, show_course ? "/debrief" : "", r->scenario_title);
		if (!show_course)
			html_printf(b, "<td data-label=\"Trainee\">%s</td>", r->trainee_name);
		/* One span: on a phone the cell is a two-column grid. */
		html_raw(b, "<td data-label=\"Result\"><span>");
		result_badge(b, r);
		if (r->mean_x100 >= 0)
			html_printf(b, " <span class=\"muted\">mean %s</span>",
			            feedback_mean_text(req->arena, r->mean_x100));
		html_raw(b, "</span></td></tr>\n");
	}
	page_table_end(req);
}

/* The course matrix: one row a trainee, one column a skill (the latest
 * closed run's instructor mean), then runs passed / required. */
static void matrix_section(request *req, db *d, int64_t course_id)
{
	buf *b = &req->resp.body;
	arena *a = req->arena;
	run_matrix m;
	html_raw(b, "<section aria-labelledby=\"matrix-h\"><h2 id=\"matrix-h\">Trainees and skills"
	            "</h2>");
	if (run_matrix_for_course(d, a, &req->who, course_id, &m) < 0) {
		html_raw(b, "<p>The matrix could not be made.</p></section>");
		return;
	}
	html_printf(b,
	            "<p>Each trainee's latest closed run, the instructors' mean a skill (1 to 5); "
	            "the course asks for %lld passed runs.</p>",
	            (long long)m.runs_required);
	if (m.n_rows == 0) {
		html_raw(b, "<p class=\"empty\">Nobody is enrolled in this course.</p></section>");
		return;
	}
	const char **headers = arena_array(a, m.n_columns + 3, sizeof *headers);
	headers[0] = "Trainee";
	for (size_t c = 0; c < m.n_columns; c++)
		headers[c + 1] = m.columns[c].is_critical
		                     ? arena_printf(a, "%s (critical)", m.columns[c].title)
		                     : m.columns[c].title;
	headers[m.n_columns + 1] = "Runs passed";
	headers[m.n_columns + 2] = NULL;
	page_table_begin_numeric(req, "Trainees and skills", headers, 1);
	for (size_t i = 0; i < m.n_rows; i++) {
		const run_matrix_row *row = &m.rows[i];
		html_printf(b, "<tr><th scope=\"row\" data-label=\"Trainee\">%s", row->name);
		if (row->latest_run_id)
			html_printf(b, " <a href=\"/runs/%lld\" class=\"muted\">latest run</a>",
			            (long long)row->latest_run_id);
		html_raw(b, "</th>");
		for (size_t c = 0; c < m.n_columns; c++) {
			int64_t v = row->means_x100[c];
			html_printf(b, "<td data-label=\"%s\" class=\"num%s\">%s</td>",
			            m.columns[c].title, v >= 0 && v < 300 ? " low" : "",
			            feedback_mean_text(a, v));
		}
		html_printf(
		    b, "<td data-label=\"Runs passed\" class=\"num%s\">%lld / %lld</td></tr>\n",
		    row->runs_passed >= m.runs_required ? " done" : "", (long long)row->runs_passed,
		    (long long)m.runs_required);
	}
	page_table_end(req);
	html_raw(b, "</section>");
}

static int render_course_runs(request *req, int64_t course_id, const kv *in,
                              const field_errors *errs_in)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	course c;
	int rc = course_get(d, req->arena, &req->who, course_id, &c);
	run *items = NULL;
	size_t n = 0;
	int64_t next = 0;
	run_filter f = {.course_id = course_id, .limit = 100};
	if (rc == 0)
		rc = runs_course_access(d, &req->who, course_id);
	if (rc == 0)
		rc = run_list(d, req->arena, &req->who, &f, &items, &n, &next);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, arena_printf(req->arena, "Scenario runs: %s", c.title));
	html_printf(b,
	            "<p><a href=\"/courses/%lld\">Back to the course</a> · "
	            "<a href=\"/join\">Join a run with a code</a></p>",
	            (long long)course_id);
	field_errors errs = {0};
	if (errs_in) {
		errs = *errs_in;
		AUTH_NAME_ERRORS(req->arena, &errs, start_labels);
	}
	start_form(req, d, course_id, in, errs_in ? &errs : NULL);
	html_raw(b, "<section aria-labelledby=\"runs-h\"><h2 id=\"runs-h\">Runs</h2>");
	if (n == 0)
		html_raw(b, "<p class=\"empty\">No runs in this course yet.</p>");
	else
		runs_table(req, items, n, false);
	if (next)
		page_next_link(req, id_text(req->arena, next));
	html_raw(b, "</section>");
	matrix_section(req, d, course_id);
	page_end(req);
	return 0;
}

/* GET /courses/{id}/runs?cursor=C: the course's runs, the start form and
 * the matrix (instructors and managers). */
static int course_runs_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_course_runs(req, id, NULL, NULL);
}

/* POST /courses/{id}/runs: scenario_id, enrollment_id, role_player_id,
 * role_player_name. To the new run's console; a problem re-shows the
 * form (422). */
static int course_runs_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	run r;
	int rc = run_start_kv(d, req->arena, &req->who, id, &req->form, &r, &errs);
	if (rc == CK_E_INVALID) {
		req->resp.status = 422;
		return render_course_runs(req, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	run_events_changed(r.id);
	resp_redirect(req, arena_printf(req->arena, "/runs/%lld?done=started", (long long)r.id));
	return 0;
}

/* ---- /runs/{id}: the console ------------------------------------------- */

/* Text with line breaks kept (the dispatch brief). */
static void paragraphs(buf *b, const char *text)
{
	html_raw(b, "<div class=\"brief\">");
	const char *p = text ? text : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len) {
			html_raw(b, "<p>");
			char *line = arena_strndup(b->arena, p, len);
			html_text(b, line);
			html_raw(b, "</p>");
		}
		p += len + (nl ? 1 : 0);
	}
	html_raw(b, "</div>");
}

/* The role player's brief, for those who may read it (never trainees):
 * folded, so the console can be shown to the room without it. */
static void role_player_brief(request *req, const scenario_brief *br)
{
	buf *b = &req->resp.body;
	const struct {
		const char *label, *text;
	} parts[] = {
	    {"Character", br->character},      {"History", br->history},
	    {"Triggers", br->triggers},        {"What calms", br->calms},
	    {"What escalates", br->escalates}, {"When to cooperate", br->cooperation},
	    {"Safety limits", br->safety},
	};
	html_raw(b, "<section id=\"rp-brief\" aria-labelledby=\"rp-brief-h\"><h2 id=\"rp-brief-h\">"
	            "Role player's brief</h2><details><summary>Show the brief (not for trainees)"
	            "</summary><dl class=\"details\">");
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (parts[i].text && *parts[i].text) {
			html_printf(b, "<dt>%s</dt><dd>", parts[i].label);
			paragraphs(b, parts[i].text);
			html_raw(b, "</dd>");
		}
	html_raw(b, "</dl></details></section>");
}

static void run_details(request *req, const run *r)
{
	buf *b = &req->resp.body;
	html_raw(b, "<dl class=\"details\">");
	html_printf(b, "<dt>Course</dt><dd><a href=\"/courses/%lld\">%s</a></dd>",
	            (long long)r->course_id, r->course_title);
	html_printf(b, "<dt>Trainee</dt><dd>%s</dd>", r->trainee_name);
	html_printf(b, "<dt>Role player</dt><dd>%s</dd>",
	            r->role_player_name && *r->role_player_name ? r->role_player_name
	                                                        : "Not named");
	html_printf(b, "<dt>Status</dt><dd id=\"run-status\">%s</dd>", run_status_label(r->status));
	html_raw(b, "<dt>Started</dt><dd>");
	auth_time_html(b, r->started_at);
	html_raw(b, "</dd>");
	if (r->ended_at) {
		html_raw(b, "<dt>Ended</dt><dd>");
		auth_time_html(b, r->ended_at);
		html_raw(b, "</dd>");
	}
	if (r->closed_at) {
		html_printf(b, "<dt>Result</dt><dd><strong>%s</strong>, instructors' mean %s</dd>",
		            runs_result_text(r), feedback_mean_text(req->arena, r->mean_x100));
	}
	html_raw(b, "</dl>");
}

/* The join code large, its QR code and the address to type. */
static void join_panel(request *req, const run *r)
{
	buf *b = &req->resp.body;
	if (!r->join_code || !strcmp(r->status, "closed"))
		return;
	const char *url = runs_join_url(req, r->join_code);
	html_raw(b, "<section class=\"join-panel\" aria-labelledby=\"join-h\">"
	            "<h2 id=\"join-h\">Classmates join with this code</h2>");
	html_printf(b, "<p class=\"join-code\">%s</p>", r->join_code);
	html_raw(b, "<figure class=\"qr-figure\">");
	if (qr_svg(b, url, "QR code of the join address") < 0)
		html_raw(b, "<p>The QR code could not be drawn.</p>");
	/* The join page beside the run's own link: "https://cit.example/join"
	 * when a public URL is configured, else the path. */
	const char *at = strstr(url, "/runs/join/");
	const char *join =
	    at ? arena_printf(req->arena, "%.*s/join", (int)(at - url), url) : "/join";
	html_printf(b,
	            "<figcaption>Scan it with a phone's camera, or open <strong>%s</strong> and "
	            "type the code.</figcaption>",
	            join);
	html_raw(b, "</figure></section>");
}

static int render_console(request *req, int64_t id, const field_errors *errs, const char *problem)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	run r;
	int rc = run_get(d, req->arena, &req->who, id, &r);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, r.scenario_title);
	if (problem)
		page_flash(req, FLASH_ERROR, problem);
	if (errs)
		form_errors_summary(req, errs);
	static const page_done done[] = {
	    {"started", "The run has started. Show the code to the class."},
	    {"ended", "The scenario has ended; feedback is still open."},
	    {"closed", "The run is closed and its result is stored."},
	};
	PAGE_FLASH_DONE(req, done);
	run_details(req, &r);
	if (r.can_manage)
		join_panel(req, &r);

	html_raw(b, "<section aria-labelledby=\"act-h\"><h2 id=\"act-h\">During the run</h2>"
	            "<ul class=\"run-links\">");
	if (r.can_score)
		html_printf(
		    b, "<li><a class=\"button\" href=\"/runs/%lld/score\">Score this run</a></li>",
		    (long long)r.id);
	/* The button is what goes on the room's screen: where feedback is
	 * anonymous and this viewer would see names, it opens the view
	 * without them, and the named one is the quieter link. */
	bool hides_names = r.is_anonymous && r.sees_authors;
	html_printf(b,
	            "<li><a class=\"button button-secondary\" href=\"/runs/%lld/debrief%s\">"
	            "Debrief screen</a></li>",
	            (long long)r.id, hides_names ? "?view=projector" : "");
	if (hides_names)
		html_printf(b,
		            "<li><a href=\"/runs/%lld/debrief\">Debrief with classmates' names "
		            "(not for the projector)</a></li>",
		            (long long)r.id);
	scenario brief;
	/* Never to this run's trainee, whatever else their roles allow. */
	bool has_brief = r.viewer != RUN_VIEWER_TRAINEE &&
	                 perm_granted(req->who.roles, PERM_SCENARIOS_BRIEF) &&
	                 scenario_brief_get(d, req->arena, &req->who, r.scenario_id, &brief) == 0 &&
	                 brief.has_brief;
	if (has_brief)
		html_raw(b, "<li><a href=\"#rp-brief\">Role player's brief</a></li>");
	html_raw(b, "</ul>");
	if (r.can_manage && strcmp(r.status, "closed")) {
		html_raw(b, "<div class=\"actions run-actions\">");
		if (!strcmp(r.status, "live"))
			form_button(req,
			            arena_printf(req->arena, "/runs/%lld/end", (long long)r.id),
			            "End scenario", NULL);
		form_button(req, arena_printf(req->arena, "/runs/%lld/close", (long long)r.id),
		            "Close run", "Close the run? Feedback can no longer change.");
		html_raw(b, "</div><p class=\"muted\">End scenario stops the role play; feedback "
		            "stays open until you close the run, which stores the result.</p>");
	}
	html_raw(b, "</section>");

	html_raw(b, "<section aria-labelledby=\"brief-h\"><h2 id=\"brief-h\">Dispatch brief</h2>");
	paragraphs(b, r.dispatch_brief);
	html_raw(b, "</section>");
	if (has_brief)
		role_player_brief(req, &brief.brief);
	page_end(req);
	return 0;
}

/* GET /runs/{id}?done=started|ended|closed: the run's console. Managers
 * and instructors get the join code, QR code and the End / Close
 * buttons; others in scope the brief and their links. */
static int console_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_console(req, id, NULL, NULL);
}

/* POST /runs/{id}/end: "End scenario". */
static int end_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	run r;
	int rc = run_end(d, req->arena, &req->who, id, &r);
	if (rc == CK_E_CONFLICT) {
		req->resp.status = 409;
		return render_console(req, id, NULL, "The scenario has already ended.");
	}
	if (!auth_ok(req, rc))
		return 0;
	run_events_changed(id);
	resp_redirect(req, arena_printf(req->arena, "/runs/%lld?done=ended", (long long)id));
	return 0;
}

/* POST /runs/{id}/close: the result by the rubric's rule. 422 (console
 * with the reason) when the instructors have not scored every critical
 * skill; 409 when already closed. */
static int close_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	run r;
	field_errors errs = {0};
	int rc = run_close(d, req->arena, &req->who, id, &r, &errs);
	if (rc == CK_E_INVALID) {
		req->resp.status = 422;
		const char *why =
		    errs.len ? errs.items[0].message : "The run cannot be closed yet.";
		return render_console(
		    req, id, NULL,
		    arena_printf(req->arena, "The run cannot be closed yet: %s", why));
	}
	if (rc == CK_E_CONFLICT) {
		req->resp.status = 409;
		return render_console(req, id, NULL, "The run is already closed.");
	}
	if (!auth_ok(req, rc))
		return 0;
	run_events_changed(id);
	resp_redirect(req, arena_printf(req->arena, "/runs/%lld?done=closed", (long long)id));
	return 0;
}

/* ---- /join ------------------------------------------------------------- */

static int render_join(request *req, const char *code, const field_errors *errs)
{
	buf *b = &req->resp.body;
	page_begin(req, "Join a scenario run");
	form_errors_summary(req, errs);
	html_raw(b, "<p>Type the code your instructor shows (six letters and digits).</p>");
	form_begin(req, "/join", NULL);
	form_text(req, "code", "Join code", "text", code, errs,
	          "required maxlength=\"20\" autocomplete=\"off\" autocapitalize=\"characters\" "
	          "spellcheck=\"false\" class=\"code-input\"");
	form_submit(req, "Join");
	form_end(req);
	html_raw(b, "<p><a href=\"/me/runs\">Your scenario runs</a></p>");
	page_end(req);
	return 0;
}

/* GET /join: the code form. */
static int join_page(request *req)
{
	return render_join(req, kv_get(&req->query, "code"), NULL);
}

/* Where a joined person goes: the score page if they may score, else
 * the debrief (the trainee, the role player, a closed run). */
static const char *after_join(request *req, db *d, int64_t run_id)
{
	run r;
	if (run_get(d, req->arena, &req->who, run_id, &r) == 0 && !r.can_score)
		return arena_printf(req->arena, "/runs/%lld/debrief", (long long)run_id);
	return arena_printf(req->arena, "/runs/%lld/score", (long long)run_id);
}

/* Joins by code; on failure re-shows the form: 422 for an empty or
 * malformed code, 404 for a code that opens no run, 403 for a run of a
 * course the user is not enrolled in, 429 (with Retry-After) after too many wrong codes. */
static int join_with(request *req, const char *code)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	const char *norm = code ? run_join_code_normalise(req->arena, code) : NULL;
	if (!norm || !*norm) {
		field_errors_add(&errs, "code", "Enter the join code your instructor shows.");
		req->resp.status = 422;
		return render_join(req, code, &errs);
	}
	if (!run_join_code_valid(norm)) {
		field_errors_add(
		    &errs, "code",
		    arena_printf(req->arena,
		                 "A join code is %d letters and digits, such as K7P3QD.",
		                 RUN_JOIN_CODE_LEN));
		req->resp.status = 422;
		return render_join(req, code, &errs);
	}
	int64_t run_id = 0, retry = 0;
	int rc = run_join(d, req->arena, &req->who, req->remote_ip, norm, &run_id, &retry);
	if (rc == CK_E_NOT_FOUND) {
		field_errors_add(
		    &errs, "code",
		    "No run you can join has this code. Check it with your instructor.");
		req->resp.status = 404;
		return render_join(req, code, &errs);
	}
	if (rc == CK_E_FORBIDDEN) {
		field_errors_add(&errs, "code",
		                 "This run belongs to a course you are not enrolled in. Ask the "
		                 "instructor or the program coordinator.");
		req->resp.status = 403;
		return render_join(req, code, &errs);
	}
	if (rc == CK_E_RATE) {
		resp_header(req, "Retry-After", id_text(req->arena, retry > 0 ? retry : 60));
		field_errors_add(&errs, "code",
		                 arena_printf(req->arena,
		                              "Too many wrong codes. Try again in %lld minutes.",
		                              (long long)((retry + 59) / 60)));
		req->resp.status = 429;
		return render_join(req, code, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, after_join(req, d, run_id));
	return 0;
}

/* POST /join: code. To the run's score page (or debrief). */
static int join_submit(request *req)
{
	return join_with(req, kv_get(&req->form, "code"));
}

/* GET /runs/join/{code}: the QR code's target; the same as the form. */
static int join_link(request *req)
{
	return join_with(req, req->path_params[0]);
}

/* ---- /me/runs ------------------------------------------------------------ */

enum { SPARK_W = 120, SPARK_H = 32 };

/* An inline SVG line of a skill's instructor means (1..5) across runs,
 * oldest left, over a faint line at 3; runs without a score are skipped. */
static void sparkline(buf *b, const run_trend *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_points; i++)
		n += t->points[i].instructor_mean_x100 >= 0;
	if (n == 0) {
		html_raw(b, "–");
		return;
	}
	/* y of a mean ×100 (100..500) inside a 4-pixel margin. */
#define SPARK_Y(v) ((long)(SPARK_H - 4 - ((v)-100) * (SPARK_H - 8) / 400))
	html_printf(b,
	            "<svg class=\"spark\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	            "role=\"img\" aria-label=\"%s: trend over %zu runs\"><line x1=\"0\" x2=\"%d\" "
	            "y1=\"%ld\" y2=\"%ld\" class=\"spark-pass\"></line>",
	            SPARK_W, SPARK_H, SPARK_W, SPARK_H, t->skill_title, n, SPARK_W, SPARK_Y(300),
	            SPARK_Y(300));
	html_raw(b, n == 1 ? "" : "<polyline points=\"");
	size_t k = 0;
	for (size_t i = 0; i < t->n_points; i++) {
		int64_t v = t->points[i].instructor_mean_x100;
		if (v < 0)
			continue;
		long x = n == 1 ? SPARK_W / 2 : (long)(4 + k * (SPARK_W - 8) / (n - 1));
		if (n == 1)
			html_printf(b, "<circle cx=\"%ld\" cy=\"%ld\" r=\"3\"></circle>", x,
			            SPARK_Y(v));
		else
			html_printf(b, "%s%ld,%ld", k ? " " : "", x, SPARK_Y(v));
		k++;
	}
#undef SPARK_Y
	html_raw(b, n == 1 ? "</svg>" : "\"></polyline></svg>");
}

/* GET /me/runs: the signed-in user's runs as a trainee and their skill
 * trend across closed runs. */
static int my_runs_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	run_history h;
	int rc = run_history_for_user(d, req->arena, &req->who, req->who.user_id, &h);
	if (!auth_ok(req, rc))
		return 0;
	arena *a = req->arena;
	buf *b = &req->resp.body;
	page_begin(req, "Your scenario runs");
	html_raw(b, "<p><a class=\"button\" href=\"/join\">Join a run with a code</a></p>");
	html_raw(b, "<section aria-labelledby=\"hist-h\"><h2 id=\"hist-h\">Runs you played</h2>");
	if (h.n_runs == 0)
		html_raw(b, "<p class=\"empty\">You have not played a scenario yet.</p>");
	else
		runs_table(req, h.runs, h.n_runs, true);
	html_raw(b, "</section>");
	html_raw(b,
	         "<section aria-labelledby=\"trend-h\"><h2 id=\"trend-h\">Your skills across runs"
	         "</h2>");
	if (h.n_trends == 0) {
		html_raw(
		    b, "<p class=\"empty\">Your trend appears once an instructor has closed one of "
		       "your runs.</p>");
	} else {
		html_raw(b, "<p>The instructors' mean a skill in each closed run, oldest first "
		            "(1 to 5; the line marks 3).</p>");
		static const char *const headers[] = {"Skill", "Trend", "Runs", "Latest", NULL};
		page_table_begin(req, "Your skills across runs", headers);
		for (size_t i = 0; i < h.n_trends; i++) {
			const run_trend *t = &h.trends[i];
			html_printf(b,
			            "<tr><th scope=\"row\" data-label=\"Skill\">%s</th>"
			            "<td data-label=\"Trend\">",
			            t->skill_title);
			sparkline(b, t);
			html_raw(b, "</td><td data-label=\"Runs\">");
			for (size_t k = 0; k < t->n_points; k++)
				html_printf(
				    b, "%s%s", k ? " · " : "",
				    feedback_mean_text(a, t->points[k].instructor_mean_x100));
			int64_t last =
			    t->n_points ? t->points[t->n_points - 1].instructor_mean_x100 : -1;
			html_printf(b,
			            "</td><td data-label=\"Latest\" class=\"num\">%s</td></tr>\n",
			            feedback_mean_text(a, last));
		}
		page_table_end(req);
	}
	html_raw(b, "</section>");
	page_end(req);
	return 0;
}

void runs_course_link(request *req, int64_t course_id)
{
	if (!perm_granted(req->who.roles, PERM_RUNS_MANAGE))
		return;
	html_printf(&req->resp.body,
	            "<p><a class=\"button button-secondary\" href=\"/courses/%lld/runs\">Scenario "
	            "runs</a></p>",
	            (long long)course_id);
}

static const route runs_page_routes[] = {
    {"GET", "/courses/{id}/runs", course_runs_page, PERM_RUNS_MANAGE, 0,
     "A course's scenario runs, the start form and the trainee × skill matrix"},
    {"POST", "/courses/{id}/runs", course_runs_submit, PERM_RUNS_MANAGE, 0,
     "Start a scenario run in a course"},
    {"GET", "/runs/{id}", console_page, PERM_SIGNED_IN, 0,
     "A run's console: dispatch brief, join code and QR code, end and close"},
    {"POST", "/runs/{id}/end", end_submit, PERM_RUNS_MANAGE, 0, "End the scenario (live → ended)"},
    {"POST", "/runs/{id}/close", close_submit, PERM_RUNS_MANAGE, 0,
     "Close a run and store its result"},
    {"GET", "/join", join_page, PERM_SIGNED_IN, 0, "Join a scenario run: the code form"},
    {"POST", "/join", join_submit, PERM_SIGNED_IN, 0, "Join a scenario run by its code"},
    {"GET", "/runs/join/{code}", join_link, PERM_SIGNED_IN, 0,
     "Join a scenario run by the link in its QR code"},
    {"GET", "/me/runs", my_runs_page, PERM_SIGNED_IN, 0, "Your scenario runs and skill trend"},
};

void runs_pages_register(void)
{
	ROUTES_ADD(runs_page_routes);
	debrief_pages_register();
}
