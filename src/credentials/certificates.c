/* certificates.c: the certificate service: issue (behind the completion
 * rule of src/training/progress.c), revoke, read in scope, list, and the
 * public verification lookup. Every write is one audited transaction. */
#include "certificates.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../auth/settings.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "../training/enrollments.h"
#include "../training/progress.h"

static const char *const status_names[] = {"valid", "expired", "revoked"};

const char *cert_status_name(cert_status s)
{
	return status_names[s];
}

cert_status certificate_status(const certificate *c, int64_t now)
{
	if (c->revoked_at)
		return CERT_REVOKED;
	if (c->expires_at && c->expires_at <= now)
		return CERT_EXPIRED;
	return CERT_VALID;
}

int64_t certificate_add_months(int64_t t, int months)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int m = tm.tm_mon + months;
	tm.tm_year += m / 12;
	tm.tm_mon = m % 12;
	int y = tm.tm_year + 1900;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int last = days[tm.tm_mon] + (tm.tm_mon == 1 && leap);
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	return (int64_t)timegm(&tm);
}

/* A setting as a whole number of months in [0, 600]; def when absent or
 * not a number. */
static int setting_months(db *d, arena *a, const char *name, int def, int *out)
{
	const char *v = NULL;
	int rc = settings_get(d, a, name, &v);
	if (rc < 0)
		return rc;
	*out = def;
	if (v && *v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (!*end && n >= 0 && n <= 600)
			*out = (int)n;
	}
	return 0;
}

int certificate_prefix(db *d, arena *a, const char **out)
{
	const char *v = NULL;
	int rc = settings_get(d, a, CERT_SETTING_PREFIX, &v);
	if (rc < 0)
		return rc;
	if (v && *v) {
		*out = v;
		return 0;
	}
	rc = settings_get(d, a, SETTING_PROGRAM_NAME, &v);
	if (rc < 0)
		return rc;
	/* Initials of the program's words: "Pine Belt Regional CIT" → "PBRC". */
	char initials[5] = "";
	size_t n = 0;
	bool at_word = true;
	for (const char *p = v ? v : ""; *p && n < 4; p++) {
		bool is_alpha = isalpha((unsigned char)*p) != 0;
		if (at_word && is_alpha)
			initials[n++] = (char)toupper((unsigned char)*p);
		at_word = !is_alpha && !isdigit((unsigned char)*p);
	}
	initials[n] = '\0';
	*out = n >= 2 ? arena_strdup(a, initials) : "CIT";
	return 0;
}

#define CERT_COLUMNS                                                                               \
	"c.id, c.enrollment_id, c.user_id, c.course_id, u.org_id, c.serial, c.verify_code, "       \
	"c.holder_name, co.title, o.name, c.minutes, c.issued_at, c.expires_at, "                  \
	"c.refresher_due_at, c.revoked_at, c.revoked_by, c.revoked_reason, c.issued_by, ib.name "
#define CERT_FROM                                                                                  \
	"FROM certificates c JOIN users u ON u.id = c.user_id JOIN orgs o ON o.id = u.org_id "    \
	"JOIN courses co ON co.id = c.course_id LEFT JOIN users ib ON ib.id = c.issued_by "

static const char *col_dup(arena *a, db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return v ? arena_strdup(a, v) : NULL;
}

static void read_cert(arena *a, db_stmt *s, certificate *c)
{
	*c = (certificate){
	    .id = db_col_int(s, 0),
	    .enrollment_id = db_col_int(s, 1),
	    .user_id = db_col_int(s, 2),
	    .course_id = db_col_int(s, 3),
	    .org_id = db_col_int(s, 4),
	    .serial = col_dup(a, s, 5),
	    .verify_code = col_dup(a, s, 6),
	    .holder_name = col_dup(a, s, 7),
	    .course_title = col_dup(a, s, 8),
	    .org_name = col_dup(a, s, 9),
	    .minutes = db_col_int(s, 10),
	    .issued_at = db_col_int(s, 11),
	    .expires_at = db_col_int(s, 12),
	    .refresher_due_at = db_col_int(s, 13),
	    .revoked_at = db_col_int(s, 14),
	    .revoked_by = db_col_int(s, 15),
	    .revoked_reason = col_dup(a, s, 16),
	    .issued_by = db_col_int(s, 17),
	    .issued_by_name = col_dup(a, s, 18),
	};
}

static int load(db *d, arena *a, int64_t id, certificate *out)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT " CERT_COLUMNS CERT_FROM "WHERE c.id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_cert(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

/* The holder, a supervisor of the holder's organization, or a manager. */
static bool may_read(const principal *actor, const certificate *c)
{
	if (auth_allowed(actor, PERM_CERTS_ISSUE))
		return true;
	if (!auth_signed_in(actor))
		return false;
	if (actor->user_id == c->user_id)
		return true;
	return (actor->roles & ROLE_SUPERVISOR) && actor->org_id == c->org_id;
}

int certificate_get(db *d, arena *a, const principal *actor, int64_t id, certificate *out)
{
	if (!auth_signed_in(actor) && !auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_UNAUTHORIZED;
	int rc = load(d, a, id, out);
	if (rc < 0)
		return rc;
	return may_read(actor, out) ? 0 : CK_E_NOT_FOUND;
}

/* ---- issuing ---- */

typedef struct issue_ctx {
	arena *a;
	const principal *actor;
	int64_t enrollment_id;
	int64_t id;
	field_errors *errs;
} issue_ctx;

/* The completion rule, from the one place that decides it; only for a
 * person still enrolled (or already completed). */
static int check_rule(db *d, issue_ctx *c, progress *p)
{
	int rc = training_progress(d, c->a, c->enrollment_id, p);
	if (rc < 0)
		return rc;
	if (strcmp(p->status, "enrolled") && strcmp(p->status, "completed")) {
		field_errors_add(c->errs, "enrollment",
		                 arena_printf(c->a, "is %s, not enrolled", p->status));
		return CK_E_CONFLICT;
	}
	if (p->is_complete)
		return 0;
	for (size_t i = 0; i < p->n_missing; i++)
		field_errors_add(c->errs, "enrollment", p->missing[i].text);
	return CK_E_INVALID;
}

static int next_serial(db *d, arena *a, int64_t now, const char **out)
{
	const char *prefix;
	int rc = certificate_prefix(d, a, &prefix);
	if (rc < 0)
		return rc;
	time_t tt = (time_t)now;
	struct tm tm;
	gmtime_r(&tt, &tm);
	const char *stem = arena_printf(a, "%s-%04d-", prefix, tm.tm_year + 1900);
	int64_t count = 0;
	rc = db_query_int(d, &count,
	                  "SELECT COUNT(*) FROM certificates WHERE substr(serial, 1, $2) = $1", "ti",
	                  stem, (int64_t)strlen(stem));
	if (rc < 0)
		return rc;
	*out = arena_printf(a, "%s%04lld", stem, (long long)count + 1);
	return 0;
}

static int issue_in_tx(db *d, void *vctx)
{
	issue_ctx *c = vctx;
	int64_t existing = 0;
	int rc = db_query_int(d, &existing, "SELECT id FROM certificates WHERE enrollment_id = $1",
	                      "i", c->enrollment_id);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		field_errors_add(c->errs, "enrollment", "already has a certificate");
		return CK_E_CONFLICT;
	}
	progress p;
	rc = check_rule(d, c, &p);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_prepare(d, "SELECT u.name FROM users u WHERE u.id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, p.user_id);
	rc = db_step(s);
	const char *holder = rc == DB_ROW ? col_dup(c->a, s, 0) : NULL;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!holder)
		return CK_E_NOT_FOUND;

	int64_t now = auth_now();
	int valid_months, refresher_months;
	const char *serial;
	if ((rc = setting_months(d, c->a, CERT_SETTING_VALID_MONTHS, 0, &valid_months)) < 0 ||
	    (rc = setting_months(d, c->a, CERT_SETTING_REFRESHER_MONTHS,
	                         CERT_DEFAULT_REFRESHER_MONTHS, &refresher_months)) < 0 ||
	    (rc = next_serial(d, c->a, now, &serial)) < 0)
		return rc;
	int64_t expires = valid_months ? certificate_add_months(now, valid_months) : 0;
	int64_t refresher = refresher_months ? certificate_add_months(now, refresher_months) : 0;
	char code[CRYPTO_TOKEN_LEN];
	crypto_random_token(code);

	rc = db_prepare(d,
	                "INSERT INTO certificates (serial, verify_code, enrollment_id, user_id, "
	                "course_id, holder_name, minutes, issued_at, expires_at, refresher_due_at, "
	                "issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
	                "RETURNING id",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, serial);
	db_bind_text(s, 2, code);
	db_bind_int(s, 3, c->enrollment_id);
	db_bind_int(s, 4, p.user_id);
	db_bind_int(s, 5, p.course_id);
	db_bind_text(s, 6, holder);
	db_bind_int(s, 7, p.total_minutes);
	db_bind_int(s, 8, now);
	if (expires)
		db_bind_int(s, 9, expires);
	else
		db_bind_null(s, 9);
	if (refresher)
		db_bind_int(s, 10, refresher);
	else
		db_bind_null(s, 10);
	/* The signer; NULL when a system actor (the CLI, a token without a
	 * user) issues it. */
	if (c->actor->user_id)
		db_bind_int(s, 11, c->actor->user_id);
	else
		db_bind_null(s, 11);
	rc = db_step(s);
	if (rc == DB_ROW)
		c->id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	/* The enrollment service marks it completed (and audits that) in this
	 * same transaction; the rule has just passed, so it will agree. */
	field_errors complete_errs = {0};
	rc = enrollment_complete(d, c->a, c->actor, c->enrollment_id, NULL, &complete_errs);
	if (rc < 0) {
		for (size_t i = 0; i < complete_errs.len; i++)
			field_errors_add(c->errs, "enrollment", complete_errs.items[i].message);
		return rc;
	}
	json_t *detail = json_pack("{s:s, s:I, s:I, s:I, s:s}", "serial", serial, "enrollment_id",
	                           (json_int_t)c->enrollment_id, "user_id", (json_int_t)p.user_id,
	                           "minutes", (json_int_t)p.total_minutes, "holder", holder);
	return audit_append(d, c->actor, "certificate.issue", "certificate",
	                    auth_id_text(c->a, c->id), AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int certificate_issue(db *d, arena *a, const principal *actor, int64_t enrollment_id,
                      int64_t *id, field_errors *errs)
{
	if (!auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_FORBIDDEN;
	issue_ctx c = {a, actor, enrollment_id, 0, errs};
	int rc = audit_tx(d, issue_in_tx, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}

int certificate_issue_course(db *d, arena *a, const principal *actor, int64_t course_id,
                             int *issued)
{
	*issued = 0;
	if (!auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_FORBIDDEN;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT e.id FROM enrollments e WHERE e.course_id = $1 "
	                    "AND e.status IN ('enrolled', 'completed') AND NOT EXISTS "
	                    "(SELECT 1 FROM certificates c WHERE c.enrollment_id = e.id) "
	                    "ORDER BY e.id",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	size_t n = 0, cap = 16;
	int64_t *ids = arena_array(a, cap, sizeof *ids);
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			int64_t *more = arena_array(a, cap * 2, sizeof *more);
			memcpy(more, ids, n * sizeof *ids);
			ids = more;
			cap *= 2;
		}
		ids[n++] = db_col_int(s, 0);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		field_errors errs = {0};
		rc = certificate_issue(d, a, actor, ids[i], NULL, &errs);
		if (rc == CK_E_INVALID || rc == CK_E_CONFLICT)
			continue; /* not complete yet: the page lists what is missing */
		if (rc < 0)
			return rc;
		(*issued)++;
	}
	return 0;
}

/* ---- revoking ---- */

typedef struct revoke_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	const char *reason;
	field_errors *errs;
} revoke_ctx;

static int revoke_in_tx(db *d, void *vctx)
{
	revoke_ctx *c = vctx;
	certificate cert;
	int rc = load(d, c->a, c->id, &cert);
	if (rc < 0)
		return rc;
	if (cert.revoked_at) {
		field_errors_add(c->errs, "reason", "the certificate is already revoked");
		return CK_E_CONFLICT;
	}
	/* revoked_by stays NULL when the system (CLI) revokes. */
	if (c->actor->user_id)
		rc = db_run(d,
		            "UPDATE certificates SET revoked_at = $1, revoked_by = $2, "
		            "revoked_reason = $3 WHERE id = $4",
		            "iiti", auth_now(), c->actor->user_id, c->reason, c->id);
	else
		rc = db_run(d,
		            "UPDATE certificates SET revoked_at = $1, revoked_reason = $2 "
		            "WHERE id = $3",
		            "iti", auth_now(), c->reason, c->id);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:s, s:s}", "serial", cert.serial, "reason", c->reason);
	return audit_append(d, c->actor, "certificate.revoke", "certificate",
	                    auth_id_text(c->a, c->id), AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int certificate_revoke(db *d, arena *a, const principal *actor, int64_t id, const char *reason,
                       field_errors *errs)
{
	static const field_spec specs[] = {
	    {"reason", FIELD_TEXT, true, 1, 500, NULL, "Reason"},
	};
	if (!auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_FORBIDDEN;
	kv in;
	kv_init(&in, a);
	if (reason)
		kv_add(&in, "reason", reason, strlen(reason));
	field_value v[1];
	int rc = validate_fields(a, &in, specs, 1, v, errs);
	if (rc < 0)
		return rc;
	revoke_ctx c = {a, actor, id, v[0].text, errs};
	return audit_tx(d, revoke_in_tx, &c);
}

/* ---- lists ---- */

int certificate_list(db *d, arena *a, const principal *actor, const cert_filter *f, int limit,
                     const char *cursor, certificate **items, size_t *n,
                     const char **next_cursor)
{
	int64_t after;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_signed_in(actor) && !auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_UNAUTHORIZED;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	limit = auth_limit(limit);
	bool sees_all = auth_allowed(actor, PERM_CERTS_ISSUE);
	bool sees_org = (actor->roles & ROLE_SUPERVISOR) != 0;
	int64_t now = auth_now();
	db_stmt *s;
	rc = db_prepare(
	    d,
	    "SELECT " CERT_COLUMNS CERT_FROM
	    "WHERE ($1 = 1 OR c.user_id = $2 OR ($3 = 1 AND u.org_id = $4)) "
	    "AND (CAST($5 AS BIGINT) = 0 OR c.course_id = $5) "
	    "AND (CAST($6 AS BIGINT) = 0 OR c.user_id = $6) "
	    "AND (CAST($7 AS BIGINT) = 0 OR u.org_id = $7) "
	    "AND ($8 = '' OR ($8 = 'revoked' AND c.revoked_at IS NOT NULL) "
	    "OR ($8 = 'expired' AND c.revoked_at IS NULL AND c.expires_at <= $9) "
	    "OR ($8 = 'valid' AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > $9))) "
	    "AND (CAST($10 AS BIGINT) = 0 OR c.id < $10) "
	    "ORDER BY c.id DESC LIMIT $11",
	    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, sees_all);
	db_bind_int(s, 2, actor->user_id);
	db_bind_int(s, 3, sees_org);
	db_bind_int(s, 4, actor->org_id);
	db_bind_int(s, 5, f ? f->course_id : 0);
	db_bind_int(s, 6, f ? f->user_id : 0);
	db_bind_int(s, 7, f ? f->org_id : 0);
	db_bind_text(s, 8, f && f->status ? f->status : "");
	db_bind_int(s, 9, now);
	db_bind_int(s, 10, after);
	db_bind_int(s, 11, limit + 1);
	certificate *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		read_cert(a, s, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

int certificate_list_course(db *d, arena *a, const principal *actor, int64_t course_id,
                            certificate **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_FORBIDDEN;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT " CERT_COLUMNS CERT_FROM
	                    "WHERE c.course_id = $1 ORDER BY c.holder_name, c.id",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	size_t count = 0, cap = 16;
	certificate *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			certificate *more = arena_array(a, cap * 2, sizeof *more);
			memcpy(more, out, count * sizeof *out);
			out = more;
			cap *= 2;
		}
		read_cert(a, s, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

/* ---- public verification ---- */

/* A verify code is crypto_random_token's: 43 base64url characters.
 * Anything else is refused before the database sees it. */
static bool code_well_formed(const char *code)
{
	size_t n = 0;
	for (; code && code[n]; n++)
		if (!isalnum((unsigned char)code[n]) && code[n] != '-' && code[n] != '_')
			return false;
	return n == CRYPTO_TOKEN_LEN - 1;
}

int certificate_verify(db *d, arena *a, const char *code, cert_public *out)
{
	if (!code_well_formed(code))
		return CK_E_NOT_FOUND;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT " CERT_COLUMNS CERT_FROM "WHERE c.verify_code = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, code);
	rc = db_step(s);
	certificate c = {0};
	if (rc == DB_ROW)
		read_cert(a, s, &c);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return CK_E_NOT_FOUND;
	*out = (cert_public){
	    .holder_name = c.holder_name,
	    .course_title = c.course_title,
	    .issued_at = c.issued_at,
	    .status = certificate_status(&c, auth_now()),
	};
	return 0;
}

/* ---- signatures ---- */

int certificate_signers(db *d, arena *a, const certificate *c, const char **coordinator,
                        const char **instructor)
{
	*coordinator = "";
	*instructor = "";
	db_stmt *s;
	int rc;
	if (c->issued_by_name) {
		*coordinator = c->issued_by_name;
	} else if (!c->issued_by) {
		/* Issued before certificates.issued_by (migration 0004): the
		 * issuer is in the audit log's certificate.issue row. */
		rc = db_prepare(d,
		                "SELECT u.name FROM audit_log l JOIN users u ON u.id = l.actor_id "
		                "WHERE l.action = 'certificate.issue' AND l.object_type = 'certificate' "
		                "AND l.object_id = $1 ORDER BY l.id LIMIT 1",
		                &s);
		if (rc < 0)
			return rc;
		db_bind_text(s, 1, auth_id_text(a, c->id));
		rc = db_step(s);
		if (rc == DB_ROW && db_col_text(s, 0))
			*coordinator = col_dup(a, s, 0);
		db_finish(s);
		if (rc < 0)
			return rc;
	}
	/* A clinician who taught the course first, else any instructor. */
	rc = db_prepare(d,
	                "SELECT u.name, MAX(CASE WHEN (u.roles & $2) <> 0 THEN 1 ELSE 0 END) AS clin "
	                "FROM session_instructors si "
	                "JOIN course_sessions cs ON cs.id = si.session_id "
	                "JOIN users u ON u.id = si.user_id WHERE cs.course_id = $1 "
	                "GROUP BY u.id, u.name ORDER BY clin DESC, COUNT(*) DESC, u.name LIMIT 1",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->course_id);
	db_bind_int(s, 2, ROLE_CLINICIAN);
	rc = db_step(s);
	if (rc == DB_ROW && db_col_text(s, 0))
		*instructor = col_dup(a, s, 0);
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* ---- coordinators' lists ---- */

int certificate_audit_export(db *d, arena *a, const principal *actor, int64_t course_id,
                             const char *format, size_t count)
{
	json_t *detail = json_pack("{s:s, s:I}", "format", format, "count", (json_int_t)count);
	return audit_append(d, actor, "certificate.export", "course", auth_id_text(a, course_id),
	                    AUDIT_SUCCESS, auth_json_text(a, detail));
}

int certificate_candidates(db *d, arena *a, const principal *actor, int64_t course_id,
                           cert_candidate **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_FORBIDDEN;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT e.id, u.id, u.name, e.status, COALESCE(c.id, 0) "
	                    "FROM enrollments e JOIN users u ON u.id = e.user_id "
	                    "LEFT JOIN certificates c ON c.enrollment_id = e.id "
	                    "WHERE e.course_id = $1 AND e.status IN ('enrolled', 'completed') "
	                    "ORDER BY u.name, e.id",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	size_t count = 0, cap = 16;
	cert_candidate *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			cert_candidate *more = arena_array(a, cap * 2, sizeof *more);
			memcpy(more, out, count * sizeof *out);
			out = more;
			cap *= 2;
		}
		out[count++] = (cert_candidate){
		    .enrollment_id = db_col_int(s, 0),
		    .user_id = db_col_int(s, 1),
		    .name = col_dup(a, s, 2),
		    .enrollment_status = col_dup(a, s, 3),
		    .certificate_id = db_col_int(s, 4),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < count; i++) {
		out[i].prog = arena_alloc(a, sizeof *out[i].prog);
		if ((rc = training_progress(d, a, out[i].enrollment_id, out[i].prog)) < 0)
			return rc;
	}
	*items = out;
	*n = count;
	return 0;
}

/* ---- settings ---- */

int certificate_settings_get(db *d, arena *a, cert_settings *out)
{
	const char *names[] = {CERT_SETTING_PREFIX, CERT_SETTING_VALID_MONTHS,
	                       CERT_SETTING_REFRESHER_MONTHS};
	const char **slots[] = {&out->prefix, &out->valid_months, &out->refresher_months};
	for (size_t i = 0; i < 3; i++) {
		const char *v = NULL;
		int rc = settings_get(d, a, names[i], &v);
		if (rc < 0)
			return rc;
		*slots[i] = v ? v : "";
	}
	return 0;
}

typedef struct settings_ctx {
	arena *a;
	const principal *actor;
	const char *values[3];
} settings_ctx;

static int settings_in_tx(db *d, void *vctx)
{
	settings_ctx *c = vctx;
	const char *names[] = {CERT_SETTING_PREFIX, CERT_SETTING_VALID_MONTHS,
	                       CERT_SETTING_REFRESHER_MONTHS};
	for (size_t i = 0; i < 3; i++) {
		int rc = c->values[i]
		             ? settings_set(d, names[i], c->values[i])
		             : db_run(d, "DELETE FROM settings WHERE name = $1", "t", names[i]);
		if (rc < 0)
			return rc;
	}
	json_t *detail = json_pack("{s:s?, s:s?, s:s?}", "prefix", c->values[0], "valid_months",
	                           c->values[1], "refresher_months", c->values[2]);
	return audit_append(d, c->actor, "certificate.settings", "settings", "certificates",
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int certificate_settings_set(db *d, arena *a, const principal *actor, const kv *in,
                             field_errors *errs)
{
	static const field_spec specs[] = {
	    {"prefix", FIELD_TEXT, false, 0, 12, NULL, "Serial prefix"},
	    {"valid_months", FIELD_INT, false, 0, 600, NULL, "Valid for (months)"},
	    {"refresher_months", FIELD_INT, false, 0, 600, NULL, "Refresher due after (months)"},
	};
	if (!auth_allowed(actor, PERM_CERTS_ISSUE))
		return CK_E_FORBIDDEN;
	field_value v[3];
	int rc = validate_fields(a, in, specs, 3, v, errs);
	if (rc < 0)
		return rc;
	const char *prefix = v[0].present && *v[0].text ? v[0].text : NULL;
	for (const char *p = prefix; p && *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-') {
			field_errors_add(errs, "prefix", "may hold only letters, digits and -");
			return CK_E_INVALID;
		}
	settings_ctx c = {a, actor, {prefix, NULL, NULL}};
	for (size_t i = 1; i < 3; i++)
		if (v[i].present)
			c.values[i] = arena_printf(a, "%lld", (long long)v[i].number);
	return audit_tx(d, settings_in_tx, &c);
}
