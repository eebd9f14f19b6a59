/* scenarios_pages.c: the scenario library as pages: the list with its
 * filters, one scenario (dispatch brief, objectives, debrief questions,
 * rubric; the role-player brief only for those who may read it: the
 * service leaves it out for everyone else), the add and edit forms,
 * archive, and the JSON import (upload, then the report) and export. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "rubrics.h"
#include "scenario_json.h"
#include "scenarios.h"
#include "scenarios_web.h"

static const field_label labels[] = {
    {"code", "Code"},
    {"title", "Title"},
    {"crisis_type", "Crisis type"},
    {"setting", "Setting"},
    {"difficulty", "Difficulty"},
    {"dispatch_brief", "Dispatch brief"},
    {"rp_character", "Character"},
    {"rp_history", "History"},
    {"rp_triggers", "Triggers"},
    {"rp_calms", "What calms"},
    {"rp_escalates", "What escalates"},
    {"rp_cooperation", "When to cooperate"},
    {"rp_safety", "Safety limits"},
    {"objectives", "Objectives"},
    {"debrief_questions", "Debrief questions"},
    {"minutes", "Minutes"},
    {"rubric_id", "Rubric"},
};

static bool may_write(request *req)
{
	return perm_granted(req->who.roles, PERM_SCENARIOS_WRITE);
}

/* Labels parallel to values, with a first "any" entry (value ""). */
static void choices(arena *a, const char *const *values, const char *(*label)(const char *),
                    const char *first, const char ***v_out, const char ***l_out)
{
	size_t n = 0;
	while (values[n])
		n++;
	const char **v = arena_array(a, n + 2, sizeof *v);
	const char **l = arena_array(a, n + 2, sizeof *l);
	size_t k = 0;
	if (first) {
		v[k] = "";
		l[k++] = first;
	}
	for (size_t i = 0; i < n; i++, k++) {
		v[k] = values[i];
		l[k] = label(values[i]);
	}
	*v_out = v;
	*l_out = l;
}

/* GET /scenarios?crisis_type=T&difficulty=D&archived=1&cursor=C: the
 * library by title, with its filters. */
static int scenarios_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	const char *type = kv_get(&req->query, "crisis_type");
	const char *diff = kv_get(&req->query, "difficulty");
	const char *archived = kv_get(&req->query, "archived");
	scenario_filter f = {type, diff, archived && !strcmp(archived, "1")};
	scenario *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = scenario_list(d, req->arena, &req->who, &f, 0, kv_get(&req->query, "cursor"),
	                       &items, &n, &next);
	if (rc == CK_E_INVALID)
		rc = CK_E_NOT_FOUND; /* a filter that is not one of the lists: no such page */
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Scenarios");
	html_raw(b, "<p>Role-played crisis scenarios for practising verbal de-escalation, each "
	            "scored on a rubric.</p>");
	html_raw(b, "<p class=\"actions\">");
	if (may_write(req))
		html_raw(b, "<a class=\"button\" href=\"/scenarios/new\">Add a scenario</a> "
		            "<a href=\"/scenarios/import\">Import</a> "
		            "<a href=\"/scenarios/export\">Export (JSON)</a> ");
	html_raw(b, "<a href=\"/rubrics\">Rubrics</a></p>");
	const char **tv, **tl, **dv, **dl;
	choices(req->arena, scenario_crisis_types(), scenario_crisis_label, "Any", &tv, &tl);
	choices(req->arena, scenario_difficulties(), scenario_difficulty_label, "Any", &dv, &dl);
	html_raw(b, "<form method=\"get\" action=\"/scenarios\" class=\"filters\">"
	            "<label for=\"crisis_type\">Crisis type</label>"
	            "<select id=\"crisis_type\" name=\"crisis_type\">");
	for (size_t i = 0; tv[i]; i++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>", tv[i],
		            type && !strcmp(type, tv[i]) ? " selected" : "", tl[i]);
	html_raw(b, "</select> <label for=\"difficulty\">Difficulty</label>"
	            "<select id=\"difficulty\" name=\"difficulty\">");
	for (size_t i = 0; dv[i]; i++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>", dv[i],
		            diff && !strcmp(diff, dv[i]) ? " selected" : "", dl[i]);
	html_raw(b, "</select> ");
	if (may_write(req))
		html_printf(
		    b,
		    "<label for=\"archived\">Include archived</label> <input type=\"checkbox\" "
		    "id=\"archived\" name=\"archived\" value=\"1\"%s> ",
		    f.include_archived ? " checked" : "");
	html_raw(b, "<button type=\"submit\">Show</button></form>");
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">No scenarios match.</p>");
	} else {
		static const char *const headers[] = {"Scenario", "Crisis type", "Difficulty",
		                                      "Minutes",  "Rubric",      NULL};
		page_table_begin(req, "Scenarios", headers);
		for (size_t i = 0; i < n; i++) {
			const scenario *s = &items[i];
			html_printf(
			    b,
			    "<tr><td data-label=\"Scenario\"><a "
			    "href=\"/scenarios/%lld\">%s</a>%s</td>"
			    "<td data-label=\"Crisis type\">%s</td><td data-label=\"Difficulty\">%s"
			    "</td><td data-label=\"Minutes\" class=\"num\">%lld</td>"
			    "<td data-label=\"Rubric\">%s</td></tr>",
			    (long long)s->id, s->title, s->is_archived ? " (archived)" : "",
			    scenario_crisis_label(s->crisis_type),
			    scenario_difficulty_label(s->difficulty), (long long)s->minutes,
			    s->rubric_title ? s->rubric_title : "None");
		}
		page_table_end(req);
	}
	page_next_link(req, next);
	page_end(req);
	return 0;
}

static void lines_list(request *req, const char *tag, const char *text)
{
	buf *b = &req->resp.body;
	size_t n;
	const char **lines = scenario_lines(req->arena, text, &n);
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">None yet.</p>");
		return;
	}
	html_printf(b, "<%s>", tag);
	for (size_t i = 0; i < n; i++)
		html_printf(b, "<li>%s</li>", lines[i]);
	html_printf(b, "</%s>", tag);
}

/* A multi-line text as paragraphs. */
static void paragraphs(request *req, const char *text)
{
	buf *b = &req->resp.body;
	size_t n;
	const char **lines = scenario_lines(req->arena, text, &n);
	if (n == 0)
		html_raw(b, "<p class=\"empty\">—</p>");
	for (size_t i = 0; i < n; i++)
		html_printf(b, "<p>%s</p>", lines[i]);
}

static void brief_section(request *req, const scenario *s)
{
	static const char *const titles[] = {"Character",    "History",        "Triggers",
	                                     "What calms",   "What escalates", "When to cooperate",
	                                     "Safety limits"};
	const char *parts[] = {s->brief.character, s->brief.history,   s->brief.triggers,
	                       s->brief.calms,     s->brief.escalates, s->brief.cooperation,
	                       s->brief.safety};
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"rp-h\" class=\"role-player-brief\">"
	            "<h2 id=\"rp-h\">Role-player brief</h2>"
	            "<p class=\"note\">For instructors and role players only: trainees never see "
	            "this.</p>");
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		html_printf(b, "<h3>%s</h3>", titles[i]);
		paragraphs(req, parts[i]);
	}
	html_raw(b, "</section>");
}

static void rubric_section(request *req, db *d, const scenario *s)
{
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"rubric-h\"><h2 id=\"rubric-h\">Rubric</h2>");
	rubric r;
	if (!s->rubric_id || rubric_get(d, req->arena, &req->who, s->rubric_id, &r) < 0) {
		html_raw(b,
		         "<p class=\"empty\">No rubric: a run of this scenario cannot start until "
		         "it has one.</p></section>");
		return;
	}
	html_printf(
	    b,
	    "<p><a href=\"/rubrics/%lld\">%s</a>: scored 1 to 5 a skill; a run passes with a "
	    "weighted mean of at least %s and no critical skill below 3.</p><ol>",
	    (long long)r.id, r.title, rubric_pass_text(req->arena, r.pass_mean_x100));
	for (size_t i = 0; i < r.n_skills; i++) {
		html_printf(b, "<li>%s", r.skills[i].title);
		if (r.skills[i].is_critical)
			html_raw(b, " <strong>(critical)</strong>");
		html_raw(b, "</li>");
	}
	html_raw(b, "</ol></section>");
}

/* GET /scenarios/{id}?done=…: one scenario. */
static int scenario_page(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	scenario s;
	int rc = scenario_get(d, req->arena, &req->who, id, &s);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, s.title);
	static const page_done done[] = {
	    {"created", "The scenario was added."},
	    {"saved", "Your changes were saved."},
	    {"archived", "The scenario was archived: it is out of the library."},
	    {"restored", "The scenario is back in the library."},
	};
	PAGE_FLASH_DONE(req, done);
	if (s.is_archived)
		page_flash(req, FLASH_WARNING, "This scenario is archived.");
	html_printf(b,
	            "<dl class=\"details\"><dt>Crisis type</dt><dd>%s</dd><dt>Difficulty</dt>"
	            "<dd>%s</dd><dt>Setting</dt><dd>%s</dd><dt>Length</dt><dd>%lld minutes</dd>"
	            "<dt>Code</dt><dd><code>%s</code></dd></dl>",
	            scenario_crisis_label(s.crisis_type), scenario_difficulty_label(s.difficulty),
	            *s.setting ? s.setting : "—", (long long)s.minutes, s.code);
	html_raw(b, "<section aria-labelledby=\"dispatch-h\"><h2 id=\"dispatch-h\">Dispatch brief"
	            "</h2><p class=\"note\">What the trainee is told.</p>");
	paragraphs(req, s.dispatch_brief);
	html_raw(b, "</section><section aria-labelledby=\"obj-h\"><h2 id=\"obj-h\">Learning "
	            "objectives</h2>");
	lines_list(req, "ul", s.objectives);
	html_raw(b, "</section><section aria-labelledby=\"debrief-h\"><h2 id=\"debrief-h\">Debrief "
	            "questions</h2>");
	lines_list(req, "ol", s.debrief_questions);
	html_raw(b, "</section>");
	if (s.has_brief)
		brief_section(req, &s);
	rubric_section(req, d, &s);
	if (may_write(req)) {
		html_printf(
		    b,
		    "<p class=\"actions\"><a class=\"button\" href=\"/scenarios/%lld/edit\">"
		    "Edit</a></p>",
		    (long long)s.id);
		form_begin(req,
		           arena_printf(req->arena, "/scenarios/%lld/archive", (long long)s.id),
		           NULL);
		form_hidden(req, "archived", s.is_archived ? "0" : "1");
		form_submit(req, s.is_archived ? "Restore to the library" : "Archive");
		form_end(req);
	}
	html_raw(b, "<p><a href=\"/scenarios\">All scenarios</a></p>");
	page_end(req);
	return 0;
}

/* The add / edit form. s NULL: a new scenario. */
static void scenario_form(request *req, db *d, const scenario *s, const kv *in,
                          const field_errors *errs)
{
	buf *b = &req->resp.body;
#define VAL(name, stored) (in ? kv_get(in, name) : (stored))
	form_errors_summary(req, errs);
	form_begin(req,
	           s ? arena_printf(req->arena, "/scenarios/%lld/edit", (long long)s->id)
	             : "/scenarios/new",
	           NULL);
	form_text(req, "title", "Title", "text", VAL("title", s ? s->title : NULL), errs,
	          "required maxlength=\"200\"");
	form_text(req, "code", s ? "Code" : "Code (optional: made from the title)", "text",
	          VAL("code", s ? s->code : NULL), errs, "maxlength=\"64\" pattern=\"[a-z0-9-]+\"");
	const char **tv, **tl, **dv, **dl;
	choices(req->arena, scenario_crisis_types(), scenario_crisis_label, NULL, &tv, &tl);
	choices(req->arena, scenario_difficulties(), scenario_difficulty_label, NULL, &dv, &dl);
	form_select(req, "crisis_type", "Crisis type", tv, tl,
	            VAL("crisis_type", s ? s->crisis_type : NULL), errs);
	form_select(req, "difficulty", "Difficulty", dv, dl,
	            VAL("difficulty", s ? s->difficulty : "intermediate"), errs);
	form_text(req, "setting", "Setting", "text", VAL("setting", s ? s->setting : NULL), errs,
	          "maxlength=\"200\"");
	form_text(req, "minutes", "Length in minutes (1 to 60)", "number",
	          VAL("minutes", s ? arena_printf(req->arena, "%lld", (long long)s->minutes) : "8"),
	          errs, "required min=\"1\" max=\"60\"");
	rubric *rubrics = NULL;
	size_t nr = 0;
	if (rubric_list(d, req->arena, &req->who, &rubrics, &nr) < 0)
		nr = 0;
	const char **rv = arena_array(req->arena, nr + 2, sizeof *rv);
	const char **rl = arena_array(req->arena, nr + 2, sizeof *rl);
	rv[0] = "";
	rl[0] = "None (no run can start)";
	for (size_t i = 0; i < nr; i++) {
		rv[i + 1] = arena_printf(req->arena, "%lld", (long long)rubrics[i].id);
		rl[i + 1] = rubrics[i].title;
	}
	const char *rubric_sel =
	    s ? (s->rubric_id ? arena_printf(req->arena, "%lld", (long long)s->rubric_id) : "")
	      : (nr ? rv[1] : "");
	form_select(req, "rubric_id", "Rubric", rv, rl, VAL("rubric_id", rubric_sel), errs);
	form_textarea(req, "dispatch_brief", "Dispatch brief (what the trainee is told)",
	              VAL("dispatch_brief", s ? s->dispatch_brief : NULL), errs,
	              "required maxlength=\"2000\"");
	form_textarea(req, "objectives", "Learning objectives (one a line)",
	              VAL("objectives", s ? s->objectives : NULL), errs, NULL);
	form_textarea(req, "debrief_questions", "Debrief questions (one a line)",
	              VAL("debrief_questions", s ? s->debrief_questions : NULL), errs, NULL);
	html_raw(b, "<fieldset><legend>Role-player brief (never shown to trainees)</legend>");
	form_textarea(req, "rp_character", "Character",
	              VAL("rp_character", s ? s->brief.character : NULL), errs,
	              "required maxlength=\"2000\"");
	form_textarea(req, "rp_history", "History", VAL("rp_history", s ? s->brief.history : NULL),
	              errs, "maxlength=\"2000\"");
	form_textarea(req, "rp_triggers", "Triggers",
	              VAL("rp_triggers", s ? s->brief.triggers : NULL), errs, "maxlength=\"2000\"");
	form_textarea(req, "rp_calms", "What calms", VAL("rp_calms", s ? s->brief.calms : NULL),
	              errs, "maxlength=\"2000\"");
	form_textarea(req, "rp_escalates", "What escalates",
	              VAL("rp_escalates", s ? s->brief.escalates : NULL), errs,
	              "maxlength=\"2000\"");
	form_textarea(req, "rp_cooperation", "When to cooperate (only after genuine empathy)",
	              VAL("rp_cooperation", s ? s->brief.cooperation : NULL), errs,
	              "maxlength=\"2000\"");
	form_textarea(req, "rp_safety",
	              "Safety limits (never escalate to a level that forces a physical response)",
	              VAL("rp_safety", s ? s->brief.safety : NULL), errs, "maxlength=\"2000\"");
	html_raw(b, "</fieldset>");
	form_submit(req, s ? "Save changes" : "Add scenario");
	form_end(req);
#undef VAL
}

static int render_new(request *req, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	page_begin(req, "Add a scenario");
	scenario_form(req, d, NULL, in, errs);
	page_end(req);
	return 0;
}

/* GET /scenarios/new */
static int scenario_new_page(request *req)
{
	return render_new(req, NULL, NULL);
}

/* A refused form: its errors named for people, status 422 (409 for a
 * code in use). */
static void name_errors(request *req, int rc, field_errors *errs)
{
	AUTH_NAME_ERRORS(req->arena, errs, labels);
	req->resp.status = ck_error_status(rc);
}

/* POST /scenarios/new: the form's fields. Redirects to the scenario. */
static int scenario_new_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = scenario_create(d, req->arena, &req->who, &req->form, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		name_errors(req, rc, &errs);
		return render_new(req, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/scenarios/%lld?done=created", (long long)id));
	return 0;
}

static int render_edit(request *req, int64_t id, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	scenario s;
	int rc = scenario_get(d, req->arena, &req->who, id, &s);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, arena_printf(req->arena, "Edit %s", s.title));
	scenario_form(req, d, &s, in, errs);
	html_printf(&req->resp.body, "<p><a href=\"/scenarios/%lld\">Back to the scenario</a></p>",
	            (long long)id);
	page_end(req);
	return 0;
}

/* GET /scenarios/{id}/edit */
static int scenario_edit_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_edit(req, id, NULL, NULL);
}

/* POST /scenarios/{id}/edit: every field of the form (a blank optional
 * one clears it). */
static int scenario_edit_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = scenario_update(d, req->arena, &req->who, id, &req->form, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		name_errors(req, rc, &errs);
		return render_edit(req, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/scenarios/%lld?done=saved", (long long)id));
	return 0;
}

/* POST /scenarios/{id}/archive: archived=1 takes it out, 0 brings it back. */
static int scenario_archive_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	const char *v = kv_get(&req->form, "archived");
	bool archived = !v || strcmp(v, "0");
	int rc = scenario_archive(d, req->arena, &req->who, id, archived);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/scenarios/%lld?done=%s", (long long)id,
	                                archived ? "archived" : "restored"));
	return 0;
}

static void format_help(buf *b)
{
	html_raw(b,
	         "<details><summary>What the file looks like</summary>"
	         "<p>A JSON file as <a href=\"/scenarios/export\">Export</a> makes it: "
	         "<code>rubrics</code> and <code>scenarios</code> lists, each item keyed by its "
	         "<code>code</code>. A code already in the library is updated; a new one is "
	         "added. Nothing is imported until every item is right. The admin guide "
	         "describes each field.</p>"
	         "<pre>{\"format\": \"citkit-scenarios\", \"version\": 1,\n"
	         " \"rubrics\": [{\"code\": \"deescalation\", \"title\": \"…\", \"pass_mean\": 3,\n"
	         "   \"skills\": [{\"code\": \"calm-voice\", \"title\": \"…\",\n"
	         "     \"anchors\": {\"1\": \"…\", \"3\": \"…\", \"5\": \"…\"}, \"weight\": 2, "
	         "\"critical\": false}]}],\n"
	         " \"scenarios\": [{\"code\": \"bridge-railing\", \"title\": \"…\", "
	         "\"crisis_type\": \"suicidal\",\n"
	         "   \"difficulty\": \"advanced\", \"setting\": \"…\", \"dispatch_brief\": \"…\",\n"
	         "   \"role_player_brief\": {\"character\": \"…\", \"history\": \"…\", "
	         "\"triggers\": \"…\",\n"
	         "     \"calms\": \"…\", \"escalates\": \"…\", \"cooperation\": \"…\", "
	         "\"safety\": \"…\"},\n"
	         "   \"objectives\": [\"…\"], \"debrief_questions\": [\"…\"], \"minutes\": 8,\n"
	         "   \"rubric_code\": \"deescalation\"}]}</pre></details>");
}

static void import_report(request *req, const scenario_import_report *rep, bool failed)
{
	buf *b = &req->resp.body;
	if (failed) {
		html_raw(
		    b, "<section aria-labelledby=\"report-h\"><h2 id=\"report-h\">Nothing was "
		       "imported</h2><p>Fix the problems below and upload the file again; nothing "
		       "changes until every item is right.</p>");
		static const char *const headers[] = {"Item", "Code", "Field", "Problem", NULL};
		page_table_begin(req, "Problems in the file", headers);
		for (size_t i = 0; i < rep->n_problems; i++) {
			const scenario_import_problem *p = &rep->problems[i];
			html_printf(
			    b,
			    "<tr><td data-label=\"Item\">%s</td><td data-label=\"Code\">%s</td>"
			    "<td data-label=\"Field\">%s</td><td "
			    "data-label=\"Problem\">%s</td></tr>",
			    p->item, p->code ? p->code : "", p->field ? p->field : "", p->message);
		}
		page_table_end(req);
		if (rep->more_problems)
			html_printf(b, "<p>…and %zu more problems not listed.</p>",
			            rep->more_problems);
		html_raw(b, "</section>");
		return;
	}
	html_printf(b,
	            "<section aria-labelledby=\"report-h\"><h2 id=\"report-h\">Imported</h2>"
	            "<p>%zu added, %zu updated, %zu unchanged.</p>",
	            rep->created, rep->updated, rep->unchanged);
	static const char *const headers[] = {"Kind", "Code", "Title", "Result", NULL};
	page_table_begin(req, "What the import did", headers);
	for (size_t i = 0; i < rep->n_items; i++) {
		const scenario_import_item *it = &rep->items[i];
		html_printf(
		    b,
		    "<tr><td data-label=\"Kind\">%s</td><td data-label=\"Code\">%s</td>"
		    "<td data-label=\"Title\">%s</td><td data-label=\"Result\">%s</td></tr>",
		    it->kind, it->code, it->title, it->action);
	}
	page_table_end(req);
	html_raw(b, "</section>");
}

static int render_import(request *req, const scenario_import_report *rep, bool failed,
                         const field_errors *errs)
{
	buf *b = &req->resp.body;
	page_begin(req, "Import scenarios");
	html_raw(b, "<p>Add or update rubrics and scenarios from a JSON file, such as one exported "
	            "from another citkit.</p>");
	if (rep)
		import_report(req, rep, failed);
	form_errors_summary(req, errs);
	form_begin(req, "/scenarios/import", "multipart/form-data");
	form_text(req, "file", "Library file (JSON)", "file", NULL, errs,
	          "required accept=\".json,application/json\"");
	form_submit(req, "Import");
	form_end(req);
	format_help(b);
	html_raw(b, "<p><a href=\"/scenarios\">All scenarios</a></p>");
	page_end(req);
	return 0;
}

/* GET /scenarios/import: the upload form. */
static int import_page(request *req)
{
	return render_import(req, NULL, false, NULL);
}

/* POST /scenarios/import: multipart field file. Shows the report: what
 * each item became, or every problem (422, nothing imported). */
static int import_submit(request *req)
{
	const upload *file = request_upload(req, "file");
	if (!file || file->len == 0) {
		field_errors errs = {0};
		field_errors_add(&errs, "file", "Choose a JSON file to upload");
		req->resp.status = ck_error_status(CK_E_INVALID);
		return render_import(req, NULL, false, &errs);
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	scenario_import_report rep;
	int rc = scenario_import(d, req->arena, &req->who, file->data, file->len,
	                         SCENARIO_IMPORT_UPSERT, &rep);
	if (rc == CK_E_INVALID) {
		req->resp.status = ck_error_status(rc);
		return render_import(req, &rep, true, NULL);
	}
	if (!auth_ok(req, rc))
		return 0;
	return render_import(req, &rep, false, NULL);
}

static const route scenarios_routes[] = {
    {"GET", "/scenarios", scenarios_page, PERM_SCENARIOS_READ, 0,
     "The scenario library with crisis type and difficulty filters"},
    {"GET", "/scenarios/new", scenario_new_page, PERM_SCENARIOS_WRITE, 0,
     "Form for a new scenario"},
    {"POST", "/scenarios/new", scenario_new_submit, PERM_SCENARIOS_WRITE, 0, "Add a scenario"},
    {"GET", "/scenarios/import", import_page, PERM_SCENARIOS_WRITE, 0,
     "Upload a scenario library file (JSON)"},
    {"POST", "/scenarios/import", import_submit, PERM_SCENARIOS_WRITE, 0,
     "Import a scenario library file: all items or none, with a report"},
    {"GET", "/scenarios/export", scenarios_export_handle, PERM_SCENARIOS_WRITE, 0,
     "Download the scenario library as JSON"},
    {"GET", "/scenarios/{id}", scenario_page, PERM_SCENARIOS_READ, 0,
     "One scenario: dispatch brief, objectives, debrief questions, rubric (role-player brief "
     "for those who may read it)"},
    {"GET", "/scenarios/{id}/edit", scenario_edit_page, PERM_SCENARIOS_WRITE, 0,
     "A scenario's edit form"},
    {"POST", "/scenarios/{id}/edit", scenario_edit_submit, PERM_SCENARIOS_WRITE, 0,
     "Change a scenario"},
    {"POST", "/scenarios/{id}/archive", scenario_archive_submit, PERM_SCENARIOS_WRITE, 0,
     "Archive a scenario or bring it back"},
};

void scenarios_pages_register(void)
{
	ROUTES_ADD(scenarios_routes);
}
