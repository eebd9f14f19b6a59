/* thread.c: one database connection per thread, opened on first use. A
 * connection must never be shared (SQLite handles are opened without their
 * own mutex; a PostgreSQL connection carries one transaction), so the
 * server's workers each get theirs from db_thread(); a pthread key closes
 * it when the thread ends. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/log.h"
#include "db_internal.h"

/* Set once by db_thread_setup before the workers start; read-only after. */
static struct {
	char *url;
	db_options opt;
	char *synchronous;
	bool has_key;
	pthread_key_t key;
} cfg;

static void close_thread_db(void *p)
{
	db_close(p);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int db_thread_setup(const char *url, const db_options *opt)
{
	db_thread_teardown();
	if (pthread_key_create(&cfg.key, close_thread_db) != 0)
		return CK_E_INTERNAL;
	cfg.has_key = true;
	cfg.url = strdup(url);
	cfg.opt = opt ? *opt : (db_options){0};
	cfg.synchronous = dup_or_null(cfg.opt.sqlite_synchronous);
	cfg.opt.sqlite_synchronous = cfg.synchronous;
	if (!cfg.url || (opt && opt->sqlite_synchronous && !cfg.synchronous)) {
		db_thread_teardown();
		return CK_E_INTERNAL;
	}
	return 0;
}

db *db_thread(void)
{
	if (!cfg.has_key)
		return NULL;
	db *d = pthread_getspecific(cfg.key);
	if (d)
		return d;
	char err[256];
	if (db_open(cfg.url, &cfg.opt, &d, err, sizeof err) < 0) {
		log_error("db: cannot open the database: %s", err);
		return NULL;
	}
	if (pthread_setspecific(cfg.key, d) != 0) {
		db_close(d);
		return NULL;
	}
	return d;
}

void db_thread_teardown(void)
{
	if (cfg.has_key) {
		/* The calling thread's connection: the key's destructor only runs
		 * for threads that exit, and the main thread does not. */
		db *d = pthread_getspecific(cfg.key);
		if (d) {
			pthread_setspecific(cfg.key, NULL);
			db_close(d);
		}
		pthread_key_delete(cfg.key);
		cfg.has_key = false;
	}
	free(cfg.url);
	free(cfg.synchronous);
	cfg.url = cfg.synchronous = NULL;
}
