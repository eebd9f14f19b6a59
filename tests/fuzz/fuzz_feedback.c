/* fuzz_feedback.c: the feedback form of a scenario run ("score.<skill
 * code>=1..5&comment=…", a urlencoded body) through
 * feedback_input_from_kv, and join codes as people type them through
 * run_join_code_normalise. On success every score came from a score.
 * field and parsed as a number; a normalised code has no space, dash or
 * lower-case letter, and only a valid one is accepted. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/feedback.h"
#include "scenarios/runs.h"
#include "web/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	kv form;
	if (parse_query(a, (const char *)data, size, &form) == 0) {
		feedback_input in;
		field_errors errs = {0};
		int rc = feedback_input_from_kv(a, &form, &in, &errs);
		size_t fields = 0;
		for (size_t i = 0; i < form.len; i++)
			fields += !strncmp(form.items[i].name, "score.", 6);
		if (in.n > fields || (rc == 0) != (errs.len == 0))
			abort();
		for (size_t i = 0; i < in.n; i++)
			if (!in.codes[i])
				abort();
	}
	char *text = arena_strndup(a, (const char *)data, size);
	const char *code = run_join_code_normalise(a, text);
	if (code) {
		for (const char *p = code; *p; p++)
			if (*p == ' ' || *p == '-' || *p == '\t' || islower((unsigned char)*p))
				abort();
		if (run_join_code_valid(code) && strlen(code) != RUN_JOIN_CODE_LEN)
			abort();
	}
	arena_free(a);
	return 0;
}
