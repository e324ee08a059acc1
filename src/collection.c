#include "collection.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The spacing of dated series (collection.h): one pass for the steps, one
 * more for the calendar when the steps are months. */

#define HOUR 3600.0
#define DAY 86400.0

/* ---- the most common value: counts in an open-addressing table ---------- */

typedef struct {
    double *keys;
    R_xlen_t *counts;
    size_t capacity, used;   /* capacity: a power of two */
} tally;

static int tally_init(tally *t, size_t capacity)
{
    t->keys = malloc(sizeof(double) * capacity);
    t->counts = calloc(capacity, sizeof(R_xlen_t));
    t->capacity = capacity;
    t->used = 0;
    return t->keys != NULL && t->counts != NULL;
}

static void tally_free(tally *t)
{
    free(t->keys);
    free(t->counts);
}

static size_t slot_of(const tally *t, double x)
{
    uint64_t bits;
    double key = x == 0 ? 0 : x;   /* -0 and 0 are one value */
    memcpy(&bits, &key, sizeof bits);
    bits ^= bits >> 33;
    bits *= 0xff51afd7ed558ccdULL;
    bits ^= bits >> 33;
    size_t slot = (size_t) bits & (t->capacity - 1);
    while (t->counts[slot] > 0 && t->keys[slot] != key)
        slot = (slot + 1) & (t->capacity - 1);
    return slot;
}

static int tally_grow(tally *t)
{
    tally bigger;
    if (!tally_init(&bigger, t->capacity * 2))
        return 0;
    for (size_t i = 0; i < t->capacity; i++) {
        if (t->counts[i] == 0)
            continue;
        size_t slot = slot_of(&bigger, t->keys[i]);
        bigger.keys[slot] = t->keys[i];
        bigger.counts[slot] = t->counts[i];
        bigger.used++;
    }
    tally_free(t);
    *t = bigger;
    return 1;
}

static int tally_add(tally *t, double x)
{
    if (2 * (t->used + 1) > t->capacity && !tally_grow(t))
        return 0;
    size_t slot = slot_of(t, x);
    if (t->counts[slot] == 0) {
        t->keys[slot] = x == 0 ? 0 : x;
        t->used++;
    }
    t->counts[slot]++;
    return 1;
}

/* The most common value, the smallest of equally common ones; NaN when
 * nothing was counted. */
static double tally_mode(const tally *t)
{
    double best = NAN;
    R_xlen_t best_count = 0;
    for (size_t i = 0; i < t->capacity; i++) {
        R_xlen_t c = t->counts[i];
        if (c > best_count || (c == best_count && c > 0 && t->keys[i] < best)) {
            best = t->keys[i];
            best_count = c;
        }
    }
    return best;
}

/* ---- the calendar ------------------------------------------------------- */

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Year, month (1-12) and day of a day number (days since 1970-01-01), by
 * Howard Hinnant's civil_from_days. */
static void civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = floor_div(z, 146097);
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int) (doy - (153 * mp + 2) / 5 + 1);
    *m = (int) (mp < 10 ? mp + 3 : mp - 9);
    *y = (int) (yoe + era * 400 + (*m <= 2));
}

typedef struct {
    long long month;   /* 12 * year + month - 1 */
    int day;           /* the day of the month, a month's last as 31 */
} month_day;

static month_day calendar_of(const double *t, const int *civil, R_xlen_t i)
{
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long long z = civil != NULL ? (long long) civil[i] : (long long) floor(t[i]);
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int last = month_days[m - 1] + (m == 2 && leap);
    month_day out = {12LL * y + m - 1, d == last ? 31 : d};
    return out;
}

/* ---- the passes ------------------------------------------------------------ */

/* The most common step within series (rounded), or the repeated row. */
static int common_step(const double *t, const int *counts, R_xlen_t n_series, double *step,
                       R_xlen_t *repeated)
{
    tally steps;
    if (!tally_init(&steps, 64))
        return LAGRS_SPACING_NOMEM;
    R_xlen_t row = 0;
    for (R_xlen_t k = 0; k < n_series; row += counts[k], k++) {
        for (R_xlen_t i = row + 1; i < row + counts[k]; i++) {
            double s = t[i] - t[i - 1];
            if (s == 0) {
                *repeated = i;
                tally_free(&steps);
                return LAGRS_SPACING_REPEATED;
            }
            if (!tally_add(&steps, nearbyint(s))) {
                tally_free(&steps);
                return LAGRS_SPACING_NOMEM;
            }
        }
    }
    *step = tally_mode(&steps);
    tally_free(&steps);
    return LAGRS_SPACING_OK;
}

/* Hours, days and weeks: starts at an index, departures beyond tolerance. */
static void fixed_spacing(const double *t, const int *counts, R_xlen_t n_series, double step,
                          double tolerance, double frequency, double *start, int *irregular)
{
    double earliest = INFINITY;
    R_xlen_t row = 0;
    for (R_xlen_t k = 0; k < n_series; row += counts[k], k++)
        if (counts[k] > 0 && t[row] < earliest)
            earliest = t[row];
    row = 0;
    for (R_xlen_t k = 0; k < n_series; row += counts[k], k++) {
        start[k] = counts[k] > 0 ? 1 + nearbyint((t[row] - earliest) / step) / frequency : NAN;
        irregular[k] = 0;
        for (R_xlen_t i = row + 1; i < row + counts[k] && !irregular[k]; i++)
            irregular[k] = fabs(t[i] - t[i - 1] - step) > tolerance;
    }
}

/* The most common step in calendar months. */
static int common_months(const double *t, const int *civil, const int *counts,
                         R_xlen_t n_series, double *months)
{
    tally steps;
    if (!tally_init(&steps, 64))
        return LAGRS_SPACING_NOMEM;
    R_xlen_t row = 0;
    for (R_xlen_t k = 0; k < n_series; row += counts[k], k++) {
        month_day previous = calendar_of(t, civil, row);
        for (R_xlen_t i = row + 1; i < row + counts[k]; i++) {
            month_day here = calendar_of(t, civil, i);
            if (!tally_add(&steps, (double) (here.month - previous.month))) {
                tally_free(&steps);
                return LAGRS_SPACING_NOMEM;
            }
            previous = here;
        }
    }
    *months = tally_mode(&steps);
    tally_free(&steps);
    return LAGRS_SPACING_OK;
}

/* Months, quarters, years: calendar starts, departures to another month
 * step or another day of the month. */
static void calendar_spacing(const double *t, const int *civil, const int *counts,
                             R_xlen_t n_series, int months, double frequency, double *start,
                             int *irregular)
{
    R_xlen_t row = 0;
    for (R_xlen_t k = 0; k < n_series; row += counts[k], k++) {
        irregular[k] = 0;
        if (counts[k] == 0) {
            start[k] = NAN;
            continue;
        }
        month_day previous = calendar_of(t, civil, row);
        long long first = previous.month;
        start[k] = (double) floor_div(first, 12) +
            (double) floor_div(first - 12 * floor_div(first, 12), months) / frequency;
        for (R_xlen_t i = row + 1; i < row + counts[k] && !irregular[k]; i++) {
            month_day here = calendar_of(t, civil, i);
            irregular[k] = here.month - previous.month != months || here.day != previous.day;
            previous = here;
        }
    }
}

int lagrs_dated_spacing(const double *t, R_xlen_t n, const int *counts, R_xlen_t n_series,
                        double seconds_per_unit, const int *civil, double *frequency,
                        double *start, int *irregular, R_xlen_t *repeated)
{
    (void) n;
    *frequency = 0;
    *repeated = -1;
    double unit_step;
    int status = common_step(t, counts, n_series, &unit_step, repeated);
    if (status != LAGRS_SPACING_OK || isnan(unit_step))
        return status;
    double step = unit_step * seconds_per_unit;
    const double fixed_steps[] = {HOUR, DAY, 7 * DAY}, fixed_frequency[] = {24, 7, 52};
    for (int f = 0; f < 3; f++) {
        if (step == fixed_steps[f]) {
            *frequency = fixed_frequency[f];
            double tolerance = (step >= DAY ? HOUR : 0.5) / seconds_per_unit;
            fixed_spacing(t, counts, n_series, unit_step, tolerance, *frequency, start,
                          irregular);
            return LAGRS_SPACING_OK;
        }
    }
    if (step < 28 * DAY - HOUR)
        return LAGRS_SPACING_OK;
    if (civil == NULL && seconds_per_unit != DAY)
        return LAGRS_SPACING_NEEDS_CIVIL;
    double months;
    status = common_months(t, civil, counts, n_series, &months);
    if (status != LAGRS_SPACING_OK)
        return status;
    double frequency_of = months == 1 ? 12 : months == 3 ? 4 : months == 12 ? 1 : 0;
    /* the step in days must agree: 35-day steps are not monthly */
    if (frequency_of == 0 || step < months * 28 * DAY - HOUR || step > months * 31 * DAY + HOUR)
        return LAGRS_SPACING_OK;
    *frequency = frequency_of;
    calendar_spacing(t, civil, counts, n_series, (int) months, *frequency, start, irregular);
    return LAGRS_SPACING_OK;
}

/* ---- the series of a long table ------------------------------------------- */

static int key_present(const lagrs_key *key)
{
    return key->ints != NULL || key->doubles != NULL || key->pointers != NULL;
}

static int key_equal(const lagrs_key *key, R_xlen_t a, R_xlen_t b)
{
    if (key->ints != NULL)
        return key->ints[a] == key->ints[b];
    if (key->doubles != NULL)
        return key->doubles[a] == key->doubles[b];
    if (key->pointers != NULL)
        return key->pointers[a] == key->pointers[b];
    return 1;
}

int lagrs_long_runs(const lagrs_key *id, const lagrs_key *time, const int *order, R_xlen_t n,
                    int *start, R_xlen_t *n_runs, R_xlen_t *repeated)
{
    R_xlen_t runs = 0;
    *repeated = -1;
    const int by_id = key_present(id), timed = key_present(time);
    R_xlen_t previous = 0;
    for (R_xlen_t i = 0; i < n; i++) {
        R_xlen_t row = order != NULL ? (R_xlen_t) order[i] - 1 : i;
        int same_series = i > 0 && (!by_id || key_equal(id, row, previous));
        if (!same_series) {
            if (start != NULL)
                start[runs] = (int) i;
            runs++;
        } else if (timed && key_equal(time, row, previous)) {
            *repeated = i;
            return LAGRS_SPACING_REPEATED;
        }
        previous = row;
    }
    if (start != NULL)
        start[runs] = (int) n;
    *n_runs = runs;
    return LAGRS_SPACING_OK;
}
