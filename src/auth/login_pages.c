/* login_pages.c: signing in (email and password, then the one-time code
 * when a second factor is enrolled) and signing out.
 *
 * Login CSRF: the sign-in form has no session yet, so it cannot carry a
 * session's CSRF token. GET /login puts a random pre-session token in a
 * SameSite=Strict cookie and in the form; POST /login accepts only when
 * both agree. Another site can make a browser post the form, but the
 * browser will not send our Strict cookie with it, and the other site
 * cannot read the token, so nobody can be signed in to an attacker's
 * account behind their back. */
#include <string.h>

#include "../base/crypto.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "../web/server.h"
#include "auth_web.h"
#include "login.h"
#include "sessions.h"

#define LOGIN_COOKIE    "citkit_login"
#define PATH_LOGIN      "/login"
#define PATH_LOGIN_TOTP "/login/totp"
#define PATH_ENROL      "/account/totp"

enum { LOGIN_COOKIE_SECONDS = 2 * 60 * 60 };

/* A well-formed pre-session token: what crypto_random_token makes. */
static bool is_login_token(const char *s)
{
	if (!s || strlen(s) != CRYPTO_TOKEN_LEN - 1)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* The token of this browser's sign-in cookie, made and set when missing
 * (kept otherwise, so two open sign-in tabs both work). */
static const char *login_token(request *req)
{
	const char *have = request_cookie(req, cookie_name(req, LOGIN_COOKIE));
	if (is_login_token(have))
		return have;
	char *fresh = arena_alloc(req->arena, CRYPTO_TOKEN_LEN);
	crypto_random_token(fresh);
	resp_cookie(req, LOGIN_COOKIE, fresh, LOGIN_COOKIE_SECONDS);
	return fresh;
}

/* The sign-in form. status: 200, or the error's status when re-shown;
 * problem: a message above the form (bad credentials, locked), or NULL. */
static int render_login(request *req, int status, const char *email, const char *next,
                        const char *problem, const field_errors *errs)
{
	/* form_begin writes the CSRF field from the principal; before sign-in
	 * that is the pre-session token. */
	req->who.csrf_token = login_token(req);
	req->resp.status = status;
	page_begin(req, "Sign in");
	if (problem)
		page_flash(req, FLASH_ERROR, problem);
	form_errors_summary(req, errs);
	form_begin(req, PATH_LOGIN, NULL);
	form_hidden(req, "next", auth_next_or_home(next));
	form_text(
	    req, "email", "Email", "email", email, errs,
	    "required autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\"");
	form_text(req, "password", "Password", "password", NULL, errs,
	          "required autocomplete=\"current-password\"");
	form_submit(req, "Sign in");
	form_end(req);
	html_raw(&req->resp.body, "<p class=\"muted\">Forgot your password, or locked out? Ask your "
				  "program coordinator or an administrator.</p>");
	page_end(req);
	return 0;
}

/* Where a freshly signed-in session goes next. */
static const char *after_login(const session_new *s, const char *next)
{
	if (s->mfa_pending)
		return NULL; /* the code step, which keeps next */
	if (s->needs_totp_enrolment)
		return PATH_ENROL;
	return auth_next_or_home(next);
}

/* GET /login?next=PATH: the sign-in form. next: a local path to return to
 * (anything else means the dashboard). Already signed in: straight on. */
static int login_form(request *req)
{
	const char *next = kv_get(&req->query, "next");
	if (req->who.user_id && !req->who.mfa_pending && !req->who.needs_totp_enrolment) {
		resp_redirect(req, auth_next_or_home(next));
		return 0;
	}
	return render_login(req, 200, NULL, next, NULL, NULL);
}

static const char *login_problem(int rc)
{
	switch (rc) {
	case CK_E_LOCKED:
		return "This account is locked after too many failed sign-ins. "
		       "An administrator must unlock it.";
	case CK_E_BAD_LOGIN: return "Email or password is wrong.";
	default: return ck_error_title(rc);
	}
}

/* POST /login: form fields csrf (the pre-session token), email, password,
 * next. Bad credentials re-show the form with one message that does not
 * say which of the two was wrong. */
static int login_submit(request *req)
{
	const char *email = kv_get(&req->form, "email");
	const char *password = kv_get(&req->form, "password");
	const char *next = kv_get(&req->form, "next");
	const char *sent = kv_get(&req->form, "csrf");
	const char *cookie = request_cookie(req, cookie_name(req, LOGIN_COOKIE));
	field_errors errs = {0};

	if (!is_login_token(cookie) || !is_login_token(sent) || !crypto_equal(cookie, sent))
		return render_login(req, ck_error_status(CK_E_CSRF), email, next,
		                    "The sign-in form expired or came from another site. "
		                    "Please sign in again.",
		                    NULL);
	if (!email || !*email)
		field_errors_add(&errs, "email", "Enter your email address");
	if (!password || !*password)
		field_errors_add(&errs, "password", "Enter your password");
	if (errs.len)
		return render_login(req, ck_error_status(CK_E_INVALID), email, next, NULL, &errs);

	db *d = auth_db(req);
	if (!d)
		return 0;
	session_new s;
	int rc = login_password(d, req->arena, email, password, req->remote_ip,
	                        request_header(req, "User-Agent"), &s);
	if (rc < 0)
		return render_login(req, ck_error_status(rc), email, next, login_problem(rc), NULL);

	resp_cookie(req, WEB_SESSION_COOKIE, s.token, -1);
	resp_cookie(req, LOGIN_COOKIE, "", 0);
	const char *to = after_login(&s, next);
	if (!to) {
		buf b;
		buf_init(&b, req->arena);
		buf_puts(&b, PATH_LOGIN_TOTP "?next=");
		html_url_arg(&b, auth_next_or_home(next));
		to = buf_str(&b);
	}
	resp_redirect(req, to);
	return 0;
}

static int render_totp(request *req, int status, const char *next, const field_errors *errs)
{
	req->resp.status = status;
	page_begin(req, "Enter your one-time code");
	html_raw(&req->resp.body, "<p>Open the authenticator app on your phone and enter the "
	                          "6-digit code it shows for this site.</p>");
	form_errors_summary(req, errs);
	form_begin(req, PATH_LOGIN_TOTP, NULL);
	form_hidden(req, "next", auth_next_or_home(next));
	form_text(req, "code", "One-time code", "text", NULL, errs,
	          "required inputmode=\"numeric\" autocomplete=\"one-time-code\" "
	          "pattern=\"[0-9 ]{6,7}\" maxlength=\"7\"");
	form_submit(req, "Continue");
	form_end(req);
	html_raw(&req->resp.body, "<p>Not you, or no phone to hand?</p>");
	form_button(req, LAYOUT_PATH_LOGOUT, "Sign out", NULL);
	page_end(req);
	return 0;
}

/* GET /login/totp?next=PATH: the one-time code step after the password.
 * Only a session that still owes a code sees it; others go on to next. */
static int totp_form(request *req)
{
	const char *next = kv_get(&req->query, "next");
	if (!req->who.mfa_pending) {
		resp_redirect(req, auth_next_or_home(next));
		return 0;
	}
	return render_totp(req, 200, next, NULL);
}

/* The code as typed, without the spaces apps show in the middle. */
static const char *code_digits(arena *a, const char *in)
{
	char *out = arena_alloc(a, in ? strlen(in) + 1 : 1);
	size_t n = 0;
	for (const char *p = in; p && *p; p++)
		if (*p != ' ')
			out[n++] = *p;
	out[n] = '\0';
	return out;
}

static bool is_six_digits(const char *s)
{
	if (strlen(s) != 6)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* POST /login/totp: form fields csrf, code, next. A wrong or reused code
 * re-shows the form; it counts toward the lockout like a wrong password. */
static int totp_submit(request *req)
{
	const char *next = kv_get(&req->form, "next");
	const char *code = code_digits(req->arena, kv_get(&req->form, "code"));
	field_errors errs = {0};
	if (!req->who.mfa_pending) {
		resp_redirect(req, auth_next_or_home(next));
		return 0;
	}
	if (!is_six_digits(code)) {
		field_errors_add(&errs, "code", "Enter the 6 digits your app shows");
		return render_totp(req, ck_error_status(CK_E_INVALID), next, &errs);
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	int rc = login_totp(d, &req->who, code);
	if (rc == CK_E_BAD_LOGIN) {
		field_errors_add(&errs, "code",
		                 "That code is wrong or was already used; wait for the next one");
		return render_totp(req, ck_error_status(rc), next, &errs);
	}
	if (rc == CK_E_LOCKED) {
		resp_cookie(req, WEB_SESSION_COOKIE, "", 0);
		return render_login(req, ck_error_status(rc), req->who.email, next,
		                    login_problem(rc), NULL);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, auth_next_or_home(next));
	return 0;
}

/* POST /logout: ends this session on the server and clears the cookie. */
static int logout_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	int rc = session_end(d, &req->who);
	if (rc < 0 && rc != CK_E_NOT_FOUND) {
		auth_fail(req, rc);
		return 0;
	}
	resp_cookie(req, WEB_SESSION_COOKIE, "", 0);
	resp_redirect(req, PATH_LOGIN);
	return 0;
}

static const route login_routes[] = {
    {"GET", PATH_LOGIN, login_form, PERM_PUBLIC, 0, "Sign-in form"},
    {"POST", PATH_LOGIN, login_submit, PERM_PUBLIC, ROUTE_NO_CSRF,
     "Sign in with email and password (pre-session token against login CSRF)"},
    {"GET", PATH_LOGIN_TOTP, totp_form, PERM_SIGNED_IN, ROUTE_ALLOW_PENDING_MFA,
     "One-time code form, after the password"},
    {"POST", PATH_LOGIN_TOTP, totp_submit, PERM_SIGNED_IN, ROUTE_ALLOW_PENDING_MFA,
     "Check the one-time code and finish signing in"},
    {"POST", LAYOUT_PATH_LOGOUT, logout_submit, PERM_SIGNED_IN, ROUTE_ALLOW_PENDING_MFA,
     "Sign out: end this session"},
};

void login_pages_register(void)
{
	ROUTES_ADD(login_routes);
}
