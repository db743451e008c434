/*
 * serve_http.c — libmicrohttpd under the web API: one thread per
 * connection (a request for /api/run waits for its simulation without
 * holding up the others), the body gathered up to --max-upload-mb (413 from
 * Content-Length before reading, and while reading), the query decoded, and
 * serve_handle's answer sent with the headers every answer carries.
 */
#include "serve_http.h"

#include "serve_internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* At most this many query arguments are passed on; the API reads a few. */
#define MAX_QUERY 32
#define MAX_CONNECTIONS 64
#define IDLE_TIMEOUT_S 120

struct serve_http {
    struct MHD_Daemon *d;
    serve_server *server;
    size_t max_body;
    unsigned port;
};

/* One request's state across the handler's calls. */
typedef struct conn {
    char *body;
    size_t len, cap;
    size_t discarded; /* bytes dropped past the limit */
    bool answered;    /* a 413 went out before the body was read */
} conn;

typedef struct query {
    serve_kv kv[MAX_QUERY];
    size_t n;
} query;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    query *q = cls;
    if (q->n < MAX_QUERY && key)
        q->kv[q->n++] = (serve_kv){key, value ? value : ""};
    return MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *c, serve_response *rs, bool api)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(rs->len, rs->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        serve_response_free(rs);
        return MHD_NO;
    }
    rs->body = NULL; /* libmicrohttpd frees it */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rs->content_type ? rs->content_type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", SERVE_NOSNIFF);
    if (rs->content_type && strncmp(rs->content_type, "text/html", 9) == 0)
        MHD_add_response_header(r, "Content-Security-Policy", SERVE_CSP);
    if (rs->allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
    if (api)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    serve_response_free(rs);
    return ok;
}

static enum MHD_Result too_large(struct MHD_Connection *c, serve_http *h, size_t found)
{
    serve_response rs = {0};
    serve_error(&rs, 413, "too_large",
                "expected a request of at most %zu bytes (--max-upload-mb), found %zu bytes",
                h->max_body, found);
    return answer(c, &rs, true);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    serve_http *h = cls;
    conn *k = *con_cls;
    if (!k) {
        if (!(k = calloc(1, sizeof *k)))
            return MHD_NO;
        *con_cls = k;
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;
        if (n > h->max_body) {
            k->answered = true;
            return too_large(c, h, (size_t)n);
        }
        return MHD_YES;
    }
    if (k->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        /* libmicrohttpd 0.9.75 takes no answer before the body is read:
         * past the limit the rest is read and dropped, and the 413 goes
         * out at its end; a body that goes on past twice the limit closes
         * the connection instead */
        if (k->discarded || n > h->max_body - k->len) {
            k->discarded += n;
            return k->discarded > h->max_body ? MHD_NO : MHD_YES;
        }
        if (k->len + n > k->cap) {
            size_t cap = k->cap ? k->cap : 4096;
            while (cap < k->len + n)
                cap *= 2;
            char *b = realloc(k->body, cap);
            if (!b)
                return MHD_NO;
            k->body = b, k->cap = cap;
        }
        memcpy(k->body + k->len, upload_data, n);
        k->len += n;
        return MHD_YES;
    }
    if (k->discarded)
        return too_large(c, h, k->len + k->discarded);
    query q = {.n = 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    serve_request rq = {.method = method, .path = url, .query = q.kv, .nquery = q.n,
                        .body = k->body, .body_len = k->len};
    serve_response rs;
    serve_handle(h->server, &rq, &rs);
    return answer(c, &rs, strncmp(url, "/api/", 5) == 0);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    conn *k = *con_cls;
    if (k) {
        free(k->body);
        free(k);
        *con_cls = NULL;
    }
}

serve_http *serve_http_start(serve_server *server, const char *host, unsigned port,
                             size_t max_body, bool log_errors, char *err, size_t n)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    struct sockaddr *addr = NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     (log_errors ? MHD_USE_ERROR_LOG : 0);
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        addr = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        addr = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, n, "option --host: expected a numeric IPv4 or IPv6 address, found '%s'",
                 host);
        return NULL;
    }
    serve_http *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, n, "out of memory");
        return NULL;
    }
    h->server = server;
    h->max_body = max_body;
    h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR,
                            addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                            MHD_OPTION_END);
    if (!h->d) {
        snprintf(err, n, "cannot listen on %s port %u (in use, or not an address of this "
                 "machine)", host, port);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : port;
    return h;
}

unsigned serve_http_port(const serve_http *h) { return h->port; }

void serve_http_stop(serve_http **ph)
{
    if (!ph || !*ph)
        return;
    MHD_stop_daemon((*ph)->d);
    free(*ph);
    *ph = NULL;
}
