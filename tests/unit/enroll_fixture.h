/* enroll_fixture.h: curricula, courses and sessions written straight
 * into the schema (0003_training) for the enrollment, attendance and
 * progress tests, so they do not depend on the curriculum and course
 * services. Include after auth_fixture.h. */
#ifndef CITKIT_TEST_ENROLL_FIXTURE_H
#define CITKIT_TEST_ENROLL_FIXTURE_H

#include "auth_fixture.h"
#include "runs_fixture.h"

/* Sessions in the tests happen before the fixture's "now" (2023-11-14),
 * starting on 2023-11-01 00:00 UTC. */
enum { TF_DAY0 = 1698796800 };

static int tf_seq;

/* An approved local curriculum version, empty. */
static inline int64_t tf_version(authfx *f)
{
	int64_t cid = 0, vid = 0;
	char name[64];
	snprintf(name, sizeof name, "Local curriculum %d", ++tf_seq);
	if (db_query_int(f->d, &cid,
	                 "INSERT INTO curricula (name, kind, created_at) VALUES ($1, 'local', 1) "
	                 "RETURNING id",
	                 "t", name) != DB_ROW)
		fail_msg("curricula: %s", db_errmsg(f->d));
	if (db_query_int(f->d, &vid,
	                 "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	                 "approved_at, created_at, updated_at) "
	                 "VALUES ($1, 1, $2, 'approved', 1, 1, 1) RETURNING id",
	                 "it", cid, name) != DB_ROW)
		fail_msg("curriculum_versions: %s", db_errmsg(f->d));
	return vid;
}

static inline int64_t tf_module(authfx *f, int64_t version_id, const char *code,
                                const char *component, int64_t minutes, bool is_required)
{
	int64_t id = 0;
	if (db_query_int(f->d, &id,
	                 "INSERT INTO curriculum_modules (version_id, code, position, title, "
	                 "component, minutes, is_required, model_minutes) "
	                 "VALUES ($1, $2, (SELECT COUNT(*) + 1 FROM curriculum_modules "
	                 "WHERE version_id = $1), $3, $4, $5, $6, $5) RETURNING id",
	                 "itttii", version_id, code, code, component, minutes,
	                 (int64_t)is_required) != DB_ROW)
		fail_msg("curriculum_modules: %s", db_errmsg(f->d));
	return id;
}

/* status: planned, open, in_progress, completed, cancelled. */
static inline int64_t tf_course(authfx *f, int64_t version_id, int64_t capacity,
                                const char *status)
{
	int64_t id = 0;
	if (db_query_int(f->d, &id,
	                 "INSERT INTO courses (version_id, title, location, starts_on, ends_on, "
	                 "capacity, status, created_at, updated_at) "
	                 "VALUES ($1, $2, 'Training room', $3, $4, $5, $6, 1, 1) RETURNING id",
	                 "itiiit", version_id, "CIT Basic Course", (int64_t)TF_DAY0,
	                 (int64_t)TF_DAY0 + 4 * 86400, capacity, status) != DB_ROW)
		fail_msg("courses: %s", db_errmsg(f->d));
	return id;
}

/* A session of `minutes` starting `start_minute` minutes after TF_DAY0. */
static inline int64_t tf_session(authfx *f, int64_t course_id, int64_t start_minute,
                                 int64_t minutes)
{
	int64_t id = 0, at = TF_DAY0 + start_minute * 60;
	if (db_query_int(f->d, &id,
	                 "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, "
	                 "created_at, updated_at) VALUES ($1, $2, $3, 'A', 1, 1) RETURNING id",
	                 "iii", course_id, at, at + minutes * 60) != DB_ROW)
		fail_msg("course_sessions: %s", db_errmsg(f->d));
	return id;
}

static inline void tf_cover(authfx *f, int64_t session_id, int64_t module_id, int64_t minutes)
{
	if (db_run(f->d,
	           "INSERT INTO session_modules (session_id, module_id, minutes) VALUES ($1, $2, $3)",
	           "iii", session_id, module_id, minutes) != 1)
		fail_msg("session_modules: %s", db_errmsg(f->d));
}

/* Enrolling through the service seats a person now (seated_at), and a
 * session over before the seat gives no credit: tests whose people sat
 * the fixture's past sessions enroll them with the clock on the day
 * before TF_DAY0, then go back to now. */
static int64_t tf_saved_cs;
static inline void tf_clock_before_course(void)
{
	tf_saved_cs = fx_now_cs;
	fx_now_cs = ((int64_t)TF_DAY0 - 86400) * 100;
}
static inline void tf_clock_back(void)
{
	fx_now_cs = tf_saved_cs;
}

/* user_id teaches session_id (session_instructors). */
static inline void tf_teach(authfx *f, int64_t session_id, int64_t user_id)
{
	if (db_run(f->d, "INSERT INTO session_instructors (session_id, user_id) VALUES ($1, $2)",
	           "ii", session_id, user_id) != 1)
		fail_msg("session_instructors: %s", db_errmsg(f->d));
}

/* An enrollment row written directly (status enrolled, seated_at NULL
 * as if from before the seats migration: no limit). */
static inline int64_t tf_enrollment(authfx *f, int64_t course_id, int64_t user_id)
{
	int64_t id = 0;
	if (db_query_int(f->d, &id,
	                 "INSERT INTO enrollments (course_id, user_id, status, created_at, "
	                 "updated_at) VALUES ($1, $2, 'enrolled', 1, 1) RETURNING id",
	                 "ii", course_id, user_id) != DB_ROW)
		fail_msg("enrollments: %s", db_errmsg(f->d));
	return id;
}

/* A roll-call row written directly. */
static inline void tf_attend(authfx *f, int64_t session_id, int64_t enrollment_id,
                             const char *status, int64_t late, int64_t early, int64_t credited)
{
	if (db_run(f->d,
	           "INSERT INTO attendance (session_id, enrollment_id, status, minutes_late, "
	           "minutes_left_early, credited_minutes, recorded_at) "
	           "VALUES ($1, $2, $3, $4, $5, $6, 1)",
	           "iitiii", session_id, enrollment_id, status, late, early, credited) != 1)
		fail_msg("attendance: %s", db_errmsg(f->d));
}

static inline void tf_makeup(authfx *f, int64_t enrollment_id, const char *code,
                             int64_t session_id, int64_t minutes)
{
	if (db_run(f->d,
	           "INSERT INTO makeup_credits (enrollment_id, module_code, session_id, minutes, "
	           "created_at) VALUES ($1, $2, $3, $4, 1)",
	           "itii", enrollment_id, code, session_id, minutes) != 1)
		fail_msg("makeup_credits: %s", db_errmsg(f->d));
}

/* The scenario assessment met: the two passed runs a course asks for by
 * default, closed at time 5. */
static inline void tf_pass_runs(authfx *f, int64_t enrollment_id)
{
	fx_closed_runs(f, enrollment_id, 2, "pass", 5);
}

#endif
