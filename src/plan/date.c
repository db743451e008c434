/*
 * date.c — ISO 8601 calendar dates as days since 1970-01-01 (date.h).
 *
 * The conversions are Howard Hinnant's days_from_civil and civil_from_days
 * ("chrono-Compatible Low-Level Date Algorithms", 2013): the year is shifted
 * to start in March, so the leap day falls at the end of it, and split into
 * 400-year eras of 146097 days, within which every quantity is non-negative.
 */
#include "date.h"

#include <stdio.h>

enum { YEAR_MIN = 1900, YEAR_MAX = 2999 };

/* Floor division by a positive divisor (C's / truncates towards zero). */
static long floor_div(long a, long b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static bool leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = floor_div(y, 400);
    long yoe = y - era * 400;                                    /* [0, 399] */
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

void scar_date_ymd(scar_date date, int *y, int *m, int *dd)
{
    long z = date.days + 719468;
    long era = floor_div(z, 146097);
    long doe = z - era * 146097;                                      /* [0, 146096] */
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    long mp = (5 * doy + 2) / 153;                                    /* [0, 11], March first */
    long d = doy - (153 * mp + 2) / 5 + 1;
    long mo = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mo <= 2));
    *m = (int)mo;
    *dd = (int)d;
}

/* n decimal digits, nothing else */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = 10 * v + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool scar_date_parse(const char *s, scar_date *out)
{
    int y, m, d;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != '\0')
        return false;
    if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return false;
    out->days = days_from_civil(y, m, d);
    return true;
}

void scar_date_format(scar_date d, char *buf, size_t n)
{
    int y, m, dd;
    scar_date_ymd(d, &y, &m, &dd);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, dd);
}

scar_date scar_date_add_days(scar_date d, long days)
{
    return (scar_date){d.days + days};
}

int scar_date_weekday(scar_date d)
{
    /* 1970-01-01 was a Thursday (3 with Monday 0) */
    return (int)(((d.days % 7) + 7 + 3) % 7);
}
