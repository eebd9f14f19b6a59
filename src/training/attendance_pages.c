/* attendance_pages.c: roll call on a phone or tablet. GET
 * /sessions/{id}/roll lists every seated trainee, present by default, each
 * with one-tap forms: present, absent, late (minutes), left early
 * (minutes). Each form works without JavaScript; POST records one mark and
 * comes back to the same person. */
#include <stdlib.h>
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "enroll_web.h"

static const field_label roll_labels[] = {
    {"enrollment_id", "Trainee"},
    {"session_id", "This session"},
    {"status", "Status"},
    {"minutes", "Minutes"},
    {"minutes_late", "Minutes late"},
    {"minutes_left_early", "Minutes left early"},
};

/* One tap: a form with the person, a status and (late / left early) a
 * minutes box; the other kind of minutes rides along so a late mark keeps
 * an early departure and the other way round. */
static void tap_form(request *req, const char *action, const roll_entry *e, const char *status,
                     const char *label, bool has_minutes)
{
	buf *b = &req->resp.body;
	form_begin(req, action, NULL);
	form_hidden(req, "enrollment_id",
	            arena_printf(req->arena, "%lld", (long long)e->enrollment_id));
	form_hidden(req, "status", status);
	bool is_late = !strcmp(status, "late"), is_early = !strcmp(status, "left_early");
	if (is_late && e->minutes_left_early)
		form_hidden(req, "minutes_left_early",
		            arena_printf(req->arena, "%lld", (long long)e->minutes_left_early));
	if (is_early && e->minutes_late)
		form_hidden(req, "minutes_late",
		            arena_printf(req->arena, "%lld", (long long)e->minutes_late));
	if (has_minutes) {
		int64_t current = is_late ? e->minutes_late : e->minutes_left_early;
		html_printf(
		    b,
		    "<label for=\"m-%s-%lld\" class=\"visually-hidden\">%s: minutes for %s</label>"
		    "<input id=\"m-%s-%lld\" name=\"minutes\" type=\"number\" min=\"1\" "
		    "inputmode=\"numeric\" size=\"3\" value=\"%lld\" required>",
		    status, (long long)e->enrollment_id, label, e->name, status,
		    (long long)e->enrollment_id, (long long)(current ? current : 5));
	}
	bool is_current =
	    !strcmp(e->status, status) && (e->is_recorded || !strcmp(status, "present"));
	/* The attributes are markup: html_printf would escape their quotes. */
	html_raw(b, is_current ? "<button type=\"submit\" class=\"current\" aria-pressed=\"true\">"
	                       : "<button type=\"submit\" class=\"secondary\">");
	html_printf(b, "%s</button>", label);
	form_end(req);
}

static int render_roll(request *req, int64_t id, const field_errors *errs_in)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	roll_call roll;
	int rc = attendance_roll(d, req->arena, &req->who, id, &roll);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	char from[CLOCK_LOCAL_LEN], to[CLOCK_LOCAL_LEN];
	clock_local(roll.starts_at, from);
	clock_local(roll.ends_at, to);
	page_begin(req, arena_printf(req->arena, "Roll call: %s", roll.course_title));
	if (errs_in) {
		field_errors errs = *errs_in;
		AUTH_NAME_ERRORS(req->arena, &errs, roll_labels);
		form_errors_summary(req, &errs);
	}
	static const page_done done[] = {
	    {"saved", "Saved."},
	};
	PAGE_FLASH_DONE(req, done);
	html_printf(b, "<p>%s to %s%s%s · %lld minutes.%s</p>", from, to,
	            *roll.room ? " · room " : "", roll.room, (long long)roll.length,
	            roll.has_started ? " Everyone is present unless marked." : "");
	bool may_write = roll.may_mark && roll.has_started;
	if (!roll.may_mark && perm_granted(req->who.roles, PERM_ATTENDANCE_WRITE))
		html_raw(b, "<p class=\"muted\">You do not teach this session: its instructors and "
		            "the coordinators take its roll.</p>");
	else if (roll.may_mark && !roll.has_started)
		html_printf(b,
		            "<p class=\"muted\">This session has not started yet: its roll opens "
		            "at %s.</p>",
		            from);
	if (roll.n == 0)
		html_raw(b, "<p class=\"empty\">Nobody is enrolled in this course.</p>");
	html_raw(b, "<ul class=\"roll\">");
	const char *action = arena_printf(req->arena, "/sessions/%lld/roll", (long long)id);
	for (size_t i = 0; i < roll.n; i++) {
		const roll_entry *e = &roll.items[i];
		/* Before the session nobody is present yet, nor credited. */
		const char *standing = roll.has_started
		                           ? arena_printf(req->arena, "%s · %lld min credited",
		                                          attendance_status_text(req->arena, e),
		                                          (long long)e->credited_minutes)
		                           : "Not held yet";
		html_printf(
		    b,
		    "<li id=\"e-%lld\" class=\"roll-entry status-%s\"><p><strong>%s</strong> "
		    "<span class=\"muted\">%s</span><br>%s</p>",
		    (long long)e->enrollment_id, roll.has_started ? e->status : "upcoming", e->name,
		    e->org_name, standing);
		if (may_write) {
			html_raw(b, "<div class=\"taps\">");
			tap_form(req, action, e, "present", "Present", false);
			tap_form(req, action, e, "late", "Late", true);
			tap_form(req, action, e, "left_early", "Left early", true);
			tap_form(req, action, e, "absent", "Absent", false);
			html_raw(b, "</div>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	html_printf(b, "<p><a href=\"/courses/%lld/enrollments\">Trainees and their hours</a></p>",
	            (long long)roll.course_id);
	page_end(req);
	return 0;
}

/* GET /sessions/{id}/roll?done=saved: the roll of a session. */
static int roll_page(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return render_roll(req, id, NULL);
}

/* POST /sessions/{id}/roll: enrollment_id, status (present, late,
 * left_early, absent), minutes (for late / left early), and the other
 * kind of minutes to keep. Back to the person on the roll; a problem
 * re-shows the roll (422) with it. */
static int roll_submit(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = attendance_record_kv(d, req->arena, &req->who, id, &req->form, &errs);
	if (rc == CK_E_INVALID) {
		req->resp.status = 422;
		return render_roll(req, id, &errs);
	}
	if (!auth_ok(req, rc))
		return 0;
	const char *eid = kv_get(&req->form, "enrollment_id");
	resp_redirect(req,
	              arena_printf(req->arena, "/sessions/%lld/roll?done=saved#e-%lld",
	                           (long long)id, (long long)strtoll(eid ? eid : "0", NULL, 10)));
	return 0;
}

static const route attendance_routes[] = {
    {"GET", "/sessions/{id}/roll", roll_page, PERM_TRAINING_STATUS, 0,
     "Roll call of a session (phone or tablet)"},
    {"POST", "/sessions/{id}/roll", roll_submit, PERM_ATTENDANCE_WRITE, 0,
     "Mark one trainee late, left early, absent or present"},
};

void attendance_pages_register(void)
{
	ROUTES_ADD(attendance_routes);
}
