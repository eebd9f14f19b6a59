/* scenarios_routes.c: the scenario library's route tables, registered
 * together by `citkit serve`. */
#include "scenarios_web.h"

void scenarios_library_register(void)
{
	scenarios_api_register();
	rubrics_api_register();
	scenarios_pages_register();
	rubrics_pages_register();
}
