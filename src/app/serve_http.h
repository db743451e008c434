/*
 * serve_http.h — the web API on a socket (libmicrohttpd; serve_http.c).
 */
#ifndef SCAR_SERVE_HTTP_H
#define SCAR_SERVE_HTTP_H

#include "serve.h"

typedef struct serve_http serve_http;

/* Listens on host (a numeric IPv4 or IPv6 address) and port (0: a free
 * one) and answers with serve_handle from its own threads; request bodies
 * above max_body are refused with 413.  NULL with a message in err. */
serve_http *serve_http_start(serve_server *server, const char *host, unsigned port,
                             size_t max_body, bool log_errors, char *err, size_t n);
/* The port listened on. */
unsigned serve_http_port(const serve_http *h);
/* Stops listening and waits for the connections' threads. */
void serve_http_stop(serve_http **h); /* accepts NULL */

#endif /* SCAR_SERVE_HTTP_H */
