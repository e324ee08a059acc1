/* Reading collections of series: the spacing of dated series (plain C).
 *
 * lagrs_dated_spacing() reads the times of a long data frame, sorted by
 * series and then by time, in one pass and without copies: it finds a time
 * repeated within a series, the most common step between consecutive times
 * of a series, the frequency that step means, each series' start in ts
 * units, and which series depart from the step.  The rules (R/collection.R
 * documents them for users):
 *   - a step of an hour, a day or a week (in seconds; a day or a week up to
 *     a daylight-saving hour either way) means frequency 24, 7 or 52; those
 *     series start at an index, 1 for the earliest, in steps;
 *   - a step of about a month or more is counted in calendar months: the
 *     most common month step 1, 3 or 12 means frequency 12, 4 or 1, if the
 *     most common step in days agrees (28 to 31 days a month); those series
 *     start at calendar times (2020 + 2 / 12 for March 2020, as ts() does);
 *     a step to another day of the month departs (month ends count as the
 *     31st, so series of month ends are regular);
 *   - any other step: no frequency.
 * The most common value is the smallest of the equally common ones, after
 * rounding to whole units (R's round(): half to even).
 *
 * Kernel: no R, no static state; malloc()ed workspace is freed before
 * returning. */
#ifndef LAGRS_COLLECTION_H
#define LAGRS_COLLECTION_H

#include "lagrs_c.h"

enum lagrs_spacing_status {
    LAGRS_SPACING_OK = 0,
    LAGRS_SPACING_REPEATED = 1,     /* *repeated is the row of a repeated time */
    LAGRS_SPACING_NEEDS_CIVIL = 2,  /* monthly steps of date-times: call again
                                     * with their local calendar days */
    LAGRS_SPACING_NOMEM = 3
};

/* t[0..n-1]: the times, series after series (counts[k] rows each), sorted
 * within each; seconds_per_unit: 86400 for Dates (days), 1 for date-times.
 * civil: NULL, or the local calendar day (days since 1970-01-01) of each
 * time; Dates use floor(t).  Outputs: *frequency (0 when no spacing is
 * recognised), start[k] and irregular[k] (0/1) for each series, *repeated
 * (the 0-based row of the first repeated time, with status REPEATED). */
int lagrs_dated_spacing(const double *t, R_xlen_t n, const int *counts, R_xlen_t n_series,
                        double seconds_per_unit, const int *civil, double *frequency,
                        double *start, int *irregular, R_xlen_t *repeated);

/* ---- the series of a long table ------------------------------------------

 * A column of ids or times as the kernels read it: exactly one of the
 * arrays, or none for a column that is absent.  `pointers` are the cached
 * strings of a character column, equal when the strings are. */
typedef struct {
    const int *ints;
    const double *doubles;
    const void *const *pointers;
} lagrs_key;

/* The runs of a table whose rows order[0..n) (1-based; NULL: 1, ..., n)
 * are sorted by id and then time: the series start at the positions
 * start[0..*n_runs) of the order, and start[*n_runs] = n.  With start ==
 * NULL only counts them.  A time repeated within a series gives
 * LAGRS_SPACING_REPEATED and *repeated, its position in the order. */
int lagrs_long_runs(const lagrs_key *id, const lagrs_key *time, const int *order, R_xlen_t n,
                    int *start, R_xlen_t *n_runs, R_xlen_t *repeated);

#endif
