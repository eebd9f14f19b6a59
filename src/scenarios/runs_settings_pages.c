/* runs_settings_pages.c: /settings/runs, where an administrator chooses
 * whether new scenario runs show classmates' feedback to the trainee
 * without names (the program setting scenario_feedback_anonymous). */
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "runs.h"
#include "runs_web.h"

/* GET /settings/runs?done=saved: the anonymity setting. */
static int settings_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	bool anonymous = true;
	int rc = run_settings_anonymous(d, req->arena, &anonymous);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, "Scenario run settings");
	static const page_done done[] = {
	    {"saved", "The setting was saved."},
	};
	PAGE_FLASH_DONE(req, done);
	html_raw(&req->resp.body,
	         "<p>When classmates score a scenario run, the trainee and the debrief screen "
	         "can show their comments without their names. Instructors always see who "
	         "wrote what. A change applies to runs started from now on.</p>");
	form_begin(req, "/settings/runs", NULL);
	form_checkbox(req, "feedback_anonymous",
	              "Hide classmates' names from the trainee and the projector", anonymous, NULL);
	form_submit(req, "Save");
	form_end(req);
	page_end(req);
	return 0;
}

/* POST /settings/runs: feedback_anonymous (checkbox; absent = off). */
static int settings_submit(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	const char *v = kv_get(&req->form, "feedback_anonymous");
	int rc = run_settings_save(d, req->arena, &req->who, v && !strcmp(v, "1"));
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, "/settings/runs?done=saved");
	return 0;
}

static const route runs_settings_routes[] = {
    {"GET", "/settings/runs", settings_page, PERM_SETTINGS_WRITE, 0,
     "Whether classmates' feedback is anonymous to the trainee"},
    {"POST", "/settings/runs", settings_submit, PERM_SETTINGS_WRITE, 0,
     "Change whether classmates' feedback is anonymous to the trainee"},
};

void runs_settings_pages_register(void)
{
	ROUTES_ADD(runs_settings_routes);
}
