/* curricula_pages.c: the curriculum pages. /curricula lists every
 * curriculum with its newest version; /curricula/{id} shows one version:
 * its modules by day, the minutes of each component, and the guideline
 * rules checked on every render. Coordinators and admins derive local
 * versions, edit drafts, approve and start new versions here; every form
 * works without JavaScript. {id} is always a version id. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "curricula.h"
#include "curricula_web.h"
#include "guidelines.h"

static const field_label labels[] = {
    {"from_version_id", "Start from"},
    {"name", "Name"},
    {"title", "Title"},
    {"component", "Component"},
    {"minutes", "Minutes"},
    {"day", "Day"},
    {"code", "Code"},
    {"objectives", "Learning objectives"},
    {"instructor_kinds", "Instructor kinds"},
    {"position", "Position"},
    {"version", NULL}, /* the message is a sentence by itself */
    {"module", "Module"},
};

static const char *const days[] = {"1", "2", "3", "4", "5", NULL};

static const char *const *component_labels(arena *a)
{
	const char *const *c = curriculum_components();
	size_t n = 0;
	while (c[n])
		n++;
	const char **out = arena_array(a, n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = curriculum_component_label(c[i]);
	return out;
}

static const char *const *kind_labels(arena *a)
{
	const char *const *k = curriculum_instructor_kinds();
	size_t n = 0;
	while (k[n])
		n++;
	const char **out = arena_array(a, n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = curriculum_instructor_kind_label(k[i]);
	return out;
}

/* "officer,clinician" → {"officer", "clinician", NULL}. */
static const char *const *split_kinds(arena *a, const char *list)
{
	const char **out = arena_array(a, 8, sizeof *out);
	size_t n = 0;
	for (const char *p = list ? list : ""; *p && n < 7;) {
		size_t len = strcspn(p, ",");
		if (len)
			out[n++] = arena_strndup(a, p, len);
		p += len + (p[len] == ',');
	}
	return out;
}

static const char *kinds_words(arena *a, const char *list)
{
	const char *const *k = split_kinds(a, list);
	buf b;
	buf_init(&b, a);
	for (size_t i = 0; k[i]; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", curriculum_instructor_kind_label(k[i]));
	return k[0] ? buf_str(&b) : "\xE2\x80\x94";
}

static bool may_write(request *req)
{
	return perm_granted(req->who.roles, PERM_CURRICULA_WRITE);
}

static const char *version_path(request *req, int64_t id)
{
	return arena_printf(req->arena, "/curricula/%lld", (long long)id);
}

static const char *status_label(const char *status)
{
	return !strcmp(status, "approved") ? "Approved" : "Draft";
}

/* The derive form: a select of versions to start from and a name. */
static void derive_form(request *req, const curriculum_version *from, size_t n, const kv *in,
                        const field_errors *errs)
{
	const char **values = arena_array(req->arena, n + 1, sizeof *values);
	const char **names = arena_array(req->arena, n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		values[i] = arena_printf(req->arena, "%lld", (long long)from[i].id);
		names[i] = arena_printf(req->arena, "%s, version %d (%s)", from[i].curriculum_name,
		                        from[i].version, status_label(from[i].status));
	}
	form_begin(req, "/curricula", NULL);
	form_select(req, "from_version_id", "Start from", values, names,
	            in ? kv_get(in, "from_version_id") : NULL, errs);
	form_text(req, "name", "Name of the new local curriculum", "text",
	          in ? kv_get(in, "name") : NULL, errs, "maxlength=\"200\"");
	html_raw(&req->resp.body,
	         "<p class=\"hint\">Leave the name empty to make the next version of a local "
	         "curriculum.</p>");
	form_submit(req, "Make a draft");
	form_end(req);
}

/* Every version of every curriculum, for the derive form's choices. */
static int all_versions(db *d, request *req, curriculum_version **out, size_t *n)
{
	curriculum *c;
	size_t nc;
	int rc = curriculum_list(d, req->arena, &req->who, &c, &nc);
	if (rc < 0)
		return rc;
	size_t cap = 0, count = 0;
	curriculum_version **parts = arena_array(req->arena, nc + 1, sizeof *parts);
	size_t *lens = arena_array(req->arena, nc + 1, sizeof *lens);
	for (size_t i = 0; i < nc; i++) {
		rc = curriculum_versions_of(d, req->arena, &req->who, c[i].id, &parts[i], &lens[i]);
		if (rc < 0)
			return rc;
		cap += lens[i];
	}
	*out = arena_array(req->arena, cap + 1, sizeof **out);
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < lens[i]; j++)
			(*out)[count++] = parts[i][j];
	*n = count;
	return 0;
}

static int render_list(request *req, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	curriculum *items;
	size_t n;
	int rc = curriculum_list(d, req->arena, &req->who, &items, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Curricula");
	html_raw(b, "<p>The national curriculum model and the program's local adaptations. A "
	            "local version may break a guideline rule while it is a draft; it can only be "
	            "approved when every rule passes, and approved versions never change.</p>");
	static const char *const headers[] = {
	    "Curriculum", "Kind", "Newest version", "Status", "Approved version", NULL};
	page_table_begin(req, "Curricula", headers);
	for (size_t i = 0; i < n; i++) {
		const curriculum *c = &items[i];
		html_printf(
		    b,
		    "<tr><td data-label=\"Curriculum\"><a href=\"/curricula/%lld\">%s</a></td>"
		    "<td data-label=\"Kind\">%s</td>"
		    "<td data-label=\"Newest version\" class=\"num\">%d</td>"
		    "<td data-label=\"Status\">%s</td><td data-label=\"Approved version\">",
		    (long long)c->latest_version_id, c->name,
		    !strcmp(c->kind, "model") ? "National model" : "Local", c->latest_version,
		    status_label(c->latest_status));
		if (c->approved_version_id)
			html_printf(b, "<a href=\"/curricula/%lld\">View</a>",
			            (long long)c->approved_version_id);
		else
			html_raw(b, "None yet");
		html_raw(b, "</td></tr>");
	}
	page_table_end(req);
	if (perm_granted(req->who.roles, PERM_SETTINGS_WRITE))
		html_raw(b, "<p><a href=\"/settings/guidelines\">Change the thresholds of the "
		            "guideline rules</a></p>");
	if (may_write(req)) {
		curriculum_version *from = NULL;
		size_t nf = 0;
		rc = all_versions(d, req, &from, &nf);
		if (!auth_ok(req, rc))
			return 0;
		html_raw(b, "<section aria-labelledby=\"derive-h\"><h2 id=\"derive-h\">Make a "
		            "draft</h2>");
		form_errors_summary(req, errs);
		derive_form(req, from, nf, in, errs);
		html_raw(b, "</section>");
	}
	page_end(req);
	return 0;
}

/* GET /curricula: every curriculum with its newest version and status;
 * the form to derive a draft for those who may. */
static int curricula_page(request *req)
{
	return render_list(req, NULL, NULL);
}

/* POST /curricula: form fields from_version_id, name, title. Redirects
 * to the new draft; a problem re-shows the list with the form. */
static int curricula_derive_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = curriculum_derive(d, req->arena, &req->who, &req->form, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = ck_error_status(rc);
		return render_list(req, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/curricula/%lld?done=created", (long long)id));
	return 0;
}

/* The rules, each with pass or fail and why. */
static void rules_section(request *req, const guideline_result *r, bool ok)
{
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"rules-h\"><h2 id=\"rules-h\">Guideline "
	            "rules</h2>");
	html_printf(b, "<p class=\"%s\">%s</p><ul class=\"rules\">", ok ? "pass" : "fail",
	            ok ? "Every rule passes."
	               : "Some rules do not pass yet: this version can be "
	                 "saved as a draft but not approved.");
	for (size_t i = 0; i < GUIDELINE_RULES; i++)
		html_printf(b,
		            "<li class=\"%s\" data-rule=\"%s\"><strong>%s:</strong> %s "
		            "\xE2\x80\x94 %s</li>",
		            r[i].is_passed ? "pass" : "fail", r[i].rule,
		            r[i].is_passed ? "Pass" : "Fail", r[i].label, r[i].message);
	html_raw(b, "</ul></section>");
}

static void totals_section(request *req, const curriculum_module *m, size_t n)
{
	buf *b = &req->resp.body;
	static const char *const headers[] = {"Component", "Minutes", "Hours", NULL};
	const char *const *c = curriculum_components();
	int total = 0;
	page_table_begin(req, "Time by component", headers);
	for (size_t k = 0; c[k]; k++) {
		int sum = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(m[i].component, c[k]))
				sum += m[i].minutes;
		total += sum;
		html_printf(
		    b,
		    "<tr><td data-label=\"Component\">%s</td><td data-label=\"Minutes\" "
		    "class=\"num\" data-component=\"%s\">%d</td><td data-label=\"Hours\">%s</td>"
		    "</tr>",
		    curriculum_component_label(c[k]), c[k], sum, guideline_hours(req->arena, sum));
	}
	html_printf(
	    b,
	    "<tr><th scope=\"row\">Total</th><td class=\"num\" data-total>%d</td><td>%s</td>"
	    "</tr>",
	    total, guideline_hours(req->arena, total));
	page_table_end(req);
}

static void modules_section(request *req, const curriculum_version *v, const curriculum_module *m,
                            size_t n, bool editable)
{
	buf *b = &req->resp.body;
	static const char *const headers[] = {"#",     "Module",   "Component", "Minutes",
	                                      "Model", "Required", "Taught by", NULL};
	for (int day = 1; day <= 5; day++) {
		int sum = 0;
		size_t count = 0;
		for (size_t i = 0; i < n; i++)
			if (m[i].day == day) {
				sum += m[i].minutes;
				count++;
			}
		html_printf(b, "<h3>Day %d <small>(%s)</small></h3>", day,
		            guideline_hours(req->arena, sum));
		if (!count) {
			html_raw(b, "<p class=\"empty\">No modules on this day.</p>");
			continue;
		}
		page_table_begin(req, arena_printf(req->arena, "Modules of day %d", day), headers);
		for (size_t i = 0; i < n; i++) {
			if (m[i].day != day)
				continue;
			html_printf(b,
			            "<tr><td data-label=\"#\" class=\"num\">%d</td><td "
			            "data-label=\"Module\">",
			            m[i].position);
			if (editable)
				html_printf(b, "<a href=\"/curricula/%lld/modules/%lld\">%s</a>",
				            (long long)v->id, (long long)m[i].id, m[i].title);
			else
				html_printf(b, "%s", m[i].title);
			html_printf(b,
			            "</td><td data-label=\"Component\">%s</td>"
			            "<td data-label=\"Minutes\" class=\"num\">%d</td>"
			            "<td data-label=\"Model\" class=\"num\">%s</td>"
			            "<td data-label=\"Required\">%s</td><td data-label=\"Taught "
			            "by\">%s</td>"
			            "</tr>",
			            curriculum_component_label(m[i].component), m[i].minutes,
			            m[i].model_minutes
			                ? arena_printf(req->arena, "%d", m[i].model_minutes)
			                : "local",
			            m[i].is_required ? "Required" : "Optional",
			            kinds_words(req->arena, m[i].instructor_kinds));
		}
		page_table_end(req);
	}
}

/* The add-a-module form of a draft. */
static void add_form(request *req, const curriculum_version *v, const kv *in,
                     const field_errors *errs)
{
	const char *const *picked = in ? kv_get_all(in, "instructor_kinds", &(size_t){0}) : NULL;
	form_begin(req, arena_printf(req->arena, "/curricula/%lld/modules", (long long)v->id),
	           NULL);
	form_text(req, "title", "Title", "text", in ? kv_get(in, "title") : NULL, errs,
	          "required maxlength=\"200\"");
	form_select(req, "component", "Component", curriculum_components(),
	            component_labels(req->arena), in ? kv_get(in, "component") : NULL, errs);
	form_text(req, "minutes", "Minutes", "number", in ? kv_get(in, "minutes") : NULL, errs,
	          "required min=\"1\" max=\"1440\"");
	form_select(req, "day", "Day", days, NULL, in ? kv_get(in, "day") : NULL, errs);
	form_textarea(req, "objectives", "Learning objectives (one a line)",
	              in ? kv_get(in, "objectives") : NULL, errs, NULL);
	form_checkboxes(req, "instructor_kinds", "Taught by", curriculum_instructor_kinds(),
	                kind_labels(req->arena), picked, errs);
	form_submit(req, "Add module");
	form_end(req);
}

/* Which form a re-render shows its errors on. */
typedef enum which_form { FORM_NONE, FORM_TITLE, FORM_APPROVE, FORM_DERIVE } which_form;

static int render_version(request *req, int64_t id, which_form which, const kv *in,
                          const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	curriculum_version v;
	int rc = curriculum_version_get(d, req->arena, &req->who, id, &v);
	curriculum_module *m = NULL;
	size_t n = 0;
	guideline_result r[GUIDELINE_RULES];
	bool ok = false;
	if (rc == 0)
		rc = curriculum_modules_list(d, req->arena, id, &m, &n);
	if (rc == 0)
		rc = curriculum_check(d, req->arena, m, n, r, &ok);
	if (!auth_ok(req, rc))
		return 0;
	bool is_draft = !strcmp(v.status, "draft");
	bool editable = is_draft && may_write(req);
	buf *b = &req->resp.body;
	page_begin(req, arena_printf(req->arena, "%s, version %d", v.curriculum_name, v.version));
	static const page_done done[] = {
	    {"created", "The draft was made."},
	    {"saved", "Your changes were saved."},
	    {"approved", "The version was approved."},
	    {"removed", "The module was removed."},
	};
	PAGE_FLASH_DONE(req, done);
	/* A refused module write has no form on this page to show it on. */
	for (size_t i = 0; which == FORM_NONE && errs && i < errs->len; i++)
		page_flash(req, FLASH_ERROR, errs->items[i].message);
	html_printf(
	    b,
	    "<dl class=\"details\"><dt>Title</dt><dd>%s</dd><dt>Kind</dt><dd>%s</dd>"
	    "<dt>Status</dt><dd>%s</dd><dt>Modules</dt><dd>%d</dd><dt>Total</dt><dd>%s</dd>",
	    v.title, !strcmp(v.kind, "model") ? "National model" : "Local", status_label(v.status),
	    v.module_count, guideline_hours(req->arena, v.total_minutes));
	if (v.based_on_id)
		html_printf(
		    b, "<dt>Based on</dt><dd><a href=\"/curricula/%lld\">version %lld</a></dd>",
		    (long long)v.based_on_id, (long long)v.based_on_id);
	if (v.approved_at) {
		html_raw(b, "<dt>Approved</dt><dd>");
		auth_time_html(b, v.approved_at);
		html_raw(b, "</dd>");
	}
	html_raw(b, "</dl>");
	rules_section(req, r, ok);
	html_raw(b, "<section aria-labelledby=\"time-h\"><h2 id=\"time-h\">Time</h2>");
	totals_section(req, m, n);
	html_raw(b, "</section><section aria-labelledby=\"modules-h\"><h2 id=\"modules-h\">Modules "
	            "by day</h2>");
	if (editable)
		html_raw(b,
		         "<p>Follow a module's title to re-time, move, rename or remove it.</p>");
	modules_section(req, &v, m, n, editable);
	html_raw(b, "</section>");
	if (editable) {
		html_printf(
		    b,
		    "<p><a class=\"button\" href=\"/curricula/%lld/modules/new\">Add a local "
		    "module</a></p>",
		    (long long)v.id);
		html_raw(b, "<section aria-labelledby=\"title-h\"><h2 id=\"title-h\">Title</h2>");
		if (which == FORM_TITLE)
			form_errors_summary(req, errs);
		form_begin(req, version_path(req, v.id), NULL);
		form_text(req, "title", "Title", "text",
		          which == FORM_TITLE && in ? kv_get(in, "title") : v.title,
		          which == FORM_TITLE ? errs : NULL, "required maxlength=\"200\"");
		form_submit(req, "Save title");
		form_end(req);
		html_raw(b, "</section><section aria-labelledby=\"approve-h\"><h2 id=\"approve-h\">"
		            "Approve</h2>");
		if (which == FORM_APPROVE)
			form_errors_summary(req, errs);
		html_raw(b, "<p>An approved version can be used for courses and never changes "
		            "again.</p>");
		form_button(req,
		            arena_printf(req->arena, "/curricula/%lld/approve", (long long)v.id),
		            "Approve this version", "Approve? It cannot be changed afterwards.");
		html_raw(b, "</section>");
	} else if (may_write(req)) {
		html_raw(b, "<section aria-labelledby=\"derive-h\"><h2 id=\"derive-h\">");
		html_raw(b, !strcmp(v.kind, "model") ? "Adapt the model" : "Make a new version");
		html_raw(b, "</h2>");
		if (which == FORM_DERIVE)
			form_errors_summary(req, errs);
		form_begin(req, "/curricula", NULL);
		form_hidden(req, "from_version_id",
		            arena_printf(req->arena, "%lld", (long long)v.id));
		if (!strcmp(v.kind, "model"))
			form_text(req, "name", "Name of the local curriculum", "text",
			          which == FORM_DERIVE && in ? kv_get(in, "name") : NULL,
			          which == FORM_DERIVE ? errs : NULL, "required maxlength=\"200\"");
		form_submit(req, !strcmp(v.kind, "model") ? "Derive a local curriculum"
		                                          : "Make a new draft version");
		form_end(req);
		html_raw(b, "</section>");
	}
	html_raw(b, "<p><a href=\"/curricula\">All curricula</a></p>");
	page_end(req);
	return 0;
}

/* GET /curricula/{id}?done=created|saved|approved|removed: one version,
 * its modules by day, time by component and the guideline rules checked
 * now; the edit forms when it is a draft. */
static int version_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_version(req, id, FORM_NONE, NULL, NULL);
}

/* A write's result: a redirect to the version page with done, the page
 * again with the errors on which form, or the error page. */
static int after_write(request *req, int64_t id, int rc, which_form which, field_errors *errs,
                       const char *done)
{
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		AUTH_NAME_ERRORS(req->arena, errs, labels);
		req->resp.status = ck_error_status(rc);
		return render_version(req, id, which, &req->form, errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req,
	              arena_printf(req->arena, "/curricula/%lld?done=%s", (long long)id, done));
	return 0;
}

/* POST /curricula/{id}: form field title (a draft's). */
static int version_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_version_update(d, req->arena, &req->who, id, &req->form, &errs);
	return after_write(req, id, rc, FORM_TITLE, &errs, "saved");
}

/* POST /curricula/{id}/approve: approves a draft whose rules all pass. */
static int approve_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_approve(d, req->arena, &req->who, id, &errs);
	return after_write(req, id, rc, FORM_APPROVE, &errs, "approved");
}

static int render_add(request *req, int64_t id, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	curriculum_version v;
	int rc = curriculum_version_get(d, req->arena, &req->who, id, &v);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, arena_printf(req->arena, "Add a module to %s, version %d",
	                             v.curriculum_name, v.version));
	if (strcmp(v.status, "draft"))
		page_flash(req, FLASH_WARNING, CURRICULUM_IMMUTABLE_MESSAGE);
	form_errors_summary(req, errs);
	add_form(req, &v, in, errs);
	html_printf(&req->resp.body, "<p><a href=\"/curricula/%lld\">Back to the version</a></p>",
	            (long long)id);
	page_end(req);
	return 0;
}

/* GET /curricula/{id}/modules/new: the form for a local module. */
static int module_new_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_add(req, id, NULL, NULL);
}

/* POST /curricula/{id}/modules: form fields title, component, minutes,
 * day, objectives, instructor_kinds (repeated). Redirects to the version;
 * a problem re-shows the form. */
static int module_add_submit(request *req)
{
	int64_t id, module_id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_module_add(d, req->arena, &req->who, id, &req->form, &module_id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = ck_error_status(rc);
		return render_add(req, id, &req->form, &errs);
	}
	return after_write(req, id, rc, FORM_NONE, &errs, "saved");
}

/* The module {mid} of version {id}, or a 404 already set. */
static bool find_module(request *req, db *d, int64_t *id, curriculum_module *out)
{
	int64_t mid;
	if (!auth_path_id(req, 0, id) || !auth_path_id(req, 1, &mid))
		return false;
	curriculum_version v;
	int rc = curriculum_version_get(d, req->arena, &req->who, *id, &v);
	curriculum_module *m;
	size_t n = 0;
	if (rc == 0)
		rc = curriculum_modules_list(d, req->arena, *id, &m, &n);
	if (rc < 0) {
		auth_fail(req, rc);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (m[i].id == mid) {
			*out = m[i];
			return true;
		}
	resp_error(req, CK_E_NOT_FOUND, NULL);
	return false;
}

static int render_module(request *req, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	int64_t id;
	curriculum_module m;
	if (!d || !find_module(req, d, &id, &m))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, m.title);
	html_printf(b,
	            "<dl class=\"details\"><dt>Component</dt><dd>%s</dd><dt>Model time</dt><dd>%s"
	            "</dd><dt>Required</dt><dd>%s</dd></dl>",
	            curriculum_component_label(m.component),
	            m.model_minutes ? guideline_hours(req->arena, m.model_minutes)
	                            : "a local module",
	            m.is_required ? "Yes: it may be re-timed within the guideline range, not "
	                            "removed"
	                          : "No");
	form_errors_summary(req, errs);
	const char *action = arena_printf(req->arena, "/curricula/%lld/modules/%lld", (long long)id,
	                                  (long long)m.id);
	form_begin(req, action, NULL);
	form_text(req, "title", "Title", "text", in ? kv_get(in, "title") : m.title, errs,
	          "required maxlength=\"200\"");
	if (!m.model_minutes)
		form_select(req, "component", "Component", curriculum_components(),
		            component_labels(req->arena),
		            in ? kv_get(in, "component") : m.component, errs);
	form_text(req, "minutes", "Minutes", "number",
	          in ? kv_get(in, "minutes") : arena_printf(req->arena, "%d", m.minutes), errs,
	          "required min=\"1\" max=\"1440\"");
	form_select(req, "day", "Day", days, NULL,
	            in ? kv_get(in, "day") : arena_printf(req->arena, "%d", m.day), errs);
	form_text(req, "position", "Position (1 is first)", "number",
	          in ? kv_get(in, "position") : arena_printf(req->arena, "%d", m.position), errs,
	          "min=\"1\"");
	form_textarea(req, "objectives", "Learning objectives (one a line)",
	              in ? kv_get(in, "objectives") : m.objectives, errs, NULL);
	form_checkboxes(req, "instructor_kinds", "Taught by", curriculum_instructor_kinds(),
	                kind_labels(req->arena),
	                in ? kv_get_all(in, "instructor_kinds", &(size_t){0})
	                   : split_kinds(req->arena, m.instructor_kinds),
	                errs);
	form_submit(req, "Save module");
	form_end(req);
	if (!m.is_required) {
		html_raw(b, "<h2>Remove</h2>");
		form_button(req, arena_printf(req->arena, "%s/remove", action),
		            "Remove this module", "Remove this module from the draft?");
	}
	html_printf(b, "<p><a href=\"/curricula/%lld\">Back to the version</a></p>", (long long)id);
	page_end(req);
	return 0;
}

/* GET /curricula/{id}/modules/{mid}: the edit form of one module. */
static int module_page(request *req)
{
	return render_module(req, NULL, NULL);
}

/* POST /curricula/{id}/modules/{mid}: form fields title, component (local
 * modules), minutes, day, position, objectives, instructor_kinds. */
static int module_submit(request *req)
{
	db *d = auth_db(req);
	int64_t id;
	curriculum_module m;
	if (!d || !find_module(req, d, &id, &m))
		return 0;
	field_errors errs = {0};
	/* No box ticked sends nothing, which keeps the kinds as they are. */
	int rc = curriculum_module_update(d, req->arena, &req->who, m.id, &req->form, &errs);
	if (rc == CK_E_INVALID) {
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = ck_error_status(rc);
		return render_module(req, &req->form, &errs);
	}
	return after_write(req, id, rc, FORM_NONE, &errs, "saved");
}

/* POST /curricula/{id}/modules/{mid}/remove: removes an optional module. */
static int module_remove_submit(request *req)
{
	db *d = auth_db(req);
	int64_t id;
	curriculum_module m;
	if (!d || !find_module(req, d, &id, &m))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_module_remove(d, req->arena, &req->who, m.id, &errs);
	return after_write(req, id, rc, FORM_NONE, &errs, "removed");
}

static const route curricula_routes[] = {
    {"GET", "/curricula", curricula_page, PERM_CURRICULA_READ, 0,
     "Curricula: the national model and local versions"},
    {"POST", "/curricula", curricula_derive_submit, PERM_CURRICULA_WRITE, 0,
     "Derive a draft from the model or an earlier version"},
    {"GET", "/curricula/{id}", version_page, PERM_CURRICULA_READ, 0,
     "One curriculum version: modules by day, time by component, guideline rules"},
    {"POST", "/curricula/{id}", version_submit, PERM_CURRICULA_WRITE, 0, "Change a draft's title"},
    {"POST", "/curricula/{id}/approve", approve_submit, PERM_CURRICULA_WRITE, 0,
     "Approve a draft whose guideline rules all pass"},
    {"GET", "/curricula/{id}/modules/new", module_new_page, PERM_CURRICULA_WRITE, 0,
     "Form for a local module"},
    {"POST", "/curricula/{id}/modules", module_add_submit, PERM_CURRICULA_WRITE, 0,
     "Add a local module to a draft"},
    {"GET", "/curricula/{id}/modules/{mid}", module_page, PERM_CURRICULA_WRITE, 0,
     "Edit form of one module"},
    {"POST", "/curricula/{id}/modules/{mid}", module_submit, PERM_CURRICULA_WRITE, 0,
     "Re-time, move, rename or describe a module"},
    {"POST", "/curricula/{id}/modules/{mid}/remove", module_remove_submit, PERM_CURRICULA_WRITE, 0,
     "Remove a module the model does not require"},
};

void curricula_pages_register(void)
{
	ROUTES_ADD(curricula_routes);
}

void curricula_routes_register(void)
{
	curricula_pages_register();
	curricula_api_register();
	guidelines_pages_register();
}
