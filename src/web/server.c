/* server.c: libmicrohttpd glue. One daemon with an epoll thread pool (and
 * TLS when a certificate is configured). Each request gets a context with
 * an arena, created in the URI callback (the first thing libmicrohttpd
 * tells us about a request) and freed once in the completion callback.
 * Limits are checked before anything is stored: the URL length in the
 * URI callback, Content-Length on the first call, the running body size
 * while it arrives. The body is then decoded, the router runs the
 * middleware and the handler, and the response is queued from the arena
 * without copying (the arena outlives the response). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/log.h"
#include "parse.h"
#include "web_internal.h"

enum {
	MAX_URL = 8192,
	/* Per connection: the request line and headers, then the response's
	 * write buffer. libmicrohttpd touches about half of it for every
	 * connection (the read buffer's zeroed tail), so it is most of what an
	 * idle event stream costs: 32 KiB keeps 2,000 debrief screens under
	 * 100 MB and still takes a MAX_URL target with ~20 KiB of headers. */
	CONNECTION_MEMORY = 32 * 1024,
	CONNECTION_TIMEOUT_S = 60,
	MAX_TLS_FILE = 1 << 20,
	/* Open connections, event streams included (libmicrohttpd's default
	 * is FD_SETSIZE - 4, about a thousand, even under epoll; a debrief
	 * screen per officer in a large class holds one each). Each needs a
	 * descriptor: raise_fd_limit() asks for that many and some spare. */
	MAX_CONNECTIONS = 16384,
	SPARE_FDS = 256,
};

struct web_server {
	struct MHD_Daemon *daemon;
	web_options opt;
	char *program_name;
	char *cert_pem, *key_pem;
	bool is_tls;
	int port;
};

typedef struct conn_ctx {
	web_server *srv;
	arena *arena;
	const char *target; /* the raw request target, "/path?query" */
	int early_error;    /* found before the handler could run */
	int early_status;   /* overrides the error's status (414) */
	bool started;
	bool too_large; /* body went past the limit; rest discarded */
	size_t limit;
	buf body;
	int64_t start_us;
	request *req;
	int status; /* what was queued, for the access log */
	size_t bytes;
} conn_ctx;

const web_options *web_server_options(const web_server *s)
{
	return &s->opt;
}

int web_server_port(const web_server *s)
{
	return s->port;
}

const web_options *web_request_options(const request *req)
{
	return req->server ? &((const web_server *)req->server)->opt : NULL;
}

const char *web_program_name(const request *req)
{
	const web_options *o = web_request_options(req);
	return o && o->program_name && *o->program_name ? o->program_name : "citkit";
}

/* libmicrohttpd's URI log callback: the first sight of a request. Its
 * return value becomes the request's context pointer. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)conn;
	conn_ctx *ctx;
	arena *a = arena_new();
	ctx = arena_alloc(a, sizeof *ctx);
	ctx->srv = cls;
	ctx->arena = a;
	ctx->start_us = clock_mono_us();
	size_t n = strnlen(uri, MAX_URL + 1);
	if (n > MAX_URL) {
		ctx->early_error = CK_E_TOO_LARGE;
		ctx->early_status = 414;
		ctx->target = "/";
	} else {
		ctx->target = arena_strndup(a, uri, n);
	}
	buf_init(&ctx->body, a);
	return ctx;
}

static const char *client_ip(arena *a, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
			          sizeof text);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
			          sizeof text);
	}
	return arena_strdup(a, text);
}

static bool type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return ct && !strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static request *request_new(conn_ctx *ctx, struct MHD_Connection *conn, const char *method)
{
	arena *a = ctx->arena;
	request *req = arena_alloc(a, sizeof *req);
	req->arena = a;
	req->conn = conn;
	req->server = ctx->srv;
	req->is_tls = ctx->srv->is_tls;
	req->is_head = !strcmp(method, "HEAD");
	req->method = req->is_head ? "GET" : arena_strdup(a, method);
	req->path = "/";
	kv_init(&req->query, a);
	kv_init(&req->form, a);
	buf_init(&req->resp.body, a);
	req->remote_ip = client_ip(a, conn);
	req->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	req->body = buf_str(&ctx->body);
	req->body_len = ctx->body.len;
	ctx->req = req;
	return req;
}

/* Decodes a form body into req->form; 0, or the error to answer. */
static int decode_body(request *req, const web_server *srv)
{
	const char *ct = req->content_type;
	if (req->body_len == 0)
		return 0;
	if (type_is(ct, "application/x-www-form-urlencoded"))
		return parse_urlencoded(req->arena, req->body, req->body_len, &parse_form_limits,
		                        &req->form);
	if (type_is(ct, "multipart/form-data")) {
		parse_limits lim = parse_form_limits;
		lim.max_value = srv->opt.max_upload_bytes;
		upload *ups;
		int rc = parse_multipart(req->arena, ct, req->body, req->body_len, &lim, &req->form,
		                         &ups, &req->n_uploads);
		req->uploads = ups;
		return rc;
	}
	if (type_is(ct, "application/json") ||
	    (ct && strstr(ct, "+json") && !strncasecmp(ct, "application/", 12)))
		return 0; /* decoded by the handler (request_json) */
	if (type_is(ct, "text/csv"))
		return 0; /* read raw by the handler (POST /api/v1/roster) */
	return CK_E_UNSUPPORTED;
}

static void add_headers(struct MHD_Response *r, const request *req)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->resp.content_type);
	for (size_t i = 0; i < req->resp.n_headers; i++)
		MHD_add_response_header(r, req->resp.headers[i].name, req->resp.headers[i].value);
}

static enum MHD_Result queue(conn_ctx *ctx, struct MHD_Connection *conn)
{
	request *req = ctx->req;
	resp_finalize(req);
	struct MHD_Response *r;
	if (req->resp.is_sse) {
		r = sse_response(req);
		ctx->bytes = 0;
	} else if (req->resp.static_body) {
		r = MHD_create_response_from_buffer(
		    req->resp.static_len, (void *)req->resp.static_body, MHD_RESPMEM_PERSISTENT);
		ctx->bytes = req->is_head ? 0 : req->resp.static_len;
	} else {
		/* The arena lives until the completion callback, after the
		 * last byte is sent: no copy needed. */
		r = MHD_create_response_from_buffer(
		    req->resp.body.len, (void *)buf_str(&req->resp.body), MHD_RESPMEM_PERSISTENT);
		ctx->bytes = req->is_head ? 0 : req->resp.body.len;
	}
	if (!r)
		return MHD_NO;
	add_headers(r, req);
	ctx->status = req->resp.status;
	/* Counted when queued, not when sent: a client that reads /metrics
	 * right after a response sees that response counted. The access log
	 * (at completion) has the full time including sending. */
	metrics_observe(req->route ? req->route->pattern : "unmatched",
	                req->is_head ? "HEAD" : req->method, ctx->status,
	                clock_mono_us() - ctx->start_us);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)req->resp.status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Answers an error found before routing (limits, malformed target). */
static enum MHD_Result queue_early(conn_ctx *ctx, struct MHD_Connection *conn, const char *method,
                                   int code, int status)
{
	request *req = ctx->req ? ctx->req : request_new(ctx, conn, method);
	const char *q = strchr(ctx->target, '?');
	req->path =
	    q ? arena_strndup(ctx->arena, ctx->target, (size_t)(q - ctx->target)) : ctx->target;
	/* The path is shown back only if it is clean text. */
	if (!validate_utf8(req->path, strlen(req->path)))
		req->path = "/";
	req->wants_json = !strncmp(req->path, "/api/", 5);
	resp_error(req, code, NULL);
	if (status)
		req->resp.status = status;
	return queue(ctx, conn);
}

static enum MHD_Result first_call(conn_ctx *ctx, struct MHD_Connection *conn, const char *method)
{
	const web_server *srv = ctx->srv;
	ctx->started = true;
	if (ctx->early_error)
		return queue_early(ctx, conn, method, ctx->early_error, ctx->early_status);
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	ctx->limit = type_is(ct, "multipart/form-data") ? srv->opt.max_upload_bytes
	                                                : srv->opt.max_body_bytes;
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	if (cl) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		if (end == cl || *end)
			return queue_early(ctx, conn, method, CK_E_MALFORMED, 0);
		if (errno || n > ctx->limit)
			return queue_early(ctx, conn, method, CK_E_TOO_LARGE, 0);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)version;
	conn_ctx *ctx = *con_cls;
	if (!ctx)
		return MHD_NO;
	if (!ctx->started)
		return first_call(ctx, conn, method);
	if (*upload_size) {
		/* Chunked bodies have no Content-Length: count as they come,
		 * and past the limit keep reading but keep nothing. */
		if (!ctx->too_large && ctx->body.len + *upload_size <= ctx->limit)
			buf_append(&ctx->body, upload_data, *upload_size);
		else
			ctx->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (ctx->req)
		return MHD_YES; /* already answered */
	if (ctx->too_large)
		return queue_early(ctx, conn, method, CK_E_TOO_LARGE, 0);
	request *req = request_new(ctx, conn, method);
	int rc =
	    parse_target(ctx->arena, ctx->target, strlen(ctx->target), &req->path, &req->query);
	if (rc)
		return queue_early(ctx, conn, method, rc == CK_E_TOO_LARGE ? rc : CK_E_MALFORMED,
		                   0);
	rc = decode_body(req, ctx->srv);
	router_dispatch(req, &ctx->srv->opt, rc);
	return queue(ctx, conn);
}

static void access_log(const conn_ctx *ctx, int64_t duration_us)
{
	const request *req = ctx->req;
	char ts[CLOCK_RFC3339_LEN];
	clock_rfc3339_cs(clock_now_cs(), ts);
	buf b;
	buf_init(&b, ctx->arena);
	buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"method\":", ts);
	log_json_string(&b, req->is_head ? "HEAD" : req->method);
	buf_puts(&b, ",\"route\":");
	log_json_string(&b, req->route ? req->route->pattern : "");
	buf_puts(&b, ",\"path\":");
	log_json_string(&b, req->path);
	buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f,\"ip\":", ctx->status,
	           ctx->bytes, (double)duration_us / 1000.0);
	log_json_string(&b, req->remote_ip);
	buf_printf(&b, ",\"user\":%" PRId64 "}", req->who.user_id);
	log_json_line(buf_str(&b));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	web_server *srv = cls;
	conn_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	*con_cls = NULL;
	if (ctx->req && ctx->status) {
		if (!srv->opt.quiet)
			access_log(ctx, clock_mono_us() - ctx->start_us);
	}
	arena_free(ctx->arena);
}

static int read_file(const char *path, char **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return CK_E_IO;
	}
	char *data = malloc(MAX_TLS_FILE + 1);
	size_t n = data ? fread(data, 1, MAX_TLS_FILE + 1, f) : 0;
	fclose(f);
	if (!data || n == 0 || n > MAX_TLS_FILE) {
		free(data);
		snprintf(err, errlen, "cannot read %s (empty or too large)", path);
		return CK_E_IO;
	}
	data[n] = '\0';
	*out = data;
	return 0;
}

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (every address). */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, char *err,
                        size_t errlen)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || !colon[1]) {
		snprintf(err, errlen, "listen address \"%s\" is not ADDR:PORT", listen);
		return CK_E_INVALID;
	}
	char host[256];
	size_t hn = (size_t)(colon - listen);
	if (hn >= sizeof host) {
		snprintf(err, errlen, "listen address \"%s\" is too long", listen);
		return CK_E_INVALID;
	}
	memcpy(host, listen, hn);
	host[hn] = '\0';
	char *h = host;
	if (hn >= 2 && host[0] == '[' && host[hn - 1] == ']') {
		host[hn - 1] = '\0';
		h = host + 1;
	}
	struct addrinfo hints = {.ai_flags = AI_NUMERICSERV | AI_PASSIVE,
	                         .ai_socktype = SOCK_STREAM},
	                *res;
	int rc = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "listen address \"%s\": %s", listen, gai_strerror(rc));
		return CK_E_INVALID;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(msg, sizeof msg, fmt, ap);
#pragma GCC diagnostic pop
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	/* A client that goes away mid-response (an event stream closed by
	 * its tab) is routine, not a warning. */
	bool is_routine = strstr(msg, "no longer available") || strstr(msg, "reset by peer");
	log_msg(is_routine ? LOG_DEBUG : LOG_WARN, "libmicrohttpd: %s", msg);
}

/* The soft descriptor limit up towards the hard one (systemd and most
 * shells start services at 1,024): enough for MAX_CONNECTIONS and the
 * database's own files. Returns the connection limit the descriptors
 * allow. */
static unsigned raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return MAX_CONNECTIONS;
	rlim_t want = (rlim_t)MAX_CONNECTIONS + SPARE_FDS;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rlim_t old = rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			rl.rlim_cur = old;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return MAX_CONNECTIONS;
	if (rl.rlim_cur <= 2 * SPARE_FDS)
		return (unsigned)(rl.rlim_cur / 2);
	return (unsigned)(rl.rlim_cur - SPARE_FDS);
}

static void server_free(web_server *s)
{
	if (!s)
		return;
	free(s->program_name);
	free(s->cert_pem);
	free(s->key_pem);
	free(s);
}

int web_server_start(const web_options *opt, web_server **out, char *err, size_t errlen)
{
	*out = NULL;
	int rc = router_check(err, errlen);
	if (rc)
		return rc;
	if (assets_init()) {
		snprintf(err, errlen, "embedded assets are missing");
		return CK_E_INTERNAL;
	}
	web_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return CK_E_INTERNAL;
	}
	s->opt = *opt;
	s->program_name = strdup(opt->program_name ? opt->program_name : "citkit");
	s->opt.program_name = s->program_name;
	s->opt.listen = NULL; /* the caller's string need not outlive start */
	s->opt.tls_cert = s->opt.tls_key = NULL;
	if (!s->opt.max_body_bytes)
		s->opt.max_body_bytes = WEB_DEFAULT_MAX_BODY;
	if (!s->opt.max_upload_bytes)
		s->opt.max_upload_bytes = WEB_DEFAULT_MAX_UPLOAD;
	struct sockaddr_storage ss;
	socklen_t sslen;
	rc = parse_listen(opt->listen ? opt->listen : "127.0.0.1:8080", &ss, &sslen, err, errlen);
	if (rc)
		goto fail;
	bool has_cert = opt->tls_cert && *opt->tls_cert, has_key = opt->tls_key && *opt->tls_key;
	if (has_cert != has_key) {
		snprintf(err, errlen, "TLS needs both a certificate and a key");
		rc = CK_E_INVALID;
		goto fail;
	}
	if (has_cert) {
		rc = read_file(opt->tls_cert, &s->cert_pem, err, errlen);
		if (!rc)
			rc = read_file(opt->tls_key, &s->key_pem, err, errlen);
		if (rc)
			goto fail;
		s->is_tls = true;
	}
	unsigned threads =
	    opt->threads > 0 ? (unsigned)opt->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	unsigned flags =
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (s->is_tls)
		flags |= MHD_USE_TLS;
	unsigned max_conns = raise_fd_limit();
	metrics_init();
	sse_start(opt->recheck_credentials, opt->sse_heartbeat_seconds);
	/* Optional settings go through one option array: TLS only with a
	 * certificate, a pool only with more than one thread. */
	struct MHD_OptionItem extra[4];
	size_t ne = 0;
	if (threads > 1)
		extra[ne++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
	if (s->is_tls) {
		extra[ne++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem};
		extra[ne++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem};
	}
	extra[ne] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	s->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, max_conns,
	    MHD_OPTION_ARRAY, extra, MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, errlen, "cannot listen on %s%s",
		         opt->listen ? opt->listen : "127.0.0.1:8080",
		         s->is_tls ? " (or the TLS certificate and key do not match)" : "");
		sse_shutdown();
		rc = CK_E_IO;
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return 0;
fail:
	server_free(s);
	return rc;
}

void web_server_stop(web_server *s)
{
	if (!s)
		return;
	/* Streams first: a suspended connection would otherwise hold the
	 * daemon's shutdown until its client goes away. */
	sse_shutdown();
	MHD_stop_daemon(s->daemon);
	server_free(s);
}
