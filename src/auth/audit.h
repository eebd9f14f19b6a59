/* audit.h: the append-only, hash-chained audit log (CJIS: who, what, when
 * to 1/100 s UTC, where, outcome; protected from change).
 *
 * Each row's hash is SHA-256 over the previous row's hash and a canonical,
 * length-prefixed encoding of every column, so audit_verify finds a row
 * that was altered, deleted, inserted or moved. When the policy holds a
 * server secret, every append also stores an HMAC of the newest row (the
 * "head anchor", in settings), which reveals the newest rows being cut off
 * or the whole chain being recomputed by someone without the secret. See
 * audit.c for exactly what is and is not detected. */
#ifndef CITKIT_AUDIT_H
#define CITKIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../db/db.h"
#include "principal.h"

/* Outcomes. */
#define AUDIT_SUCCESS "success"
#define AUDIT_FAILURE "failure"
#define AUDIT_DENIED  "denied"

/* Appends one row as actor (NULL = the system, no user). ip comes from
 * actor->ip. detail_json is a JSON object or NULL; never put a secret in
 * it. Runs in the caller's transaction when there is one (so the row
 * commits or rolls back with the change it records), else in its own.
 * Appends serialise (BEGIN IMMEDIATE on SQLite, a table lock on
 * PostgreSQL) so the chain never forks. */
int audit_append(db *d, const principal *actor, const char *action, const char *object_type,
                 const char *object_id, const char *outcome, const char *detail_json);

/* db_tx for a transaction that will append audit rows: on PostgreSQL it
 * first locks the chain (LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE
 * MODE, which readers pass), before the serializable snapshot is taken,
 * so the append sees the newest row and does not fail and retry when
 * another writer got there first. Writers of audited changes thus take
 * turns on PostgreSQL as they do on SQLite. Plain db_tx with audit_append
 * stays correct (the chain never forks), it is only retried more often. */
int audit_tx(db *d, db_tx_fn fn, void *ctx);

typedef struct audit_entry {
	int64_t id;
	int64_t at_cs;           /* centiseconds since the epoch, UTC */
	int64_t actor_id;        /* 0 for anonymous / system */
	const char *actor_email; /* NULL when anonymous */
	const char *action, *object_type, *object_id, *ip, *outcome, *detail;
} audit_entry;

typedef struct audit_filter {
	int64_t user_id;    /* 0 = anyone */
	const char *action; /* exact action, or a prefix ending in '.' ("login.") */
	int64_t from, to;   /* epoch seconds, inclusive; 0 = open */
} audit_filter;

/* Newest first. Needs PERM_AUDIT_READ (else CK_E_FORBIDDEN). */
int audit_list(db *d, arena *a, const principal *actor, const audit_filter *f, int limit,
               const char *cursor, audit_entry **items, size_t *n, const char **next_cursor);

typedef struct audit_report {
	int64_t rows; /* rows checked */
	bool ok;
	int64_t first_bad_id; /* 0 when ok, or when the problem is the anchor */
	const char *problem;  /* one line for people, NULL when ok */
	bool anchor_checked;  /* false when no server secret is configured */
} audit_report;

/* Walks the whole chain in id order. Returns 0 when it could be read
 * (then report->ok says whether it is intact) or a CK_E_* error. */
int audit_verify(db *d, arena *a, audit_report *report);

#endif
