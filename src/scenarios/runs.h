/* runs.h: live scenario runs inside a course. An instructor starts a run
 * (scenario, trainee, role player); the run gets a short join code that
 * classmates type or scan; instructors and classmates score it (see
 * feedback.h) while it plays and after "end scenario"; the instructor
 * closes it and the result (pass/fail by the rubric's rule) is stored.
 * Passed runs count toward the course's scenario assessment (progress.h).
 *
 * Statuses: live → ended → closed (live → closed is allowed too).
 *
 * Scope (run_get and everything that reads a run): managers (admin,
 * coordinator), any instructor, the trainee, the run's role player, and
 * officers enrolled in the course (status enrolled or completed). Anyone
 * else gets CK_E_NOT_FOUND, as if the run did not exist.
 *
 * Every write bumps scenario_runs.event_seq and stores a run_events row
 * in the same transaction (run_events.c); callers publish with
 * run_events_changed(id) after the commit. */
#ifndef CITKIT_RUNS_H
#define CITKIT_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

/* How the actor relates to a run; decides what they see and may do. */
typedef enum run_viewer {
	RUN_VIEWER_NONE = 0,    /* outside scope */
	RUN_VIEWER_MANAGER,     /* admin or coordinator */
	RUN_VIEWER_INSTRUCTOR,  /* holds the instructor role */
	RUN_VIEWER_TRAINEE,     /* the run's trainee */
	RUN_VIEWER_ROLE_PLAYER, /* the run's role player (an account) */
	RUN_VIEWER_CLASSMATE,   /* an officer enrolled or completed in the course */
} run_viewer;

typedef struct run {
	int64_t id, course_id, scenario_id, rubric_id, enrollment_id;
	const char *course_title;
	const char *scenario_title, *dispatch_brief;
	int64_t trainee_id;
	const char *trainee_name;
	int64_t role_player_id;       /* 0: an actor without an account */
	const char *role_player_name; /* the account's name, else the typed name; may be "" */
	const char *join_code;        /* NULL unless the viewer may manage runs */
	const char *status;           /* "live", "ended", "closed" */
	bool is_anonymous;            /* classmates' names hidden from the trainee's view */
	int64_t started_by, started_at;
	int64_t ended_at;             /* 0 while live */
	int64_t closed_by, closed_at; /* 0 until closed */
	const char *result;           /* "pass", "fail"; NULL until closed */
	int64_t mean_x100;            /* instructors' weighted mean ×100; -1 until closed */
	int64_t event_seq;            /* the last event's number */
	run_viewer viewer;            /* the actor's relation (run_get, run_list) */
	bool can_manage;              /* viewer may end / close (PERM_RUNS_MANAGE) */
	bool can_score;               /* viewer may submit feedback now (not closed) */
	bool sees_authors;            /* classmates' names visible to this viewer */
} run;

/* What starts a run. enrollment_id or trainee_id (with course_id) names
 * the trainee; role_player_id (a user) or role_player_name (free text)
 * is optional. */
typedef struct run_start_input {
	int64_t course_id, scenario_id;
	int64_t enrollment_id, trainee_id; /* one of them; 0 = absent */
	int64_t role_player_id;            /* 0 = none */
	const char *role_player_name;      /* NULL or "" = none */
} run_start_input;

/* 0 when actor may run scenarios in course_id: a coordinator or admin,
 * or someone with PERM_RUNS_MANAGE who teaches a session of it;
 * CK_E_FORBIDDEN otherwise (whether the course exists is the caller's
 * question). */
int runs_course_access(db *d, const principal *actor, int64_t course_id);

/* Starts a run; needs runs_course_access. Errors, none writing anything:
 * CK_E_NOT_FOUND for an unknown course; CK_E_FORBIDDEN for a course the
 * actor does not teach; CK_E_INVALID (errs) for an unknown
 * scenario or one without a rubric (field scenario_id), a trainee not
 * enrolled (enrolled/completed) in the course (enrollment_id or
 * trainee_id), a role player who is the trainee or may not read briefs
 * (role_player_id). The join code is
 * RUN_JOIN_CODE_LEN characters of run_join_alphabet(), random, unique.
 * is_anonymous copies the program setting scenario_feedback_anonymous
 * (default "1"). Audited as run.start. */
int run_start(db *d, arena *a, const principal *actor, const run_start_input *in, run *out,
              field_errors *errs);
/* The same from form or JSON fields: course_id, scenario_id,
 * enrollment_id | trainee_id, role_player_id, role_player_name.
 * course_id may be given by the caller (route) instead: pass it > 0. */
int run_start_kv(db *d, arena *a, const principal *actor, int64_t course_id, const kv *in, run *out,
                 field_errors *errs);

/* The run if the actor is in its scope, else CK_E_NOT_FOUND. */
int run_get(db *d, arena *a, const principal *actor, int64_t id, run *out);

typedef struct run_filter {
	int64_t course_id;  /* 0 = any */
	int64_t trainee_id; /* 0 = any */
	int64_t limit;      /* 1..200; 0 = 50 */
	int64_t cursor;     /* runs with id < cursor (newest first); 0 = from the newest */
} run_filter;

/* Runs the actor may see, newest first. *next_cursor is the cursor of the
 * next page, 0 when this was the last. */
int run_list(db *d, arena *a, const principal *actor, const run_filter *f, run **items, size_t *n,
             int64_t *next_cursor);

/* "End scenario": live → ended. Needs PERM_RUNS_MANAGE and scope.
 * CK_E_CONFLICT when not live. Stores an "ended" event. */
int run_end(db *d, arena *a, const principal *actor, int64_t id, run *out);

/* Closes a live or ended run: computes the result by the rubric's rule
 * (feedback.h, feedback_verdict) and stores it with mean_x100. Needs
 * PERM_RUNS_MANAGE and scope. CK_E_CONFLICT when already closed;
 * CK_E_INVALID (errs, field "scores") when no instructor has scored a
 * critical skill (or nobody of the instructors has scored at all).
 * Stores a "closed" event. Audited as run.close. */
int run_close(db *d, arena *a, const principal *actor, int64_t id, run *out, field_errors *errs);

/* Join by code: *run_id of the live/ended/closed run with that code if
 * the actor is in its scope. A right code out of scope (not enrolled in
 * the course): CK_E_FORBIDDEN. Wrong code: CK_E_NOT_FOUND; after RUN_JOIN_MAX_MISSES wrong codes
 * within RUN_JOIN_WINDOW seconds by the same user, or RUN_JOIN_MAX_MISSES_PER_ADDRESS from the
 * same ip (a classroom shares one address): CK_E_RATE with *retry_after
 * seconds (also for right codes while limited). Codes are matched case-insensitively, ignoring
 * spaces and dashes. ip may be NULL. */
int run_join(db *d, arena *a, const principal *actor, const char *ip, const char *code,
             int64_t *run_id, int64_t *retry_after);

enum {
	RUN_JOIN_CODE_LEN = 6,
	RUN_JOIN_MAX_MISSES = 10,
	RUN_JOIN_MAX_MISSES_PER_ADDRESS = 60,
	RUN_JOIN_WINDOW = 600, /* seconds */
};

/* The join code alphabet: upper-case letters and digits without the ones
 * that read alike (0 O 1 I L 5 S 2 Z 8 B U V). */
const char *run_join_alphabet(void);
/* True when code (already normalised) has the length and alphabet. */
bool run_join_code_valid(const char *code);
/* Upper-cases and drops spaces and dashes, in a; NULL when too long. */
const char *run_join_code_normalise(arena *a, const char *code);
/* A fresh random code (not checked for uniqueness) into buf[7]. */
int run_join_code_new(char buf[RUN_JOIN_CODE_LEN + 1]);

/* The wrong-code limiter, in memory, thread-safe; keyed by user and by ip
 * separately. Exposed for tests with an explicit now. */
/* Whether key may try now, fewer than max_misses misses in the window;
 * *retry_after gets the seconds to wait when not. */
bool run_join_limiter_allows(const char *key, int max_misses, int64_t now, int64_t *retry_after);
/* Records one wrong code for key at now. */
void run_join_limiter_miss(const char *key, int64_t now);
/* Forgets everything (tests). */
void run_join_limiter_reset(void);

/* The public URL join links start with (serve sets it from the config). */
void run_set_public_url(const char *url);
/* "/runs/join/ABC123" under the configured public URL (absolute when one
 * is configured), in a. */
const char *run_join_url(arena *a, const char *join_code);

/* The program's run settings: whether new runs hide classmates' names
 * from the trainee (setting scenario_feedback_anonymous, default on).
 * Saving needs PERM_SETTINGS_WRITE; audited as runs.settings. Runs
 * already started keep theirs. */
int run_settings_anonymous(db *d, arena *a, bool *anonymous);
int run_settings_save(db *d, arena *a, const principal *actor, bool anonymous);

/* "Live", "Ended", "Closed". */
const char *run_status_label(const char *status);

/* One trainee's runs and skill trend (GET /users/{id}/runs, /me/runs).
 * Officers may see only their own; supervisors their agency's officers;
 * managers, instructors and analysts anyone; else CK_E_NOT_FOUND. */
typedef struct run_trend_point {
	int64_t run_id, started_at;
	int64_t instructor_mean_x100; /* -1 when no instructor scored it */
} run_trend_point;

typedef struct run_trend {
	const char *skill_code, *skill_title;
	run_trend_point *points; /* closed runs, oldest first */
	size_t n_points;
} run_trend;

typedef struct run_history {
	int64_t user_id;
	const char *user_name;
	run *runs; /* every run of the trainee, newest first */
	size_t n_runs;
	run_trend *trends; /* one a skill code, in rubric order of first appearance */
	size_t n_trends;
} run_history;

int run_history_for_user(db *d, arena *a, const principal *actor, int64_t user_id,
                         run_history *out);

/* The course matrix: trainees × skills from each trainee's latest closed
 * run (instructor mean a skill), with runs passed / required. Needs
 * PERM_RUNS_MANAGE (managers, instructors); CK_E_NOT_FOUND for an unknown
 * course. Columns are the union of the skill codes of the runs' rubrics,
 * in order of first appearance. */
typedef struct run_matrix_column {
	const char *code, *title;
	bool is_critical;
} run_matrix_column;

typedef struct run_matrix_row {
	int64_t enrollment_id, user_id;
	const char *name;
	int64_t latest_run_id;     /* 0 when no closed run */
	const char *latest_result; /* NULL when none */
	int64_t *means_x100;       /* n_columns values; -1 = not scored */
	int64_t runs_passed;
	int64_t runs_total; /* closed runs */
} run_matrix_row;

typedef struct run_matrix {
	int64_t course_id;
	const char *course_title;
	int64_t runs_required; /* courses.scenario_runs_required */
	run_matrix_column *columns;
	size_t n_columns;
	run_matrix_row *rows; /* enrolled and completed trainees, by name */
	size_t n_rows;
} run_matrix;

int run_matrix_for_course(db *d, arena *a, const principal *actor, int64_t course_id,
                          run_matrix *out);

/* Passed (closed, result pass) runs of an enrollment; the completion
 * rule's source (progress_assessment). */
int run_count_passed(db *d, int64_t enrollment_id, int64_t *passed);

/* Events (run_events.c). Channel "run:<id>" is the named view,
 * "run:<id>:anon" the anonymous one (classmates' author null). */
const char *run_channel(arena *a, int64_t run_id, bool anonymous);
/* Registers the "run:" SSE source; called once at start-up. */
void run_events_register(void);
/* After a commit that wrote events of run_id: wakes its streams. */
void run_events_changed(int64_t run_id);

#endif
