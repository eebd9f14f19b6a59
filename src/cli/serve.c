/* serve.c: `citkit serve`: the web server. Loads the settings, prepares
 * the database (a connection per worker thread, pending migrations; a
 * database newer than this binary is refused), installs the auth policy,
 * registers every feature's routes, starts libmicrohttpd and waits in the
 * main thread for SIGINT or SIGTERM, then stops cleanly. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../auth/auth_routes.h"
#include "../auth/settings.h"
#include "../base/crypto.h"
#include "../base/log.h"
#include "../credentials/certificates_web.h"
#include "../scenarios/scenarios_web.h"
#include "../scenarios/runs_web.h"
#include "../training/courses_web.h"
#include "../training/curricula_web.h"
#include "../training/enroll_web.h"
#include "../web/http.h"
#include "../web/server.h"
#include "../web/sse.h"
#include "cli.h"

/* A notification from another process (or this one) sharing the
 * PostgreSQL database: wake that channel's event streams; NULL after the
 * listener reconnected: wake them all. */
static void on_event_notify(const char *channel)
{
	if (channel)
		sse_changed(channel);
	else
		sse_changed_all();
}

/* Every feature's route registration, called once before the server
 * starts. A new feature adds its line here. */
static void (*const route_tables[])(void) = {
    web_routes_register,
    auth_pages_register,
    auth_api_register,
    curricula_routes_register,
    credentials_register,
    courses_routes_register,
    enroll_routes_register,
    scenarios_library_register,
    runs_routes_register,
};

static void register_routes(void)
{
	for (size_t i = 0; i < sizeof route_tables / sizeof route_tables[0]; i++)
		route_tables[i]();
}

/* `citkit routes`: every route `citkit serve` registers, one a line,
 * "METHOD PATTERN PERMISSION", in registration order; pages as well as the
 * API (openapi.json lists the API only). The HTTP suite reads it to check
 * that its run requested each route. */
int cli_routes(cli_ctx *c)
{
	(void)c;
	register_routes();
	for (size_t i = 0; i < router_count(); i++) {
		const route *r = router_at(i);
		printf("%s %s %s\n", r->method, r->pattern, perm_name(r->permission));
	}
	return fflush(stdout) == 0 ? CLI_OK : cli_fail("cannot write the routes");
}

/* The program's name: the config's when it sets one, else the one kept in
 * the settings table (the demo and admins set it), else the default. */
static const char *program_name(cli_ctx *c, db *d)
{
	config defaults;
	config_defaults(&defaults);
	if (strcmp(c->cfg.program_name, defaults.program_name))
		return c->cfg.program_name;
	const char *stored;
	if (settings_get(d, c->arena, SETTING_PROGRAM_NAME, &stored) == 0 && stored && *stored)
		return stored;
	return c->cfg.program_name;
}

/* "http://127.0.0.1:8080" from the listen address and the real port. */
static const char *base_url(cli_ctx *c, const char *listen, int port, bool is_tls)
{
	const char *colon = strrchr(listen, ':');
	return arena_printf(c->arena, "%s://%.*s:%d", is_tls ? "https" : "http",
	                    (int)(colon - listen), listen, port);
}

/* Signals are blocked in every thread (the server's inherit the mask)
 * and taken by sigwait in the main thread. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Opens the main thread's connection and migrates. */
static int prepare_db(cli_ctx *c, db **out)
{
	db *probe;
	char err[512] = "";
	if (cli_open_db(c, CLI_DB_EXISTING, &probe))
		return CLI_FAIL;
	db_close(probe);
	db_options opt = {.sqlite_synchronous = c->cfg.sqlite_synchronous, .busy_timeout_ms = 5000};
	if (db_thread_setup(c->db_url, &opt))
		return cli_fail("cannot open the database for the server");
	db *d = db_thread();
	if (!d)
		return cli_fail("cannot open the database for the server");
	if (db_migrate(d, err, sizeof err))
		return cli_fail("cannot migrate the database: %s", err);
	*out = d;
	return CLI_OK;
}

int cli_serve(cli_ctx *c)
{
	const char *listen = cli_opt(c, "listen") ? cli_opt(c, "listen") : c->cfg.listen;
	if (!config_is_listen_address(listen))
		return cli_usage("--listen must be ADDRESS:PORT (port 0-65535), not '%s'", listen);
	sigset_t signals;
	block_signals(&signals);
	if (!crypto_init())
		return cli_fail("libsodium could not be initialised");
	db *d = NULL;
	if (prepare_db(c, &d) || cli_setup_services(c)) {
		db_thread_teardown();
		return CLI_FAIL;
	}

	web_options opt = {
	    .listen = listen,
	    .threads = c->cfg.threads,
	    .tls_cert = *c->cfg.tls_cert ? c->cfg.tls_cert : NULL,
	    .tls_key = *c->cfg.tls_key ? c->cfg.tls_key : NULL,
	    .max_body_bytes = c->cfg.max_body_bytes,
	    .max_upload_bytes = c->cfg.max_upload_bytes,
	    .program_name = program_name(c, d),
	    .identify_session = auth_identify_session,
	    .identify_token = auth_identify_token,
	    .active_sessions = auth_active_sessions,
	    .recheck_credentials = auth_recheck_credentials,
	    .sse_heartbeat_seconds = c->cfg.sse_heartbeat_seconds,
	};
	/* A credential ended here ends its event streams at once; other
	 * processes' ends are found at the streams' next heartbeat. */
	auth_end_hooks_set(&(auth_end_hooks){
	    .session = sse_end_session,
	    .user_sessions = sse_end_user_sessions,
	    .token = sse_end_token,
	    .user = sse_end_user,
	});
	certificates_set_public_url(c->cfg.public_url);
	run_set_public_url(c->cfg.public_url);
	register_routes();
	web_server *server;
	char err[512] = "";
	if (web_server_start(&opt, &server, err, sizeof err)) {
		db_thread_teardown();
		return cli_fail("cannot start the server: %s", err);
	}
	/* Events written by other serve processes reach this one's streams
	 * through LISTEN/NOTIFY (SQLite: one process, nothing to listen to). */
	bool is_listening = false;
	if (db_is_postgres_url(c->db_url)) {
		if (db_listen_start(c->db_url, on_event_notify, err, sizeof err)) {
			web_server_stop(server);
			db_thread_teardown();
			return cli_fail("cannot start the server: %s", err);
		}
		is_listening = true;
	}
	printf("citkit serving %s at %s\n", opt.program_name,
	       base_url(c, listen, web_server_port(server), opt.tls_cert != NULL));
	fflush(stdout);
	log_info("serving on port %d", web_server_port(server));

	int sig = 0;
	sigwait(&signals, &sig);
	log_info("stopping on signal %d", sig);
	if (is_listening)
		db_listen_stop();
	web_server_stop(server);
	db_thread_teardown();
	return CLI_OK;
}
