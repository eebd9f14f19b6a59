/* rubrics_pages.c: rubrics as pages: the list, one rubric with its skills
 * and anchors, and the add / edit form (one row of fields a skill, a few
 * blank rows to add more; a row left blank is dropped). A rubric that
 * runs were scored on shows no form: it cannot change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "rubrics.h"
#include "scenarios_web.h"

enum { EXTRA_ROWS = 3, NEW_ROWS = 8, MAX_ROWS = RUBRIC_SKILLS_MAX + EXTRA_ROWS };

static const char *const skill_parts[] = {"code",     "title",  "anchor_1", "anchor_3",
                                          "anchor_5", "weight", "critical"};
enum { N_PARTS = sizeof skill_parts / sizeof skill_parts[0] };

static bool may_write(request *req)
{
	return perm_granted(req->who.roles, PERM_SCENARIOS_WRITE);
}

/* GET /rubrics: every rubric. */
static int rubrics_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	rubric *items;
	size_t n;
	int rc = rubric_list(d, req->arena, &req->who, &items, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Rubrics");
	html_raw(b, "<p>Each rubric lists the skills a scenario run is scored on, 1 to 5, with "
	            "what a 1, a 3 and a 5 look like.</p>");
	if (may_write(req))
		html_raw(b, "<p><a class=\"button\" href=\"/rubrics/new\">Add a rubric</a></p>");
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">No rubrics yet.</p>");
	} else {
		static const char *const headers[] = {"Rubric",    "Skills", "Pass mean",
		                                      "Scenarios", "Runs",   NULL};
		page_table_begin(req, "Rubrics", headers);
		for (size_t i = 0; i < n; i++) {
			const rubric *r = &items[i];
			html_printf(
			    b,
			    "<tr><td data-label=\"Rubric\"><a href=\"/rubrics/%lld\">%s</a></td>"
			    "<td data-label=\"Skills\" class=\"num\">%lld</td>"
			    "<td data-label=\"Pass mean\" class=\"num\">%s</td>"
			    "<td data-label=\"Scenarios\" class=\"num\">%lld</td>"
			    "<td data-label=\"Runs\" class=\"num\">%lld</td></tr>",
			    (long long)r->id, r->title, (long long)r->skill_count,
			    rubric_pass_text(req->arena, r->pass_mean_x100),
			    (long long)r->scenario_count, (long long)r->run_count);
		}
		page_table_end(req);
	}
	html_raw(b, "<p><a href=\"/scenarios\">Scenarios</a></p>");
	page_end(req);
	return 0;
}

static const char *row_name(arena *a, size_t row, const char *part)
{
	return arena_printf(a, "skill_%zu_%s", row, part);
}

/* The form's skill rows as the service's input; row_of[i] is the form
 * row of the i-th skill kept. */
static rubric_in form_rubric(request *req, size_t *row_of)
{
	arena *a = req->arena;
	const char *rows_text = kv_get(&req->form, "rows");
	long rows = rows_text ? strtol(rows_text, NULL, 10) : 0;
	if (rows < 0 || rows > MAX_ROWS)
		rows = MAX_ROWS;
	const kv **skills = arena_array(a, (size_t)rows + 1, sizeof *skills);
	size_t n = 0;
	for (size_t row = 1; row <= (size_t)rows; row++) {
		kv *k = arena_alloc(a, sizeof *k);
		kv_init(k, a);
		bool blank = true;
		for (size_t p = 0; p < N_PARTS; p++) {
			const char *v = kv_get(&req->form, row_name(a, row, skill_parts[p]));
			if (!v)
				continue;
			kv_add(k, skill_parts[p], v, strlen(v));
			/* The weight's default and an unticked box do not make a row. */
			if (strcmp(skill_parts[p], "weight") &&
			    strcmp(skill_parts[p], "critical") && v[strspn(v, " \t\r\n")])
				blank = false;
		}
		if (blank)
			continue;
		row_of[n] = row;
		skills[n++] = k;
	}
	return (rubric_in){
	    .fields = &req->form, .has_skills = true, .skills = skills, .n_skills = n};
}

/* Errors on "skills[I].part" → the form's "skill_ROW_part", named for people. */
static void form_errors(request *req, int rc, field_errors *errs, const size_t *row_of,
                        size_t n_rows)
{
	arena *a = req->arena;
	for (size_t i = 0; i < errs->len; i++) {
		size_t idx;
		char part[32];
		if (sscanf(errs->items[i].field, "skills[%zu].%31s", &idx, part) == 2 &&
		    idx < n_rows)
			errs->items[i].field = row_name(a, row_of[idx], part);
	}
	size_t n_labels = 5 + MAX_ROWS * N_PARTS;
	field_label *labels = arena_array(a, n_labels, sizeof *labels);
	labels[0] = (field_label){"code", "Code"};
	labels[1] = (field_label){"title", "Title"};
	labels[2] = (field_label){"description", "Description"};
	labels[3] = (field_label){"pass_mean", "Pass mean"};
	labels[4] = (field_label){"skills", "Skills"};
	static const char *const part_labels[] = {
	    "code",           "title",  "a 1 looks like", "a 3 looks like",
	    "a 5 looks like", "weight", "critical"};
	size_t k = 5;
	for (size_t row = 1; row <= MAX_ROWS; row++)
		for (size_t p = 0; p < N_PARTS; p++)
			labels[k++] =
			    (field_label){row_name(a, row, skill_parts[p]),
			                  arena_printf(a, "Skill %zu: %s", row, part_labels[p])};
	auth_name_errors(a, errs, labels, k);
	req->resp.status = ck_error_status(rc);
}

/* The rubric form. r NULL: a new rubric. in: the refused submission. */
static void rubric_form(request *req, const rubric *r, const kv *in, const field_errors *errs)
{
	buf *b = &req->resp.body;
	arena *a = req->arena;
#define VAL(name, stored) (in ? kv_get(in, name) : (stored))
	form_errors_summary(req, errs);
	form_begin(req, r ? arena_printf(a, "/rubrics/%lld", (long long)r->id) : "/rubrics/new",
	           NULL);
	form_text(req, "title", "Title", "text", VAL("title", r ? r->title : NULL), errs,
	          "required maxlength=\"200\"");
	form_text(req, "code", r ? "Code" : "Code (optional: made from the title)", "text",
	          VAL("code", r ? r->code : NULL), errs, "maxlength=\"64\" pattern=\"[a-z0-9-]+\"");
	form_textarea(req, "description", "Description",
	              VAL("description", r ? r->description : NULL), errs, "maxlength=\"2000\"");
	form_text(
	    req, "pass_mean", "Pass mean (1 to 5: the weighted mean a run needs)", "text",
	    VAL("pass_mean", rubric_pass_text(a, r ? r->pass_mean_x100 : RUBRIC_PASS_DEFAULT)),
	    errs, "required inputmode=\"decimal\"");
	size_t rows = r ? r->n_skills + EXTRA_ROWS : NEW_ROWS;
	if (in) {
		const char *t = kv_get(in, "rows");
		long n = t ? strtol(t, NULL, 10) : 0;
		if (n > 0 && n <= MAX_ROWS)
			rows = (size_t)n;
	}
	if (rows > MAX_ROWS)
		rows = MAX_ROWS;
	form_hidden(req, "rows", arena_printf(a, "%zu", rows));
	html_raw(b, "<p>Skills in the order they are scored. Leave a row blank to drop it; "
	            "a critical skill below 3 fails the run.</p>");
	for (size_t row = 1; row <= rows; row++) {
		const rubric_skill *k = r && !in && row <= r->n_skills ? &r->skills[row - 1] : NULL;
		html_printf(b, "<fieldset class=\"skill-row\"><legend>Skill %zu</legend>", row);
		form_text(req, row_name(a, row, "code"), "Code (a-z, 0-9, -)", "text",
		          VAL(row_name(a, row, "code"), k ? k->code : NULL), errs,
		          "maxlength=\"64\"");
		form_text(req, row_name(a, row, "title"), "Skill", "text",
		          VAL(row_name(a, row, "title"), k ? k->title : NULL), errs,
		          "maxlength=\"200\"");
		form_textarea(req, row_name(a, row, "anchor_1"), "What a 1 looks like",
		              VAL(row_name(a, row, "anchor_1"), k ? k->anchor_1 : NULL), errs,
		              "maxlength=\"500\"");
		form_textarea(req, row_name(a, row, "anchor_3"), "What a 3 looks like",
		              VAL(row_name(a, row, "anchor_3"), k ? k->anchor_3 : NULL), errs,
		              "maxlength=\"500\"");
		form_textarea(req, row_name(a, row, "anchor_5"), "What a 5 looks like",
		              VAL(row_name(a, row, "anchor_5"), k ? k->anchor_5 : NULL), errs,
		              "maxlength=\"500\"");
		form_text(req, row_name(a, row, "weight"), "Weight (1 to 10)", "number",
		          VAL(row_name(a, row, "weight"),
		              k ? arena_printf(a, "%lld", (long long)k->weight) : "1"),
		          errs, "min=\"1\" max=\"10\"");
		bool critical =
		    in ? kv_get(in, row_name(a, row, "critical")) != NULL : (k && k->is_critical);
		form_checkbox(req, row_name(a, row, "critical"), "Critical (below 3 fails the run)",
		              critical, errs);
		html_raw(b, "</fieldset>");
	}
	form_submit(req, r ? "Save rubric" : "Add rubric");
	form_end(req);
#undef VAL
}

static void skills_table(request *req, const rubric *r)
{
	buf *b = &req->resp.body;
	static const char *const headers[] = {"Skill", "1", "3", "5", "Weight", "Critical", NULL};
	page_table_begin(req, "Skills, in scoring order", headers);
	for (size_t i = 0; i < r->n_skills; i++) {
		const rubric_skill *k = &r->skills[i];
		html_printf(
		    b,
		    "<tr><td data-label=\"Skill\">%s <code>%s</code></td>"
		    "<td data-label=\"1\">%s</td><td data-label=\"3\">%s</td>"
		    "<td data-label=\"5\">%s</td><td data-label=\"Weight\" class=\"num\">%lld</td>"
		    "<td data-label=\"Critical\">%s</td></tr>",
		    k->title, k->code, k->anchor_1, k->anchor_3, k->anchor_5, (long long)k->weight,
		    k->is_critical ? "Yes" : "No");
	}
	page_table_end(req);
}

static int render_rubric(request *req, int64_t id, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	rubric r;
	int rc = rubric_get(d, req->arena, &req->who, id, &r);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, r.title);
	static const page_done done[] = {
	    {"created", "The rubric was added."},
	    {"saved", "Your changes were saved."},
	};
	PAGE_FLASH_DONE(req, done);
	html_printf(b,
	            "<dl class=\"details\"><dt>Code</dt><dd><code>%s</code></dd><dt>Pass mean</dt>"
	            "<dd>%s</dd><dt>Used by</dt><dd>%lld scenarios, %lld runs</dd></dl>",
	            r.code, rubric_pass_text(req->arena, r.pass_mean_x100),
	            (long long)r.scenario_count, (long long)r.run_count);
	if (*r.description)
		html_printf(b, "<p>%s</p>", r.description);
	skills_table(req, &r);
	if (may_write(req)) {
		html_raw(
		    b,
		    "<section aria-labelledby=\"edit-h\"><h2 id=\"edit-h\">Edit the rubric</h2>");
		if (r.run_count > 0)
			html_raw(b,
			         "<p>Runs were scored on this rubric, so it cannot change: their "
			         "scores point at its skills. Add a new rubric instead.</p>");
		else
			rubric_form(req, &r, in, errs);
		html_raw(b, "</section>");
	}
	html_raw(b, "<p><a href=\"/rubrics\">All rubrics</a></p>");
	page_end(req);
	return 0;
}

/* GET /rubrics/{id}?done=…: the rubric, and its form for writers. */
static int rubric_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_rubric(req, id, NULL, NULL);
}

/* POST /rubrics/{id}: title, code, description, pass_mean, rows and the
 * skill rows skill_N_code … skill_N_critical. */
static int rubric_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	size_t row_of[MAX_ROWS + 1];
	rubric_in in = form_rubric(req, row_of);
	field_errors errs = {0};
	int rc = rubric_update(d, req->arena, &req->who, id, &in, &errs);
	if (rc == CK_E_INVALID || (rc == CK_E_CONFLICT && errs.len)) {
		form_errors(req, rc, &errs, row_of, in.n_skills);
		return render_rubric(req, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/rubrics/%lld?done=saved", (long long)id));
	return 0;
}

static int render_new(request *req, const kv *in, const field_errors *errs)
{
	page_begin(req, "Add a rubric");
	rubric_form(req, NULL, in, errs);
	html_raw(&req->resp.body, "<p><a href=\"/rubrics\">All rubrics</a></p>");
	page_end(req);
	return 0;
}

/* GET /rubrics/new */
static int rubric_new_page(request *req)
{
	return render_new(req, NULL, NULL);
}

/* POST /rubrics/new: as for a change. Redirects to the new rubric. */
static int rubric_new_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	size_t row_of[MAX_ROWS + 1];
	rubric_in in = form_rubric(req, row_of);
	field_errors errs = {0};
	int64_t id = 0;
	int rc = rubric_create(d, req->arena, &req->who, &in, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		form_errors(req, rc, &errs, row_of, in.n_skills);
		return render_new(req, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/rubrics/%lld?done=created", (long long)id));
	return 0;
}

static const route rubrics_routes[] = {
    {"GET", "/rubrics", rubrics_page, PERM_SCENARIOS_READ, 0, "Rubrics for scenario runs"},
    {"GET", "/rubrics/new", rubric_new_page, PERM_SCENARIOS_WRITE, 0, "Form for a new rubric"},
    {"POST", "/rubrics/new", rubric_new_submit, PERM_SCENARIOS_WRITE, 0, "Add a rubric"},
    {"GET", "/rubrics/{id}", rubric_page, PERM_SCENARIOS_READ, 0,
     "One rubric: skills, anchors, weights, critical flags; the edit form for writers"},
    {"POST", "/rubrics/{id}", rubric_submit, PERM_SCENARIOS_WRITE, 0,
     "Change a rubric (not once a run was scored on it)"},
};

void rubrics_pages_register(void)
{
	ROUTES_ADD(rubrics_routes);
}
