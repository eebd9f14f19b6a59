/* fuzz_scenario_json.c: the scenario library's import parser (JSON, then
 * every rubric and scenario checked as the forms are). Whatever the
 * bytes, it either accepts every item of the file with no problem, or
 * refuses with between one and SCENARIO_IMPORT_MAX_PROBLEMS problems,
 * each naming its item and saying what is wrong; never both. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "scenarios/scenario_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	scenario_doc *doc = NULL;
	scenario_import_report rep;
	int rc = scenario_json_parse(a, (const char *)data, size, &doc, &rep);
	if (rc == 0) {
		if (!doc || rep.n_problems || rep.more_problems)
			abort();
		if (rep.rubrics + rep.scenarios == 0 || rep.rubrics > SCENARIO_IMPORT_MAX_RUBRICS ||
		    rep.scenarios > SCENARIO_IMPORT_MAX_SCENARIOS)
			abort();
	} else if (rc == CK_E_INVALID) {
		if (doc || rep.n_problems == 0 || rep.n_problems > SCENARIO_IMPORT_MAX_PROBLEMS)
			abort();
		for (size_t i = 0; i < rep.n_problems; i++) {
			const scenario_import_problem *p = &rep.problems[i];
			if (!p->item || !*p->item || !p->message || !*p->message)
				abort();
			if (strcmp(p->item, "file") && strncmp(p->item, "rubrics[", 8) &&
			    strncmp(p->item, "scenarios[", 10))
				abort();
		}
	} else {
		abort();
	}
	arena_free(a);
	return 0;
}
