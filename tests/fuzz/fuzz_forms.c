/* fuzz_forms.c: application/x-www-form-urlencoded bodies. Whatever the
 * input, the parser returns a code, and on success every name and value
 * is valid UTF-8 within the limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/validate.h"
#include "web/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	kv f;
	if (parse_urlencoded(a, (const char *)data, size, &parse_form_limits, &f) == 0) {
		for (size_t i = 0; i < f.len; i++) {
			const kv_pair *p = &f.items[i];
			if (!*p->name || strlen(p->name) > parse_form_limits.max_name ||
			    !validate_utf8(p->name, strlen(p->name)) ||
			    strlen(p->value) != p->value_len ||
			    !validate_utf8(p->value, p->value_len))
				abort();
		}
	}
	arena_free(a);
	return 0;
}
