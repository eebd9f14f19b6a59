/* fuzz_cookies.c: the Cookie header. On success names are non-empty and
 * values hold only printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	kv c;
	if (parse_cookies(a, (const char *)data, size, &c) == 0) {
		for (size_t i = 0; i < c.len; i++) {
			if (!*c.items[i].name)
				abort();
			for (const char *p = c.items[i].value; *p; p++)
				if (*p < 0x20 || *p > 0x7e)
					abort();
		}
	}
	arena_free(a);
	return 0;
}
