/* fuzz_roster.c: the roster CSV parser. Whatever the bytes, it either
 * returns rows that each hold a valid email, a name and at least one
 * role, with increasing line numbers, or problems with lines inside the
 * file; never both, never neither. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/roster.h"
#include "base/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t count_lines(const uint8_t *data, size_t size)
{
	int64_t n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	roster_row *rows;
	size_t n;
	roster_report rep;
	int rc = roster_parse(a, (const char *)data, size, &rows, &n, &rep);
	int64_t lines = count_lines(data, size);
	if (rc == 0) {
		if (n == 0 || rep.n_problems != 0)
			abort();
		for (size_t i = 0; i < n; i++) {
			if (!strchr(rows[i].email, '@') || !*rows[i].name)
				abort();
			if (!rows[i].roles || (rows[i].roles & ~(unsigned)ROLE_ALL))
				abort();
			if (rows[i].line < 2 || rows[i].line > lines ||
			    (i && rows[i].line <= rows[i - 1].line))
				abort();
		}
	} else if (rc == CK_E_INVALID) {
		if (rep.n_problems == 0 || rep.n_problems > ROSTER_MAX_PROBLEMS)
			abort();
		for (size_t i = 0; i < rep.n_problems; i++)
			if (rep.problems[i].line < 0 || rep.problems[i].line > lines ||
			    !rep.problems[i].message || !rep.problems[i].field)
				abort();
	} else {
		abort();
	}
	arena_free(a);
	return 0;
}
