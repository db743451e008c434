/*
 * date.h — calendar dates for schedules: ISO 8601 "YYYY-MM-DD" in the
 * proleptic Gregorian calendar, held as days since 1970-01-01.  Plan layer.
 *
 * Written by hand: the C library's mktime/timegm work in local or UTC
 * seconds with time zones and limits that a date-only schedule does not
 * want; the conversion is the well-known days-from-civil arithmetic.
 */
#ifndef SCAR_DATE_H
#define SCAR_DATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct scar_date {
    long days; /* since 1970-01-01 */
} scar_date;

/* Strict "YYYY-MM-DD", years 1900-2999, a real day of the month; false
 * otherwise. */
bool scar_date_parse(const char *s, scar_date *out);
/* "YYYY-MM-DD" into buf (at least 11 bytes). */
void scar_date_format(scar_date d, char *buf, size_t n);
scar_date scar_date_add_days(scar_date d, long days);
/* 0 Monday .. 6 Sunday */
int scar_date_weekday(scar_date d);
/* Calendar parts. */
void scar_date_ymd(scar_date d, int *y, int *m, int *dd);

#endif /* SCAR_DATE_H */
