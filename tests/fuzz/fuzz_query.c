/* fuzz_query.c: request targets ("/path?query"). On success the path
 * starts with '/' and holds no NUL, and the query decoded cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/validate.h"
#include "web/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	const char *path;
	kv q;
	if (parse_target(a, (const char *)data, size, &path, &q) == 0) {
		if (path[0] != '/' || !validate_utf8(path, strlen(path)))
			abort();
		if (q.len > parse_query_limits.max_fields)
			abort();
	}
	parse_query(a, (const char *)data, size, &q);
	arena_free(a);
	return 0;
}
