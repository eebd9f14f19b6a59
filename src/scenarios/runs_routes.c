/* runs_routes.c: registers the runs API, the run pages and the stored
 * event source in one call from src/cli/serve.c. */
#include "runs_pages.h"
#include "runs_web.h"

void runs_routes_register(void)
{
	runs_api_register();
	runs_settings_pages_register();
	runs_pages_register();
	run_events_register();
}
