/* bus_shim.c: stand-ins for the event bus until it lands on main. */
#include <stdlib.h>

#include "../web/sse.h"
#include "bus_shim.h"

int db_notify(db *d, const char *channel)
{
	(void)d;
	(void)channel;
	return 0;
}
void sse_source_register(const char *prefix, sse_source_fn fn)
{
	(void)prefix;
	(void)fn;
}
void sse_changed(const char *channel)
{
	(void)channel;
}
void sse_begin_from(request *req, const char *channel, int64_t after)
{
	(void)after;
	sse_begin(req, channel);
}
int64_t sse_last_event_id(request *req)
{
	const char *v = request_header(req, "Last-Event-ID");
	return v ? strtoll(v, NULL, 10) : 0;
}
