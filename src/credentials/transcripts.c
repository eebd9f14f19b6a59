/* transcripts.c: an officer's transcript and an agency's CIT status. Hours
 * come from training_progress (src/training/progress.c), the one place
 * that rolls attendance up; certificates from the certificate service. */
#include "transcripts.h"

#include <string.h>

#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/errors.h"

static const char *const status_names[] = {"certified", "expiring", "expired", "in_training",
                                           "none"};
static const char *const status_labels[] = {"Certified", "Expiring", "Expired", "In training",
                                            "None"};

const char *cit_status_name(cit_status s)
{
	return status_names[s];
}

const char *cit_status_label(cit_status s)
{
	return status_labels[s];
}

/* Whether actor may see the training record of a person of org_id. */
static bool sees_person(const principal *actor, int64_t user_id, int64_t org_id)
{
	if (auth_signed_in(actor) && actor->user_id == user_id)
		return true;
	return auth_allowed(actor, PERM_TRAINING_STATUS) && auth_sees_org(actor, org_id);
}

static const char *dup_col(arena *a, db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return arena_strdup(a, v ? v : "");
}

static int load_person(db *d, arena *a, int64_t user_id, transcript *out)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT u.id, u.org_id, u.name, u.email, o.name FROM users u "
	                    "JOIN orgs o ON o.id = u.org_id WHERE u.id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, user_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		*out = (transcript){
		    .user_id = db_col_int(s, 0),
		    .org_id = db_col_int(s, 1),
		    .name = dup_col(a, s, 2),
		    .email = dup_col(a, s, 3),
		    .org_name = dup_col(a, s, 4),
		};
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

static int load_courses(db *d, arena *a, transcript *t)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT e.id, c.id, c.title, e.status, c.starts_on, c.ends_on "
	                    "FROM enrollments e JOIN courses c ON c.id = e.course_id "
	                    "WHERE e.user_id = $1 ORDER BY c.starts_on DESC, e.id DESC",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, t->user_id);
	size_t cap = 8;
	t->courses = arena_array(a, cap, sizeof *t->courses);
	while ((rc = db_step(s)) == DB_ROW) {
		if (t->n_courses == cap) {
			transcript_course *more = arena_array(a, cap * 2, sizeof *more);
			memcpy(more, t->courses, cap * sizeof *more);
			t->courses = more;
			cap *= 2;
		}
		t->courses[t->n_courses++] = (transcript_course){
		    .enrollment_id = db_col_int(s, 0),
		    .course_id = db_col_int(s, 1),
		    .course_title = dup_col(a, s, 2),
		    .enrollment_status = dup_col(a, s, 3),
		    .starts_on = db_col_int(s, 4),
		    .ends_on = db_col_int(s, 5),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < t->n_courses; i++) {
		rc = training_progress(d, a, t->courses[i].enrollment_id, &t->courses[i].prog);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int transcript_get(db *d, arena *a, const principal *actor, int64_t user_id, transcript *out)
{
	if (!auth_signed_in(actor) && !auth_allowed(actor, PERM_TRAINING_STATUS))
		return CK_E_UNAUTHORIZED;
	int rc = load_person(d, a, user_id, out);
	if (rc < 0)
		return rc;
	if (!sees_person(actor, user_id, out->org_id))
		return CK_E_NOT_FOUND;
	if ((rc = load_courses(d, a, out)) < 0)
		return rc;
	/* Certificates through the system's eyes: the person check above is
	 * the scope here (a supervisor's officers, one's own). */
	principal sys;
	auth_system_principal(&sys, "system:transcript");
	cert_filter f = {.user_id = user_id};
	const char *next;
	return certificate_list(d, a, &sys, &f, 200, NULL, &out->certs, &out->n_certs, &next);
}

static cit_status status_of(const officer_status *o, bool in_training, int64_t now)
{
	int64_t soon = now + (int64_t)TRANSCRIPT_SOON_DAYS * 86400;
	if (o->certificate_id) {
		if (!o->expires_at || o->expires_at > soon)
			return CIT_CERTIFIED;
		if (o->expires_at > now)
			return CIT_EXPIRING;
	}
	if (in_training)
		return CIT_IN_TRAINING;
	return o->certificate_id ? CIT_EXPIRED : CIT_NONE;
}

int agency_status(db *d, arena *a, const principal *actor, int64_t org_id, int64_t now,
                  officer_status **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_TRAINING_STATUS))
		return CK_E_FORBIDDEN;
	if (!auth_sees_org(actor, org_id))
		return CK_E_NOT_FOUND;
	db_stmt *s;
	int rc = db_prepare(
	    d,
	    "SELECT u.id, u.name, u.email, c.id, c.expires_at, c.refresher_due_at, "
	    "CASE WHEN EXISTS (SELECT 1 FROM enrollments e JOIN courses co ON co.id = e.course_id "
	    "WHERE e.user_id = u.id AND e.status IN ('enrolled', 'waitlisted') "
	    "AND co.status IN ('planned', 'open', 'in_progress')) THEN 1 ELSE 0 END "
	    "FROM users u LEFT JOIN certificates c ON c.id = (SELECT c2.id FROM certificates c2 "
	    "WHERE c2.user_id = u.id AND c2.revoked_at IS NULL "
	    "ORDER BY c2.issued_at DESC, c2.id DESC LIMIT 1) "
	    "WHERE u.org_id = $1 AND u.is_active = 1 AND (u.roles & $2) <> 0 "
	    "ORDER BY u.name, u.id",
	    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, ROLE_OFFICER | ROLE_SUPERVISOR);
	size_t count = 0, cap = 64;
	officer_status *out = arena_array(a, cap, sizeof *out);
	int64_t soon = now + (int64_t)TRANSCRIPT_SOON_DAYS * 86400;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			officer_status *more = arena_array(a, cap * 2, sizeof *more);
			memcpy(more, out, cap * sizeof *more);
			out = more;
			cap *= 2;
		}
		officer_status *o = &out[count++];
		*o = (officer_status){
		    .user_id = db_col_int(s, 0),
		    .name = dup_col(a, s, 1),
		    .email = dup_col(a, s, 2),
		    .certificate_id = db_col_int(s, 3),
		    .expires_at = db_col_int(s, 4),
		    .refresher_due_at = db_col_int(s, 5),
		};
		o->status = status_of(o, db_col_int(s, 6) != 0, now);
		o->is_refresher_due = o->refresher_due_at && o->refresher_due_at <= soon &&
		                      o->status != CIT_EXPIRED;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}
