/* health.c: GET /healthz for load balancers and `make run`: 200 when the
 * database answers a SELECT 1, 503 otherwise. */
#include <jansson.h>

#include "../base/errors.h"
#include "../db/db.h"
#include "health.h"

/* GET /healthz */
int health_handle(request *req)
{
	req->wants_json = true;
	db *d = db_thread();
	int64_t one = 0;
	if (!d || db_query_int(d, &one, "SELECT 1", "") != DB_ROW || one != 1) {
		resp_error(req, CK_E_DB, "The database did not answer.");
		return CK_E_DB;
	}
	resp_json(req, 200, json_pack("{s:s}", "status", "ok"));
	return 0;
}
