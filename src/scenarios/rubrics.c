/* rubrics.c: the rubrics runs are scored on: checks, reads with skills,
 * create and update. A rubric a run has used cannot change (its scores
 * point at its skills): CK_E_CONFLICT. */
#include "rubrics.h"

#include <stdio.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "scenarios_internal.h"

const char *rubric_pass_text(arena *a, int64_t x100)
{
	return arena_printf(a, "%lld.%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
}

bool rubric_pass_parse(const char *s, int64_t *x100)
{
	if (!s)
		return false;
	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	int64_t whole = 0, frac = 0;
	int digits = 0;
	while (*s >= '0' && *s <= '9' && whole < 100)
		whole = whole * 10 + (*s++ - '0');
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (digits == 2) {
				if (*s != '0')
					return false; /* more than two decimals that matter */
			} else {
				frac = frac * 10 + (*s - '0');
				digits++;
			}
			s++;
		}
	}
	while (*s == ' ')
		s++;
	if (*s)
		return false;
	if (digits == 1)
		frac *= 10;
	int64_t v = whole * 100 + frac;
	if (v < 100 || v > 500)
		return false;
	*x100 = v;
	return true;
}

static const field_spec specs[RF_COUNT] = {
    [RF_CODE] = {"code", FIELD_TEXT, false, 0, 64, NULL, "Code"},
    [RF_TITLE] = {"title", FIELD_TEXT, true, 3, 200, NULL, "Title"},
    [RF_DESCRIPTION] = {"description", FIELD_MULTILINE, false, 0, 2000, NULL, "Description"},
    [RF_PASS] = {"pass_mean", FIELD_TEXT, false, 0, 10, NULL, "Pass mean"},
};

enum { K_CODE, K_TITLE, K_A1, K_A3, K_A5, K_WEIGHT, K_CRITICAL, K_COUNT };
static const field_spec skill_specs[K_COUNT] = {
    [K_CODE] = {"code", FIELD_TEXT, true, 1, 64, NULL, "Code"},
    [K_TITLE] = {"title", FIELD_TEXT, true, 3, 200, NULL, "Title"},
    [K_A1] = {"anchor_1", FIELD_MULTILINE, true, 3, 500, NULL, "What a 1 looks like"},
    [K_A3] = {"anchor_3", FIELD_MULTILINE, true, 3, 500, NULL, "What a 3 looks like"},
    [K_A5] = {"anchor_5", FIELD_MULTILINE, true, 3, 500, NULL, "What a 5 looks like"},
    [K_WEIGHT] = {"weight", FIELD_INT, false, 1, RUBRIC_WEIGHT_MAX, NULL, "Weight"},
    [K_CRITICAL] = {"critical", FIELD_BOOL, false, 0, 0, NULL, "Critical"},
};

int rubrics_check(arena *a, const rubric_in *in, bool is_update, field_value *v,
                  rubric_skill **skills, size_t *n_skills, field_errors *errs)
{
	size_t before = errs->len;
	*skills = NULL;
	*n_skills = 0;
	int rc = scenarios_validate(a, in->fields, specs, RF_COUNT, is_update, v, errs);
	if (rc < 0)
		return rc;
	if (v[RF_CODE].present && !scenarios_code_ok(v[RF_CODE].text))
		field_errors_add(errs, "code", "must be 1-64 of a-z, 0-9 and -");
	int64_t pass;
	if (v[RF_PASS].present && !rubric_pass_parse(v[RF_PASS].text, &pass))
		field_errors_add(errs, "pass_mean", "must be a number from 1 to 5, like 3 or 3.5");
	if (!in->has_skills) {
		if (!is_update)
			field_errors_add(errs, "skills", "needs at least one skill");
		return errs->len > before ? CK_E_INVALID : 0;
	}
	if (in->n_skills < RUBRIC_SKILLS_MIN || in->n_skills > RUBRIC_SKILLS_MAX) {
		field_errors_add(errs, "skills",
		                 arena_printf(a, "must be %d to %d skills, not %zu",
		                              RUBRIC_SKILLS_MIN, RUBRIC_SKILLS_MAX, in->n_skills));
		return CK_E_INVALID;
	}
	rubric_skill *out = arena_array(a, in->n_skills, sizeof *out);
	for (size_t i = 0; i < in->n_skills; i++) {
		field_value kvv[K_COUNT];
		field_errors mine = {0};
		validate_fields(a, in->skills[i], skill_specs, K_COUNT, kvv, &mine);
		if (kvv[K_CODE].present && !scenarios_code_ok(kvv[K_CODE].text))
			field_errors_add(&mine, "code", "must be 1-64 of a-z, 0-9 and -");
		for (size_t j = 0; kvv[K_CODE].present && j < i; j++)
			if (out[j].code && !strcmp(out[j].code, kvv[K_CODE].text)) {
				field_errors_add(&mine, "code",
				                 arena_printf(a,
				                              "\"%s\" is already skill %zu's code",
				                              kvv[K_CODE].text, j + 1));
				break;
			}
		for (size_t k = 0; k < mine.len; k++)
			field_errors_add(errs,
			                 arena_printf(a, "skills[%zu].%s", i, mine.items[k].field),
			                 mine.items[k].message);
		out[i] = (rubric_skill){
		    .position = (int64_t)i + 1,
		    .code = kvv[K_CODE].present ? kvv[K_CODE].text : NULL,
		    .title = kvv[K_TITLE].text,
		    .anchor_1 = kvv[K_A1].text,
		    .anchor_3 = kvv[K_A3].text,
		    .anchor_5 = kvv[K_A5].text,
		    .weight = kvv[K_WEIGHT].present ? kvv[K_WEIGHT].number : 1,
		    .is_critical = kvv[K_CRITICAL].present && kvv[K_CRITICAL].number,
		};
	}
	if (errs->len > before)
		return CK_E_INVALID;
	*skills = out;
	*n_skills = in->n_skills;
	return 0;
}

void rubrics_merge(const field_value *v, const rubric_in *in, rubric_skill *skills, size_t n_skills,
                   rubric *r)
{
	if (v[RF_CODE].present)
		r->code = v[RF_CODE].text;
	if (v[RF_TITLE].present)
		r->title = v[RF_TITLE].text;
	if (v[RF_DESCRIPTION].present)
		r->description = v[RF_DESCRIPTION].text;
	else if (kv_get(in->fields, "description"))
		r->description = "";
	int64_t pass;
	if (v[RF_PASS].present && rubric_pass_parse(v[RF_PASS].text, &pass))
		r->pass_mean_x100 = pass;
	if (!r->pass_mean_x100)
		r->pass_mean_x100 = RUBRIC_PASS_DEFAULT;
	if (in->has_skills) {
		r->skills = skills;
		r->n_skills = n_skills;
	}
}

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

bool rubrics_same(const rubric *a, const rubric *b)
{
	if (!same_text(a->code, b->code) || !same_text(a->title, b->title) ||
	    !same_text(a->description, b->description) || a->pass_mean_x100 != b->pass_mean_x100 ||
	    a->n_skills != b->n_skills)
		return false;
	for (size_t i = 0; i < a->n_skills; i++) {
		const rubric_skill *x = &a->skills[i], *y = &b->skills[i];
		if (!same_text(x->code, y->code) || !same_text(x->title, y->title) ||
		    !same_text(x->anchor_1, y->anchor_1) || !same_text(x->anchor_3, y->anchor_3) ||
		    !same_text(x->anchor_5, y->anchor_5) || x->weight != y->weight ||
		    x->is_critical != y->is_critical)
			return false;
	}
	return true;
}

#define RUBRIC_COLUMNS                                                                             \
	"r.id, r.code, r.title, r.description, r.pass_mean_x100, r.created_at, r.updated_at, "     \
	"(SELECT COUNT(*) FROM rubric_skills k WHERE k.rubric_id = r.id), "                        \
	"(SELECT COUNT(*) FROM scenarios s WHERE s.rubric_id = r.id), "                            \
	"(SELECT COUNT(*) FROM scenario_runs u WHERE u.rubric_id = r.id) "

static void read_rubric(arena *a, db_stmt *s, rubric *out)
{
	*out = (rubric){
	    .id = db_col_int(s, 0),
	    .code = db_col_dup(a, s, 1),
	    .title = db_col_dup(a, s, 2),
	    .description = db_col_dup(a, s, 3),
	    .pass_mean_x100 = db_col_int(s, 4),
	    .created_at = db_col_int(s, 5),
	    .updated_at = db_col_int(s, 6),
	    .skill_count = db_col_int(s, 7),
	    .scenario_count = db_col_int(s, 8),
	    .run_count = db_col_int(s, 9),
	};
}

static int load_skills(db *d, arena *a, rubric *r)
{
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "SELECT id, position, code, title, anchor_1, anchor_3, anchor_5, weight, "
	               "is_critical FROM rubric_skills WHERE rubric_id = $1 "
	               "ORDER BY position, id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, r->id);
	size_t cap = (size_t)(r->skill_count > 0 ? r->skill_count : 1), n = 0;
	rubric_skill *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW && n < cap)
		out[n++] = (rubric_skill){
		    .id = db_col_int(s, 0),
		    .position = db_col_int(s, 1),
		    .code = db_col_dup(a, s, 2),
		    .title = db_col_dup(a, s, 3),
		    .anchor_1 = db_col_dup(a, s, 4),
		    .anchor_3 = db_col_dup(a, s, 5),
		    .anchor_5 = db_col_dup(a, s, 6),
		    .weight = db_col_int(s, 7),
		    .is_critical = db_col_int(s, 8) != 0,
		};
	db_finish(s);
	if (rc < 0)
		return rc;
	r->skills = out;
	r->n_skills = n;
	return 0;
}

static int load_where(db *d, arena *a, const char *sql, int64_t id, const char *code, rubric *out)
{
	db_stmt *s;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	if (code)
		db_bind_text(s, 1, code);
	else
		db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_rubric(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return CK_E_NOT_FOUND;
	return load_skills(d, a, out);
}

int rubrics_load(db *d, arena *a, int64_t id, rubric *out)
{
	return load_where(d, a, "SELECT " RUBRIC_COLUMNS "FROM rubrics r WHERE r.id = $1", id, NULL,
	                  out);
}

int rubric_get(db *d, arena *a, const principal *actor, int64_t id, rubric *out)
{
	if (!auth_allowed(actor, PERM_SCENARIOS_READ))
		return CK_E_FORBIDDEN;
	return rubrics_load(d, a, id, out);
}

int rubric_get_by_code(db *d, arena *a, const principal *actor, const char *code, rubric *out)
{
	if (!auth_allowed(actor, PERM_SCENARIOS_READ))
		return CK_E_FORBIDDEN;
	return load_where(d, a, "SELECT " RUBRIC_COLUMNS "FROM rubrics r WHERE r.code = $1", 0,
	                  code ? code : "", out);
}

int rubric_list(db *d, arena *a, const principal *actor, rubric **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_SCENARIOS_READ))
		return CK_E_FORBIDDEN;
	db_stmt *s;
	int rc =
	    db_prepare(d, "SELECT " RUBRIC_COLUMNS "FROM rubrics r ORDER BY r.title, r.id", &s);
	if (rc < 0)
		return rc;
	size_t cap = 16, len = 0;
	rubric *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			rubric *bigger = arena_array(a, cap * 2, sizeof *out);
			memcpy(bigger, out, len * sizeof *out);
			out = bigger;
			cap *= 2;
		}
		read_rubric(a, s, &out[len++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = len;
	return 0;
}

int rubrics_store(db *d, rubric *r, int64_t now)
{
	int rc;
	if (r->id == 0) {
		rc = db_query_int(
		    d, &r->id,
		    "INSERT INTO rubrics (code, title, description, pass_mean_x100, "
		    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
		    "tttii", r->code, r->title, r->description ? r->description : "",
		    r->pass_mean_x100, now);
	} else {
		rc = db_run(d,
		            "UPDATE rubrics SET code = $1, title = $2, description = $3, "
		            "pass_mean_x100 = $4, updated_at = $5 WHERE id = $6",
		            "tttiii", r->code, r->title, r->description ? r->description : "",
		            r->pass_mean_x100, now, r->id);
	}
	if (rc < 0)
		return rc;
	/* Skills keep their ids by code: every skill is first marked (a
	 * negative position), those still listed are updated in place (or
	 * added), and what is still marked is gone from the list. */
	rc = db_run(d, "UPDATE rubric_skills SET position = -position - 1000 WHERE rubric_id = $1",
	            "i", r->id);
	for (size_t i = 0; rc >= 0 && i < r->n_skills; i++) {
		const rubric_skill *k = &r->skills[i];
		rc = db_run(d,
		            "UPDATE rubric_skills SET position = $1, title = $2, anchor_1 = $3, "
		            "anchor_3 = $4, anchor_5 = $5, weight = $6, is_critical = $7 "
		            "WHERE rubric_id = $8 AND code = $9",
		            "ittttibit", (int64_t)i + 1, k->title, k->anchor_1, k->anchor_3,
		            k->anchor_5, k->weight, (int)k->is_critical, r->id, k->code);
		if (rc == 0)
			rc = db_run(d,
			            "INSERT INTO rubric_skills (rubric_id, position, code, title, "
			            "anchor_1, "
			            "anchor_3, anchor_5, weight, is_critical) "
			            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			            "iitttttib", r->id, (int64_t)i + 1, k->code, k->title,
			            k->anchor_1, k->anchor_3, k->anchor_5, k->weight,
			            (int)k->is_critical);
	}
	if (rc >= 0)
		rc = db_run(d, "DELETE FROM rubric_skills WHERE rubric_id = $1 AND position < 0",
		            "i", r->id);
	return rc < 0 ? rc : 0;
}

typedef struct write_ctx {
	arena *a;
	const principal *actor;
	int64_t id; /* the rubric changed; a new one's once stored */
	bool is_update;
	const rubric_in *in;
	field_value *v;
	rubric_skill *skills;
	size_t n_skills;
	field_errors *errs;
} write_ctx;

/* The code sent, when free (or the rubric's own), or one made from the
 * title. */
static int claim_code(db *d, write_ctx *c, rubric *r)
{
	return scenarios_claim_code(d, c->a, rubrics_find_code, r->id, r->title,
	                            "is taken by another rubric", c->errs, &r->code);
}

static const char *audit_detail(arena *a, const rubric *r)
{
	return auth_json_text(a,
	                      json_pack("{s:s, s:s, s:I, s:I}", "code", r->code, "title", r->title,
	                                "pass_mean_x100", (json_int_t)r->pass_mean_x100, "skills",
	                                (json_int_t)r->n_skills));
}

/* A new rubric, or the change of c->id (refused once runs were scored on
 * it): merged, its code settled, stored and audited. */
static int write_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	c->errs->len = 0;
	rubric r = {0};
	int rc;
	if (c->is_update) {
		if ((rc = rubrics_load(d, c->a, c->id, &r)) < 0)
			return rc;
		if (r.run_count > 0) {
			field_errors_add(
			    c->errs, "skills",
			    "this rubric has scored runs and cannot change: make a new rubric");
			return CK_E_CONFLICT;
		}
	}
	rubrics_merge(c->v, c->in, c->skills, c->n_skills, &r);
	if ((rc = claim_code(d, c, &r)) < 0)
		return rc;
	if ((rc = rubrics_store(d, &r, auth_now())) < 0)
		return rc;
	c->id = r.id;
	return audit_append(d, c->actor, c->is_update ? "rubric.update" : "rubric.create", "rubric",
	                    auth_id_text(c->a, r.id), AUDIT_SUCCESS, audit_detail(c->a, &r));
}

static int write_rubric(db *d, write_ctx *c)
{
	if (!auth_allowed(c->actor, PERM_SCENARIOS_WRITE))
		return CK_E_FORBIDDEN;
	int rc = rubrics_check(c->a, c->in, c->is_update, c->v, &c->skills, &c->n_skills, c->errs);
	if (rc < 0)
		return rc;
	return audit_tx(d, write_in_tx, c);
}

int rubric_create(db *d, arena *a, const principal *actor, const rubric_in *in, int64_t *id,
                  field_errors *errs)
{
	field_value v[RF_COUNT];
	write_ctx c = {.a = a, .actor = actor, .in = in, .v = v, .errs = errs};
	int rc = write_rubric(d, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}

int rubric_update(db *d, arena *a, const principal *actor, int64_t id, const rubric_in *in,
                  field_errors *errs)
{
	field_value v[RF_COUNT];
	write_ctx c = {
	    .a = a, .actor = actor, .id = id, .is_update = true, .in = in, .v = v, .errs = errs};
	return write_rubric(d, &c);
}
