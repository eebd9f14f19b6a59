/* debrief_pages.c: the two pages a run's room looks at on phones and the
 * projector. /runs/{id}/score is the rubric as a form (each skill's anchor
 * text and a 1..5 radio group, a comment), pre-filled with the caller's
 * own feedback so it can be revised until the run is closed.
 * /runs/{id}/debrief puts the instructors' and the classmates' means side
 * by side with the spread, and the comments; ui/js debrief.js keeps it
 * live over the run's event stream, and without JavaScript its Refresh
 * link reloads it (no meta refresh). */
#include <stdlib.h>
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/assets.h"
#include "../web/layout.h"
#include "feedback.h"
#include "runs.h"
#include "runs_pages.h"

/* ---- /runs/{id}/score ---------------------------------------------------- */

/* The value to show checked for skill i: the submitted one when
 * re-showing a form, else the stored score ("" = not scored). */
static const char *score_value(arena *a, const run_skill *s, const kv *in, const run_feedback *own,
                               size_t i)
{
	if (in) {
		const char *v = kv_get(in, arena_printf(a, "score.%s", s->code));
		return v ? v : "";
	}
	if (own && i < own->n_scores && own->scores[i] > 0)
		return arena_printf(a, "%lld", (long long)own->scores[i]);
	return "";
}

static const char *error_of(const field_errors *errs, const char *field)
{
	for (size_t i = 0; errs && i < errs->len; i++)
		if (errs->items[i].field && !strcmp(errs->items[i].field, field))
			return errs->items[i].message;
	return NULL;
}

/* One skill: a fieldset with the title, the anchors and six radios
 * (1..5 and "not scored"), big enough to tap. */
static void skill_fieldset(request *req, const run_skill *s, const char *value,
                           const field_errors *errs)
{
	buf *b = &req->resp.body;
	arena *a = req->arena;
	const char *name = arena_printf(a, "score.%s", s->code);
	const char *msg = error_of(errs, name);
	html_printf(b,
	            "<fieldset class=\"scale%s\" id=\"f-%s\" tabindex=\"-1\" "
	            "aria-describedby=\"anchors-%s%s%s%s\">",
	            msg ? " has-error" : "", name, s->code, msg ? " f-" : "", msg ? name : "",
	            msg ? "-error" : "");
	html_printf(b, "<legend>%s%s</legend>", s->title, s->is_critical ? " (critical)" : "");
	if (msg)
		html_printf(b, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>", name, msg);
	html_printf(b, "<dl class=\"anchors\" id=\"anchors-%s\">", s->code);
	const char *anchors[] = {s->anchor_1, s->anchor_3, s->anchor_5};
	static const char *const marks[] = {"1", "3", "5"};
	for (size_t i = 0; i < 3; i++)
		if (anchors[i] && *anchors[i])
			html_printf(b, "<div><dt>%s</dt><dd>%s</dd></div>", marks[i], anchors[i]);
	html_raw(b, "</dl><div class=\"scale-choices\">");
	for (int v = FEEDBACK_SCORE_MIN; v <= FEEDBACK_SCORE_MAX; v++) {
		const char *vs = arena_printf(a, "%d", v);
		html_printf(
		    b,
		    "<span class=\"choice\"><input type=\"radio\" id=\"s-%s-%d\" name=\"%s\" "
		    "value=\"%d\"%s><label for=\"s-%s-%d\">%d</label></span>",
		    s->code, v, name, v, !strcmp(value, vs) ? " checked" : "", s->code, v, v);
	}
	html_printf(b,
	            "<span class=\"choice choice-none\"><input type=\"radio\" id=\"s-%s-0\" "
	            "name=\"%s\" value=\"\"%s><label for=\"s-%s-0\">Not scored</label></span>",
	            s->code, name, *value ? "" : " checked", s->code);
	html_raw(b, "</div></fieldset>\n");
}

static int render_score(request *req, int64_t id, const kv *in, const field_errors *errs_in,
                        const char *problem)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	arena *a = req->arena;
	run r;
	int rc = run_get(d, a, &req->who, id, &r);
	if (!auth_ok(req, rc))
		return 0;
	bool is_closed = !strcmp(r.status, "closed");
	/* The trainee and the role player never score; anyone else in scope
	 * who cannot score an open run (nobody, today) neither. */
	if (r.viewer == RUN_VIEWER_TRAINEE || r.viewer == RUN_VIEWER_ROLE_PLAYER ||
	    (!r.can_score && !is_closed)) {
		resp_error(
		    req, CK_E_FORBIDDEN,
		    r.viewer == RUN_VIEWER_TRAINEE
		        ? "You are the trainee in this run: your classmates and instructors score "
		          "it. Follow along on the debrief screen."
		        : "You cannot score this run.");
		return 0;
	}
	run_skill *skills = NULL;
	size_t n = 0;
	int64_t pass = 0;
	run_feedback own;
	bool found = false;
	rc = run_rubric(d, a, &req->who, id, &skills, &n, &pass);
	if (rc == 0)
		rc = feedback_get_own(d, a, &req->who, id, &own, &found);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, arena_printf(a, "Score: %s", r.scenario_title));
	html_printf(b,
	            "<p class=\"lead\">%s plays the scenario. Score each skill from 1 to 5 "
	            "against its anchors; you can change your scores until the run is closed."
	            "</p>",
	            r.trainee_name);
	const char *done = kv_get(&req->query, "done");
	if (problem)
		page_flash(req, FLASH_ERROR, problem);
	else if (is_closed)
		page_flash(req, FLASH_INFO, "This run is closed: feedback can no longer change.");
	else if (done && !strcmp(done, "saved") && found)
		page_flash(req, FLASH_SUCCESS,
		           own.revision > 1
		               ? arena_printf(a, "Your feedback is saved (revision %lld).",
		                              (long long)own.revision)
		               : "Your feedback is saved.");
	field_errors errs = {0};
	if (errs_in) {
		errs = *errs_in;
		for (size_t i = 0; i < errs.len; i++) {
			/* The service names a skill "scores.<code>" (as the API's
			 * body has it), the form "score.<code>"; the summary names
			 * the skill by its title. */
			const char *f = errs.items[i].field;
			if (f && !strncmp(f, "scores.", 7))
				errs.items[i].field = f = arena_printf(a, "score.%s", f + 7);
			for (size_t k = 0; f && k < n; k++)
				if (!strncmp(f, "score.", 6) && !strcmp(f + 6, skills[k].code))
					errs.items[i].message = arena_printf(
					    a, "%s %s", skills[k].title, errs.items[i].message);
		}
		form_errors_summary(req, &errs);
	}
	form_begin(req, arena_printf(a, "/runs/%lld/score", (long long)id), NULL);
	html_raw(b, is_closed
	                ? "<fieldset class=\"plain\" disabled><legend class=\"visually-hidden\">"
	                  "Your feedback (closed)</legend>"
	                : "");
	for (size_t i = 0; i < n; i++)
		skill_fieldset(req, &skills[i],
		               score_value(a, &skills[i], in, found ? &own : NULL, i),
		               errs_in ? &errs : NULL);
	form_textarea(req, "comment", "Comment for the debrief",
	              in ? kv_get(in, "comment") : (found ? own.comment : ""),
	              errs_in ? &errs : NULL,
	              arena_printf(a, "maxlength=\"%d\"", FEEDBACK_COMMENT_MAX));
	if (!is_closed)
		form_submit(req, found ? "Update your feedback" : "Send feedback");
	html_raw(b, is_closed ? "</fieldset>" : "");
	form_end(req);
	html_printf(b, "<p><a href=\"/runs/%lld/debrief\">The debrief screen</a></p>",
	            (long long)id);
	page_end(req);
	return 0;
}

/* GET /runs/{id}/score?done=saved: the rubric form, pre-filled with the
 * caller's feedback. 403 for the trainee and the role player. */
static int score_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_score(req, id, NULL, NULL, NULL);
}

/* POST /runs/{id}/score: score.<code> = 1..5 or empty, comment. Creates
 * or revises the caller's one feedback; back to the form. 422 re-shows
 * it with the problems, 409 when the run has been closed meanwhile. */
static int score_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	feedback_input in;
	run_feedback out;
	int rc = feedback_input_from_kv(req->arena, &req->form, &in, &errs);
	if (rc == 0)
		rc = feedback_submit(d, req->arena, &req->who, id, &in, &out, &errs);
	if (rc == CK_E_INVALID) {
		req->resp.status = 422;
		return render_score(req, id, &req->form, &errs, NULL);
	}
	if (rc == CK_E_CONFLICT) {
		req->resp.status = 409;
		return render_score(
		    req, id, &req->form, NULL,
		    "The run was closed before your feedback arrived; it was not saved.");
	}
	if (!auth_ok(req, rc))
		return 0;
	run_events_changed(id);
	resp_redirect(req, arena_printf(req->arena, "/runs/%lld/score?done=saved", (long long)id));
	return 0;
}

/* ---- /runs/{id}/debrief -------------------------------------------------- */

static void skills_table(request *req, const run_summary *s)
{
	buf *b = &req->resp.body;
	arena *a = req->arena;
	static const char *const headers[] = {
	    "Skill", "Instructors", "Classmates", "Spread", "Scored by (instructors / classmates)",
	    NULL};
	page_table_begin(req, "Scores by skill (means from 1 to 5)", headers);
	for (size_t i = 0; i < s->n_skills; i++) {
		const run_skill_summary *k = &s->skills[i];
		html_printf(
		    b,
		    "<tr data-skill=\"%s\"><th scope=\"row\" data-label=\"Skill\">%s%s</th>"
		    "<td data-label=\"Instructors\" class=\"num instructor\">%s</td>"
		    "<td data-label=\"Classmates\" class=\"num classmate\">%s</td>"
		    "<td data-label=\"Spread\" class=\"num spread\">%s</td>"
		    "<td data-label=\"Scored by\" class=\"num scorers\">%lld / %lld</td></tr>\n",
		    k->code, k->title, k->is_critical ? " (critical)" : "",
		    feedback_mean_text(a, k->instructor_mean_x100),
		    feedback_mean_text(a, k->classmate_mean_x100),
		    k->n_instructors + k->n_classmates >= 2
		        ? arena_printf(a, "%lld", (long long)k->spread)
		        : "–",
		    (long long)k->n_instructors, (long long)k->n_classmates);
	}
	page_table_end(req);
}

static void comments_list(request *req, const run_summary *s)
{
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"comments-h\"><h2 id=\"comments-h\">Comments</h2>");
	/* An empty list would be invalid markup; debrief.js makes the list
	 * when the first comment arrives. */
	html_printf(b, "<p id=\"no-comments\" class=\"empty\"%s>No comments yet.</p>",
	            s->n_comments ? " hidden" : "");
	if (s->n_comments)
		html_raw(b, "<ol id=\"comments\" class=\"comments\">");
	for (size_t i = 0; i < s->n_comments; i++) {
		const run_comment *c = &s->comments[i];
		bool is_instr = !strcmp(c->role, "instructor");
		const char *role_label_text = is_instr ? "Instructor" : "Classmate";
		html_printf(b,
		            "<li data-feedback=\"%lld\" data-revision=\"%lld\" class=\"comment "
		            "comment-%s\"><p class=\"who\">",
		            (long long)c->feedback_id, (long long)c->revision,
		            is_instr ? "instructor" : "classmate");
		if (c->author)
			html_printf(b, "%s (%s)", c->author, is_instr ? "instructor" : "classmate");
		else
			html_text(b, role_label_text);
		if (c->revision > 1)
			html_raw(b, " · revised");
		html_printf(b, "</p><p class=\"text\">%s</p></li>", c->text);
	}
	if (s->n_comments)
		html_raw(b, "</ol>");
	html_raw(b, "</section>");
}

/* GET /runs/{id}/debrief?view=projector: the side-by-side table and the
 * comments. view=projector hides classmates' names for anyone (the room's
 * screen) when the run is anonymous. */
static int debrief_page(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	arena *a = req->arena;
	run r;
	int rc = run_get(d, a, &req->who, id, &r);
	const char *view = kv_get(&req->query, "view");
	bool projector = view && !strcmp(view, "projector");
	run_summary s;
	if (rc == 0)
		rc = run_summary_get(d, a, &req->who, id, projector && r.is_anonymous, &s);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	bool is_closed = !strcmp(r.status, "closed");
	page_begin(req, arena_printf(a, "Debrief: %s", r.scenario_title));
	const char *events =
	    arena_printf(a, "/api/v1/runs/%lld/events?after=%lld%s", (long long)id,
	                 (long long)s.event_seq, projector && r.is_anonymous ? "&view=anon" : "");
	/* The projector's copy reads from the back of the room. */
	html_printf(b,
	            "<div id=\"debrief\" class=\"debrief%s\" data-events=\"%s\" data-seq=\"%lld\" "
	            "data-status=\"%s\">",
	            projector ? " projector" : "", events, (long long)s.event_seq, r.status);
	html_printf(b, "<p class=\"lead\">%s · <span id=\"run-status\">%s</span></p>",
	            r.trainee_name, run_status_label(r.status));
	if (is_closed)
		html_printf(
		    b,
		    "<p id=\"run-result\" class=\"run-result\">Result: %s (instructors' mean %s)"
		    "</p>",
		    runs_result_text(&r), feedback_mean_text(a, r.mean_x100));
	else
		html_raw(b, "<p id=\"run-result\" class=\"run-result\" hidden></p>");
	html_raw(b, "<p id=\"live\" class=\"visually-hidden\" role=\"status\"></p>");
	skills_table(req, &s);
	comments_list(req, &s);
	html_printf(b,
	            "<p class=\"run-links\"><a id=\"refresh\" class=\"button button-secondary\" "
	            "href=\"/runs/%lld/debrief%s\">Refresh</a>",
	            (long long)id, projector ? "?view=projector" : "");
	if (r.can_score)
		html_printf(b, " <a href=\"/runs/%lld/score\">Your scores</a>", (long long)id);
	if (r.can_manage)
		html_printf(b, " <a href=\"/runs/%lld\">The run's console</a>", (long long)id);
	html_raw(b, "</p></div>");
	/* CSP forbids inline script: the live part is an asset. */
	html_printf(b, "<script src=\"%s\" defer></script>", assets_url(a, "debrief.js"));
	page_end(req);
	return 0;
}

static const route debrief_routes[] = {
    {"GET", "/runs/{id}/score", score_page, PERM_SIGNED_IN, 0,
     "The run's rubric as a form, pre-filled with your feedback"},
    {"POST", "/runs/{id}/score", score_submit, PERM_SIGNED_IN, 0,
     "Send or revise your feedback on a run"},
    {"GET", "/runs/{id}/debrief", debrief_page, PERM_SIGNED_IN, 0,
     "The debrief screen: instructors' and classmates' means, spread, comments (live)"},
};

void debrief_pages_register(void)
{
	ROUTES_ADD(debrief_routes);
}
