/* Rolling-window statistics: the plain-C interface.
 *
 * A window is described once, in a lagrs_roll_spec, and any code may then
 * compute a stretch of outputs of one series with lagrs_roll_kernel().  The
 * kernel touches no R API, so it may run inside an OpenMP region, given a
 * workspace of lagrs_roll_workspace_bytes() bytes that no other thread uses.
 *
 * Output i (0-based) of a series of n observations summarises the
 * observations [i - before, i + after] clipped to [0, n).  With
 * before + after + 1 == width: right alignment is before = width - 1,
 * after = 0; left alignment is before = 0, after = width - 1; centre
 * alignment is before = (width - 1) / 2 (rounded down), after = the rest.
 *
 * Results depend on `first` (a chunk start) because the running sums are
 * recomputed there; callers that want results independent of the thread
 * count must cut the answerable outputs [from, to) of a series of n
 * (lagrs_roll_answerable()) at from + multiples of
 * lagrs_roll_chunk_length(spec, to - from). */
#ifndef LAGRS_ROLLING_H
#define LAGRS_ROLLING_H

#include "lagrs.h"
#include <stddef.h>

enum {
    LAGRS_ROLL_SUM = 1,
    LAGRS_ROLL_MEAN,
    LAGRS_ROLL_VAR,
    LAGRS_ROLL_SD,
    LAGRS_ROLL_MIN,
    LAGRS_ROLL_MAX,
    LAGRS_ROLL_MEDIAN,
    LAGRS_ROLL_QUANTILE
};

typedef struct {
    int stat;           /* one of the LAGRS_ROLL_* codes */
    R_xlen_t width;     /* >= 1 */
    R_xlen_t before;    /* observations before the output position */
    R_xlen_t after;     /* observations after it; before + after + 1 == width */
    R_xlen_t min_obs;   /* 1 <= min_obs <= width */
    int na_rm;          /* skip NA and NaN instead of answering NA */
    double fill;        /* answer when fewer than min_obs observations count */
    double na_value;    /* the NA to answer (R's NA_real_) */
    double prob;        /* for LAGRS_ROLL_QUANTILE, in [0, 1] */
} lagrs_roll_spec;

/* The outputs of a series of n whose windows can hold min_obs
 * observations: [*from, *to), empty when n < min_obs.  Every other output
 * is `fill`, whatever the data. */
void lagrs_roll_answerable(const lagrs_roll_spec *spec, R_xlen_t n, R_xlen_t *from,
                           R_xlen_t *to);

/* Chunk length for a stretch of n outputs: a function of n and the width
 * only (at most max(8 * width, 65536)). */
R_xlen_t lagrs_roll_chunk_length(const lagrs_roll_spec *spec, R_xlen_t n);

/* Bytes of workspace one concurrent call of the kernel needs, for series
 * of at most `longest` observations. */
size_t lagrs_roll_workspace_bytes(const lagrs_roll_spec *spec, R_xlen_t longest);

/* Writes out[first], ..., out[last - 1] for the series x[0..n). */
void lagrs_roll_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                       R_xlen_t last, const lagrs_roll_spec *spec,
                       void *workspace, double *out);

/* Entry point (R/rolling.R). */
SEXP lagrs_rolling_call(SEXP x, SEXP n_rows, SEXP n_cols, SEXP stat, SEXP width,
                  SEXP before, SEXP min_obs, SEXP na_rm, SEXP fill, SEXP prob);

#endif
