/* sse_load.c: the load client of bench/scenarios. One process, one epoll
 * loop, raw non-blocking sockets (libcurl's per-handle cost does not
 * scale to thousands of open streams in one process).
 *
 * 1. Opens one event stream (GET PATH, HTTP/1.1, chunked) per line of
 *    the subscribers file (each line a request header, e.g.
 *    "Authorization: Bearer ck_…"), a batch at a time, and waits until
 *    every one has answered 200 and its first bytes.
 * 2. Reads the server's VmRSS (/proc/PID/status) with all connected.
 * 3. One keep-alive connection per line of the scorers file sends
 *    PUT FEEDBACK-PATH at a steady pace: scorer i at t0 + (i + k·n) ·
 *    interval / n, with random scores over the given skill codes and a
 *    comment carrying a nonce ("bench-nonce-K"). The send time of K is
 *    taken just before its write().
 * 4. Every "feedback" event a stream receives is matched by its nonce;
 *    its arrival is the kernel's receive timestamp (SO_TIMESTAMPNS) of
 *    the bytes that completed the event (the blank line), less the send
 *    time (both CLOCK_REALTIME): what the server took, without this
 *    client's own queueing when 2,000 sockets are readable at once. The
 *    time the client got round to reading it is kept too and printed
 *    beside. Also checked on every stream: the id: sequence has no gaps
 *    and no duplicates.
 *
 * Prints what it sees as it goes, then one line:
 *   RESULT key=value …
 * for bench/scenarios to format. Exits 0 when it could measure (the
 * figures are judged by whoever reads them), 1 when it could not (no
 * connection, a stream refused). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_HEADER = 16 * 1024,  /* a response's header block */
	READ_CHUNK = 64 * 1024,
	CONNECT_BATCH = 200,     /* streams being opened at once */
	MAX_LINE = 1 << 20,      /* one SSE line; longer is a protocol error */
};

typedef enum { ST_CONNECTING, ST_SENDING, ST_HEADERS, ST_BODY, ST_DONE } conn_state;
typedef enum { CH_SIZE, CH_DATA, CH_CRLF, CH_END } chunk_state;

/* A response being read: the header block, then a body (chunked or not). */
typedef struct reader {
	char head[MAX_HEADER];
	size_t head_len;
	int status;
	bool is_chunked;
	long long content_length; /* -1: until close */
	long long body_seen;
	chunk_state cs;
	unsigned long long chunk_left;
	char size_line[32];
	size_t size_len;
} reader;

/* An event stream. */
typedef struct sub {
	int fd;
	conn_state st;
	const char *header;
	char req[2048];
	size_t req_len, req_off;
	reader rd;
	/* SSE: the partial line, and the event being assembled. */
	char *line;
	size_t line_len, line_cap;
	char event[32];
	long long nonce; /* -1 until a data line names one */
	long long id;    /* from "id:", -1 when none */
	long long last_id;
	bool has_first_bytes;
	long received, gaps, dups, other_events;
} sub;

/* A scorer's keep-alive connection. */
typedef struct scorer {
	int fd;
	conn_state st;
	const char *header;
	char req[4096];
	size_t req_len, req_off;
	reader rd;
	char body[512]; /* the start of an answer, for error messages */
	size_t body_len;
	int64_t sent_us;
	int next_k;      /* how many sends done */
	int64_t due_us;  /* when the next one is due */
} scorer;

static struct {
	const char *host, *events_path, *feedback_path, *subs_file, *scorers_file;
	int port;
	int interval_ms, seconds, drain_s, connect_timeout_s;
	long server_pid;
	char **codes;
	size_t n_codes;
	struct sockaddr_in addr;
	int ep;
	sub *subs;
	size_t n_subs;
	scorer *scorers;
	size_t n_scorers;
	/* Per nonce: its send time; per (nonce, subscriber): arrived or not. */
	int64_t *sent_at;
	int64_t *first_at, *last_at; /* per nonce: its first and last delivery */
	size_t n_nonces, max_nonces;
	uint8_t *got;     /* bitmap, nonce-major */
	uint32_t *lat_us;  /* every delivery: kernel arrival less send */
	uint32_t *read_us; /* the same delivery: read by this client less send */
	int64_t read_now;  /* CLOCK_REALTIME of the read being parsed */
	size_t n_lat, cap_lat;
	long unknown_nonce, put_errors, put_ok, late_sends, stream_errors, streams_closed;
	uint32_t *put_us;
	size_t n_put;
} G;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wall-clock microseconds: the clock of the kernel's receive stamps. */
static int64_t real_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("sse-load: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory");
	return p;
}

/* The lines of a file (no empty ones). */
static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	char **lines = NULL;
	size_t len = 0, cap = 0;
	char *l = NULL;
	size_t lcap = 0;
	ssize_t got;
	while ((got = getline(&l, &lcap, f)) >= 0) {
		while (got > 0 && (l[got - 1] == '\n' || l[got - 1] == '\r'))
			l[--got] = '\0';
		if (!got)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			lines = realloc(lines, cap * sizeof *lines);
			if (!lines)
				die("out of memory");
		}
		lines[len] = strdup(l);
		if (!lines[len++])
			die("out of memory");
	}
	free(l);
	fclose(f);
	*n = len;
	return lines;
}

static long rss_kb(const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", G.server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long kb = -1;
	size_t n = strlen(field);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* The server's user + system CPU time so far, in seconds (-1: unknown). */
static double cpu_s(void)
{
	char path[64], line[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", G.server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *ok = fgets(line, sizeof line, f);
	fclose(f);
	const char *p = ok ? strrchr(line, ')') : NULL; /* the name may hold spaces */
	unsigned long long ut, st;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	                 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int open_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s (raise ulimit -n)", strerror(errno));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&G.addr, sizeof G.addr) < 0 && errno != EINPROGRESS)
		die("connect: %s", strerror(errno));
	return fd;
}

/* The epoll data word: index, with the top bit set for scorers. */
#define SCORER_BIT ((uint64_t)1 << 63)

static void watch(int fd, uint32_t events, uint64_t tag, bool is_new)
{
	struct epoll_event ev = {.events = events, .data.u64 = tag};
	if (epoll_ctl(G.ep, is_new ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
}

static void reader_reset(reader *rd)
{
	rd->head_len = 0;
	rd->status = 0;
	rd->is_chunked = false;
	rd->content_length = -1;
	rd->body_seen = 0;
	rd->cs = CH_SIZE;
	rd->chunk_left = 0;
	rd->size_len = 0;
}

/* Header block complete in rd->head[0..end): status, framing. */
static void parse_head(reader *rd, size_t end)
{
	rd->head[end] = '\0';
	if (sscanf(rd->head, "HTTP/1.%*d %d", &rd->status) != 1)
		rd->status = -1;
	for (char *l = strstr(rd->head, "\r\n"); l && l < rd->head + end; l = strstr(l + 2, "\r\n")) {
		char *h = l + 2;
		if (!strncasecmp(h, "Transfer-Encoding:", 18) && strstr(h, "chunked") &&
		    strstr(h, "chunked") < strstr(h, "\r\n"))
			rd->is_chunked = true;
		else if (!strncasecmp(h, "Content-Length:", 15))
			rd->content_length = strtoll(h + 15, NULL, 10);
	}
}

/* Feeds bytes of a response; headers first, then the body's payload to
 * sink (chunk framing removed). Returns the bytes of the header block
 * consumed from data, or -1 on a framing error. *done: the body ended. */
typedef void (*sink_fn)(void *who, const char *p, size_t n, int64_t t);
static int feed(reader *rd, const char *data, size_t n, sink_fn sink, void *who, int64_t t,
                bool *headers_done, bool *done)
{
	size_t i = 0;
	*done = false;
	if (!*headers_done) {
		while (i < n) {
			if (rd->head_len >= MAX_HEADER - 1)
				return -1;
			rd->head[rd->head_len++] = data[i++];
			if (rd->head_len >= 4 && !memcmp(rd->head + rd->head_len - 4, "\r\n\r\n", 4)) {
				parse_head(rd, rd->head_len);
				*headers_done = true;
				break;
			}
		}
		if (!*headers_done)
			return 0;
		if (!rd->is_chunked && rd->content_length == 0) {
			*done = true;
			return 0;
		}
	}
	while (i < n) {
		if (!rd->is_chunked) {
			size_t take = n - i;
			if (rd->content_length >= 0 &&
			    (long long)take > rd->content_length - rd->body_seen)
				take = (size_t)(rd->content_length - rd->body_seen);
			sink(who, data + i, take, t);
			rd->body_seen += (long long)take;
			i += take;
			if (rd->content_length >= 0 && rd->body_seen >= rd->content_length) {
				*done = true;
				return 0;
			}
			continue;
		}
		switch (rd->cs) {
		case CH_SIZE: {
			char c = data[i++];
			if (c == '\n') {
				rd->size_line[rd->size_len] = '\0';
				char *end;
				rd->chunk_left = strtoull(rd->size_line, &end, 16);
				if (end == rd->size_line)
					return -1;
				rd->size_len = 0;
				rd->cs = rd->chunk_left ? CH_DATA : CH_END;
				if (rd->cs == CH_END) {
					*done = true;
					return 0;
				}
			} else if (c != '\r') {
				if (rd->size_len >= sizeof rd->size_line - 1)
					return -1;
				rd->size_line[rd->size_len++] = c;
			}
			break;
		}
		case CH_DATA: {
			size_t take = n - i;
			if (take > rd->chunk_left)
				take = (size_t)rd->chunk_left;
			sink(who, data + i, take, t);
			rd->chunk_left -= take;
			i += take;
			if (!rd->chunk_left)
				rd->cs = CH_CRLF;
			break;
		}
		case CH_CRLF:
			if (data[i++] == '\n')
				rd->cs = CH_SIZE;
			break;
		case CH_END:
			i = n;
			break;
		}
	}
	return 0;
}

/* "bench-nonce-K" in s[0..n): K, or -1. */
static long long find_nonce(const char *s, size_t n)
{
	static const char mark[] = "bench-nonce-";
	const size_t m = sizeof mark - 1;
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), mark, m));) {
		p += m;
		if (p < s + n && isdigit((unsigned char)*p)) {
			long long k = 0;
			while (p < s + n && isdigit((unsigned char)*p))
				k = k * 10 + (*p++ - '0');
			return k;
		}
	}
	return -1;
}

static void record(sub *s, long long k, int64_t t)
{
	if (k < 0 || (size_t)k >= G.n_nonces || !G.sent_at[k]) {
		G.unknown_nonce++;
		return;
	}
	size_t si = (size_t)(s - G.subs);
	size_t bit = (size_t)k * G.n_subs + si;
	if (G.got[bit / 8] & (1u << (bit % 8))) {
		s->dups++;
		return;
	}
	G.got[bit / 8] |= (uint8_t)(1u << (bit % 8));
	if (G.n_lat == G.cap_lat) {
		G.cap_lat = G.cap_lat ? G.cap_lat * 2 : 1 << 16;
		G.lat_us = realloc(G.lat_us, G.cap_lat * sizeof *G.lat_us);
		G.read_us = realloc(G.read_us, G.cap_lat * sizeof *G.read_us);
		if (!G.lat_us || !G.read_us)
			die("out of memory");
	}
	int64_t d = t - G.sent_at[k], dr = G.read_now - G.sent_at[k];
	G.read_us[G.n_lat] = dr < 0 ? 0 : (uint32_t)dr;
	G.lat_us[G.n_lat++] = d < 0 ? 0 : (uint32_t)d;
	if (!G.first_at[k] || t < G.first_at[k])
		G.first_at[k] = t;
	if (t > G.last_at[k])
		G.last_at[k] = t;
	s->received++;
}

/* One complete SSE line (no line ending). */
static void sse_line(sub *s, const char *l, size_t n, int64_t t)
{
	if (n == 0) { /* the blank line: dispatch */
		if (s->id >= 0) {
			if (s->last_id >= 0 && s->id <= s->last_id)
				s->dups++;
			else if (s->last_id >= 0 && s->id != s->last_id + 1)
				s->gaps++;
			if (s->id > s->last_id)
				s->last_id = s->id;
		}
		if (!strcmp(s->event, "feedback"))
			record(s, s->nonce, t);
		else if (s->event[0])
			s->other_events++;
		s->event[0] = '\0';
		s->nonce = -1;
		s->id = -1;
		return;
	}
	if (l[0] == ':')
		return; /* a comment: heartbeat */
	const char *colon = memchr(l, ':', n);
	size_t fn = colon ? (size_t)(colon - l) : n;
	const char *v = colon ? colon + 1 : l + n;
	if (v < l + n && *v == ' ')
		v++;
	size_t vn = (size_t)(l + n - v);
	if (fn == 5 && !memcmp(l, "event", 5)) {
		if (vn >= sizeof s->event)
			vn = sizeof s->event - 1;
		memcpy(s->event, v, vn);
		s->event[vn] = '\0';
	} else if (fn == 4 && !memcmp(l, "data", 4)) {
		long long k = find_nonce(v, vn);
		if (k >= 0)
			s->nonce = k;
	} else if (fn == 2 && !memcmp(l, "id", 2)) {
		char tmp[32];
		if (vn >= sizeof tmp)
			vn = sizeof tmp - 1;
		memcpy(tmp, v, vn);
		tmp[vn] = '\0';
		s->id = strtoll(tmp, NULL, 10);
	}
}

/* The event stream's payload: split into lines, keeping a partial one. */
static void sub_sink(void *who, const char *p, size_t n, int64_t t)
{
	sub *s = who;
	s->has_first_bytes = true;
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (s->line_len || !nl) {
			if (s->line_len + take > MAX_LINE)
				die("an event-stream line longer than %d bytes", MAX_LINE);
			if (s->line_len + take > s->line_cap) {
				s->line_cap = (s->line_len + take) * 2;
				s->line = realloc(s->line, s->line_cap);
				if (!s->line)
					die("out of memory");
			}
			memcpy(s->line + s->line_len, p, take);
			s->line_len += take;
		}
		if (!nl)
			return;
		const char *l = s->line_len ? s->line : p;
		size_t ln = s->line_len ? s->line_len : take;
		if (ln && l[ln - 1] == '\r')
			ln--;
		sse_line(s, l, ln, t);
		s->line_len = 0;
		p += take + 1;
		n -= take + 1;
	}
}

static void scorer_sink(void *who, const char *p, size_t n, int64_t t)
{
	(void)t;
	scorer *c = who;
	size_t room = sizeof c->body - 1 - c->body_len;
	if (n > room)
		n = room;
	memcpy(c->body + c->body_len, p, n);
	c->body_len += n;
	c->body[c->body_len] = '\0';
}

static void sub_open(sub *s)
{
	s->fd = open_socket();
	int one = 1;
	if (setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0)
		die("SO_TIMESTAMPNS: %s", strerror(errno));
	s->st = ST_CONNECTING;
	s->req_off = 0;
	reader_reset(&s->rd);
	s->last_id = s->id = s->nonce = -1;
	watch(s->fd, EPOLLOUT | EPOLLIN, (uint64_t)(s - G.subs), true);
}

static void sub_fail(sub *s, const char *why)
{
	G.stream_errors++;
	fprintf(stderr, "sse-load: stream %zu: %s\n", (size_t)(s - G.subs), why);
	epoll_ctl(G.ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
	s->st = ST_DONE;
}

static void sub_event(sub *s, uint32_t ev, char *buf)
{
	if (s->st == ST_DONE)
		return;
	if (s->st == ST_CONNECTING || s->st == ST_SENDING) {
		if (ev & (EPOLLERR | EPOLLHUP)) {
			sub_fail(s, "connection refused or reset");
			return;
		}
		if (!(ev & EPOLLOUT))
			return;
		s->st = ST_SENDING;
		ssize_t w = send(s->fd, s->req + s->req_off, s->req_len - s->req_off, MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN) {
			sub_fail(s, strerror(errno));
			return;
		}
		if (w > 0)
			s->req_off += (size_t)w;
		if (s->req_off == s->req_len) {
			s->st = ST_HEADERS;
			watch(s->fd, EPOLLIN, (uint64_t)(s - G.subs), false);
		}
		return;
	}
	for (;;) {
		char ctl[CMSG_SPACE(sizeof(struct timespec))];
		struct iovec iov = {.iov_base = buf, .iov_len = READ_CHUNK};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
		                    .msg_controllen = sizeof ctl};
		ssize_t r = recvmsg(s->fd, &mh, 0);
		G.read_now = real_us();
		int64_t t = G.read_now;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); r > 0 && cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;
				memcpy(&ts, CMSG_DATA(cm), sizeof ts);
				t = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
			}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			G.streams_closed++;
			sub_fail(s, r == 0 ? "the server closed the stream" : strerror(errno));
			return;
		}
		bool headers_done = s->st == ST_BODY, done;
		if (feed(&s->rd, buf, (size_t)r, sub_sink, s, t, &headers_done, &done) < 0) {
			sub_fail(s, "malformed response framing");
			return;
		}
		if (headers_done && s->st == ST_HEADERS) {
			s->st = ST_BODY;
			if (s->rd.status != 200) {
				char why[160];
				snprintf(why, sizeof why, "answered %d, not 200", s->rd.status);
				sub_fail(s, why);
				return;
			}
		}
		if (done) {
			G.streams_closed++;
			sub_fail(s, "the stream ended");
			return;
		}
		if (r < READ_CHUNK)
			return;
	}
}

static void scorer_connect(scorer *c)
{
	c->fd = open_socket();
	c->st = ST_CONNECTING;
	watch(c->fd, EPOLLOUT | EPOLLIN, SCORER_BIT | (uint64_t)(c - G.scorers), true);
}

static void scorer_close(scorer *c)
{
	if (c->fd >= 0) {
		epoll_ctl(G.ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
}

/* Builds the next PUT with nonce k and writes it. */
static void scorer_send(scorer *c, int64_t now)
{
	size_t k = G.n_nonces++;
	char body[2048];
	size_t bn = (size_t)snprintf(body, sizeof body, "{\"scores\":{");
	for (size_t i = 0; i < G.n_codes && bn < sizeof body - 64; i++)
		bn += (size_t)snprintf(body + bn, sizeof body - bn, "%s\"%s\":%d", i ? "," : "",
		                       G.codes[i], 1 + rand() % 5);
	bn += (size_t)snprintf(body + bn, sizeof body - bn,
	                       "},\"comment\":\"Scorer %zu, pass %d: bench-nonce-%zu\"}",
	                       (size_t)(c - G.scorers), c->next_k, k);
	c->req_len = (size_t)snprintf(c->req, sizeof c->req,
	                              "PUT %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n"
	                              "Content-Type: application/json\r\n"
	                              "Content-Length: %zu\r\n\r\n%s",
	                              G.feedback_path, G.host, G.port, c->header, bn, body);
	c->req_off = 0;
	c->body_len = 0;
	c->body[0] = '\0';
	reader_reset(&c->rd);
	if (now > c->due_us + 10000)
		G.late_sends++;
	c->next_k++;
	c->due_us += (int64_t)G.interval_ms * 1000;
	c->sent_us = now_us();
	G.sent_at[k] = real_us();
	c->st = ST_SENDING;
	ssize_t w = send(c->fd, c->req, c->req_len, MSG_NOSIGNAL);
	if (w > 0)
		c->req_off = (size_t)w;
	if (c->req_off < c->req_len)
		watch(c->fd, EPOLLOUT | EPOLLIN, SCORER_BIT | (uint64_t)(c - G.scorers), false);
	else
		c->st = ST_HEADERS;
}

static void scorer_event(scorer *c, uint32_t ev, char *buf)
{
	if (c->fd < 0)
		return;
	if (c->st == ST_CONNECTING) {
		if (ev & (EPOLLERR | EPOLLHUP))
			die("a scorer could not connect");
		if (ev & EPOLLOUT) {
			c->st = ST_DONE; /* idle, connected */
			watch(c->fd, EPOLLIN, SCORER_BIT | (uint64_t)(c - G.scorers), false);
		}
		return;
	}
	if (c->st == ST_SENDING && (ev & EPOLLOUT)) {
		ssize_t w = send(c->fd, c->req + c->req_off, c->req_len - c->req_off, MSG_NOSIGNAL);
		if (w > 0)
			c->req_off += (size_t)w;
		if (c->req_off == c->req_len) {
			c->st = ST_HEADERS;
			watch(c->fd, EPOLLIN, SCORER_BIT | (uint64_t)(c - G.scorers), false);
		}
	}
	if (!(ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (;;) {
		ssize_t r = recv(c->fd, buf, READ_CHUNK, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			/* Closed by the server: reconnect for the next send. */
			if (c->st == ST_HEADERS || c->st == ST_BODY || c->st == ST_SENDING) {
				G.put_errors++;
				fprintf(stderr, "sse-load: scorer %zu: connection closed mid-request\n",
				        (size_t)(c - G.scorers));
			}
			scorer_close(c);
			return;
		}
		bool headers_done = c->st == ST_BODY, done;
		if (feed(&c->rd, buf, (size_t)r, scorer_sink, c, 0, &headers_done, &done) < 0)
			die("a malformed answer to PUT");
		if (headers_done && c->st != ST_BODY)
			c->st = ST_BODY;
		if (done) {
			uint32_t us = (uint32_t)(now_us() - c->sent_us);
			G.put_us[G.n_put++] = us;
			if (c->rd.status == 200 || c->rd.status == 201) {
				G.put_ok++;
			} else {
				if (G.put_errors++ < 5)
					fprintf(stderr, "sse-load: PUT %s answered %d: %.300s\n",
					        G.feedback_path, c->rd.status, c->body);
			}
			c->st = ST_DONE;
		}
		if (r < READ_CHUNK)
			return;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static double pct_ms(uint32_t *v, size_t n, double p)
{
	if (!n)
		return -1;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i] / 1000.0;
}

static void loop_once(int timeout_ms, char *buf)
{
	struct epoll_event evs[512];
	int n = epoll_wait(G.ep, evs, 512, timeout_ms);
	if (n < 0 && errno != EINTR)
		die("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		uint64_t tag = evs[i].data.u64;
		if (tag & SCORER_BIT)
			scorer_event(&G.scorers[tag & ~SCORER_BIT], evs[i].events, buf);
		else
			sub_event(&G.subs[tag], evs[i].events, buf);
	}
}

static size_t subs_ready(size_t *failed)
{
	size_t ready = 0;
	*failed = 0;
	for (size_t i = 0; i < G.n_subs; i++) {
		if (G.subs[i].st == ST_DONE)
			(*failed)++;
		else if (G.subs[i].st == ST_BODY && G.subs[i].has_first_bytes)
			ready++;
	}
	return ready;
}

static void usage(void)
{
	fputs("usage: sse-load --host H --port P --events PATH --feedback PATH\n"
	      "         --subscribers FILE --scorers FILE --codes a,b,c --pid SERVER-PID\n"
	      "         [--interval-ms 2000] [--seconds 10] [--drain 10]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	G.host = "127.0.0.1";
	G.interval_ms = 2000;
	G.seconds = 10;
	G.drain_s = 10;
	G.connect_timeout_s = 120;
	const char *codes = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--host"))
			G.host = v;
		else if (!strcmp(a, "--port"))
			G.port = atoi(v);
		else if (!strcmp(a, "--events"))
			G.events_path = v;
		else if (!strcmp(a, "--feedback"))
			G.feedback_path = v;
		else if (!strcmp(a, "--subscribers"))
			G.subs_file = v;
		else if (!strcmp(a, "--scorers"))
			G.scorers_file = v;
		else if (!strcmp(a, "--codes"))
			codes = v;
		else if (!strcmp(a, "--pid"))
			G.server_pid = atol(v);
		else if (!strcmp(a, "--interval-ms"))
			G.interval_ms = atoi(v);
		else if (!strcmp(a, "--seconds"))
			G.seconds = atoi(v);
		else if (!strcmp(a, "--drain"))
			G.drain_s = atoi(v);
		else
			usage();
	}
	if (!G.port || !G.events_path || !G.feedback_path || !G.subs_file || !G.scorers_file ||
	    !codes || !G.server_pid || G.interval_ms <= 0 || G.seconds <= 0)
		usage();
	char *cs = strdup(codes);
	for (char *tok = strtok(cs, ","); tok; tok = strtok(NULL, ",")) {
		G.codes = realloc(G.codes, (G.n_codes + 1) * sizeof *G.codes);
		G.codes[G.n_codes++] = tok;
	}
	if (!G.n_codes)
		die("no skill codes");

	/* Every stream and scorer needs a descriptor; take the hard limit. */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	G.addr.sin_family = AF_INET;
	G.addr.sin_port = htons((uint16_t)G.port);
	if (inet_pton(AF_INET, G.host, &G.addr.sin_addr) != 1)
		die("--host must be an IPv4 address");
	G.ep = epoll_create1(EPOLL_CLOEXEC);
	if (G.ep < 0)
		die("epoll_create1: %s", strerror(errno));
	char *buf = malloc(READ_CHUNK);
	if (!buf)
		die("out of memory");
	srand(4242);

	size_t n;
	char **lines = read_lines(G.subs_file, &n);
	G.n_subs = n;
	G.subs = xcalloc(n, sizeof *G.subs);
	for (size_t i = 0; i < n; i++) {
		sub *s = &G.subs[i];
		s->fd = -1;
		s->header = lines[i];
		s->req_len = (size_t)snprintf(s->req, sizeof s->req,
		                              "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n"
		                              "Accept: text/event-stream\r\n\r\n",
		                              G.events_path, G.host, G.port, lines[i]);
	}
	lines = read_lines(G.scorers_file, &n);
	G.n_scorers = n;
	G.scorers = xcalloc(n, sizeof *G.scorers);
	for (size_t i = 0; i < n; i++) {
		G.scorers[i].fd = -1;
		G.scorers[i].header = lines[i];
	}
	if (!G.n_subs || !G.n_scorers)
		die("no subscribers or no scorers");
	int per_scorer = (int)((int64_t)G.seconds * 1000 / G.interval_ms);
	if (per_scorer < 1)
		per_scorer = 1;
	G.max_nonces = (size_t)per_scorer * G.n_scorers;
	G.sent_at = xcalloc(G.max_nonces, sizeof *G.sent_at);
	G.first_at = xcalloc(G.max_nonces, sizeof *G.first_at);
	G.last_at = xcalloc(G.max_nonces, sizeof *G.last_at);
	G.got = xcalloc(G.max_nonces * G.n_subs / 8 + 1, 1);
	G.put_us = xcalloc(G.max_nonces, sizeof *G.put_us);

	/* 1. The streams, CONNECT_BATCH at a time. */
	int64_t t_open = now_us();
	size_t opened = 0, ready = 0, failed = 0;
	while (ready + failed < G.n_subs) {
		while (opened < G.n_subs && opened - ready - failed < CONNECT_BATCH)
			sub_open(&G.subs[opened++]);
		loop_once(100, buf);
		ready = subs_ready(&failed);
		if (now_us() - t_open > (int64_t)G.connect_timeout_s * 1000000)
			break;
	}
	double open_s = (double)(now_us() - t_open) / 1e6;
	printf("streams: %zu of %zu open in %.1f s (%zu refused or closed)\n", ready, G.n_subs,
	       open_s, failed);
	fflush(stdout);
	if (ready < G.n_subs) {
		printf("RESULT ok=0 streams=%zu wanted=%zu\n", ready, G.n_subs);
		return 1;
	}
	/* Let the server settle (allocations after the first bytes). */
	int64_t settle = now_us() + 1000000;
	while (now_us() < settle)
		loop_once(50, buf);
	long rss_connected = rss_kb("VmRSS");
	double cpu_before = cpu_s();

	/* 2. The scorers: connect, then send on schedule. */
	for (size_t i = 0; i < G.n_scorers; i++)
		scorer_connect(&G.scorers[i]);
	int64_t t0 = now_us() + 200000;
	for (size_t i = 0; i < G.n_scorers; i++)
		G.scorers[i].due_us =
		    t0 + (int64_t)G.interval_ms * 1000 * (int64_t)i / (int64_t)G.n_scorers;
	int64_t t_end_sends = 0;
	for (;;) {
		int64_t now = now_us(), next = INT64_MAX;
		bool pending = false;
		for (size_t i = 0; i < G.n_scorers; i++) {
			scorer *c = &G.scorers[i];
			if (c->next_k >= per_scorer)
				continue;
			pending = true;
			if (c->fd < 0) {
				scorer_connect(c);
				continue;
			}
			if (c->st == ST_DONE && c->due_us <= now)
				scorer_send(c, now);
			if (c->due_us < next)
				next = c->due_us;
		}
		bool busy = false;
		for (size_t i = 0; i < G.n_scorers; i++)
			if (G.scorers[i].fd >= 0 && G.scorers[i].st != ST_DONE)
				busy = true;
		if (!pending && !busy) {
			t_end_sends = now;
			break;
		}
		int wait = next == INT64_MAX ? 50 : (int)((next - now + 999) / 1000);
		if (wait < 0)
			wait = 0;
		if (wait > 50)
			wait = 50;
		loop_once(wait, buf);
	}

	/* 3. Drain: until every (event, stream) arrived or --drain seconds. */
	size_t live = 0;
	for (size_t i = 0; i < G.n_subs; i++)
		live += G.subs[i].st == ST_BODY;
	size_t expected = G.put_ok * live;
	while (G.n_lat < expected && now_us() - t_end_sends < (int64_t)G.drain_s * 1000000)
		loop_once(50, buf);
	long rss_after = rss_kb("VmRSS"), rss_peak = rss_kb("VmHWM");
	double cpu_used = cpu_before >= 0 ? cpu_s() - cpu_before : -1;

	long gaps = 0, dups = 0, others = 0;
	for (size_t i = 0; i < G.n_subs; i++) {
		gaps += G.subs[i].gaps;
		dups += G.subs[i].dups;
		others += G.subs[i].other_events;
	}
	qsort(G.lat_us, G.n_lat, sizeof *G.lat_us, cmp_u32);
	qsort(G.read_us, G.n_lat, sizeof *G.read_us, cmp_u32);
	/* Per event: to its first stream (the commit and the wake-up), and
	 * from its first stream to its last (the fan-out). */
	uint32_t *first = xcalloc(G.n_nonces, sizeof *first), *spread = xcalloc(G.n_nonces,
	                                                                          sizeof *spread);
	size_t n_first = 0;
	for (size_t k = 0; k < G.n_nonces; k++)
		if (G.first_at[k]) {
			first[n_first] = (uint32_t)(G.first_at[k] - G.sent_at[k]);
			spread[n_first++] = (uint32_t)(G.last_at[k] - G.first_at[k]);
		}
	qsort(first, n_first, sizeof *first, cmp_u32);
	qsort(spread, n_first, sizeof *spread, cmp_u32);
	qsort(G.put_us, G.n_put, sizeof *G.put_us, cmp_u32);
	printf("feedback: %zu PUTs by %zu scorers (every %d ms each, %.1f a second), %ld answered "
	       "2xx, %ld errors, %ld sent late\n",
	       G.n_nonces, G.n_scorers, G.interval_ms,
	       (double)G.n_scorers * 1000.0 / G.interval_ms, G.put_ok, G.put_errors, G.late_sends);
	printf("deliveries: %zu of %zu (events x open streams); %zu missing, %ld duplicates, "
	       "%ld id gaps, %ld unknown nonces, %zu streams closed early\n",
	       G.n_lat, expected, expected > G.n_lat ? expected - G.n_lat : 0, dups, gaps,
	       G.unknown_nonce, (size_t)G.streams_closed);
	printf("RESULT ok=1 streams=%zu open_s=%.1f puts=%zu put_ok=%ld put_errors=%ld "
	       "put_p50_ms=%.2f put_p99_ms=%.2f deliveries=%zu expected=%zu missing=%zu "
	       "dups=%ld gaps=%ld p50_ms=%.2f p99_ms=%.2f max_ms=%.2f rss_connected_kb=%ld "
	       "rss_after_kb=%ld rss_peak_kb=%ld other_events=%ld first_p50_ms=%.2f "
	       "first_p99_ms=%.2f spread_p50_ms=%.2f spread_p99_ms=%.2f read_p50_ms=%.2f "
	       "read_p99_ms=%.2f read_max_ms=%.2f server_cpu_s=%.2f cpu_us_per_delivery=%.2f\n",
	       ready, open_s, G.n_nonces, G.put_ok, G.put_errors, pct_ms(G.put_us, G.n_put, 0.5),
	       pct_ms(G.put_us, G.n_put, 0.99), G.n_lat, expected,
	       expected > G.n_lat ? expected - G.n_lat : 0, dups, gaps,
	       pct_ms(G.lat_us, G.n_lat, 0.5), pct_ms(G.lat_us, G.n_lat, 0.99),
	       G.n_lat ? G.lat_us[G.n_lat - 1] / 1000.0 : -1.0, rss_connected, rss_after, rss_peak,
	       others, pct_ms(first, n_first, 0.5), pct_ms(first, n_first, 0.99),
	       pct_ms(spread, n_first, 0.5), pct_ms(spread, n_first, 0.99),
	       pct_ms(G.read_us, G.n_lat, 0.5), pct_ms(G.read_us, G.n_lat, 0.99),
	       G.n_lat ? G.read_us[G.n_lat - 1] / 1000.0 : -1.0, cpu_used,
	       cpu_used >= 0 && G.n_lat ? cpu_used * 1e6 / (double)G.n_lat : -1.0);
	return 0;
}
