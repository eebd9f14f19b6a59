/* fuzz_multipart.c: multipart/form-data. The first line of the input is
 * the Content-Type header, the rest the body. On success every upload
 * lies within the limits and every plain field is valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/validate.h"
#include "web/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	if (!nl)
		return 0;
	arena *a = arena_new();
	const char *ct = arena_strndup(a, in, (size_t)(nl - in));
	const char *body = nl + 1;
	size_t len = size - (size_t)(nl - in) - 1;
	parse_limits lim = {.max_fields = 50, .max_name = 64, .max_value = 4096};
	kv f;
	upload *u;
	size_t n;
	if (parse_multipart(a, ct, body, len, &lim, &f, &u, &n) == 0) {
		if (f.len > lim.max_fields || n > f.len)
			abort();
		for (size_t i = 0; i < n; i++)
			if (u[i].len > lim.max_value || u[i].data[u[i].len] != '\0')
				abort();
	}
	arena_free(a);
	return 0;
}
