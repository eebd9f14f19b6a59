/* users_pages.c: the people who sign in: a filtered list, adding someone,
 * and one person's page (edit, unlock, reset their second factor, set a
 * password). Supervisors see their own organization's people, read only;
 * coordinators and admins see and change everyone (users.h has the
 * rules, which the service enforces: the page only hides what it would
 * refuse). */
#include <stdlib.h>
#include <string.h>

#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "auth.h"
#include "auth_web.h"
#include "orgs.h"
#include "password.h"
#include "totp.h"
#include "users.h"

#define PATH_USERS "/users"

static const field_label user_labels[] = {
    {"name", "Full name"}, {"email", "Email"},      {"org_id", "Organization"},
    {"roles", NULL},       {"is_active", "Active"}, {"password", "Password"},
};

typedef struct org_choices {
	const char **ids, **names; /* parallel, NULL-terminated */
} org_choices;

/* Every organization as select options ("" = first_label when given). */
static int load_orgs(db *d, request *req, const char *first_label, org_choices *out)
{
	org *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = org_list(d, req->arena, &req->who, AUTH_LIST_MAX, NULL, &items, &n, &next);
	if (rc < 0)
		return rc;
	size_t k = 0;
	out->ids = arena_array(req->arena, n + 2, sizeof *out->ids);
	out->names = arena_array(req->arena, n + 2, sizeof *out->names);
	if (first_label) {
		out->ids[k] = "";
		out->names[k++] = first_label;
	}
	for (size_t i = 0; i < n; i++, k++) {
		out->ids[k] = arena_printf(req->arena, "%lld", (long long)items[i].id);
		out->names[k] = items[i].name;
	}
	return 0;
}

static void status_badges(buf *b, const user *u)
{
	if (!u->is_active)
		html_raw(b, "<span class=\"badge badge-muted\">Disabled</span>");
	else if (u->is_locked)
		html_raw(b, "<span class=\"badge badge-warn\">Locked</span>");
	else
		html_raw(b, "<span class=\"badge badge-ok\">Active</span>");
	if (!u->has_password)
		html_raw(b, " <span class=\"badge badge-muted\">No password</span>");
}

/* The filter form: a GET form, so a filtered list has its own address. */
static void filter_form(request *req, const org_choices *orgs, const char *org_id,
                        const char *role_sel, const char *active, const char *q)
{
	static const char *const active_values[] = {"", "1", "0", NULL};
	static const char *const active_labels[] = {"Any", "Active", "Disabled", NULL};
	const char *const *names = role_names();
	const char **role_values = arena_array(req->arena, ROLE_COUNT + 2, sizeof *role_values);
	const char **role_labels = arena_array(req->arena, ROLE_COUNT + 2, sizeof *role_labels);
	const char *const *labels = auth_role_labels(req->arena);
	role_values[0] = "";
	role_labels[0] = "Any role";
	for (size_t i = 0; names[i]; i++) {
		role_values[i + 1] = names[i];
		role_labels[i + 1] = labels[i];
	}
	html_raw(&req->resp.body,
	         "<form method=\"get\" action=\"/users\" class=\"filters\" role=\"search\" "
	         "aria-label=\"Filter people\">");
	form_text(req, "q", "Name or email", "search", q, NULL, NULL);
	if (orgs)
		form_select(req, "org", "Organization", orgs->ids, orgs->names, org_id, NULL);
	form_select(req, "role", "Role", role_values, role_labels, role_sel, NULL);
	form_select(req, "active", "Status", active_values, active_labels, active, NULL);
	html_raw(&req->resp.body, "<div class=\"actions\"><button type=\"submit\">Filter</button> "
	                          "<a href=\"/users\">Clear</a></div></form>");
}

/* GET /users?q=TEXT&org=ID&role=NAME&active=1|0&cursor=C&imported=N:
 * people by name. q: part of the name or email; org: one organization;
 * role: holders of one role; active: 1 active only, 0 disabled only;
 * cursor: the next page; imported: how many a roster import just added. */
static int users_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	const char *q = kv_get(&req->query, "q");
	const char *role_sel = kv_get(&req->query, "role");
	const char *active = kv_get(&req->query, "active");
	int64_t org_id = auth_query_id(req, "org");
	user_filter f = {.org_id = org_id > 0 ? org_id : 0, .q = q && *q ? q : NULL, .active = -1};
	if (org_id < 0) {
		resp_error(req, CK_E_NOT_FOUND, "No such organization");
		return 0;
	}
	if (role_sel && *role_sel && !(f.role = role_parse(role_sel))) {
		resp_error(req, CK_E_MALFORMED, "Unknown role");
		return 0;
	}
	if (active && (!strcmp(active, "1") || !strcmp(active, "0")))
		f.active = active[0] - '0';

	user *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = user_list(d, req->arena, &req->who, &f, 0, kv_get(&req->query, "cursor"), &items,
	                   &n, &next);
	org_choices orgs = {0};
	bool all_orgs = roles_see_all_orgs(req->who.roles);
	if (rc >= 0 && all_orgs)
		rc = load_orgs(d, req, "Every organization", &orgs);
	if (!auth_ok(req, rc))
		return 0;

	buf *b = &req->resp.body;
	page_begin(req, "People");
	int64_t imported = auth_query_id(req, "imported");
	if (imported > 0)
		page_flash(req, FLASH_SUCCESS,
		           arena_printf(req->arena, "%lld %s imported.", (long long)imported,
		                        imported == 1 ? "person was" : "people were"));
	bool may_add = perm_granted(req->who.roles, PERM_USERS_WRITE);
	bool may_import = perm_granted(req->who.roles, PERM_ROSTER_IMPORT);
	if (may_add || may_import) {
		html_raw(b, "<p class=\"actions\">");
		if (may_add)
			html_raw(b, "<a class=\"button\" href=\"/users/new\">Add a person</a> ");
		if (may_import)
			html_raw(b, "<a class=\"button button-secondary\" "
			            "href=\"/users/import\">Import a roster</a>");
		html_raw(b, "</p>");
	}
	filter_form(req, all_orgs ? &orgs : NULL, org_id > 0 ? kv_get(&req->query, "org") : NULL,
	            role_sel, active, q);
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">Nobody matches these filters.</p>");
	} else {
		static const char *const headers[] = {"Name",  "Email",  "Organization",
		                                      "Roles", "Status", NULL};
		page_table_begin(req, "People", headers);
		for (size_t i = 0; i < n; i++) {
			const user *u = &items[i];
			html_printf(
			    b,
			    "<tr><td data-label=\"Name\"><a href=\"/users/%lld\">%s</a></td><td "
			    "data-label=\"Email\">%s</td><td "
			    "data-label=\"Organization\">%s</td><td "
			    "data-label=\"Roles\">%s</td><td data-label=\"Status\">",
			    (long long)u->id, u->name, u->email, u->org_name,
			    auth_role_text(req->arena, u->roles));
			status_badges(b, u);
			html_raw(b, "</td></tr>");
		}
		page_table_end(req);
	}
	page_next_link(req, next);
	page_end(req);
	return 0;
}

/* Names the fields in errs for the summary. An unticked set of role boxes
 * is the likeliest roles problem, and says so in the form's own words. */
static void name_user_errors(request *req, field_errors *errs)
{
	size_t n = 0;
	kv_get_all(&req->form, "roles", &n);
	for (size_t i = 0; i < errs->len; i++)
		if (n == 0 && !strcmp(errs->items[i].field, "roles"))
			errs->items[i].message = "Choose at least one role";
	AUTH_NAME_ERRORS(req->arena, errs, user_labels);
}

/* The fields of the add / edit form, as typed (re-shown on a problem) or
 * as stored. */
typedef struct user_form_values {
	const char *name, *email, *org_id;
	const char *const *roles;
	bool is_active;
} user_form_values;

static void values_from_user(arena *a, const user *u, user_form_values *v)
{
	v->name = u->name;
	v->email = u->email;
	v->org_id = arena_printf(a, "%lld", (long long)u->org_id);
	v->roles = auth_role_list(a, u->roles);
	v->is_active = u->is_active;
}

static void values_from_form(const kv *in, user_form_values *v)
{
	size_t n = 0;
	v->name = kv_get(in, "name");
	v->email = kv_get(in, "email");
	v->org_id = kv_get(in, "org_id");
	v->roles = kv_get_all(in, "roles", &n);
	v->is_active = kv_get(in, "is_active") != NULL;
}

/* What a page form sends, made explicit for the service: an unticked box
 * sends nothing, but here it means "off" (is_active=0) or "no roles"
 * (roles="", which the service refuses by name). */
static kv user_input(request *req, bool with_password)
{
	kv in;
	kv_init(&in, req->arena);
	static const char *const text_fields[] = {"name", "email", "org_id"};
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const char *v = kv_get(&req->form, text_fields[i]);
		kv_add(&in, text_fields[i], v ? v : "", v ? strlen(v) : 0);
	}
	size_t n = 0;
	const char **roles = kv_get_all(&req->form, "roles", &n);
	if (n == 0)
		kv_add(&in, "roles", "", 0);
	for (size_t i = 0; i < n; i++)
		kv_add(&in, "roles", roles[i], strlen(roles[i]));
	bool active = kv_get(&req->form, "is_active") != NULL;
	kv_add(&in, "is_active", active ? "1" : "0", 1);
	const char *pw = with_password ? kv_get(&req->form, "password") : NULL;
	if (pw && *pw)
		kv_add(&in, "password", pw, strlen(pw));
	return in;
}

static void user_form(request *req, const char *action, const org_choices *orgs,
                      const user_form_values *v, bool is_new, const field_errors *errs)
{
	form_errors_summary(req, errs);
	form_begin(req, action, NULL);
	form_text(req, "name", "Full name", "text", v->name, errs,
	          "required maxlength=\"200\" autocomplete=\"off\"");
	form_text(req, "email", "Email", "email", v->email, errs,
	          "required autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\"");
	form_select(req, "org_id", "Organization", orgs->ids, orgs->names, v->org_id, errs);
	form_checkboxes(req, "roles", "Roles", role_names(), auth_role_labels(req->arena), v->roles,
	                errs);
	form_checkbox(req, "is_active", "Active (may sign in)", v->is_active, errs);
	if (is_new)
		form_text(req, "password", "First password (optional; they can change it)",
		          "password", NULL, errs,
		          "autocomplete=\"new-password\" maxlength=\"128\"");
	form_submit(req, is_new ? "Add person" : "Save changes");
	form_end(req);
}

static int render_new(request *req, const user_form_values *v, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	org_choices orgs;
	int rc = load_orgs(d, req, "Choose…", &orgs);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, "Add a person");
	if (orgs.ids[1] == NULL)
		html_raw(&req->resp.body,
		         "<p class=\"empty\">Add an <a href=\"/orgs/new\">organization</a> first: "
		         "everyone belongs to one.</p>");
	user_form(req, "/users/new", &orgs, v, true, errs);
	page_end(req);
	return 0;
}

/* GET /users/new?org=ID: the form for a new person. org: the
 * organization to preselect. */
static int user_new_page(request *req)
{
	static const char *const officer[] = {"officer", NULL};
	user_form_values v = {
	    .org_id = kv_get(&req->query, "org"), .roles = officer, .is_active = true};
	return render_new(req, &v, NULL);
}

/* POST /users/new: form fields name, email, org_id, roles (repeated),
 * is_active, password (optional). Redirects to the new person's page. */
static int user_new_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	kv in = user_input(req, true);
	field_errors errs = {0};
	int64_t id = 0;
	int rc = user_create(d, req->arena, &req->who, &in, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		user_form_values v;
		values_from_form(&req->form, &v);
		name_user_errors(req, &errs);
		req->resp.status = ck_error_status(rc);
		return render_new(req, &v, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/users/%lld?done=created", (long long)id));
	return 0;
}

static void done_flash(request *req)
{
	static const page_done done[] = {
	    {"created", "The person was added."},
	    {"saved", "Your changes were saved."},
	    {"unlocked", "The account was unlocked. They can sign in again."},
	    {"totp-reset",
	     "Their second factor was removed. They will set up a new one at their next sign-in."},
	    {"password", "Their password was set. Their sessions were ended."},
	};
	PAGE_FLASH_DONE(req, done);
}

/* Who the person is and the state of their account. full: also email,
 * organization and roles (for those who cannot edit them). */
static void account_facts(request *req, const user *u, bool full)
{
	buf *b = &req->resp.body;
	html_raw(b, "<dl class=\"details\">");
	if (full)
		html_printf(b,
		            "<dt>Email</dt><dd>%s</dd><dt>Organization</dt><dd>%s</dd>"
		            "<dt>Roles</dt><dd>%s</dd>",
		            u->email, u->org_name, auth_role_text(req->arena, u->roles));
	html_raw(b, "<dt>Status</dt><dd>");
	status_badges(b, u);
	html_raw(b, "</dd><dt>Second factor</dt><dd>");
	if (u->totp_enabled) {
		html_raw(b, "Set up ");
		auth_time_html(b, u->totp_enabled_at);
	} else {
		html_raw(b, "Not set up");
	}
	html_raw(b, "</dd><dt>Password last changed</dt><dd>");
	auth_time_html(b, u->password_changed_at);
	html_raw(b, "</dd><dt>Added</dt><dd>");
	auth_time_html(b, u->created_at);
	html_raw(b, "</dd></dl>");
}

/* The unlock button, first thing under the facts: the urgent action. */
static void lock_section(request *req, const user *u)
{
	buf *b = &req->resp.body;
	if (!u->is_locked || !perm_granted(req->who.roles, PERM_USERS_UNLOCK))
		return;
	html_raw(b, "<section aria-labelledby=\"lock-h\"><h2 id=\"lock-h\">Locked account</h2>"
	            "<p>This account was locked after repeated failed sign-ins on ");
	auth_time_html(b, u->locked_at);
	html_raw(b, ". Unlock it once you know the attempts were theirs.</p>");
	form_button(req, arena_printf(req->arena, "/users/%lld/unlock", (long long)u->id),
	            "Unlock account", NULL);
	html_raw(b, "</section>");
}

/* The other actions on someone else's account. */
static void admin_actions(request *req, const user *u, const field_errors *pw_errs)
{
	buf *b = &req->resp.body;
	bool may_unlock = perm_granted(req->who.roles, PERM_USERS_UNLOCK);
	bool may_write = perm_granted(req->who.roles, PERM_USERS_WRITE);
	if (u->totp_enabled && may_unlock && u->id != req->who.user_id) {
		html_raw(b,
		         "<section aria-labelledby=\"mfa-h\"><h2 id=\"mfa-h\">Second factor</h2>"
		         "<p>Lost their phone? Remove their second factor; they set up a new one "
		         "at their next sign-in.</p>");
		form_button(req,
		            arena_printf(req->arena, "/users/%lld/reset-totp", (long long)u->id),
		            "Remove second factor", "Remove this person's second factor?");
		html_raw(b, "</section>");
	}
	if (may_write && u->id != req->who.user_id) {
		html_raw(b,
		         "<section aria-labelledby=\"pw-h\"><h2 id=\"pw-h\">Set a password</h2>");
		html_printf(
		    b,
		    "<p>For someone who has none yet or forgot theirs. At least %d characters; "
		    "tell it to them in person. It ends their sessions.</p>",
		    PASSWORD_MIN_CHARS);
		form_errors_summary(req, pw_errs);
		form_begin(req, arena_printf(req->arena, "/users/%lld/password", (long long)u->id),
		           NULL);
		form_text(req, "password", "New password", "password", NULL, pw_errs,
		          "required autocomplete=\"new-password\" maxlength=\"128\"");
		form_submit(req, "Set password");
		form_end(req);
		html_raw(b, "</section>");
	}
}

/* One person's page. edit: values to re-show with errs (NULL: stored). */
static int render_user(request *req, int64_t id, const user_form_values *edit,
                       const field_errors *errs, const field_errors *pw_errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	user u;
	int rc = user_get(d, req->arena, &req->who, id, &u);
	org_choices orgs = {0};
	bool may_write = perm_granted(req->who.roles, PERM_USERS_WRITE);
	if (rc >= 0 && may_write)
		rc = load_orgs(d, req, NULL, &orgs);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, u.name);
	done_flash(req);
	account_facts(req, &u, !may_write);
	lock_section(req, &u);
	if (may_write) {
		user_form_values v;
		if (edit)
			v = *edit;
		else
			values_from_user(req->arena, &u, &v);
		html_raw(&req->resp.body,
		         "<section aria-labelledby=\"edit-h\"><h2 id=\"edit-h\">Details</h2>");
		user_form(req, arena_printf(req->arena, "/users/%lld", (long long)id), &orgs, &v,
		          false, errs);
		html_raw(&req->resp.body, "</section>");
	}
	admin_actions(req, &u, pw_errs);
	html_raw(&req->resp.body, "<p><a href=\"/users\">All people</a></p>");
	page_end(req);
	return 0;
}

/* GET /users/{id}?done=KEY: one person: the edit form for coordinators
 * and admins, read only for supervisors; lockout, second factor and
 * password actions for those allowed. Outside the viewer's scope: 404. */
static int user_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_user(req, id, NULL, NULL, NULL);
}

/* POST /users/{id}: form fields name, email, org_id, roles (repeated),
 * is_active. Redirects back to the page; a problem re-shows the form. */
static int user_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	kv in = user_input(req, false);
	field_errors errs = {0};
	int rc = user_update(d, req->arena, &req->who, id, &in, &errs);
	if (rc == CK_E_CONFLICT && errs.len == 0)
		field_errors_add(&errs, "is_active", "You cannot disable your own account");
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		user_form_values v;
		values_from_form(&req->form, &v);
		name_user_errors(req, &errs);
		req->resp.status = ck_error_status(rc);
		return render_user(req, id, &v, &errs, NULL);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/users/%lld?done=saved", (long long)id));
	return 0;
}

/* POST /users/{id}/unlock: clears the lockout (admins). */
static int user_unlock_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = user_unlock(d, &req->who, id);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/users/%lld?done=unlocked", (long long)id));
	return 0;
}

/* POST /users/{id}/reset-totp: removes a lost second factor (admins). */
static int user_reset_totp_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = totp_reset(d, &req->who, id);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/users/%lld?done=totp-reset", (long long)id));
	return 0;
}

/* POST /users/{id}/password: form field password. Sets someone else's
 * password (coordinators and admins); a weak one is refused, saying why. */
static int user_password_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	const char *pw = kv_get(&req->form, "password");
	field_errors errs = {0};
	int rc = CK_E_INVALID;
	if (!pw || !*pw)
		field_errors_add(&errs, "password", "Enter the new password");
	else
		rc = user_set_password(d, req->arena, &req->who, id, NULL, pw, &errs);
	if (rc == CK_E_INVALID) {
		static const field_label labels[] = {{"password", "New password"}};
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = ck_error_status(rc);
		return render_user(req, id, NULL, NULL, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/users/%lld?done=password", (long long)id));
	return 0;
}

static const route users_routes[] = {
    {"GET", PATH_USERS, users_page, PERM_USERS_READ, 0, "People, filtered and paged"},
    {"GET", "/users/new", user_new_page, PERM_USERS_WRITE, 0, "Form for a new person"},
    {"POST", "/users/new", user_new_submit, PERM_USERS_WRITE, 0, "Add a person"},
    {"GET", "/users/{id}", user_page, PERM_USERS_READ, 0, "One person (with the edit form)"},
    {"POST", "/users/{id}", user_submit, PERM_USERS_WRITE, 0,
     "Change a person: name, email, organization, roles, active"},
    {"POST", "/users/{id}/unlock", user_unlock_submit, PERM_USERS_UNLOCK, 0,
     "Unlock a locked account"},
    {"POST", "/users/{id}/reset-totp", user_reset_totp_submit, PERM_USERS_UNLOCK, 0,
     "Remove a person's second factor"},
    {"POST", "/users/{id}/password", user_password_submit, PERM_USERS_WRITE, 0,
     "Set a person's password"},
};

void users_pages_register(void)
{
	ROUTES_ADD(users_routes);
}
