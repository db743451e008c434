/*
 * plan_internal.h — what the files of a plan's report share (report layer).
 */
#ifndef SCAR_PLAN_INTERNAL_H
#define SCAR_PLAN_INTERNAL_H

#include "plan_report.h"

#include <stdio.h>

/* "pen 1.5 mm, 4 sessions 6 weeks apart, with prp_topical" */
void plan_protocol_text(const scar_protocol *pr, char *buf, size_t n);

/* Pieces of report.html shared by its two files (plan_html.c). */
void ph_txt(FILE *f, const char *s);                        /* escaped text */
void ph_num(FILE *f, double v, int dec, const char *suffix); /* "—" when unknown */
void ph_date(FILE *f, scar_date d, bool weekday);
void ph_scar_counts(const scar_plan_doc *d, int n[SCAR_TYPE_COUNT]);
const char *ph_region(const scar_patient *pt);
void ph_protocol_code(FILE *f, const scar_protocol *pr);     /* scarsim's names */
/* The clinician's page (plan_clinician.c). */
void plan_html_clinician(FILE *f, const scar_plan_doc *d);

/* report.html into dir (plan_html.c). */
scar_status plan_write_html(scar_ctx *ctx, const scar_plan_doc *d, const char *dir);

#endif /* SCAR_PLAN_INTERNAL_H */
