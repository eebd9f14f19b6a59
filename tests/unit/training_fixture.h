/* training_fixture.h: what the course, session and calendar tests share on
 * top of auth_fixture.h: an approved curriculum version with a few modules
 * (written as rows: the curriculum service is another module's), a course
 * on it, instructors of each kind. Times are in America/Chicago. */
#ifndef CITKIT_TEST_TRAINING_FIXTURE_H
#define CITKIT_TEST_TRAINING_FIXTURE_H

#include "auth_fixture.h"
#include "base/clock.h"
#include "training/courses.h"

typedef struct trainfx {
	int64_t version_id, draft_id;
	int64_t mod_intro, mod_deesc, mod_lived, mod_other; /* mod_other: the draft's */
	int64_t org_id, clinician, presenter, instructor, officer, coordinator;
	int64_t course_id;
} trainfx;

/* 2026-03-02 (a Monday) … 2026-03-06, midnight UTC of the local dates. */
enum { TFX_MON = 1772409600, TFX_DAY = 86400 };

static inline int64_t tfx_insert(authfx *f, const char *sql)
{
	int64_t id = 0;
	if (db_query_int(f->d, &id, sql, "") != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
	return id;
}

static inline void tfx_setup(authfx *f, trainfx *t)
{
	assert_true(clock_set_zone("America/Chicago"));
	fx_exec(f, "INSERT INTO curricula (name, kind, created_at) VALUES ('Pine Belt', 'local', 1)");
	t->version_id = tfx_insert(
	    f, "INSERT INTO curriculum_versions (curriculum_id, version, title, status, created_at, "
	       "updated_at) VALUES (1, 1, 'Pine Belt CIT 2026', 'approved', 1, 1) RETURNING id");
	t->draft_id = tfx_insert(
	    f, "INSERT INTO curriculum_versions (curriculum_id, version, title, status, created_at, "
	       "updated_at) VALUES (1, 2, 'Pine Belt CIT draft', 'draft', 1, 1) RETURNING id");
	t->mod_intro = tfx_insert(
	    f, "INSERT INTO curriculum_modules (version_id, code, position, title, component, "
	       "minutes, instructor_kinds, is_required) VALUES (1, 'intro', 1, 'Program overview', "
	       "'program', 60, 'officer', 1) RETURNING id");
	t->mod_deesc = tfx_insert(
	    f, "INSERT INTO curriculum_modules (version_id, code, position, title, component, "
	       "minutes, instructor_kinds, is_required) VALUES (1, 'deesc', 2, 'Verbal "
	       "de-escalation', 'deescalation', 120, 'officer,clinician', 1) RETURNING id");
	t->mod_lived = tfx_insert(
	    f, "INSERT INTO curriculum_modules (version_id, code, position, title, component, "
	       "minutes, instructor_kinds, is_required) VALUES (1, 'lived', 3, 'Living with mental "
	       "illness', 'lived_experience', 90, 'presenter', 1) RETURNING id");
	t->mod_other = tfx_insert(
	    f, "INSERT INTO curriculum_modules (version_id, code, position, title, component, "
	       "minutes, instructor_kinds, is_required) VALUES (2, 'intro', 1, 'Program overview', "
	       "'program', 60, 'officer', 1) RETURNING id");
	t->org_id = fx_org(f, "Pine Belt PD", "law_enforcement");
	t->clinician = fx_user(f, t->org_id, "clin@example.org", "Dr. Cole", "clinician", NULL);
	t->presenter = fx_user(f, t->org_id, "pres@example.org", "Pat Reyes", "presenter", NULL);
	t->instructor =
	    fx_user(f, t->org_id, "sgt@example.org", "Sgt. Ina Long", "instructor,officer", NULL);
	t->officer = fx_user(f, t->org_id, "off@example.org", "Ofc. Ode", "officer", NULL);
	t->coordinator = fx_user(f, t->org_id, "coord@example.org", "Coco Ord", "coordinator", NULL);
	field_errors errs = {0};
	char version[24];
	snprintf(version, sizeof version, "%lld", (long long)t->version_id);
	int rc = course_create(f->d, f->a, &f->sys,
	                       fx_kv(f, "version_id", version, "title", "CIT Basic, March",
	                             "location", "Training Center", "starts_on", "2026-03-02",
	                             "ends_on", "2026-03-06", "capacity", "24", NULL),
	                       &t->course_id, &errs);
	if (rc < 0)
		fail_msg("course_create: %d %s %s", rc, errs.len ? errs.items[0].field : "",
		         errs.len ? errs.items[0].message : "");
}

static inline const char *tfx_id(authfx *f, int64_t id)
{
	return arena_printf(f->a, "%lld", (long long)id);
}

#endif
