/* orgs_pages.c: the partner organizations: list, add, view and edit.
 * Everyone signed in may see them; coordinators and admins change them. */
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "auth_web.h"
#include "orgs.h"

#define PATH_ORGS "/orgs"

static const field_label org_labels[] = {{"name", "Name"}, {"kind", "Kind"}};

static const char *const *kind_labels(arena *a)
{
	const char *const *kinds = org_kinds();
	size_t n = 0;
	while (kinds[n])
		n++;
	const char **labels = arena_array(a, n + 1, sizeof *labels);
	for (size_t i = 0; i < n; i++)
		labels[i] = org_kind_label(kinds[i]);
	return labels;
}

/* The number of an organization's active people, linked to the list of
 * them when the viewer may see that list (supervisors: their own
 * organization only). */
static void people_count(request *req, const org *o)
{
	bool may_see = perm_granted(req->who.roles, PERM_USERS_READ) &&
	               (roles_see_all_orgs(req->who.roles) || o->id == req->who.org_id);
	if (may_see)
		html_printf(&req->resp.body, "<a href=\"/users?org=%lld\">%lld</a>",
		            (long long)o->id, (long long)o->user_count);
	else
		html_printf(&req->resp.body, "%lld", (long long)o->user_count);
}

/* GET /orgs?cursor=C: every partner organization by name,
 * with its kind and number of active people. cursor: the next page. */
static int orgs_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	org *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc =
	    org_list(d, req->arena, &req->who, 0, kv_get(&req->query, "cursor"), &items, &n, &next);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	bool may_write = perm_granted(req->who.roles, PERM_ORGS_WRITE);
	page_begin(req, "Organizations");
	html_raw(b, "<p>The partners in this CIT program: police and sheriff's offices, "
	            "mental-health providers, hospitals, advocates and dispatch.</p>");
	if (may_write)
		html_raw(b,
		         "<p><a class=\"button\" href=\"/orgs/new\">Add an organization</a></p>");
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">No organizations yet.</p>");
	} else {
		static const char *const headers[] = {"Name", "Kind", "Active people", NULL};
		page_table_begin(req, "Partner organizations", headers);
		for (size_t i = 0; i < n; i++) {
			const org *o = &items[i];
			html_printf(b,
			            "<tr><td data-label=\"Name\"><a "
			            "href=\"/orgs/%lld\">%s</a></td><td data-label=\"Kind\">%s</td>"
			            "<td data-label=\"Active people\" class=\"num\">",
			            (long long)o->id, o->name, org_kind_label(o->kind));
			people_count(req, o);
			html_raw(b, "</td></tr>");
		}
		page_table_end(req);
	}
	page_next_link(req, next);
	page_end(req);
	return 0;
}

/* The add / edit form. id 0: a new organization. */
static void org_form(request *req, int64_t id, const char *name, const char *kind,
                     const field_errors *errs)
{
	form_errors_summary(req, errs);
	form_begin(req, id ? arena_printf(req->arena, "/orgs/%lld", (long long)id) : "/orgs/new",
	           NULL);
	form_text(req, "name", "Name", "text", name, errs, "required maxlength=\"200\"");
	form_select(req, "kind", "Kind", org_kinds(), kind_labels(req->arena), kind, errs);
	form_submit(req, id ? "Save changes" : "Add organization");
	form_end(req);
}

static int render_new(request *req, const kv *in, const field_errors *errs)
{
	page_begin(req, "Add an organization");
	org_form(req, 0, in ? kv_get(in, "name") : NULL, in ? kv_get(in, "kind") : NULL, errs);
	page_end(req);
	return 0;
}

/* GET /orgs/new: the form for a new partner organization. */
static int org_new_page(request *req)
{
	return render_new(req, NULL, NULL);
}

/* POST /orgs/new: form fields name, kind. Redirects to the new
 * organization's page; a problem re-shows the form. */
static int org_new_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = org_create(d, req->arena, &req->who, &req->form, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		AUTH_NAME_ERRORS(req->arena, &errs, org_labels);
		req->resp.status = ck_error_status(rc);
		return render_new(req, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/orgs/%lld?done=created", (long long)id));
	return 0;
}

static int render_org(request *req, int64_t id, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	org o;
	int rc = org_get(d, req->arena, &req->who, id, &o);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, o.name);
	static const page_done done[] = {
	    {"created", "The organization was added."},
	    {"saved", "Your changes were saved."},
	};
	PAGE_FLASH_DONE(req, done);
	html_printf(b, "<dl class=\"details\"><dt>Kind</dt><dd>%s</dd><dt>Active people</dt><dd>",
	            org_kind_label(o.kind));
	people_count(req, &o);
	html_raw(b, "</dd><dt>Added</dt><dd>");
	auth_time_html(b, o.created_at);
	html_raw(b, "</dd><dt>Last changed</dt><dd>");
	auth_time_html(b, o.updated_at);
	html_raw(b, "</dd></dl>");
	if (perm_granted(req->who.roles, PERM_ORGS_WRITE)) {
		html_raw(b, "<section aria-labelledby=\"edit-h\"><h2 id=\"edit-h\">Edit</h2>");
		org_form(req, o.id, in ? kv_get(in, "name") : o.name,
		         in ? kv_get(in, "kind") : o.kind, errs);
		html_raw(b, "</section>");
	}
	html_raw(b, "<p><a href=\"/orgs\">All organizations</a></p>");
	page_end(req);
	return 0;
}

/* GET /orgs/{id}?done=created|saved: one organization; the edit form for
 * those who may change it. */
static int org_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_org(req, id, NULL, NULL);
}

/* POST /orgs/{id}: form fields name, kind. Redirects back to the page. */
static int org_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = org_update(d, req->arena, &req->who, id, &req->form, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		AUTH_NAME_ERRORS(req->arena, &errs, org_labels);
		req->resp.status = ck_error_status(rc);
		return render_org(req, id, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/orgs/%lld?done=saved", (long long)id));
	return 0;
}

static const route orgs_routes[] = {
    {"GET", PATH_ORGS, orgs_page, PERM_ORGS_READ, 0, "Partner organizations"},
    {"GET", "/orgs/new", org_new_page, PERM_ORGS_WRITE, 0, "Form for a new organization"},
    {"POST", "/orgs/new", org_new_submit, PERM_ORGS_WRITE, 0, "Add an organization"},
    {"GET", "/orgs/{id}", org_page, PERM_ORGS_READ, 0, "One organization (with its edit form)"},
    {"POST", "/orgs/{id}", org_submit, PERM_ORGS_WRITE, 0, "Change an organization"},
};

void orgs_pages_register(void)
{
	ROUTES_ADD(orgs_routes);
}
