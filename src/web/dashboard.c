/* dashboard.c: the home page. It greets the user, says who they are in
 * the program, gives them a card for each thing their roles let them do,
 * and shows coordinators and administrators the program at a glance and
 * the accounts that need attention. A later feature adds its card as one
 * row of cards[]. */
#include "dashboard.h"

#include "../auth/auth_stats.h"
#include "../auth/auth_web.h"
#include "../auth/users.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "layout.h"

typedef struct card {
	const char *title, *text, *href;
	perm permission;
	perm unless; /* not shown to holders of this one (a fuller card is); PERM_UNSET: none */
} card;

/* In the order they appear. */
static const card cards[] = {
    {"People", "Find anyone in the program, see their roles and status, add people.", "/users",
     PERM_USERS_WRITE, PERM_UNSET},
    {"Your organization's people", "See who is in your organization, their roles and status.",
     "/users", PERM_USERS_READ, PERM_USERS_WRITE},
    {"Import a roster", "Add an agency's officers from a spreadsheet, all at once.",
     "/users/import", PERM_ROSTER_IMPORT, PERM_UNSET},
    {"Curricula", "The national model, the program's local curriculum and its guideline rules.",
     "/curricula", PERM_CURRICULA_READ, PERM_UNSET},
    {"Organizations", "The partner agencies, providers and advocates in this program.", "/orgs",
     PERM_ORGS_READ, PERM_UNSET},
    {"Courses", "Course offerings, their sessions, instructors and calendar feeds.", "/courses",
     PERM_COURSES_READ, PERM_UNSET},
    {"Scenarios", "Role-play crisis scenarios and the rubrics runs are scored on.", "/scenarios",
     PERM_SCENARIOS_READ, PERM_UNSET},
    {"Audit log", "Who did what and when; check that the log is intact.", "/audit", PERM_AUDIT_READ,
     PERM_UNSET},
    {"CIT status", "Each officer of an agency: certified, expiring, in training; refreshers due.",
     "/training/status", PERM_TRAINING_STATUS, PERM_UNSET},
    {"Scenario runs", "Start a role-played scenario in a course you teach: open the course, then "
     "Scenario runs.",
     "/courses", PERM_RUNS_MANAGE, PERM_UNSET},
    {"Join a scenario run", "Type the code your instructor shows and score a classmate's run.",
     "/join", PERM_SIGNED_IN, PERM_UNSET},
    {"Your scenario runs", "The scenarios you played, their results and your skills across runs.",
     "/me/runs", PERM_SIGNED_IN, PERM_UNSET},
    {"Your training record", "Your courses, hours by component and certificates.", "/transcript",
     PERM_SIGNED_IN, PERM_UNSET},
    {"My courses", "Your CIT courses: enrollment, hours attended and what is left to complete.",
     "/me/courses", PERM_SIGNED_IN, PERM_UNSET},
    {"Your account", "Your details, password and second factor.", "/account", PERM_SIGNED_IN,
     PERM_UNSET},
    {"Sessions", "Where you are signed in; end any you do not recognise.", "/account/sessions",
     PERM_SIGNED_IN, PERM_UNSET},
    {"API tokens", "Let a program call the JSON API on your behalf.", "/account/tokens",
     PERM_TOKENS_CREATE, PERM_UNSET},
};

static void stat_item(buf *b, const char *label, int64_t value, const char *href)
{
	html_raw(b, "<li class=\"stat\"><span class=\"stat-label\">");
	html_text(b, label);
	html_raw(b, "</span> <span class=\"stat-value\">");
	if (href && value > 0)
		html_printf(b, "<a href=\"%s\">%lld</a>", href, (long long)value);
	else
		html_printf(b, "%lld", (long long)value);
	html_raw(b, "</span></li>");
}

static void glance(request *req, db *d)
{
	auth_stats st;
	if (auth_stats_get(d, &req->who, &st) < 0)
		return;
	buf *b = &req->resp.body;
	html_raw(
	    b,
	    "<section aria-labelledby=\"glance-h\"><h2 id=\"glance-h\">The program at a glance</h2>"
	    "<ul class=\"stats\">");
	stat_item(b, "Organizations", st.orgs, "/orgs");
	stat_item(b, "Active people", st.users_active, "/users?active=1");
	stat_item(b, "Disabled accounts", st.users_disabled, "/users?active=0");
	stat_item(b, "Locked accounts", st.users_locked,
	          perm_granted(req->who.roles, PERM_AUDIT_READ) ? "/audit?action=account.locked"
	                                                        : NULL);
	stat_item(b, "Without a password", st.users_no_password, NULL);
	stat_item(b, "Second factor not set up", st.users_no_totp, NULL);
	html_raw(b, "</ul></section>");
	if (st.users_locked > 0)
		page_flash(req, FLASH_WARNING,
		           st.users_locked == 1
		               ? "One account is locked after failed sign-ins."
		               : arena_printf(req->arena,
		                              "%lld accounts are locked after failed sign-ins.",
		                              (long long)st.users_locked));
}

/* GET /: the dashboard for the signed-in user's roles. */
static int dashboard_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	user me;
	int rc = user_get(d, req->arena, &req->who, req->who.user_id, &me);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Dashboard");
	html_printf(b, "<p class=\"lead\">Welcome, %s. You are signed in as %s at %s.</p>", me.name,
	            auth_role_text(req->arena, me.roles), me.org_name);
	if (!me.totp_enabled)
		html_raw(b,
		         "<div class=\"flash flash-info\" role=\"status\"><p>Protect your account: "
		         "<a href=\"/account/totp\">set up a second factor</a>.</p></div>");
	if (roles_see_all_orgs(req->who.roles) && perm_granted(req->who.roles, PERM_USERS_READ))
		glance(req, d);
	html_raw(b, "<section aria-labelledby=\"cards-h\"><h2 id=\"cards-h\">What you can do</h2>"
	            "<ul class=\"cards\">");
	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		const card *c = &cards[i];
		if (!perm_granted(req->who.roles, c->permission) ||
		    (c->unless && perm_granted(req->who.roles, c->unless)))
			continue;
		html_printf(b, "<li class=\"card\"><h3><a href=\"%s\">%s</a></h3><p>%s</p></li>",
		            c->href, c->title, c->text);
	}
	html_raw(b, "</ul></section>");
	page_end(req);
	return 0;
}

static const route dashboard_routes[] = {
    {"GET", "/", dashboard_page, PERM_SIGNED_IN, 0, "Dashboard for the signed-in user's roles"},
};

void dashboard_register(void)
{
	ROUTES_ADD(dashboard_routes);
}
