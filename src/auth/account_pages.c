/* account_pages.c: what every signed-in user can do to their own account:
 * see it, change their password, see and end their sessions, and manage
 * their API tokens. (The second factor has its own page, totp_pages.c.) */
#include <string.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "../web/server.h"
#include "auth_web.h"
#include "password.h"
#include "sessions.h"
#include "tokens.h"
#include "users.h"

#define PATH_ACCOUNT  "/account"
#define PATH_PASSWORD "/account/password"
#define PATH_SESSIONS "/account/sessions"
#define PATH_TOKENS   "/account/tokens"

/* The messages a redirect after success asks for with ?done=…; anything
 * else shows nothing (the value is never echoed). */
static void done_flash(request *req)
{
	static const page_done done[] = {
	    {"password", "Your password was changed. Your other sessions were ended."},
	    {"totp", "Your second factor is set up. You will be asked for a code at each sign-in."},
	    {"ended", "The session was ended."},
	    {"others", "All your other sessions were ended."},
	    {"revoked", "The token was revoked. Programs using it can no longer sign in."},
	};
	PAGE_FLASH_DONE(req, done);
}

static void detail_row(request *req, const char *term, const char *value)
{
	html_printf(&req->resp.body, "<dt>%s</dt><dd>%s</dd>", term, value);
}

/* The change-password form, on /account and on its own page. */
static void password_form(request *req, const field_errors *errs)
{
	buf *b = &req->resp.body;
	html_printf(b,
	            "<p>Use at least %d characters; a few unrelated words make a good password. "
	            "Common passwords and your own name are refused. Changing it signs you out "
	            "everywhere else.</p>",
	            PASSWORD_MIN_CHARS);
	form_errors_summary(req, errs);
	form_begin(req, PATH_PASSWORD, NULL);
	/* The account name helps password managers pick the right entry. */
	html_printf(
	    b, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"%s\">\n",
	    req->who.email);
	form_text(req, "current_password", "Current password", "password", NULL, errs,
	          "required autocomplete=\"current-password\"");
	form_text(req, "password", "New password", "password", NULL, errs,
	          "required autocomplete=\"new-password\" maxlength=\"128\"");
	form_text(req, "password_confirm", "New password again", "password", NULL, errs,
	          "required autocomplete=\"new-password\" maxlength=\"128\"");
	form_submit(req, "Change password");
	form_end(req);
}

static int render_account(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	user u;
	int rc = user_get(d, req->arena, &req->who, req->who.user_id, &u);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Your account");
	done_flash(req);

	html_raw(b, "<section aria-labelledby=\"details-h\"><h2 id=\"details-h\">Details</h2><dl "
	            "class=\"details\">");
	detail_row(req, "Name", u.name);
	detail_row(req, "Email", u.email);
	detail_row(req, "Organization", u.org_name);
	detail_row(req, "Roles", auth_role_text(req->arena, u.roles));
	html_raw(b, "<dt>Password last changed</dt><dd>");
	auth_time_html(b, u.password_changed_at);
	html_raw(b, "</dd></dl></section>");

	html_raw(b, "<section aria-labelledby=\"mfa-h\"><h2 id=\"mfa-h\">Second factor</h2>");
	if (u.totp_enabled) {
		html_raw(b, "<p>An authenticator app is set up since ");
		auth_time_html(b, u.totp_enabled_at);
		html_raw(b, ". If you lose your phone, ask an administrator to reset it.</p>");
	} else {
		html_raw(b, "<p>No authenticator app is set up yet. "
		            "<a href=\"/account/totp\">Set up a second factor</a></p>");
	}
	html_raw(b, "</section>");

	html_raw(b, "<section aria-labelledby=\"access-h\"><h2 id=\"access-h\">Access</h2><ul>"
	            "<li><a href=\"" PATH_SESSIONS
	            "\">Your active sessions</a>: where you are signed in; end any of them</li>"
	            "<li><a href=\"" PATH_TOKENS
	            "\">API tokens</a>: for programs that use the JSON API on your behalf</li>"
	            "</ul></section>");
	html_raw(b, "<section aria-labelledby=\"pw-h\"><h2 id=\"pw-h\">Change password</h2>");
	password_form(req, NULL);
	html_raw(b, "</section>");
	page_end(req);
	return 0;
}

/* GET /account?done=KEY: the user's own details, second factor, links to
 * sessions and tokens, and the password form. done: which success message
 * to show after a redirect. */
static int account_page(request *req)
{
	return render_account(req);
}

static int render_password(request *req, const field_errors *errs)
{
	page_begin(req, "Change password");
	password_form(req, errs);
	html_raw(&req->resp.body, "<p><a href=\"" PATH_ACCOUNT "\">Back to your account</a></p>");
	page_end(req);
	return 0;
}

/* GET /account/password: the form to change one's own password. */
static int password_page(request *req)
{
	return render_password(req, NULL);
}

/* POST /account/password: form fields current_password, password,
 * password_confirm. Each problem is shown by its field (a weak password
 * says why); success ends the other sessions and redirects. */
static int password_submit(request *req)
{
	const char *current = kv_get(&req->form, "current_password");
	const char *next = kv_get(&req->form, "password");
	const char *again = kv_get(&req->form, "password_confirm");
	field_errors errs = {0};
	if (!current || !*current)
		field_errors_add(&errs, "current_password", "Enter your current password");
	if (!next || !*next)
		field_errors_add(&errs, "password", "Enter a new password");
	else if (!again || strcmp(next, again) != 0)
		field_errors_add(&errs, "password_confirm", "The two new passwords do not match");
	if (!errs.len) {
		db *d = auth_db(req);
		if (!d)
			return 0;
		int rc = user_set_password(d, req->arena, &req->who, req->who.user_id, current,
		                           next, &errs);
		if (rc == 0) {
			resp_redirect(req, PATH_ACCOUNT "?done=password");
			return 0;
		}
		if (rc != CK_E_INVALID) {
			auth_fail(req, rc);
			return 0;
		}
	}
	static const field_label labels[] = {
	    {"current_password", "Current password"},
	    {"password", "New password"},
	};
	AUTH_NAME_ERRORS(req->arena, &errs, labels);
	req->resp.status = ck_error_status(CK_E_INVALID);
	return render_password(req, &errs);
}

/* A short, readable browser name out of a User-Agent header. */
static const char *browser_name(const char *ua)
{
	static const struct {
		const char *needle, *name;
	} known[] = {
	    {"Edg/", "Edge"},      {"OPR/", "Opera"},     {"Firefox/", "Firefox"},
	    {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	};
	if (!ua || !*ua)
		return "Unknown";
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strstr(ua, known[i].needle))
			return known[i].name;
	return "Other";
}

static const char *platform_name(const char *ua)
{
	static const struct {
		const char *needle, *name;
	} known[] = {
	    {"Android", "Android"}, {"iPhone", "iPhone"},  {"iPad", "iPad"},
	    {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"},
	    {"Linux", "Linux"},
	};
	for (size_t i = 0; ua && i < sizeof known / sizeof known[0]; i++)
		if (strstr(ua, known[i].needle))
			return known[i].name;
	return NULL;
}

/* GET /account/sessions?done=KEY: the user's live sessions, newest first:
 * created, last seen, IP address, browser, and which one is this. */
static int sessions_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	session_info *items = NULL;
	size_t n = 0;
	int rc = session_list(d, req->arena, &req->who, &items, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Your sessions");
	done_flash(req);
	html_raw(b, "<p>Each place you are signed in. End any you do not recognise, "
	            "then change your password.</p>");
	static const char *const headers[] = {"Device",    "IP address", "Signed in",
	                                      "Last seen", "Action",     NULL};
	page_table_begin(req, "Active sessions", headers);
	for (size_t i = 0; i < n; i++) {
		const session_info *s = &items[i];
		const char *platform = platform_name(s->user_agent);
		html_printf(b, "<tr><td data-label=\"Device\"><span title=\"%s\">%s%s%s</span>",
		            s->user_agent ? s->user_agent : "", browser_name(s->user_agent),
		            platform ? " on " : "", platform);
		html_printf(
		    b, "</td><td data-label=\"IP address\">%s</td><td data-label=\"Signed in\">",
		    s->ip ? s->ip : "unknown");
		auth_time_html(b, s->created_at);
		html_raw(b, "</td><td data-label=\"Last seen\">");
		auth_time_html(b, s->last_seen_at);
		html_raw(b, "</td><td data-label=\"Action\">");
		if (s->is_current) {
			html_raw(b, "<strong>This session</strong>");
		} else {
			char *action =
			    arena_printf(req->arena, PATH_SESSIONS "/%lld/end", (long long)s->id);
			form_button(req, action, "End session", NULL);
		}
		html_raw(b, "</td></tr>");
	}
	page_table_end(req);
	if (n > 1)
		form_button(req, PATH_SESSIONS "/end-others", "End all other sessions",
		            "End every session except this one?");
	page_end(req);
	return 0;
}

/* POST /account/sessions/{id}/end: ends one of the user's own sessions
 * (someone else's is 404). Ending this one signs out. */
static int session_end_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = session_end_by_id(d, &req->who, id);
	if (!auth_ok(req, rc))
		return 0;
	if (id == req->who.session_id) {
		resp_cookie(req, WEB_SESSION_COOKIE, "", 0);
		resp_redirect(req, "/login");
		return 0;
	}
	resp_redirect(req, PATH_SESSIONS "?done=ended");
	return 0;
}

/* POST /account/sessions/end-others: ends every session of the user but
 * the one making the request. */
static int end_others_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	int rc = session_end_others(d, &req->who);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, PATH_SESSIONS "?done=others");
	return 0;
}

static void token_status(buf *b, const api_token *t, int64_t now)
{
	if (t->revoked_at)
		html_raw(b, "<span class=\"badge badge-muted\">Revoked</span>");
	else if (t->expires_at && t->expires_at <= now)
		html_raw(b, "<span class=\"badge badge-muted\">Expired</span>");
	else
		html_raw(b, "<span class=\"badge badge-ok\">Active</span>");
}

/* The tokens page. created: the plaintext of a token just made (shown
 * this once), or NULL. */
static int render_tokens(request *req, const char *created, const kv *values,
                         const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	api_token *items = NULL;
	size_t n = 0;
	int rc = token_list(d, req->arena, &req->who, 0, &items, &n);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "API tokens");
	done_flash(req);
	if (created) {
		html_raw(
		    b, "<div class=\"flash flash-success\" role=\"status\"><h2>Your new token</h2>"
		       "<p>Copy it now: it is shown only this once. Send it as "
		       "<code>Authorization: Bearer TOKEN</code>.</p>");
		html_printf(
		    b,
		    "<p><label for=\"new-token\">Token</label> "
		    "<input id=\"new-token\" class=\"token\" type=\"text\" readonly "
		    "value=\"%s\" size=\"50\" autocomplete=\"off\" spellcheck=\"false\"></p></div>",
		    created);
	}
	html_raw(b, "<p>A token lets a program call the JSON API as you, with your roles. "
	            "Revoke a token you no longer use.</p>");

	static const char *const headers[] = {"Name",    "Starts with", "Created", "Last used",
	                                      "Expires", "Status",      "Action",  NULL};
	if (n == 0) {
		html_raw(b, "<p class=\"empty\">You have no API tokens yet.</p>");
	} else {
		int64_t now = clock_now();
		page_table_begin(req, "Your tokens", headers);
		for (size_t i = 0; i < n; i++) {
			const api_token *t = &items[i];
			html_printf(b,
			            "<tr><td data-label=\"Name\">%s</td><td data-label=\"Starts "
			            "with\"><code>%s…</code></td><td data-label=\"Created\">",
			            t->name, t->prefix);
			auth_time_html(b, t->created_at);
			html_raw(b, "</td><td data-label=\"Last used\">");
			if (t->last_used_at)
				auth_time_html(b, t->last_used_at);
			else
				html_raw(b, "never");
			html_raw(b, "</td><td data-label=\"Expires\">");
			if (t->expires_at)
				auth_time_html(b, t->expires_at);
			else
				html_raw(b, "never");
			html_raw(b, "</td><td data-label=\"Status\">");
			token_status(b, t, now);
			html_raw(b, "</td><td data-label=\"Action\">");
			if (!t->revoked_at) {
				char *action = arena_printf(req->arena, PATH_TOKENS "/%lld/revoke",
				                            (long long)t->id);
				form_button(req, action, "Revoke", "Revoke this token?");
			}
			html_raw(b, "</td></tr>");
		}
		page_table_end(req);
	}

	html_raw(
	    b,
	    "<section aria-labelledby=\"new-token-h\"><h2 id=\"new-token-h\">Create a token</h2>");
	form_errors_summary(req, errs);
	form_begin(req, PATH_TOKENS, NULL);
	form_text(req, "name", "Name (what uses it)", "text",
	          values ? kv_get(values, "name") : NULL, errs, "required maxlength=\"100\"");
	form_text(req, "expires_at", "Expires on (optional)", "date",
	          values ? kv_get(values, "expires_at") : NULL, errs, NULL);
	form_submit(req, "Create token");
	form_end(req);
	html_raw(b, "</section>");
	page_end(req);
	return 0;
}

/* GET /account/tokens?done=KEY: the user's API tokens (revoked ones too)
 * and the form to make one. */
static int tokens_page(request *req)
{
	return render_tokens(req, NULL, NULL, NULL);
}

/* POST /account/tokens: form fields name, expires_at (optional date).
 * The new token is shown on this response, not after a redirect: it is
 * the only time its secret exists outside the user's hands, and it is
 * never stored where a redirect could fetch it from. */
static int token_create_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	const char *plain = NULL;
	int rc = token_create(d, req->arena, &req->who, 0, &req->form, &id, &plain, &errs);
	if (rc == CK_E_INVALID) {
		static const field_label labels[] = {{"name", "Name"},
		                                     {"expires_at", "Expiry date"}};
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = ck_error_status(rc);
		return render_tokens(req, NULL, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	req->resp.status = 201;
	return render_tokens(req, plain, NULL, NULL);
}

/* POST /account/tokens/{id}/revoke: revokes one of the user's tokens. */
static int token_revoke_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = token_revoke(d, &req->who, id);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, PATH_TOKENS "?done=revoked");
	return 0;
}

static const route account_routes[] = {
    {"GET", PATH_ACCOUNT, account_page, PERM_SIGNED_IN, 0, "Your account"},
    {"GET", PATH_PASSWORD, password_page, PERM_SIGNED_IN, 0, "Form to change your password"},
    {"POST", PATH_PASSWORD, password_submit, PERM_SIGNED_IN, 0, "Change your password"},
    {"GET", PATH_SESSIONS, sessions_page, PERM_SIGNED_IN, 0, "Your active sessions"},
    {"POST", PATH_SESSIONS "/{id}/end", session_end_submit, PERM_SIGNED_IN, 0,
     "End one of your sessions"},
    {"POST", PATH_SESSIONS "/end-others", end_others_submit, PERM_SIGNED_IN, 0,
     "End all your sessions but this one"},
    {"GET", PATH_TOKENS, tokens_page, PERM_TOKENS_CREATE, 0, "Your API tokens"},
    {"POST", PATH_TOKENS, token_create_submit, PERM_TOKENS_CREATE, 0,
     "Create an API token (shown once)"},
    {"POST", PATH_TOKENS "/{id}/revoke", token_revoke_submit, PERM_TOKENS_CREATE, 0,
     "Revoke an API token"},
};

void account_pages_register(void)
{
	ROUTES_ADD(account_routes);
}
