/* enroll_routes.c: registers enrollment, roll call and progress routes
 * (pages and API) in one call from src/cli/serve.c. */
#include "enroll_web.h"

void enroll_routes_register(void)
{
	enrollments_api_register();
	attendance_api_register();
	enrollments_pages_register();
	attendance_pages_register();
}
