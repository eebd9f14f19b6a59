/* totp_pages.c: setting up the second factor. The page shows the
 * otpauth:// key as a QR code drawn on the server as inline SVG (no
 * script, no outside service sees the secret) and as text for typing in
 * by hand, then asks for a code from the app to confirm.
 *
 * Reachable while enrolment is still owed (ROUTE_ALLOW_PENDING_MFA): a
 * user whose role requires a second factor is sent here right after
 * their password and can reach nothing else until it is done. */
#include <string.h>

#include "../base/errors.h"
#include "../base/html.h"
#include "../base/qr_svg.h"
#include "../web/layout.h"
#include "auth_web.h"
#include "totp.h"
#include "users.h"

#define PATH_TOTP "/account/totp"

/* The base32 secret in groups of four, as apps ask for it. */
static const char *grouped(arena *a, const char *secret)
{
	size_t n = strlen(secret);
	char *out = arena_alloc(a, n + n / 4 + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[k++] = ' ';
		out[k++] = secret[i];
	}
	out[k] = '\0';
	return out;
}

static int render_done(request *req, const user *u)
{
	buf *b = &req->resp.body;
	page_begin(req, "Second factor");
	html_raw(b, "<p>Your authenticator app is set up since ");
	auth_time_html(b, u->totp_enabled_at);
	html_raw(b, ". You will be asked for a code each time you sign in.</p>"
	            "<p>Lost your phone? Ask an administrator to reset your second factor, "
	            "then set it up again here.</p>"
	            "<p><a href=\"/account\">Back to your account</a></p>");
	page_end(req);
	return 0;
}

static int render_enrol(request *req, const totp_enrolment *e, const field_errors *errs)
{
	buf *b = &req->resp.body;
	page_begin(req, "Set up a second factor");
	if (req->who.needs_totp_enrolment)
		page_flash(req, FLASH_INFO,
		           "Your role requires a second factor. "
		           "Set it up now to continue.");
	html_raw(
	    b, "<ol class=\"steps\">"
	       "<li>Install an authenticator app on your phone "
	       "(for example FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator).</li>"
	       "<li>In the app, add an account and scan this code:"
	       "<figure class=\"qr-figure\">");
	if (qr_svg(b, e->uri, "QR code with your authenticator key") < 0)
		html_raw(b, "<p>The QR code could not be drawn; type the key below instead.</p>");
	html_raw(b, "<figcaption>Can't scan it? Choose &ldquo;enter a setup key&rdquo; "
	            "in the app and type this key (time-based, 6 digits):");
	html_printf(b,
	            "<br><code class=\"secret\">%s</code></figcaption></figure>"
	            "<p>Setting up on this phone? <a href=\"%s\">Open the key in your "
	            "authenticator app</a>.</p></li>",
	            grouped(req->arena, e->secret), e->uri);
	html_raw(b, "<li>Enter the 6-digit code the app now shows.</li></ol>");
	form_errors_summary(req, errs);
	form_begin(req, PATH_TOTP, NULL);
	form_text(req, "code", "Code from the app", "text", NULL, errs,
	          "required inputmode=\"numeric\" autocomplete=\"one-time-code\" "
	          "pattern=\"[0-9 ]{6,7}\" maxlength=\"7\"");
	form_submit(req, "Confirm");
	form_end(req);
	html_raw(b, "<details><summary>Start over with a new key</summary>"
	            "<p>If you scanned the code into the wrong app, get a fresh key. "
	            "The old one stops working.</p>");
	form_begin(req, PATH_TOTP, NULL);
	form_hidden(req, "action", "restart");
	form_submit(req, "Get a new key");
	form_end(req);
	html_raw(b, "</details>");
	page_end(req);
	return 0;
}

/* The pending enrolment, started when there is none. rc CK_E_CONFLICT:
 * a second factor is already confirmed. */
static int pending_or_start(db *d, request *req, bool restart, totp_enrolment *e)
{
	if (!restart) {
		int rc = totp_enrol_pending(d, req->arena, &req->who, e);
		if (rc != CK_E_NOT_FOUND)
			return rc;
	}
	return totp_enrol_start(d, req->arena, &req->who, e);
}

static int show(request *req, bool restart, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	user u;
	int rc = user_get(d, req->arena, &req->who, req->who.user_id, &u);
	if (!auth_ok(req, rc))
		return 0;
	if (u.totp_enabled)
		return render_done(req, &u);
	totp_enrolment e;
	rc = pending_or_start(d, req, restart, &e);
	if (!auth_ok(req, rc))
		return 0;
	return render_enrol(req, &e, errs);
}

/* GET /account/totp: the QR code and key of the user's pending
 * enrolment (a new one is started when none is pending), or a note that
 * the second factor is already set up. */
static int totp_page(request *req)
{
	return show(req, false, NULL);
}

/* POST /account/totp: form fields code (confirms the enrolment), or
 * action=restart (a fresh key). A wrong code re-shows the same key. */
static int totp_submit(request *req)
{
	const char *action = kv_get(&req->form, "action");
	if (action && !strcmp(action, "restart")) {
		req->resp.status = 200;
		return show(req, true, NULL);
	}
	const char *raw = kv_get(&req->form, "code");
	char code[8];
	size_t n = 0;
	for (const char *p = raw; p && *p && n < sizeof code - 1; p++)
		if (*p != ' ')
			code[n++] = *p;
	code[n] = '\0';
	field_errors errs = {0};
	bool digits = n == 6 && strspn(code, "0123456789") == 6 && (!raw || strlen(raw) <= 7);
	if (!digits) {
		field_errors_add(&errs, "code", "Enter the 6 digits the app shows");
	} else {
		db *d = auth_db(req);
		if (!d)
			return 0;
		int rc = totp_enrol_confirm(d, &req->who, code);
		if (rc == 0) {
			resp_redirect(req, "/account?done=totp");
			return 0;
		}
		if (rc == CK_E_BAD_LOGIN)
			field_errors_add(&errs, "code",
			                 "That code is not right. Check the phone's clock "
			                 "and enter the code shown now");
		else if (rc != CK_E_NOT_FOUND) {
			auth_fail(req, rc);
			return 0;
		}
	}
	req->resp.status = errs.len ? ck_error_status(CK_E_INVALID) : 200;
	return show(req, false, errs.len ? &errs : NULL);
}

static const route totp_routes[] = {
    {"GET", PATH_TOTP, totp_page, PERM_SIGNED_IN, ROUTE_ALLOW_PENDING_MFA,
     "Set up a second factor: QR code and key"},
    {"POST", PATH_TOTP, totp_submit, PERM_SIGNED_IN, ROUTE_ALLOW_PENDING_MFA,
     "Confirm the second factor with a code, or start over"},
};

void totp_pages_register(void)
{
	ROUTES_ADD(totp_routes);
}
