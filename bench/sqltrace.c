/* bench/sqltrace.c: an LD_PRELOAD shim for bench/training that writes
 * every SQL statement citkit runs on SQLite, with its bound values
 * expanded, one per line, to the file named by CITKIT_SQLTRACE. The bench
 * feeds exactly those statements to the sqlite3 shell, so "the same SQL"
 * is the SQL the services really ran, not a copy that can drift from it.
 *
 * It wraps sqlite3_open_v2 (the driver's only way in) and registers a
 * statement-profile callback on each connection; citkit itself is not
 * changed. Only for the bench: it is built by bench/training, never linked
 * into citkit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*open_fn)(const char *, sqlite3 **, int, const char *);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* One statement, when it finishes: its expanded SQL on one line. The
 * driver's statements are single-line enough; newlines become spaces so
 * the log stays a statement a line. */
static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)x;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	const char *path = getenv("CITKIT_SQLTRACE");
	char *sql = sqlite3_expanded_sql((sqlite3_stmt *)p);
	if (!path || !sql)
		goto done;
	for (char *c = sql; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	pthread_mutex_lock(&lock);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd >= 0) {
		size_t n = strlen(sql);
		if (write(fd, sql, n) != (ssize_t)n || write(fd, ";\n", 2) != 2)
			fputs("sqltrace: short write\n", stderr);
		close(fd);
	}
	pthread_mutex_unlock(&lock);
done:
	sqlite3_free(sql);
	return 0;
}

int sqlite3_open_v2(const char *name, sqlite3 **out, int flags, const char *vfs)
{
	open_fn real = (open_fn)dlsym(RTLD_NEXT, "sqlite3_open_v2");
	if (!real)
		return SQLITE_ERROR;
	int rc = real(name, out, flags, vfs);
	if (rc == SQLITE_OK && *out)
		sqlite3_trace_v2(*out, SQLITE_TRACE_PROFILE, on_profile, NULL);
	return rc;
}
