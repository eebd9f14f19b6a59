/* audit_pages.c: the audit log for administrators: who did what, when (UTC
 * to the hundredth of a second), from where, with what outcome; filtered
 * by person, action and dates, newest first; and a check of the hash
 * chain on request. */
#include <stdlib.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "audit.h"
#include "auth_web.h"
#include "users.h"

#define PATH_AUDIT "/audit"

typedef struct audit_query {
	audit_filter f;
	const char *user, *action, *from, *to; /* as typed, to show again */
	bool no_such_user;
} audit_query;

/* A date from the query: 0 when blank, false when malformed. The end of
 * the range includes its whole day. */
static bool query_date(request *req, const char *name, bool end_of_day, const char **raw,
                       int64_t *out, field_errors *errs)
{
	*raw = kv_get(&req->query, name);
	*out = 0;
	if (!*raw || !**raw)
		return true;
	if (strlen(*raw) != 10 || !clock_parse(*raw, out)) {
		field_errors_add(errs, name, "must be a date (YYYY-MM-DD)");
		return false;
	}
	if (end_of_day)
		*out += 86399;
	return true;
}

/* Reads the filters. The person may be given by email or id. */
static int read_query(request *req, db *d, audit_query *q, field_errors *errs)
{
	memset(q, 0, sizeof *q);
	q->user = kv_get(&req->query, "user");
	q->action = kv_get(&req->query, "action");
	if (q->action && *q->action)
		q->f.action = q->action;
	query_date(req, "from", false, &q->from, &q->f.from, errs);
	query_date(req, "to", true, &q->to, &q->f.to, errs);
	if (q->f.from && q->f.to && q->f.from > q->f.to)
		field_errors_add(errs, "to", "must not be before the start date");
	if (!q->user || !*q->user)
		return 0;
	if (strchr(q->user, '@')) {
		user u;
		int rc = user_get_by_email(d, req->arena, &req->who, q->user, &u);
		if (rc == CK_E_NOT_FOUND)
			q->no_such_user = true;
		else if (rc < 0)
			return rc;
		else
			q->f.user_id = u.id;
		return 0;
	}
	char *end = NULL;
	long long id = strtoll(q->user, &end, 10);
	if (*end || id < 1)
		field_errors_add(errs, "user", "must be an email address or a user number");
	else
		q->f.user_id = id;
	return 0;
}

static void filter_form(request *req, const audit_query *q, const field_errors *errs)
{
	buf *b = &req->resp.body;
	form_errors_summary(req, errs);
	html_raw(b, "<form method=\"get\" action=\"/audit\" class=\"filters\" role=\"search\" "
	            "aria-label=\"Filter the audit log\">");
	form_text(req, "user", "Person (email)", "text", q->user, errs, "autocomplete=\"off\"");
	form_text(req, "action", "Action", "text", q->action, errs,
	          "autocomplete=\"off\" placeholder=\"login.\"");
	form_text(req, "from", "From", "date", q->from, errs, NULL);
	form_text(req, "to", "To", "date", q->to, errs, NULL);
	html_raw(
	    b,
	    "<div class=\"actions\"><button type=\"submit\">Filter</button> "
	    "<a href=\"/audit\">Clear</a></div>"
	    "<p class=\"hint\">Action: one exactly (<code>login.fail</code>) or every action "
	    "that starts with a prefix ending in a dot (<code>login.</code>, <code>user.</code>). "
	    "Dates are UTC and include the whole day.</p></form>");
}

static void verify_section(request *req, db *d)
{
	buf *b = &req->resp.body;
	html_raw(b, "<section aria-labelledby=\"verify-h\"><h2 id=\"verify-h\">Integrity</h2>");
	if (!kv_get(&req->query, "verify")) {
		html_raw(b, "<p>Each entry is chained to the one before by its hash, so a changed, "
		            "removed or reordered entry shows up when the chain is checked.</p>"
		            "<form method=\"get\" action=\"/audit\"><input type=\"hidden\" "
		            "name=\"verify\" value=\"1\">"
		            "<button type=\"submit\">Verify chain</button></form></section>");
		return;
	}
	audit_report r;
	int rc = audit_verify(d, req->arena, &r);
	if (rc < 0)
		page_flash(req, FLASH_ERROR, "The audit log could not be read to check it.");
	else if (r.ok)
		page_flash(
		    req, FLASH_SUCCESS,
		    arena_printf(req->arena, "Chain verified: all %lld entries are intact%s.",
		                 (long long)r.rows,
		                 r.anchor_checked
		                     ? ", and the newest entry matches its signed anchor"
		                     : " (no server secret is configured, so removal of the newest "
		                       "entries cannot be detected)"));
	else
		page_flash(req, FLASH_ERROR,
		           r.first_bad_id
		               ? arena_printf(req->arena, "Chain broken at entry %lld: %s",
		                              (long long)r.first_bad_id,
		                              r.problem ? r.problem : "it does not match")
		               : arena_printf(req->arena, "Chain broken: %s",
		                              r.problem ? r.problem : "unknown"));
	html_raw(b, "</section>");
}

/* One scalar of the detail object as text. */
static void detail_value(buf *b, const json_t *v)
{
	char *text;
	switch (json_typeof(v)) {
	case JSON_STRING: html_text(b, json_string_value(v)); break;
	case JSON_INTEGER: html_printf(b, "%lld", (long long)json_integer_value(v)); break;
	case JSON_TRUE: html_raw(b, "yes"); break;
	case JSON_FALSE: html_raw(b, "no"); break;
	case JSON_NULL: html_raw(b, "&mdash;"); break;
	default:
		text = json_dumps(v, JSON_COMPACT);
		html_text(b, text);
		free(text);
	}
}

/* The detail object as "name value" pairs, easier to read than JSON;
 * anything that is not an object is shown as it is. */
static void detail_cell(buf *b, const char *detail)
{
	json_t *obj = detail ? json_loads(detail, 0, NULL) : NULL;
	if (!json_is_object(obj)) {
		html_text(b, detail);
		json_decref(obj);
		return;
	}
	const char *key;
	json_t *v;
	html_raw(b, "<ul class=\"kv\">");
	json_object_foreach(obj, key, v)
	{
		html_printf(b, "<li><span class=\"k\">%s</span> ", key);
		if (json_is_array(v)) {
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item)
			{
				if (i)
					html_raw(b, ", ");
				detail_value(b, item);
			}
		} else {
			detail_value(b, v);
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	json_decref(obj);
}

/* The object an entry is about, linked when it has a page. */
static void object_cell(buf *b, const audit_entry *e)
{
	const char *type = e->object_type ? e->object_type : "";
	const char *id = e->object_id ? e->object_id : "";
	bool numeric = *id && strspn(id, "0123456789") == strlen(id);
	if (numeric && !strcmp(type, "user"))
		html_printf(b, "<a href=\"/users/%s\">user %s</a>", id, id);
	else if (numeric && !strcmp(type, "org"))
		html_printf(b, "<a href=\"/orgs/%s\">org %s</a>", id, id);
	else
		html_printf(b, "%s%s%s", type, *id ? " " : "", id);
}

static void entry_row(request *req, const audit_entry *e)
{
	buf *b = &req->resp.body;
	html_raw(b, "<tr><td data-label=\"When\" class=\"when\">");
	auth_time_cs_html(b, e->at_cs);
	if (e->actor_id)
		html_printf(b,
		            "</td><td data-label=\"Who\"><a href=\"/audit?user=%lld\">%s</a></td>",
		            (long long)e->actor_id, e->actor_email ? e->actor_email : "user");
	else
		html_printf(b, "</td><td data-label=\"Who\">%s</td>",
		            e->actor_email ? e->actor_email : "anonymous");
	html_printf(b, "<td data-label=\"Action\"><code>%s</code></td><td data-label=\"Object\">",
	            e->action);
	object_cell(b, e);
	html_printf(b, "</td><td data-label=\"Where\">%s</td>", e->ip ? e->ip : "");
	const char *cls = !strcmp(e->outcome, AUDIT_SUCCESS) ? "badge-ok" : "badge-warn";
	html_printf(b,
	            "<td data-label=\"Outcome\"><span class=\"badge %s\">%s</span></td><td "
	            "data-label=\"Detail\" class=\"detail\">",
	            cls, e->outcome);
	detail_cell(b, e->detail);
	html_raw(b, "</td></tr>");
}

/* GET /audit?user=EMAIL|ID&action=A&from=DATE&to=DATE&cursor=C&verify=1:
 * the audit log, newest first. user: whose actions; action: exact, or a
 * prefix ending in "." ("login."); from, to: dates, inclusive (UTC);
 * cursor: the next page; verify=1: check the hash chain too. */
static int audit_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	audit_query q;
	field_errors errs = {0};
	int rc = read_query(req, d, &q, &errs);
	audit_entry *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	if (rc == 0 && !errs.len && !q.no_such_user)
		rc = audit_list(d, req->arena, &req->who, &q.f, 0, kv_get(&req->query, "cursor"),
		                &items, &n, &next);
	if (!auth_ok(req, rc))
		return 0;
	if (errs.len) {
		static const field_label labels[] = {
		    {"user", "Person"}, {"from", "From"}, {"to", "To"}};
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = ck_error_status(CK_E_INVALID);
	}
	buf *b = &req->resp.body;
	page_begin(req, "Audit log");
	verify_section(req, d);
	filter_form(req, &q, &errs);
	if (q.no_such_user)
		html_raw(b, "<p class=\"empty\">No one has that email address.</p>");
	else if (n == 0 && !errs.len)
		html_raw(b, "<p class=\"empty\">No entries match these filters.</p>");
	if (n) {
		static const char *const headers[] = {"When (UTC)", "Who",     "Action", "Object",
		                                      "Where (IP)", "Outcome", "Detail", NULL};
		page_table_begin(req, "Audit entries, newest first", headers);
		for (size_t i = 0; i < n; i++)
			entry_row(req, &items[i]);
		page_table_end(req);
	}
	page_next_link(req, next);
	page_end(req);
	return 0;
}

static const route audit_routes[] = {
    {"GET", PATH_AUDIT, audit_page, PERM_AUDIT_READ, 0,
     "The audit log, filtered by person, action and dates, with a chain check"},
};

void audit_pages_register(void)
{
	ROUTES_ADD(audit_routes);
}
