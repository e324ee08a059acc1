#ifndef LAGRS_BATCH_H
#define LAGRS_BATCH_H

#include "lagrs.h"

/* One unit of batch work: fit (or forecast) series i.  Runs inside an
 * OpenMP region, so it must not touch the R API. */
typedef void (*lagrs_series_task)(R_xlen_t i, void *ctx);

/* Runs task(i, ctx) for i in 0..n_series-1 in parallel, in blocks of a
 * fixed size.  Between blocks the main thread checks for a user interrupt
 * (all workspace must be R_alloc'ed or owned by R objects, so that an
 * interrupt leaks nothing) and, when `progress` is set and the work is
 * projected to take more than a few seconds, draws a progress bar on
 * stderr.  `work` is the total cost estimate handed to lagrs_nthreads(). */
void lagrs_run_batch(R_xlen_t n_series, lagrs_series_task task, void *ctx,
                     double work, int progress, const char *label);

/* The same with a chosen largest block: tasks that take a long time each
 * (an automatic order search takes up to seconds) need small blocks so that
 * Ctrl-C and the progress bar are served often.  Blocks start at 4 series
 * (or block_size if smaller) and adapt to take 0.1-0.4 s, never above
 * block_size; the block size must not depend on the thread count. */
void lagrs_run_batch_blocks(R_xlen_t n_series, lagrs_series_task task, void *ctx,
                            double work, int progress, const char *label,
                            R_xlen_t block_size);

/* The result of a batch forecast: list(mean = h x n_series, se = h x
 * n_series, status = integer(n_series)), with pointers to its three parts.
 * Unprotected on return. */
SEXP lagrs_batch_forecast_output(R_xlen_t n_series, int h, double **mean, double **se,
                                 int **status);

SEXP arima_batch_call(SEXP series, SEXP order, SEXP seasonal, SEXP period,
                      SEXP include_mean, SEXP include_drift, SEXP method,
                      SEXP progress);
SEXP arima_batch_forecast_call(SEXP fits, SEXP h, SEXP progress);

#endif
