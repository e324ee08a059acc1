#ifndef LAGRS_BATCH_H
#define LAGRS_BATCH_H

#include "lagrs.h"

/* One unit of batch work: fit (or forecast) series i.  Runs inside an
 * OpenMP region, so it must not touch the R API. */
typedef void (*lagrs_series_task)(R_xlen_t i, void *ctx);

/* Runs task(i, ctx) for every i in 0..n_series-1 on lagrs_nthreads(work)
 * threads, in input order, each series alone (so the result cannot depend on
 * the thread count or on how the series are split).  The series run in timed
 * blocks; between blocks the main thread checks for a user interrupt and,
 * when `progress` is set and the work is projected to take more than a few
 * seconds, draws a progress bar on stderr.  Ctrl-C stops the threads before
 * their next series (and long kernels between their steps: see
 * lagrs_batch_stop_requested()), then raises R's interrupt; all workspace
 * must therefore be R_alloc'ed, owned by R objects or freed by the task
 * before it returns.  A series that Ctrl-C cut short is run again if R
 * carries on (interrupts suspended). */
void lagrs_run_batch(R_xlen_t n_series, lagrs_series_task task, void *ctx,
                     double work, int progress, const char *label);

/* 1 when Ctrl-C has asked the running batch to stop.  Tasks that take long
 * (an automatic order search) call it between their steps and return early,
 * with any result, when it is set: the runner discards that result.  Plain C,
 * safe in any thread; 0 outside a batch. */
int lagrs_batch_stop_requested(void);

/* Reads a list of double vectors (the R wrappers have coerced them) in
 * place: R_alloc'ed arrays of data pointers and lengths into *y and *n.
 * Returns the batch's work estimate, work_per_value times the number of
 * values, for lagrs_run_batch(). */
double lagrs_batch_series(SEXP series, double work_per_value, const double ***y,
                          const R_xlen_t **n);

/* The result of a batch forecast: list(mean = h x n_series, se = h x
 * n_series, status = integer(n_series)), with pointers to its three parts.
 * Unprotected on return. */
SEXP lagrs_batch_forecast_output(R_xlen_t n_series, int h, double **mean, double **se,
                                 int **status);

/* Entry points (batchR.c): any model family's batch fit and forecast, and
 * the families' declarations for R. */
SEXP fit_batch_call(SEXP series, SEXP frequency, SEXP family, SEXP options,
                    SEXP residuals, SEXP progress);
SEXP forecast_batch_call(SEXP family, SEXP options, SEXP state, SEXP status, SEXP h,
                         SEXP levels, SEXP progress);
SEXP model_families_call(void);
SEXP model_coef_names_call(SEXP family, SEXP options);

#endif
