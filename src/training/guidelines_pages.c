/* guidelines_pages.c: /settings/guidelines, where an administrator
 * changes the thresholds of the guideline rules (kept in settings). */
#include "../auth/auth_web.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "curricula_web.h"
#include "guidelines.h"

static int render(request *req, const kv *in, const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	guideline_limits l;
	int rc = guideline_limits_load(d, req->arena, &l);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, "Curriculum guideline rules");
	static const page_done done[] = {
	    {"saved", "The thresholds were saved."},
	};
	PAGE_FLASH_DONE(req, done);
	html_raw(&req->resp.body,
	         "<p>The minimums a local curriculum must meet before it can be approved. They "
	         "apply to every version from the next time it is shown or approved; approved "
	         "versions stay as they are.</p>");
	form_errors_summary(req, errs);
	form_begin(req, "/settings/guidelines", NULL);
	for (const char *const *f = guideline_limit_fields(); *f; f++)
		form_text(req, *f, guideline_limit_label(*f), "number",
		          in ? kv_get(in, *f)
		             : arena_printf(req->arena, "%d", guideline_limit_value(&l, *f)),
		          errs, "required min=\"0\"");
	form_submit(req, "Save thresholds");
	form_end(req);
	page_end(req);
	return 0;
}

/* GET /settings/guidelines?done=saved: the thresholds form. */
static int guidelines_page(request *req)
{
	return render(req, NULL, NULL);
}

/* POST /settings/guidelines: every threshold field (whole numbers). */
static int guidelines_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int rc = guideline_limits_save(d, req->arena, &req->who, &req->form, &errs);
	if (rc == CK_E_INVALID) {
		req->resp.status = ck_error_status(rc);
		return render(req, &req->form, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, "/settings/guidelines?done=saved");
	return 0;
}

static const route guidelines_routes[] = {
    {"GET", "/settings/guidelines", guidelines_page, PERM_SETTINGS_WRITE, 0,
     "The thresholds of the curriculum guideline rules"},
    {"POST", "/settings/guidelines", guidelines_submit, PERM_SETTINGS_WRITE, 0,
     "Change the thresholds of the curriculum guideline rules"},
};

void guidelines_pages_register(void)
{
	ROUTES_ADD(guidelines_routes);
}
