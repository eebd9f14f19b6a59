/* harness_internal.h: what harness.c, client.c and signin.c share and the
 * tests do not need: the scratch folder, the current server's certificate,
 * and small process and file helpers. */
#ifndef CITKIT_HTTP_HARNESS_INTERNAL_H
#define CITKIT_HTTP_HARNESS_INTERNAL_H

#include <stddef.h>

/* The scratch folder (absolute). */
const char *harness_work(void);
/* The certificate curl trusts for the current server; "" over plain HTTP. */
const char *harness_cainfo(void);
/* Runs argv with stdin from stdin_path (or /dev/null), stdout and stderr to
 * files (stderr appended), in the scratch folder; the exit status, or 128
 * + the signal when killed. */
int harness_run(char *const argv[], const char *stdin_path, const char *out_path,
                const char *err_path);
/* A whole file, NUL-terminated (malloc'd), or NULL. */
char *harness_slurp(const char *path, size_t *len);
/* Writes a file; fails the test when it cannot. */
void harness_write(const char *path, const char *data, size_t len);
void harness_sleep_ms(long ms);

/* A growing NUL-terminated buffer, and libcurl's write callback that
 * appends to one (ctx: a grow *). */
typedef struct grow {
	char *p;
	size_t n;
} grow;
size_t grow_write(char *data, size_t size, size_t nmemb, void *ctx);

#endif
