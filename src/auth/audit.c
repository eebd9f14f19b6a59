/* audit.c: the append-only, hash-chained audit log.
 *
 * Each row stores prev_hash (the hash of the row before it; 64 zeros for
 * the first) and hash = SHA-256(prev_hash "\n" canonical(row)), where
 * canonical() encodes every column in a fixed order, each one typed and
 * length-prefixed ("i42;", "s5:login;", "-" for NULL), so no two
 * different rows encode alike. The id is part of the encoding, so a row
 * is bound to its place. Appends serialise (db_tx's BEGIN IMMEDIATE on
 * SQLite; a table lock on PostgreSQL, see audit_tx), so two writers never
 * both link to the same predecessor.
 *
 * What audit_verify detects, walking rows in id order:
 *  - a row whose columns were changed (its hash no longer matches);
 *  - a row deleted, inserted or moved in the middle (the next row's
 *    prev_hash no longer names its predecessor);
 *  - with a server secret configured: every append also stores, in the
 *    settings row "audit.anchor", the newest row's id and hash with an
 *    HMAC under the secret. That catches the newest rows being cut off,
 *    rows appended by anything but citkit, and the whole chain being
 *    rewritten and re-hashed, none of which a plain hash chain can see.
 * What it cannot detect: someone holding both the database and the secret
 * file; and, even without the secret, a database rolled back as a whole
 * (rows and anchor together) to an earlier copy. Keeping backups and the
 * secret apart, and shipping the log off the machine, covers those. The
 * append-only triggers stop accidents and the application, not someone
 * with write access to the file. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "../base/log.h"
#include "auth.h"
#include "auth_internal.h"
#include "roles.h"
#include "settings.h"

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

#define ANCHOR_NAME "audit.anchor"

typedef struct audit_row {
	int64_t id, at_cs, actor_id; /* actor_id 0 = NULL */
	const char *actor_email, *action, *object_type, *object_id, *ip, *outcome, *detail;
} audit_row;

static void put_int(buf *b, int64_t v)
{
	buf_printf(b, "i%lld;", (long long)v);
}

static void put_text(buf *b, const char *s)
{
	if (!s) {
		buf_putc(b, '-');
		return;
	}
	size_t n = strlen(s);
	buf_printf(b, "s%zu:", n);
	buf_append(b, s, n);
	buf_putc(b, ';');
}

static void row_hash(const char *prev_hash, const audit_row *r, char out[CRYPTO_HASH_HEX])
{
	buf b;
	buf_init(&b, NULL);
	buf_puts(&b, prev_hash);
	buf_puts(&b, "\ncitkit-audit-1\n");
	put_int(&b, r->id);
	put_int(&b, r->at_cs);
	if (r->actor_id)
		put_int(&b, r->actor_id);
	else
		buf_putc(&b, '-');
	put_text(&b, r->actor_email);
	put_text(&b, r->action);
	put_text(&b, r->object_type);
	put_text(&b, r->object_id);
	put_text(&b, r->ip);
	put_text(&b, r->outcome);
	put_text(&b, r->detail);
	crypto_sha256_hex(b.data ? b.data : "", b.len, out);
	buf_free(&b);
}

/* "<id> <hash> <hmac>": the HMAC covers id and hash under the secret. */
static void anchor_value(const auth_policy *p, int64_t id, const char *hash, char *out,
                         size_t outlen)
{
	char msg[128], mac[CRYPTO_HASH_HEX];
	int n = snprintf(msg, sizeof msg, "citkit-audit-anchor\n%lld\n%s", (long long)id, hash);
	crypto_hmac_hex(p->secret, sizeof p->secret, msg, (size_t)n, mac);
	snprintf(out, outlen, "%lld %s %s", (long long)id, hash, mac);
}

/* Only one transaction at a time may hold this on audit_log; plain reads
 * (ACCESS SHARE) pass it. A no-op when this transaction already holds it. */
static int lock_chain(db *d)
{
	if (db_dialect_of(d) != DB_POSTGRES)
		return 0; /* BEGIN IMMEDIATE already holds SQLite's write lock */
	return db_exec(d, "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE");
}

typedef struct locked_ctx {
	db_tx_fn fn;
	void *ctx;
} locked_ctx;

static int locked_fn(db *d, void *vctx)
{
	locked_ctx *c = vctx;
	/* First statement of the transaction: PostgreSQL takes the snapshot
	 * at the first query, after this lock is held. */
	int rc = lock_chain(d);
	return rc < 0 ? rc : c->fn(d, c->ctx);
}

int audit_tx(db *d, db_tx_fn fn, void *ctx)
{
	if (db_in_tx(d))
		return fn(d, ctx);
	locked_ctx c = {fn, ctx};
	return db_tx(d, locked_fn, &c);
}

static int last_row(db *d, int64_t *id, char hash[CRYPTO_HASH_HEX])
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &s);
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		const char *h = db_col_text(s, 1);
		snprintf(hash, CRYPTO_HASH_HEX, "%s", h ? h : "");
	} else if (rc == DB_DONE) {
		*id = 0;
		snprintf(hash, CRYPTO_HASH_HEX, "%s", genesis);
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int write_anchor(db *d, int64_t id, const char *hash)
{
	const auth_policy *p = auth_policy_get();
	if (!p->has_secret)
		return 0;
	char value[256];
	anchor_value(p, id, hash, value, sizeof value);
	return settings_set(d, ANCHOR_NAME, value);
}

typedef struct append_ctx {
	audit_row row;
} append_ctx;

static int append_in_tx(db *d, void *vctx)
{
	append_ctx *c = vctx;
	audit_row *r = &c->row;
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
	int64_t last = 0;
	/* Taken late when the caller used plain db_tx: its snapshot may then
	 * predate another append, which PostgreSQL's SERIALIZABLE reports as
	 * a serialization failure for db_tx to retry. */
	int rc = lock_chain(d);
	if (rc == 0)
		rc = last_row(d, &last, prev);
	if (rc < 0)
		return rc;
	/* The id is chosen here, under the lock, because it is hashed. */
	r->id = last + 1;
	r->at_cs = auth_now_cs();
	row_hash(prev, r, hash);
	db_stmt *s;
	rc = db_prepare(d,
	                "INSERT INTO audit_log (id, at_cs, actor_id, actor_email, action, "
	                "object_type, object_id, ip, outcome, detail, prev_hash, hash) "
	                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, r->id);
	db_bind_int(s, 2, r->at_cs);
	if (r->actor_id)
		db_bind_int(s, 3, r->actor_id);
	else
		db_bind_null(s, 3);
	db_bind_text(s, 4, r->actor_email);
	db_bind_text(s, 5, r->action);
	db_bind_text(s, 6, r->object_type);
	db_bind_text(s, 7, r->object_id);
	db_bind_text(s, 8, r->ip);
	db_bind_text(s, 9, r->outcome);
	db_bind_text(s, 10, r->detail);
	db_bind_text(s, 11, prev);
	db_bind_text(s, 12, hash);
	rc = db_step(s);
	db_finish(s);
	if (rc < 0)
		return rc;
	return write_anchor(d, r->id, hash);
}

int audit_append(db *d, const principal *actor, const char *action, const char *object_type,
                 const char *object_id, const char *outcome, const char *detail_json)
{
	append_ctx c = {
	    .row =
	        {
	            .actor_id = actor ? actor->user_id : 0,
	            .actor_email = actor ? actor->email : NULL,
	            .action = action,
	            .object_type = object_type,
	            .object_id = object_id,
	            .ip = actor ? actor->ip : NULL,
	            .outcome = outcome ? outcome : AUDIT_SUCCESS,
	            .detail = detail_json,
	        },
	};
	if (!action || !*action)
		return CK_E_INTERNAL;
	int rc = auth_in_tx(d, append_in_tx, &c);
	if (rc < 0)
		log_error("audit append %s failed: %s", action, db_errmsg(d));
	return rc;
}

static const char *dup_col(arena *a, db_stmt *s, int col)
{
	const char *t = db_col_text(s, col);
	return t ? arena_strdup(a, t) : NULL;
}

int audit_list(db *d, arena *a, const principal *actor, const audit_filter *f, int limit,
               const char *cursor, audit_entry **items, size_t *n, const char **next_cursor)
{
	static const audit_filter none = {0};
	int64_t after = 0;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_allowed(actor, PERM_AUDIT_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	if (!f)
		f = &none;
	limit = auth_limit(limit);
	const char *action = f->action && *f->action ? f->action : "";
	bool prefix = *action && action[strlen(action) - 1] == '.';
	db_stmt *s;
	rc = db_prepare(
	    d,
	    "SELECT id, at_cs, actor_id, actor_email, action, object_type, "
	    "object_id, ip, outcome, detail FROM audit_log "
	    "WHERE (CAST($1 AS BIGINT) = 0 OR actor_id = $1) "
	    "AND (CAST($2 AS TEXT) = '' "
	    " OR (CAST($3 AS BIGINT) = 0 AND action = $2) "
	    " OR (CAST($3 AS BIGINT) = 1 AND substr(action, 1, length(CAST($2 AS TEXT))) = $2)) "
	    "AND (CAST($4 AS BIGINT) = 0 OR at_cs >= $4) "
	    "AND (CAST($5 AS BIGINT) = 0 OR at_cs < $5) "
	    "AND (CAST($6 AS BIGINT) = 0 OR id < $6) "
	    "ORDER BY id DESC LIMIT $7",
	    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, f->user_id);
	db_bind_text(s, 2, action);
	db_bind_int(s, 3, prefix);
	db_bind_int(s, 4, f->from ? f->from * 100 : 0);
	/* "to" is inclusive: the whole of its last second. */
	db_bind_int(s, 5, f->to ? (f->to + 1) * 100 : 0);
	db_bind_int(s, 6, after);
	db_bind_int(s, 7, limit + 1);
	audit_entry *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		audit_entry *e = &out[count++];
		e->id = db_col_int(s, 0);
		e->at_cs = db_col_int(s, 1);
		e->actor_id = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2);
		e->actor_email = dup_col(a, s, 3);
		e->action = dup_col(a, s, 4);
		e->object_type = dup_col(a, s, 5);
		e->object_id = dup_col(a, s, 6);
		e->ip = dup_col(a, s, 7);
		e->outcome = dup_col(a, s, 8);
		e->detail = dup_col(a, s, 9);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

static void fail(audit_report *r, int64_t id, const char *problem)
{
	r->ok = false;
	r->first_bad_id = id;
	r->problem = problem;
}

/* Compares the anchor "<id> <hash> <hmac>" with the newest row. */
static int check_anchor(db *d, arena *a, int64_t last_id, const char *last_hash, audit_report *r)
{
	const auth_policy *p = auth_policy_get();
	if (!p->has_secret)
		return 0;
	r->anchor_checked = true;
	const char *stored;
	int rc = settings_get(d, a, ANCHOR_NAME, &stored);
	if (rc < 0)
		return rc;
	if (!stored) {
		if (last_id != 0)
			fail(r, 0,
			     "the signed record of the newest row is missing (every append "
			     "writes it once a secret key is configured)");
		return 0;
	}
	long long id = 0;
	char hash[CRYPTO_HASH_HEX] = "", expect[256];
	if (sscanf(stored, "%lld %64s", &id, hash) != 2)
		id = -1;
	anchor_value(p, id, hash, expect, sizeof expect);
	if (id < 0 || !crypto_equal(stored, expect))
		fail(r, 0,
		     "the signed record of the newest row is not valid: it was forged, "
		     "or the secret key changed");
	else if (id > last_id)
		fail(r, 0,
		     arena_printf(a,
		                  "the newest rows were removed: the log ends at row "
		                  "%lld but row %lld was written",
		                  (long long)last_id, id));
	else if (id < last_id)
		fail(r, id + 1, arena_printf(a, "rows after %lld were not written by citkit", id));
	else if (strcmp(hash, last_hash) != 0)
		fail(r, last_id,
		     "the log was rewritten: the newest row does not match its "
		     "signed record");
	return 0;
}

typedef struct verify_ctx {
	arena *a;
	audit_report *r;
} verify_ctx;

static int verify_in_tx(db *d, void *vctx)
{
	verify_ctx *c = vctx;
	audit_report *r = c->r;
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
	int64_t last_id = 0;
	*r = (audit_report){.ok = true};
	snprintf(prev, sizeof prev, "%s", genesis);
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT id, at_cs, actor_id, actor_email, action, object_type, "
	                    "object_id, ip, outcome, detail, prev_hash, hash FROM audit_log "
	                    "ORDER BY id",
	                    &s);
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		audit_row row = {
		    .id = db_col_int(s, 0),
		    .at_cs = db_col_int(s, 1),
		    .actor_id = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2),
		    .actor_email = db_col_text(s, 3),
		    .action = db_col_text(s, 4),
		    .object_type = db_col_text(s, 5),
		    .object_id = db_col_text(s, 6),
		    .ip = db_col_text(s, 7),
		    .outcome = db_col_text(s, 8),
		    .detail = db_col_text(s, 9),
		};
		const char *stored_prev = db_col_text(s, 10), *stored = db_col_text(s, 11);
		r->rows++;
		/* The link first: a moved or missing row shows here; a changed
		 * row (still carrying its old hash) shows below. */
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			fail(r, row.id,
			     arena_printf(
			         c->a,
			         "row %lld does not follow the row "
			         "before it: a row was deleted, inserted or moved there, or the "
			         "row before it was changed and re-hashed",
			         (long long)row.id));
			break;
		}
		row_hash(prev, &row, hash);
		if (!stored || strcmp(stored, hash) != 0) {
			fail(r, row.id,
			     arena_printf(c->a,
			                  "row %lld was altered: its contents "
			                  "no longer match its hash",
			                  (long long)row.id));
			break;
		}
		snprintf(prev, sizeof prev, "%s", hash);
		last_id = row.id;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!r->ok)
		return 0;
	return check_anchor(d, c->a, last_id, prev, r);
}

/* In a transaction (serializable on both engines, see db/tx.c) so that
 * the rows and the anchor come from one snapshot: an append running
 * meanwhile cannot look like tampering. */
int audit_verify(db *d, arena *a, audit_report *r)
{
	verify_ctx c = {a, r};
	return db_tx(d, verify_in_tx, &c);
}
