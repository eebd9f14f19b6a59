/* tx.c: the transaction runner. Every write in citkit goes through db_tx,
 * which starts the transaction the way each engine needs, rolls back when
 * the work fails and runs the whole of it again when the engine says the
 * transaction lost a race (SQLITE_BUSY, PostgreSQL serialization failure
 * or deadlock, all reported as CK_E_BUSY by the drivers).
 *
 * Isolation: SQLite's BEGIN IMMEDIATE takes the single write lock at the
 * start, so a transaction sees no concurrent writer at all: serializable.
 * On PostgreSQL we ask for SERIALIZABLE too, so that services written as
 * "read, decide, write" (the audit hash chain reads the previous hash; the
 * lockout counts failures before locking) behave the same on both engines
 * instead of silently forking under READ COMMITTED. The price is the odd
 * serialization failure under contention, which is what the retry loop is
 * for. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/errors.h"
#include "base/log.h"
#include "db_internal.h"

bool db_in_tx(const db *d)
{
	return d->tx_depth > 0 || d->drv->in_tx(d);
}

int64_t db_tx_retries(const db *d)
{
	return d->tx_retries;
}

/* xorshift64: the backoff only needs to keep colliding workers from
 * retrying in lockstep, not to be unpredictable. */
static uint64_t next_random(void)
{
	static _Thread_local uint64_t state;
	if (state == 0)
		state =
		    (uint64_t)clock_mono_us() ^ (uint64_t)(uintptr_t)&state ^ 0x9e3779b97f4a7c15ULL;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* Sleeps a random time in [cap/2, cap) where cap doubles per attempt from
 * 2 ms to at most 64 ms. */
static void backoff(int attempt)
{
	int shift = attempt < 5 ? attempt : 5;
	uint64_t cap_us = 2000u << shift;
	uint64_t us = cap_us / 2 + next_random() % (cap_us / 2);
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(us * 1000)};
	nanosleep(&ts, NULL);
}

static void rollback(db *d)
{
	/* Keep the error that caused the rollback for db_errmsg. */
	char saved[DB_ERRMSG_LEN];
	memcpy(saved, d->errmsg, sizeof saved);
	if (db_exec(d, "ROLLBACK") < 0)
		log_error("db: rollback failed: %s", d->errmsg);
	memcpy(d->errmsg, saved, sizeof saved);
}

static int tx_once(db *d, const char *begin_sql, db_tx_fn fn, void *ctx)
{
	int rc = db_exec(d, begin_sql);
	if (rc < 0)
		return rc;
	d->tx_depth = 1;
	rc = fn(d, ctx);
	d->tx_depth = 0;
	if (rc >= 0) {
		int crc = db_exec(d, "COMMIT");
		if (crc < 0)
			rc = crc;
	}
	if (rc < 0 && d->drv->in_tx(d))
		rollback(d);
	return rc;
}

int db_tx_as(db *d, const char *begin_sql, db_tx_fn fn, void *ctx)
{
	/* Nested: the outer transaction commits or rolls back the lot. */
	if (db_in_tx(d))
		return fn(d, ctx);
	/* Short transactions that collide usually get through on the second
	 * or third attempt (DB_TX_ATTEMPTS in all). */
	int rc;
	for (int attempt = 0;; attempt++) {
		rc = tx_once(d, begin_sql, fn, ctx);
		if (rc != CK_E_BUSY || attempt + 1 >= DB_TX_ATTEMPTS)
			break;
		d->tx_retries++;
		backoff(attempt);
	}
	return rc;
}

int db_tx(db *d, db_tx_fn fn, void *ctx)
{
	return db_tx_as(d, d->drv->begin_sql, fn, ctx);
}

int db_rollback_leftover(db *d, const char *where)
{
	log_error("db: transaction left open at %s; rolling it back", where);
	d->tx_depth = 0;
	int rc = db_exec(d, "ROLLBACK");
	if (rc < 0)
		log_error("db: rollback of a left-open transaction failed: %s", d->errmsg);
	return rc;
}
