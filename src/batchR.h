/* The batch runner (batch.c) and the batch entry points (batchR.c).  The
 * runner is the one place that schedules series on threads; it calls the R
 * API on the main thread only (between blocks), so this header is R-side.
 * Its tasks are plain C and run in the threads. */
#ifndef LAGRS_BATCHR_H
#define LAGRS_BATCHR_H

#include "lagrs.h"

/* One unit of batch work: fit (or forecast) series i.  Runs inside an
 * OpenMP region, so it must not touch the R API. */
typedef void (*lagrs_series_task)(R_xlen_t i, void *ctx);

/* Runs task(i, ctx) for every i in 0..n_series-1 on lagrs_nthreads(work)
 * threads, in input order, each series alone (so the result cannot depend on
 * the thread count or on how the series are split).  The series run in timed
 * blocks (cheap ones start with a short block on the main thread alone); between blocks the main thread checks for a user interrupt and,
 * when `progress` is set and the work is projected to take more than a few
 * seconds, draws a progress bar on stderr.  Ctrl-C stops the threads before
 * their next series (and long kernels between their steps: see
 * lagrs_batch_stop_requested()), then raises R's interrupt; all workspace
 * must therefore be R_alloc'ed, owned by R objects or freed by the task
 * before it returns.  A series that Ctrl-C cut short is run again if R
 * carries on (interrupts suspended). */
void lagrs_run_batch(R_xlen_t n_series, lagrs_series_task task, void *ctx,
                     double work, int progress, const char *label);

/* Reads a list of double vectors (the R wrappers have coerced them) in
 * place: R_alloc'ed arrays of data pointers and lengths into *y and *n.
 * Returns the batch's work estimate, work_per_value times the number of
 * values, for lagrs_run_batch(). */
double lagrs_batch_series(SEXP series, double work_per_value, const double ***y,
                          const R_xlen_t **n);

/* A model from R (batchR.c): the family of that name (an internal error
 * when there is none), and its options (a named double vector) parsed and
 * checked by the family, R_alloc'ed (an R error naming the problem). */
struct lagrs_family;
const struct lagrs_family *lagrs_model_family(SEXP name);
void *lagrs_model_options(const struct lagrs_family *family, SEXP options);

/* Entry points (batchR.c, batch_forecastR.c): any model family's batch fit
 * and forecast, and the families' declarations for R. */
SEXP fit_batch_call(SEXP series, SEXP frequency, SEXP family, SEXP options,
                    SEXP residuals, SEXP progress);
SEXP forecast_batch_call(SEXP family, SEXP options, SEXP state, SEXP state_length,
                         SEXP status, SEXP h, SEXP levels, SEXP progress);
SEXP forecast_table_call(SEXP family, SEXP options, SEXP state, SEXP state_length,
                         SEXP status, SEXP h, SEXP levels, SEXP ids, SEXP tsp, SEXP names,
                         SEXP progress);
SEXP model_families_call(void);
SEXP model_coef_names_call(SEXP family, SEXP options);
SEXP model_work_call(SEXP family, SEXP options, SEXP lengths);
/* Cross-validation windows of any family (cvR.c). */
SEXP cv_batch_call(SEXP series, SEXP frequency, SEXP families, SEXP options,
                   SEXP win_series, SEXP win_start, SEXP win_cutoff,
                   SEXP refit_every, SEXP h, SEXP levels, SEXP tsp_start,
                   SEXP tsp_frequency, SEXP progress);

#endif
