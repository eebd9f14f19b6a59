/* runs.c: starting, reading, ending and closing scenario runs, the join
 * code and its wrong-guess limiter (see runs.h). Each write is one
 * transaction with its stored event and, where it matters, its audit row. */
#include "runs.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../auth/settings.h"
#include "../base/clock.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "runs_internal.h"

#define SETTING_FEEDBACK_ANONYMOUS "scenario_feedback_anonymous"

/* $1 takes part in the run's course: seated in it, or teaching a session
 * of it. */
#define IN_COURSE                                                                                  \
	"EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = r.course_id AND e.user_id = $1 "  \
	"AND e.status IN ('enrolled', 'completed')) "
#define TEACHES_COURSE                                                                             \
	"EXISTS (SELECT 1 FROM session_instructors si JOIN course_sessions cs "                    \
	"ON cs.id = si.session_id WHERE cs.course_id = r.course_id AND si.user_id = $1) "
/* $1 is the actor's user id (for the classmate and teacher columns). */
#define RUN_COLUMNS                                                                                \
	"r.id, r.course_id, r.scenario_id, r.rubric_id, r.enrollment_id, c.title, s.title, "       \
	"s.dispatch_brief, r.trainee_id, t.name, r.role_player_id, "                               \
	"COALESCE(rp.name, r.role_player_name), r.join_code, r.status, r.is_anonymous, "           \
	"r.started_by, r.started_at, r.ended_at, r.closed_by, r.closed_at, r.result, "             \
	"r.mean_x100, r.event_seq, CASE WHEN " IN_COURSE "THEN 1 ELSE 0 END, "                     \
	"CASE WHEN " TEACHES_COURSE "THEN 1 ELSE 0 END "
#define RUN_FROM                                                                                   \
	"FROM scenario_runs r JOIN courses c ON c.id = r.course_id "                               \
	"JOIN scenarios s ON s.id = r.scenario_id JOIN users t ON t.id = r.trainee_id "            \
	"LEFT JOIN users rp ON rp.id = r.role_player_id "
/* Scope as SQL, $1 the actor, $2 = 1 when the actor sees every run. */
#define RUN_SCOPE                                                                                  \
	"(CAST($2 AS BIGINT) = 1 OR r.trainee_id = $1 OR r.role_player_id = $1 OR " IN_COURSE      \
	"OR " TEACHES_COURSE ") "

/* Coordinators and admins see every run; an instructor sees the runs of
 * the courses they teach, like everyone else those of their own. */
static bool sees_all(const principal *actor)
{
	return auth_is_system(actor) || (actor->roles & (ROLE_ADMIN | ROLE_COORDINATOR));
}

/* Who the actor is in this run. Teaching the course (a session of it,
 * whatever the role: clinicians and presenters teach too) makes an
 * instructor here; the instructor role alone does not, so an officer who
 * also instructs elsewhere is a classmate in a course they sit. */
static run_viewer viewer_of(const principal *actor, const run *r, bool is_classmate, bool teaches)
{
	if (!actor || (!auth_signed_in(actor) && !auth_is_system(actor)))
		return RUN_VIEWER_NONE;
	if (auth_is_system(actor))
		return RUN_VIEWER_MANAGER;
	if (actor->user_id == r->trainee_id)
		return RUN_VIEWER_TRAINEE;
	if (r->role_player_id && actor->user_id == r->role_player_id)
		return RUN_VIEWER_ROLE_PLAYER;
	if (actor->roles & (ROLE_ADMIN | ROLE_COORDINATOR))
		return RUN_VIEWER_MANAGER;
	if (teaches)
		return RUN_VIEWER_INSTRUCTOR;
	if (is_classmate)
		return RUN_VIEWER_CLASSMATE;
	return RUN_VIEWER_NONE;
}

static void read_run(arena *a, db_stmt *s, const principal *actor, run *r)
{
	*r = (run){
	    .id = db_col_int(s, 0),
	    .course_id = db_col_int(s, 1),
	    .scenario_id = db_col_int(s, 2),
	    .rubric_id = db_col_int(s, 3),
	    .enrollment_id = db_col_int(s, 4),
	    .course_title = db_col_dup(a, s, 5),
	    .scenario_title = db_col_dup(a, s, 6),
	    .dispatch_brief = db_col_dup(a, s, 7),
	    .trainee_id = db_col_int(s, 8),
	    .trainee_name = db_col_dup(a, s, 9),
	    .role_player_id = db_col_int(s, 10),
	    .role_player_name = db_col_dup(a, s, 11),
	    .join_code = db_col_dup(a, s, 12),
	    .status = db_col_dup(a, s, 13),
	    .is_anonymous = db_col_int(s, 14) != 0,
	    .started_by = db_col_int(s, 15),
	    .started_at = db_col_int(s, 16),
	    .ended_at = db_col_int(s, 17),
	    .closed_by = db_col_int(s, 18),
	    .closed_at = db_col_int(s, 19),
	    .result = db_col_is_null(s, 20) ? NULL : db_col_dup(a, s, 20),
	    .mean_x100 = db_col_is_null(s, 21) ? -1 : db_col_int(s, 21),
	    .event_seq = db_col_int(s, 22),
	};
	r->viewer = viewer_of(actor, r, db_col_int(s, 23) != 0, db_col_int(s, 24) != 0);
	r->can_manage = (r->viewer == RUN_VIEWER_MANAGER || r->viewer == RUN_VIEWER_INSTRUCTOR) &&
	                auth_allowed(actor, PERM_RUNS_MANAGE);
	r->can_score = strcmp(r->status, "closed") &&
	               (r->viewer == RUN_VIEWER_MANAGER || r->viewer == RUN_VIEWER_INSTRUCTOR ||
	                r->viewer == RUN_VIEWER_CLASSMATE);
	r->sees_authors = r->viewer == RUN_VIEWER_MANAGER || r->viewer == RUN_VIEWER_INSTRUCTOR ||
	                  !r->is_anonymous;
	if (!r->can_manage)
		r->join_code = NULL;
}

int runs_course_access(db *d, const principal *actor, int64_t course_id)
{
	if (!auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	if (sees_all(actor))
		return 0;
	int64_t sessions = 0;
	int rc =
	    db_query_int(d, &sessions,
	                 "SELECT COUNT(*) FROM session_instructors si JOIN course_sessions cs "
	                 "ON cs.id = si.session_id WHERE cs.course_id = $1 AND si.user_id = $2",
	                 "ii", course_id, actor->user_id);
	if (rc < 0)
		return rc;
	return sessions > 0 ? 0 : CK_E_FORBIDDEN;
}

int runs_load(db *d, arena *a, const principal *actor, int64_t id, run *out)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT " RUN_COLUMNS RUN_FROM "WHERE r.id = $2", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, actor ? actor->user_id : 0);
	db_bind_int(s, 2, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_run(a, s, actor, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int run_get(db *d, arena *a, const principal *actor, int64_t id, run *out)
{
	run r;
	int rc = runs_load(d, a, actor, id, &r);
	if (rc < 0)
		return rc;
	if (r.viewer == RUN_VIEWER_NONE)
		return CK_E_NOT_FOUND;
	*out = r;
	return 0;
}

int run_list(db *d, arena *a, const principal *actor, const run_filter *f, run **items, size_t *n,
             int64_t *next_cursor)
{
	*items = NULL;
	*n = 0;
	*next_cursor = 0;
	if (!auth_signed_in(actor) && !auth_is_system(actor))
		return CK_E_FORBIDDEN;
	int64_t limit = f->limit <= 0 ? 50 : f->limit > 200 ? 200 : f->limit;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT " RUN_COLUMNS RUN_FROM "WHERE " RUN_SCOPE
	                    "AND (CAST($3 AS BIGINT) = 0 OR r.course_id = $3) "
	                    "AND (CAST($4 AS BIGINT) = 0 OR r.trainee_id = $4) "
	                    "AND (CAST($5 AS BIGINT) = 0 OR r.id < $5) "
	                    "ORDER BY r.id DESC LIMIT $6",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, actor->user_id);
	db_bind_int(s, 2, sees_all(actor) ? 1 : 0);
	db_bind_int(s, 3, f->course_id);
	db_bind_int(s, 4, f->trainee_id);
	db_bind_int(s, 5, f->cursor);
	db_bind_int(s, 6, limit + 1);
	run *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW)
		read_run(a, s, actor, &out[count++]);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (count > (size_t)limit) {
		count = (size_t)limit;
		*next_cursor = out[count - 1].id;
	}
	*items = out;
	*n = count;
	return 0;
}

int runs_load_for_trainee(db *d, arena *a, const principal *actor, int64_t user_id, run **items,
                          size_t *n)
{
	*items = NULL;
	*n = 0;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT " RUN_COLUMNS RUN_FROM
	                    "WHERE r.trainee_id = $2 ORDER BY r.started_at DESC, r.id DESC",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, actor ? actor->user_id : 0);
	db_bind_int(s, 2, user_id);
	size_t cap = 8, count = 0;
	run *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			run *grown = arena_array(a, cap * 2, sizeof *grown);
			memcpy(grown, out, cap * sizeof *out);
			out = grown;
			cap *= 2;
		}
		read_run(a, s, actor, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

/* The join code. */

/* No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: what reads or sounds alike. */
static const char join_alphabet[] = "ACDEFGHJKMNPQRTWXY34679";

const char *run_join_alphabet(void)
{
	return join_alphabet;
}

bool run_join_code_valid(const char *code)
{
	if (!code || strlen(code) != RUN_JOIN_CODE_LEN)
		return false;
	for (const char *p = code; *p; p++)
		if (!strchr(join_alphabet, *p))
			return false;
	return true;
}

const char *run_join_code_normalise(arena *a, const char *code)
{
	char out[32];
	size_t n = 0;
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '\t')
			continue;
		if (n + 1 >= sizeof out)
			return NULL;
		out[n++] = (char)toupper((unsigned char)*p);
	}
	out[n] = '\0';
	return arena_strdup(a, out);
}

int run_join_code_new(char buf[RUN_JOIN_CODE_LEN + 1])
{
	const unsigned k = sizeof join_alphabet - 1; /* 23 */
	const unsigned limit = 256 - 256 % k;        /* no modulo bias */
	size_t n = 0;
	while (n < RUN_JOIN_CODE_LEN) {
		unsigned char bytes[16];
		crypto_random_bytes(bytes, sizeof bytes);
		for (size_t i = 0; i < sizeof bytes && n < RUN_JOIN_CODE_LEN; i++)
			if (bytes[i] < limit)
				buf[n++] = join_alphabet[bytes[i] % k];
	}
	buf[n] = '\0';
	return 0;
}

/* The wrong-code limiter: a fixed table of keys, each with the times of
 * its last LIMITER_RING misses (a ring), enough for the larger of the two
 * limits. Full table: the entry whose newest miss is oldest gives way. */
enum {
	LIMITER_SLOTS = 1024,
	LIMITER_KEY = 72,
	LIMITER_RING = RUN_JOIN_MAX_MISSES_PER_ADDRESS > RUN_JOIN_MAX_MISSES
	                   ? RUN_JOIN_MAX_MISSES_PER_ADDRESS
	                   : RUN_JOIN_MAX_MISSES,
};

typedef struct limiter_entry {
	char key[LIMITER_KEY];
	int64_t misses[LIMITER_RING];
	unsigned next; /* ring position */
	int64_t newest;
} limiter_entry;

static limiter_entry limiter[LIMITER_SLOTS];
static pthread_mutex_t limiter_lock = PTHREAD_MUTEX_INITIALIZER;

static limiter_entry *limiter_find(const char *key, bool create, int64_t now)
{
	limiter_entry *free_slot = NULL, *stalest = NULL;
	for (size_t i = 0; i < LIMITER_SLOTS; i++) {
		limiter_entry *e = &limiter[i];
		if (e->key[0] && !strcmp(e->key, key))
			return e;
		if (!e->key[0] || e->newest <= now - RUN_JOIN_WINDOW) {
			if (!free_slot)
				free_slot = e;
		} else if (!stalest || e->newest < stalest->newest) {
			stalest = e;
		}
	}
	if (!create)
		return NULL;
	limiter_entry *e = free_slot ? free_slot : stalest;
	memset(e, 0, sizeof *e);
	snprintf(e->key, sizeof e->key, "%s", key);
	return e;
}

bool run_join_limiter_allows(const char *key, int max_misses, int64_t now, int64_t *retry_after)
{
	*retry_after = 0;
	if (max_misses > LIMITER_RING)
		max_misses = LIMITER_RING;
	pthread_mutex_lock(&limiter_lock);
	limiter_entry *e = limiter_find(key, false, now);
	/* Newest first: the max_misses-th miss still in the window, if any,
	 * is the one whose leaving the window lifts the limit. */
	int count = 0;
	int64_t limiting = 0;
	for (unsigned i = 0; e && i < LIMITER_RING && count < max_misses; i++) {
		int64_t t = e->misses[(e->next + LIMITER_RING - 1 - i) % LIMITER_RING];
		if (!t || t <= now - RUN_JOIN_WINDOW)
			break;
		limiting = t;
		count++;
	}
	pthread_mutex_unlock(&limiter_lock);
	if (count < max_misses)
		return true;
	*retry_after = limiting + RUN_JOIN_WINDOW - now;
	if (*retry_after < 1)
		*retry_after = 1;
	return false;
}

void run_join_limiter_miss(const char *key, int64_t now)
{
	pthread_mutex_lock(&limiter_lock);
	limiter_entry *e = limiter_find(key, true, now);
	e->misses[e->next] = now;
	e->next = (e->next + 1) % LIMITER_RING;
	e->newest = now;
	pthread_mutex_unlock(&limiter_lock);
}

void run_join_limiter_reset(void)
{
	pthread_mutex_lock(&limiter_lock);
	memset(limiter, 0, sizeof limiter);
	pthread_mutex_unlock(&limiter_lock);
}

int run_join(db *d, arena *a, const principal *actor, const char *ip, const char *code,
             int64_t *run_id, int64_t *retry_after)
{
	*run_id = 0;
	*retry_after = 0;
	if (!auth_signed_in(actor))
		return CK_E_FORBIDDEN;
	int64_t now = auth_now(), wait_user = 0, wait_ip = 0;
	const char *user_key = arena_printf(a, "u:%lld", (long long)actor->user_id);
	const char *ip_key = ip && *ip ? arena_printf(a, "ip:%s", ip) : NULL;
	bool ok_user = run_join_limiter_allows(user_key, RUN_JOIN_MAX_MISSES, now, &wait_user);
	bool ok_ip = !ip_key || run_join_limiter_allows(ip_key, RUN_JOIN_MAX_MISSES_PER_ADDRESS,
	                                                now, &wait_ip);
	if (!ok_user || !ok_ip) {
		*retry_after = wait_user > wait_ip ? wait_user : wait_ip;
		return CK_E_RATE;
	}
	const char *norm = run_join_code_normalise(a, code);
	int64_t id = 0;
	int rc = 0;
	if (norm && run_join_code_valid(norm)) {
		rc = db_query_int(d, &id, "SELECT id FROM scenario_runs WHERE join_code = $1", "t",
		                  norm);
		if (rc < 0)
			return rc;
	}
	if (!id) {
		run_join_limiter_miss(user_key, now);
		if (ip_key)
			run_join_limiter_miss(ip_key, now);
		return CK_E_NOT_FOUND;
	}
	run r;
	rc = runs_load(d, a, actor, id, &r);
	if (rc < 0)
		return rc;
	if (r.viewer == RUN_VIEWER_NONE)
		return CK_E_FORBIDDEN;
	*run_id = id;
	return 0;
}

static char public_url[512];

void run_set_public_url(const char *url)
{
	snprintf(public_url, sizeof public_url, "%s", url ? url : "");
	size_t n = strlen(public_url);
	while (n && public_url[n - 1] == '/')
		public_url[--n] = '\0';
}

const char *run_join_url(arena *a, const char *join_code)
{
	return arena_printf(a, "%s/runs/join/%s", public_url, join_code ? join_code : "");
}

const char *run_status_label(const char *status)
{
	if (!status)
		return "Unknown";
	if (!strcmp(status, "live"))
		return "Live";
	if (!strcmp(status, "ended"))
		return "Ended";
	if (!strcmp(status, "closed"))
		return "Closed";
	return "Unknown";
}

int run_settings_anonymous(db *d, arena *a, bool *anonymous)
{
	const char *v = NULL;
	int rc = settings_get(d, a, SETTING_FEEDBACK_ANONYMOUS, &v);
	if (rc < 0)
		return rc;
	*anonymous = !v || !(!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") ||
	                     !strcmp(v, "off"));
	return 0;
}

typedef struct settings_ctx {
	arena *a;
	const principal *actor;
	bool anonymous;
} settings_ctx;

static int settings_in_tx(db *d, void *vctx)
{
	settings_ctx *c = vctx;
	bool before = true;
	int rc = run_settings_anonymous(d, c->a, &before);
	if (rc == 0)
		rc = settings_set(d, SETTING_FEEDBACK_ANONYMOUS, c->anonymous ? "1" : "0");
	if (rc < 0)
		return rc;
	return audit_append(
	    d, c->actor, "runs.settings", "settings", SETTING_FEEDBACK_ANONYMOUS, AUDIT_SUCCESS,
	    auth_json_text(c->a, json_pack("{s:b, s:b}", "before", before, "after", c->anonymous)));
}

int run_settings_save(db *d, arena *a, const principal *actor, bool anonymous)
{
	if (!auth_allowed(actor, PERM_SETTINGS_WRITE))
		return CK_E_FORBIDDEN;
	settings_ctx c = {a, actor, anonymous};
	return audit_tx(d, settings_in_tx, &c);
}

/* Start. */

typedef struct start_ctx {
	arena *a;
	const principal *actor;
	const run_start_input *in;
	field_errors *errs;
	int64_t id;
} start_ctx;

static int check_start(db *d, start_ctx *c, int64_t *rubric_id, int64_t *enrollment_id,
                       int64_t *trainee_id)
{
	const run_start_input *in = c->in;
	db_stmt *s;
	int rc = db_prepare(d, "SELECT status FROM courses WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, in->course_id);
	rc = db_step(s);
	const char *status = rc == DB_ROW ? db_col_dup(c->a, s, 0) : NULL;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!status)
		return CK_E_NOT_FOUND;
	rc = runs_course_access(d, c->actor, in->course_id);
	if (rc < 0)
		return rc;
	if (!strcmp(status, "cancelled") || !strcmp(status, "planned"))
		field_errors_add(c->errs, "course_id",
		                 arena_printf(c->a, "is %s; runs need a course that runs", status));

	/* The scenario and its rubric. */
	rc = db_prepare(d, "SELECT rubric_id, is_archived FROM scenarios WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, in->scenario_id);
	rc = db_step(s);
	bool found = rc == DB_ROW;
	*rubric_id = found && !db_col_is_null(s, 0) ? db_col_int(s, 0) : 0;
	bool archived = found && db_col_int(s, 1) != 0;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!found)
		field_errors_add(c->errs, "scenario_id", "is not a scenario in the library");
	else if (!*rubric_id)
		field_errors_add(c->errs, "scenario_id",
		                 "has no rubric; give the scenario a rubric before running it");
	else if (archived)
		field_errors_add(c->errs, "scenario_id", "is archived");

	/* The trainee: enrolled (or completed) in this course. */
	const char *field = in->enrollment_id ? "enrollment_id" : "trainee_id";
	if (!in->enrollment_id && !in->trainee_id) {
		field_errors_add(c->errs, "trainee_id", "is required (or enrollment_id)");
	} else {
		rc = db_prepare(
		    d,
		    in->enrollment_id
		        ? "SELECT id, user_id, status FROM enrollments WHERE id = $1 "
		          "AND course_id = $2"
		        : "SELECT id, user_id, status FROM enrollments WHERE user_id = $1 "
		          "AND course_id = $2",
		    &s);
		if (rc < 0)
			return rc;
		db_bind_int(s, 1, in->enrollment_id ? in->enrollment_id : in->trainee_id);
		db_bind_int(s, 2, in->course_id);
		rc = db_step(s);
		*enrollment_id = rc == DB_ROW ? db_col_int(s, 0) : 0;
		*trainee_id = rc == DB_ROW ? db_col_int(s, 1) : 0;
		const char *est = rc == DB_ROW ? db_col_dup(c->a, s, 2) : "";
		db_finish(s);
		if (rc < 0)
			return rc;
		if (strcmp(est, "enrolled") && strcmp(est, "completed"))
			field_errors_add(c->errs, field, "is not enrolled in this course");
	}

	if (in->role_player_id) {
		/* The role player reads the brief that the trainee must never
		 * see: only someone whose roles may read briefs plays the part. */
		int64_t roles = 0;
		rc = db_query_int(d, &roles,
		                  "SELECT roles FROM users WHERE id = $1 AND is_active = 1", "i",
		                  in->role_player_id);
		if (rc < 0)
			return rc;
		if (rc == DB_DONE)
			field_errors_add(c->errs, "role_player_id", "is not an active user");
		else if (in->role_player_id == *trainee_id)
			field_errors_add(c->errs, "role_player_id", "cannot be the trainee");
		else if (!perm_granted((unsigned)roles, PERM_SCENARIOS_BRIEF))
			field_errors_add(c->errs, "role_player_id",
			                 "must be someone who may read role-player briefs (an "
			                 "instructor, clinician, presenter or coordinator)");
	}
	if (in->role_player_name && strlen(in->role_player_name) > 200)
		field_errors_add(c->errs, "role_player_name", "must be at most 200 characters");
	return c->errs->len ? CK_E_INVALID : 0;
}

static int start_in_tx(db *d, void *vctx)
{
	start_ctx *c = vctx;
	int64_t rubric_id = 0, enrollment_id = 0, trainee_id = 0;
	int rc = check_start(d, c, &rubric_id, &enrollment_id, &trainee_id);
	if (rc < 0)
		return rc;
	char code[RUN_JOIN_CODE_LEN + 1];
	for (int tries = 0;; tries++) {
		int64_t taken = 0;
		run_join_code_new(code);
		rc = db_query_int(d, &taken, "SELECT id FROM scenario_runs WHERE join_code = $1",
		                  "t", code);
		if (rc < 0)
			return rc;
		if (rc == DB_DONE)
			break;
		if (tries > 20)
			return CK_E_INTERNAL;
	}
	bool anonymous = true;
	rc = run_settings_anonymous(d, c->a, &anonymous);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_prepare(d,
	                "INSERT INTO scenario_runs (course_id, scenario_id, rubric_id, "
	                "enrollment_id, trainee_id, role_player_id, role_player_name, join_code, "
	                "status, is_anonymous, started_by, started_at) VALUES ($1, $2, $3, $4, $5, "
	                "$6, $7, $8, 'live', $9, $10, $11) RETURNING id",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->in->course_id);
	db_bind_int(s, 2, c->in->scenario_id);
	db_bind_int(s, 3, rubric_id);
	db_bind_int(s, 4, enrollment_id);
	db_bind_int(s, 5, trainee_id);
	if (c->in->role_player_id)
		db_bind_int(s, 6, c->in->role_player_id);
	else
		db_bind_null(s, 6);
	db_bind_text(s, 7, c->in->role_player_name ? c->in->role_player_name : "");
	db_bind_text(s, 8, code);
	db_bind_int(s, 9, anonymous ? 1 : 0);
	db_bind_int(s, 10, c->actor->user_id);
	db_bind_int(s, 11, auth_now());
	rc = db_step(s);
	if (rc == DB_ROW)
		c->id = db_col_int(s, 0);
	db_finish(s);
	if (rc == DB_DONE)
		rc = CK_E_INTERNAL;
	if (rc < 0)
		return rc;
	return audit_append(
	    d, c->actor, "run.start", "scenario_run", auth_id_text(c->a, c->id), AUDIT_SUCCESS,
	    auth_json_text(c->a,
	                   json_pack("{s:I, s:I, s:I}", "course_id", (json_int_t)c->in->course_id,
	                             "scenario_id", (json_int_t)c->in->scenario_id, "trainee_id",
	                             (json_int_t)trainee_id)));
}

int run_start(db *d, arena *a, const principal *actor, const run_start_input *in, run *out,
              field_errors *errs)
{
	if (!auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	field_errors local = {0};
	start_ctx c = {a, actor, in, errs ? errs : &local, 0};
	int rc = audit_tx(d, start_in_tx, &c);
	if (rc < 0)
		return rc;
	return out ? run_get(d, a, actor, c.id, out) : 0;
}

int run_start_kv(db *d, arena *a, const principal *actor, int64_t course_id, const kv *in, run *out,
                 field_errors *errs)
{
	static const field_spec specs[] = {
	    {"course_id", FIELD_INT, false, 1, INT64_MAX, NULL, "Course"},
	    {"scenario_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Scenario"},
	    {"enrollment_id", FIELD_INT, false, 1, INT64_MAX, NULL, "Trainee"},
	    {"trainee_id", FIELD_INT, false, 1, INT64_MAX, NULL, "Trainee"},
	    {"role_player_id", FIELD_INT, false, 1, INT64_MAX, NULL, "Role player"},
	    {"role_player_name", FIELD_TEXT, false, 0, 200, NULL, "Role player's name"},
	};
	enum { N = sizeof specs / sizeof specs[0] };
	field_value v[N];
	if (!auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, specs, N, v, errs);
	if (rc < 0)
		return rc;
	run_start_input si = {
	    .course_id = course_id > 0  ? course_id
	                 : v[0].present ? v[0].number
	                                : 0,
	    .scenario_id = v[1].number,
	    .enrollment_id = v[2].present ? v[2].number : 0,
	    .trainee_id = v[3].present ? v[3].number : 0,
	    .role_player_id = v[4].present ? v[4].number : 0,
	    .role_player_name = v[5].present ? v[5].text : NULL,
	};
	if (!si.course_id) {
		field_errors_add(errs, "course_id", "is required");
		return CK_E_INVALID;
	}
	return run_start(d, a, actor, &si, out, errs);
}

/* End and close. */

typedef struct change_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	field_errors *errs;
	int64_t seq;
} change_ctx;

static int load_for_manage(db *d, change_ctx *c, run *r)
{
	int rc = runs_load(d, c->a, c->actor, c->id, r);
	if (rc < 0)
		return rc;
	if (r->viewer == RUN_VIEWER_NONE)
		return CK_E_NOT_FOUND;
	return r->can_manage ? 0 : CK_E_FORBIDDEN;
}

static int end_in_tx(db *d, void *vctx)
{
	change_ctx *c = vctx;
	run r;
	int rc = run_events_lock(d);
	if (rc == 0)
		rc = load_for_manage(d, c, &r);
	if (rc < 0)
		return rc;
	if (strcmp(r.status, "live"))
		return CK_E_CONFLICT;
	int64_t now = auth_now();
	rc = db_run(d, "UPDATE scenario_runs SET status = 'ended', ended_at = $1 WHERE id = $2",
	            "ii", now, c->id);
	if (rc < 0)
		return rc;
	char iso[CLOCK_RFC3339_LEN];
	clock_rfc3339(now, iso);
	return run_event_append(d, c->a, c->id, "ended", json_pack("{s:s}", "ended_at", iso),
	                        &c->seq);
}

int run_end(db *d, arena *a, const principal *actor, int64_t id, run *out)
{
	if (!auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	change_ctx c = {.a = a, .actor = actor, .id = id};
	int rc = db_tx(d, end_in_tx, &c);
	if (rc < 0)
		return rc;
	return out ? run_get(d, a, actor, id, out) : 0;
}

static int close_in_tx(db *d, void *vctx)
{
	change_ctx *c = vctx;
	run r;
	int rc = run_events_lock(d);
	if (rc == 0)
		rc = load_for_manage(d, c, &r);
	if (rc < 0)
		return rc;
	if (!strcmp(r.status, "closed")) {
		field_errors_add(c->errs, "status", "the run is already closed");
		return CK_E_CONFLICT;
	}
	run_summary sum;
	int64_t pass_mean_x100 = 300;
	rc = runs_summary_load(d, c->a, &r, true, &sum);
	if (rc == 0)
		rc = db_query_int(d, &pass_mean_x100,
		                  "SELECT pass_mean_x100 FROM rubrics WHERE id = $1", "i",
		                  r.rubric_id);
	if (rc < 0)
		return rc;
	run_verdict v;
	if (feedback_verdict(sum.skills, sum.n_skills, pass_mean_x100, &v) < 0) {
		field_errors_add(
		    c->errs, "scores",
		    v.missing_critical
		        ? arena_printf(c->a, "no instructor has scored the critical skill %s",
		                       v.missing_critical)
		        : "no instructor has scored the run");
		return CK_E_INVALID;
	}
	int64_t now = auth_now();
	const char *result = v.is_pass ? "pass" : "fail";
	db_stmt *s;
	rc = db_prepare(d,
	                "UPDATE scenario_runs SET status = 'closed', ended_at = COALESCE(ended_at, "
	                "$1), closed_at = $1, closed_by = $2, result = $3, mean_x100 = $4 "
	                "WHERE id = $5",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, now);
	db_bind_int(s, 2, c->actor->user_id);
	db_bind_text(s, 3, result);
	db_bind_int(s, 4, v.mean_x100);
	db_bind_int(s, 5, c->id);
	rc = db_step(s);
	db_finish(s);
	if (rc < 0)
		return rc;
	rc = run_event_append(
	    d, c->a, c->id, "closed",
	    json_pack("{s:s, s:o}", "result", result, "mean", run_x100_json(v.mean_x100)), &c->seq);
	if (rc < 0)
		return rc;
	return audit_append(
	    d, c->actor, "run.close", "scenario_run", auth_id_text(c->a, c->id), AUDIT_SUCCESS,
	    auth_json_text(c->a, json_pack("{s:s, s:I, s:I}", "result", result, "mean_x100",
	                                   (json_int_t)v.mean_x100, "trainee_id",
	                                   (json_int_t)r.trainee_id)));
}

int run_close(db *d, arena *a, const principal *actor, int64_t id, run *out, field_errors *errs)
{
	if (!auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	field_errors local = {0};
	change_ctx c = {.a = a, .actor = actor, .id = id, .errs = errs ? errs : &local};
	int rc = audit_tx(d, close_in_tx, &c);
	if (rc < 0)
		return rc;
	return out ? run_get(d, a, actor, id, out) : 0;
}

int run_count_passed(db *d, int64_t enrollment_id, int64_t *passed)
{
	*passed = 0;
	int rc = db_query_int(d, passed,
	                      "SELECT COUNT(*) FROM scenario_runs WHERE enrollment_id = $1 "
	                      "AND status = 'closed' AND result = 'pass'",
	                      "i", enrollment_id);
	return rc < 0 ? rc : 0;
}
