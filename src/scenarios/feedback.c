/* feedback.c: one feedback a person a run, revised in place; the
 * aggregates (instructors' and classmates' means side by side, spread,
 * counts) and the pass rule (see feedback.h). A submission is validated
 * whole before anything is written, and stores its "feedback" event in
 * the same transaction. */
#include "feedback.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../base/errors.h"
#include "runs_internal.h"

/* Pure parts: aggregation and the pass rule. */

/* Mean ×100 rounded half up, of sum over n scores. */
static int64_t mean_x100(int64_t sum, int64_t n)
{
	return n ? (sum * 200 + n) / (2 * n) : -1;
}

void feedback_aggregate(const run_skill *skills, size_t n_skills, const feedback_scores *fb,
                        size_t n_fb, run_skill_summary *out)
{
	for (size_t k = 0; k < n_skills; k++) {
		int64_t sum_i = 0, n_i = 0, sum_c = 0, n_c = 0, lo = 0, hi = 0;
		for (size_t f = 0; f < n_fb; f++) {
			int64_t v = fb[f].scores[k];
			if (v < FEEDBACK_SCORE_MIN || v > FEEDBACK_SCORE_MAX)
				continue;
			if (fb[f].is_instructor) {
				sum_i += v;
				n_i++;
			} else {
				sum_c += v;
				n_c++;
			}
			if (n_i + n_c == 1 || v < lo)
				lo = v;
			if (n_i + n_c == 1 || v > hi)
				hi = v;
		}
		out[k] = (run_skill_summary){
		    .skill_id = skills[k].id,
		    .code = skills[k].code,
		    .title = skills[k].title,
		    .is_critical = skills[k].is_critical,
		    .weight = skills[k].weight,
		    .instructor_mean_x100 = mean_x100(sum_i, n_i),
		    .classmate_mean_x100 = mean_x100(sum_c, n_c),
		    .spread = n_i + n_c ? hi - lo : 0,
		    .n_instructors = n_i,
		    .n_classmates = n_c,
		};
	}
}

int feedback_verdict(const run_skill_summary *skills, size_t n, int64_t pass_mean_x100,
                     run_verdict *out)
{
	*out = (run_verdict){.mean_x100 = -1};
	int64_t weighted = 0, weights = 0;
	bool critical_low = false;
	for (size_t k = 0; k < n; k++) {
		const run_skill_summary *s = &skills[k];
		if (s->n_instructors == 0) {
			if (s->is_critical && !out->missing_critical)
				out->missing_critical = s->code;
			continue;
		}
		if (s->is_critical && s->instructor_mean_x100 < FEEDBACK_CRITICAL_MIN * 100)
			critical_low = true;
		weighted += s->instructor_mean_x100 * s->weight;
		weights += s->weight;
	}
	if (out->missing_critical || weights == 0)
		return CK_E_INVALID;
	/* Rounded half up, like the means it is made of. */
	out->mean_x100 = (weighted * 2 + weights) / (2 * weights);
	out->is_pass = !critical_low && out->mean_x100 >= pass_mean_x100;
	return 0;
}

const char *feedback_mean_text(arena *a, int64_t x100)
{
	if (x100 < 0)
		return "\xe2\x80\x93"; /* en dash */
	return arena_printf(a, "%lld.%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
}

json_t *run_x100_json(int64_t x100)
{
	if (x100 < 0)
		return json_null();
	return json_real((double)x100 / 100.0);
}

/* Reads. */

static int load_skills(db *d, arena *a, int64_t rubric_id, run_skill **skills, size_t *n)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT id, code, title, anchor_1, anchor_3, anchor_5, weight, "
	                    "is_critical FROM rubric_skills WHERE rubric_id = $1 "
	                    "ORDER BY position, id",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, rubric_id);
	size_t cap = 16, count = 0;
	run_skill *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			run_skill *grown = arena_array(a, cap * 2, sizeof *grown);
			memcpy(grown, out, cap * sizeof *out);
			out = grown;
			cap *= 2;
		}
		out[count++] = (run_skill){
		    .id = db_col_int(s, 0),
		    .code = db_col_dup(a, s, 1),
		    .title = db_col_dup(a, s, 2),
		    .anchor_1 = db_col_dup(a, s, 3),
		    .anchor_3 = db_col_dup(a, s, 4),
		    .anchor_5 = db_col_dup(a, s, 5),
		    .weight = db_col_int(s, 6),
		    .is_critical = db_col_int(s, 7) != 0,
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*skills = out;
	*n = count;
	return 0;
}

int run_rubric(db *d, arena *a, const principal *actor, int64_t run_id, run_skill **skills,
               size_t *n, int64_t *pass_mean_x100)
{
	run r;
	int rc = run_get(d, a, actor, run_id, &r);
	if (rc == 0)
		rc = load_skills(d, a, r.rubric_id, skills, n);
	if (rc == 0 && pass_mean_x100)
		rc = db_query_int(d, pass_mean_x100,
		                  "SELECT pass_mean_x100 FROM rubrics WHERE id = $1", "i",
		                  r.rubric_id) < 0
		         ? CK_E_DB
		         : 0;
	return rc;
}

static size_t skill_index(const run_skill *skills, size_t n, int64_t skill_id)
{
	for (size_t k = 0; k < n; k++)
		if (skills[k].id == skill_id)
			return k;
	return n;
}

/* Every feedback of the run (author_id = 0: everyone's), scores in skill
 * order. */
static int load_feedback(db *d, arena *a, int64_t run_id, int64_t author_id,
                         const run_skill *skills, size_t n_skills, run_feedback **items, size_t *n)
{
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "SELECT f.id, f.author_id, u.name, f.author_role, f.comment, f.revision, "
	               "f.created_at, f.updated_at FROM run_feedback f "
	               "JOIN users u ON u.id = f.author_id WHERE f.run_id = $1 "
	               "AND (CAST($2 AS BIGINT) = 0 OR f.author_id = $2) ORDER BY f.id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, author_id);
	size_t cap = 16, count = 0;
	run_feedback *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			run_feedback *grown = arena_array(a, cap * 2, sizeof *grown);
			memcpy(grown, out, cap * sizeof *out);
			out = grown;
			cap *= 2;
		}
		out[count++] = (run_feedback){
		    .id = db_col_int(s, 0),
		    .run_id = run_id,
		    .author_id = db_col_int(s, 1),
		    .author_name = db_col_dup(a, s, 2),
		    .role = db_col_dup(a, s, 3),
		    .comment = db_col_dup(a, s, 4),
		    .revision = db_col_int(s, 5),
		    .created_at = db_col_int(s, 6),
		    .updated_at = db_col_int(s, 7),
		    .scores = arena_array(a, n_skills ? n_skills : 1, sizeof(int64_t)),
		    .n_scores = n_skills,
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	rc = db_prepare(d,
	                "SELECT sc.feedback_id, sc.skill_id, sc.score FROM run_scores sc "
	                "JOIN run_feedback f ON f.id = sc.feedback_id WHERE f.run_id = $1 "
	                "AND (CAST($2 AS BIGINT) = 0 OR f.author_id = $2)",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, author_id);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t fid = db_col_int(s, 0);
		size_t k = skill_index(skills, n_skills, db_col_int(s, 1));
		for (size_t i = 0; i < count && k < n_skills; i++)
			if (out[i].id == fid)
				out[i].scores[k] = db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

int runs_summary_load(db *d, arena *a, const run *r, bool show_authors, run_summary *out)
{
	run_skill *skills;
	size_t n_skills, n_fb;
	run_feedback *fb;
	int rc = load_skills(d, a, r->rubric_id, &skills, &n_skills);
	if (rc == 0)
		rc = load_feedback(d, a, r->id, 0, skills, n_skills, &fb, &n_fb);
	if (rc < 0)
		return rc;
	feedback_scores *scores = arena_array(a, n_fb ? n_fb : 1, sizeof *scores);
	size_t n_comments = 0;
	for (size_t i = 0; i < n_fb; i++) {
		scores[i] = (feedback_scores){!strcmp(fb[i].role, "instructor"), fb[i].scores};
		n_comments += fb[i].comment[0] != '\0';
	}
	*out = (run_summary){
	    .run_id = r->id,
	    .skills = arena_array(a, n_skills ? n_skills : 1, sizeof *out->skills),
	    .n_skills = n_skills,
	    .comments = arena_array(a, n_comments ? n_comments : 1, sizeof *out->comments),
	    .result = r->result,
	    .mean_x100 = r->mean_x100,
	    .event_seq = r->event_seq,
	};
	feedback_aggregate(skills, n_skills, scores, n_fb, out->skills);
	for (size_t i = 0; i < n_fb; i++) {
		if (!fb[i].comment[0])
			continue;
		bool hide = !show_authors && strcmp(fb[i].role, "instructor");
		out->comments[out->n_comments++] = (run_comment){
		    .feedback_id = fb[i].id,
		    .role = fb[i].role,
		    .author = hide ? NULL : fb[i].author_name,
		    .text = fb[i].comment,
		    .revision = fb[i].revision,
		    .updated_at = fb[i].updated_at,
		};
	}
	return 0;
}

int run_summary_get(db *d, arena *a, const principal *actor, int64_t run_id, bool anonymous,
                    run_summary *out)
{
	run r;
	int rc = run_get(d, a, actor, run_id, &r);
	if (rc < 0)
		return rc;
	return runs_summary_load(d, a, &r, r.sees_authors && !anonymous, out);
}

json_t *run_summary_skills_json(const run_summary *s)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < s->n_skills; k++) {
		const run_skill_summary *x = &s->skills[k];
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:s, s:s, s:b, s:I, s:o, s:o, s:I, s:I, s:I}", "skill_id",
		              (json_int_t)x->skill_id, "code", x->code, "title", x->title,
		              "critical", x->is_critical, "weight", (json_int_t)x->weight,
		              "instructor_mean", run_x100_json(x->instructor_mean_x100),
		              "classmate_mean", run_x100_json(x->classmate_mean_x100), "spread",
		              (json_int_t)x->spread, "n_instructors", (json_int_t)x->n_instructors,
		              "n_classmates", (json_int_t)x->n_classmates));
	}
	return arr;
}

int feedback_get_own(db *d, arena *a, const principal *actor, int64_t run_id, run_feedback *out,
                     bool *found)
{
	*found = false;
	run r;
	run_skill *skills;
	size_t n_skills, n;
	run_feedback *items;
	int rc = run_get(d, a, actor, run_id, &r);
	if (rc == 0)
		rc = load_skills(d, a, r.rubric_id, &skills, &n_skills);
	if (rc == 0)
		rc = load_feedback(d, a, run_id, actor->user_id, skills, n_skills, &items, &n);
	if (rc < 0)
		return rc;
	if (n) {
		*out = items[0];
		*found = true;
	} else {
		*out = (run_feedback){
		    .run_id = run_id,
		    .author_id = actor->user_id,
		    .comment = "",
		    .scores = arena_array(a, n_skills ? n_skills : 1, sizeof(int64_t)),
		    .n_scores = n_skills,
		};
	}
	return 0;
}

int feedback_list(db *d, arena *a, const principal *actor, int64_t run_id, run_feedback **items,
                  size_t *n)
{
	*items = NULL;
	*n = 0;
	run r;
	run_skill *skills;
	size_t n_skills;
	int rc = run_get(d, a, actor, run_id, &r);
	if (rc < 0)
		return rc;
	if (r.viewer != RUN_VIEWER_MANAGER && r.viewer != RUN_VIEWER_INSTRUCTOR)
		return CK_E_FORBIDDEN;
	rc = load_skills(d, a, r.rubric_id, &skills, &n_skills);
	if (rc < 0)
		return rc;
	return load_feedback(d, a, run_id, 0, skills, n_skills, items, n);
}

/* Submit. */

int feedback_input_from_kv(arena *a, const kv *in, feedback_input *out, field_errors *errs)
{
	size_t n = 0;
	for (size_t i = 0; i < in->len; i++)
		n += !strncmp(in->items[i].name, "score.", 6);
	*out = (feedback_input){
	    .codes = arena_array(a, n ? n : 1, sizeof(char *)),
	    .scores = arena_array(a, n ? n : 1, sizeof(int64_t)),
	    .comment = kv_get(in, "comment"),
	    .join_code = kv_get(in, "join_code"),
	};
	for (size_t i = 0; i < in->len; i++) {
		const kv_pair *p = &in->items[i];
		if (strncmp(p->name, "score.", 6))
			continue;
		if (!p->value || !p->value[0])
			continue; /* a radio group left alone: not scored */
		char *end;
		long long v = strtoll(p->value, &end, 10);
		if (*end || end == p->value) {
			field_errors_add(errs, arena_printf(a, "scores.%s", p->name + 6),
			                 "must be a whole number from 1 to 5");
			continue;
		}
		out->codes[out->n] = p->name + 6;
		out->scores[out->n++] = v;
	}
	return errs->len ? CK_E_INVALID : 0;
}

typedef struct submit_ctx {
	arena *a;
	const principal *actor;
	int64_t run_id;
	const feedback_input *in;
	field_errors *errs;
	int64_t feedback_id;
} submit_ctx;

/* The caller's role for scoring, or an error. */
static int scorer_role(submit_ctx *c, const run *r, const char **author_role)
{
	switch (r->viewer) {
	case RUN_VIEWER_MANAGER:
	case RUN_VIEWER_INSTRUCTOR: *author_role = "instructor"; return 0;
	case RUN_VIEWER_CLASSMATE: *author_role = "classmate"; return 0;
	case RUN_VIEWER_TRAINEE:
		field_errors_add(c->errs, "run_id", "the trainee does not score their own run");
		return CK_E_FORBIDDEN;
	case RUN_VIEWER_ROLE_PLAYER:
		field_errors_add(c->errs, "run_id", "the role player does not score the run");
		return CK_E_FORBIDDEN;
	case RUN_VIEWER_NONE: break;
	}
	/* Out of scope: the caller checks whether they were given the code
	 * (403) or not (404: they learn nothing). */
	return CK_E_NOT_FOUND;
}

static bool is_blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static int check_scores(submit_ctx *c, const run_skill *skills, size_t n_skills, int64_t *by_skill)
{
	const feedback_input *in = c->in;
	for (size_t i = 0; i < in->n; i++) {
		const char *field = arena_printf(c->a, "scores.%s", in->codes[i]);
		size_t k = 0;
		while (k < n_skills && strcmp(skills[k].code, in->codes[i]))
			k++;
		if (k == n_skills) {
			field_errors_add(c->errs, field, "is not a skill of this run's rubric");
			continue;
		}
		if (in->scores[i] < FEEDBACK_SCORE_MIN || in->scores[i] > FEEDBACK_SCORE_MAX) {
			field_errors_add(c->errs, field, "must be from 1 to 5");
			continue;
		}
		by_skill[k] = in->scores[i];
	}
	if (in->comment && strlen(in->comment) > FEEDBACK_COMMENT_MAX)
		field_errors_add(
		    c->errs, "comment",
		    arena_printf(c->a,
		                 "must be at most %d bytes of text (an accented letter takes two)",
		                 FEEDBACK_COMMENT_MAX));
	else if (in->comment && !validate_utf8(in->comment, strlen(in->comment)))
		field_errors_add(c->errs, "comment", "is not valid text");
	else if (in->n == 0 && is_blank(in->comment))
		field_errors_add(c->errs, "scores",
		                 "score at least one skill or write a comment; feedback with "
		                 "neither says nothing");
	return c->errs->len ? CK_E_INVALID : 0;
}

static int submit_in_tx(db *d, void *vctx)
{
	submit_ctx *c = vctx;
	c->errs->len = 0; /* a retried transaction starts clean */
	run r;
	int rc = run_events_lock(d);
	if (rc == 0)
		rc = runs_load(d, c->a, c->actor, c->run_id, &r);
	if (rc < 0)
		return rc;
	const char *author_role = NULL;
	rc = scorer_role(c, &r, &author_role);
	if (rc == CK_E_NOT_FOUND && c->in->join_code) {
		/* The stored code, read without the viewer filter. */
		const char *code = run_join_code_normalise(c->a, c->in->join_code);
		int64_t id = 0;
		if (code && run_join_code_valid(code) &&
		    db_query_int(d, &id, "SELECT id FROM scenario_runs WHERE join_code = $1", "t",
		                 code) == DB_ROW &&
		    id == c->run_id) {
			field_errors_add(c->errs, "run_id",
			                 "you are not enrolled in this run's course");
			rc = CK_E_FORBIDDEN;
		}
	}
	if (rc < 0)
		return rc;
	if (!strcmp(r.status, "closed")) {
		field_errors_add(c->errs, "run_id", "the run is closed; feedback is frozen");
		return CK_E_CONFLICT;
	}
	run_skill *skills;
	size_t n_skills;
	rc = load_skills(d, c->a, r.rubric_id, &skills, &n_skills);
	if (rc < 0)
		return rc;
	int64_t *by_skill = arena_array(c->a, n_skills ? n_skills : 1, sizeof *by_skill);
	rc = check_scores(c, skills, n_skills, by_skill);
	if (rc < 0)
		return rc;

	int64_t now = auth_now(), revision = 0;
	const char *comment = c->in->comment ? c->in->comment : "";
	db_stmt *s;
	rc = db_prepare(d,
	                "INSERT INTO run_feedback (run_id, author_id, author_role, comment, "
	                "revision, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5) "
	                "ON CONFLICT (run_id, author_id) DO UPDATE SET author_role = "
	                "excluded.author_role, comment = excluded.comment, revision = "
	                "run_feedback.revision + 1, updated_at = excluded.updated_at "
	                "RETURNING id, revision",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->run_id);
	db_bind_int(s, 2, c->actor->user_id);
	db_bind_text(s, 3, author_role);
	db_bind_text(s, 4, comment);
	db_bind_int(s, 5, now);
	rc = db_step(s);
	if (rc == DB_ROW) {
		c->feedback_id = db_col_int(s, 0);
		revision = db_col_int(s, 1);
	}
	db_finish(s);
	if (rc == DB_DONE)
		rc = CK_E_INTERNAL;
	if (rc < 0)
		return rc;
	rc = db_run(d, "DELETE FROM run_scores WHERE feedback_id = $1", "i", c->feedback_id);
	for (size_t k = 0; rc >= 0 && k < n_skills; k++)
		if (by_skill[k])
			rc = db_run(d,
			            "INSERT INTO run_scores (feedback_id, skill_id, score) "
			            "VALUES ($1, $2, $3)",
			            "iii", c->feedback_id, skills[k].id, by_skill[k]);
	if (rc < 0)
		return rc;

	run_summary sum;
	rc = runs_summary_load(d, c->a, &r, true, &sum);
	if (rc < 0)
		return rc;
	const char *author = c->actor->name;
	return run_event_append(
	    d, c->a, c->run_id, "feedback",
	    json_pack("{s:I, s:s, s:s?, s:s, s:I, s:o}", "feedback_id", (json_int_t)c->feedback_id,
	              "role", author_role, "author", author, "comment", comment, "revision",
	              (json_int_t)revision, "summary", run_summary_skills_json(&sum)),
	    NULL);
}

int feedback_submit(db *d, arena *a, const principal *actor, int64_t run_id,
                    const feedback_input *in, run_feedback *out, field_errors *errs)
{
	if (!auth_signed_in(actor))
		return CK_E_FORBIDDEN;
	field_errors local = {0};
	submit_ctx c = {a, actor, run_id, in, errs ? errs : &local, 0};
	int rc = db_tx(d, submit_in_tx, &c);
	if (rc < 0)
		return rc;
	bool found;
	return out ? feedback_get_own(d, a, actor, run_id, out, &found) : 0;
}
