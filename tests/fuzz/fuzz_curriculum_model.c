/* fuzz_curriculum_model.c: the national curriculum model's CSV parser.
 * Whatever the bytes, it either returns modules that each hold a valid
 * code, day, component, minutes and instructor kinds, at positions 1..n,
 * or an error message; never both, never neither. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "training/curricula_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool known(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	curriculum_module *m;
	size_t n;
	char err[300];
	int rc = curriculum_model_parse(a, (const char *)data, size, &m, &n, err, sizeof err);
	if (rc == 0) {
		if (n == 0 || err[0])
			abort();
		for (size_t i = 0; i < n; i++) {
			if (m[i].position != (int)i + 1 || m[i].day < 1 || m[i].day > 5)
				abort();
			if (m[i].minutes < 1 || m[i].model_minutes != m[i].minutes || !*m[i].code ||
			    !*m[i].title)
				abort();
			if (!known(curriculum_components(), m[i].component) ||
			    !*m[i].instructor_kinds)
				abort();
			for (size_t j = 0; j < i; j++)
				if (!strcmp(m[i].code, m[j].code))
					abort();
		}
	} else if (rc == CK_E_INVALID) {
		if (n != 0 || !err[0])
			abort();
	} else {
		abort();
	}
	arena_free(a);
	return 0;
}
