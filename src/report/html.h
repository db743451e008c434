/*
 * html.h — pieces shared by scarsim's HTML reports.
 */
#ifndef SCAR_HTML_H
#define SCAR_HTML_H

#include "core.h"

#include <stdio.h>

/* Writes s with &, <, >, " escaped. */
void scar_html_text(FILE *f, const char *s);
/* Writes the page head with scarsim's style sheet and the disclaimer banner. */
void scar_html_begin(FILE *f, const char *title);
/* Writes the provenance footer and closes the page. */
void scar_html_end(FILE *f, const scar_ctx *ctx);
/* Embeds a PNG file as a data: URI <img>; an unreadable file is an error. */
scar_status scar_html_png(scar_ctx *ctx, FILE *f, const char *png_path, const char *alt);

#endif
