/*
 * html.c — the frame of scarsim's HTML reports: one file that opens offline,
 * printable, with the style inline and pictures embedded as data: URIs.
 */
#include "html.h"

#include "scar_git_hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void scar_html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

void scar_html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    scar_html_text(f, title);
    fputs("</title>\n<style>\n"
          "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;"
          "margin:1.5em auto;padding:0 1em;color:#1d2433;line-height:1.45}\n"
          "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
          "border-bottom:1px solid #d5dae3;padding-bottom:.2em}\n"
          ".note{background:#fff6dc;border:1px solid #e8d28c;padding:.6em .9em;"
          "border-radius:6px}\n"
          "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}"
          "th,td{border:1px solid #d5dae3;padding:.25em .6em;text-align:right}"
          "th{background:#eef1f6}td.l,th.l{text-align:left}\n"
          ".cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #d5dae3;"
          "border-radius:8px;padding:.6em 1em;min-width:150px}.card b{font-size:1.5em;"
          "display:block}\n"
          "img{max-width:100%;height:auto;border:1px solid #d5dae3}\n"
          "footer{margin-top:2em;font-size:.85em;color:#5b6475}\n"
          "@media print{body{max-width:none}.note{break-inside:avoid}}\n"
          "</style>\n</head>\n<body>\n<p class=\"note\">",
          f);
    scar_html_text(f, SCAR_DISCLAIMER);
    fputs("</p>\n<h1>", f);
    scar_html_text(f, title);
    fputs("</h1>\n", f);
}

void scar_html_end(FILE *f, const scar_ctx *ctx)
{
    fprintf(f, "<footer>Made by scarsim %s (git %s), seed %llu.</footer>\n</body>\n</html>\n",
            SCAR_VERSION, SCAR_GIT_HASH, (unsigned long long)scar_ctx_seed(ctx));
}

scar_status scar_html_png(scar_ctx *ctx, FILE *f, const char *png_path, const char *alt)
{
    FILE *in = fopen(png_path, "rb");
    if (!in)
        return SCAR_RAISE_AT(ctx, SCAR_EIO, png_path, 0, 0, NULL,
                             "cannot read the picture to embed: %s", strerror(errno));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            unsigned char *nb = scar_realloc(ctx, buf, cap);
            if (!nb) {
                free(buf);
                fclose(in);
                return SCAR_ENOMEM;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0)
            break;
    }
    fclose(in);
    char *url = scar_base64(ctx, "data:image/png;base64,", buf, n);
    free(buf);
    if (!url)
        return SCAR_ENOMEM;
    fputs("<img alt=\"", f);
    scar_html_text(f, alt);
    fputs("\" src=\"", f);
    fputs(url, f);
    fputs("\">\n", f);
    free(url);
    return SCAR_OK;
}
