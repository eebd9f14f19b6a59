/* config.h: settings from the INI file (--config, read with inih) and the
 * command line. Every setting has a working default. */
#ifndef CITKIT_CONFIG_H
#define CITKIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct config {
	/* [database] */
	char db[1024];               /* path or postgres:// URL; CITKIT_DB */
	char sqlite_synchronous[8];  /* FULL (default) or NORMAL */
	/* [server] */
	char listen[128];            /* 127.0.0.1:8080 */
	int threads;                 /* worker threads; 0 = number of cores */
	char tls_cert[1024], tls_key[1024];
	size_t max_body_bytes;       /* 1 MiB for forms and JSON */
	size_t max_upload_bytes;     /* 8 MiB for roster uploads */
	int sse_heartbeat_seconds;   /* 15: event-stream heartbeat and sign-in check */
	/* [program] */
	char program_name[256];      /* "Pine Belt Regional CIT" */
	char timezone[64];           /* IANA name, America/Chicago */
	char public_url[512];        /* used in links that leave the site */
	/* [security] */
	char secret_key_file[1024];  /* 32-byte server secret, outside the database */
	int session_idle_minutes;    /* 30 */
	int session_absolute_hours;  /* 12 */
	int lockout_failures;        /* 5 */
	int lockout_window_minutes;  /* 15 */
	char totp_required_roles[256]; /* "admin,coordinator" */
} config;

void config_defaults(config *c);
/* Reads path into c over the defaults; err names the file, line and
 * problem. 0 or CK_E_INVALID / CK_E_IO. */
int config_load(config *c, const char *path, char *err, size_t errlen);
/* True for ADDR:PORT (a name, an IPv4 address or [IPv6]; port 0-65535):
 * what [server] listen and `serve --listen` accept. */
bool config_is_listen_address(const char *v);
/* Parses an INI text already in memory (the fuzz target uses it). */
int config_parse_string(config *c, const char *text, char *err, size_t errlen);

#endif
