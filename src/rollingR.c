#include "rollingR.h"
#include "rolling.h"
#include <limits.h>
#include <stdint.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* The entry point of the rolling family: R's vectors, matrices and lists in,
 * the same shapes out; the kernels and their driver are rolling.c. */

/* An output vector is written once, in full, right after allocation.  On
 * Linux, ask for transparent huge pages for it, so that touching it first
 * costs one page fault per 2 MB instead of one per 4 KB (with THP in
 * "madvise" mode, a common default, large outputs otherwise spend more time
 * in page faults than in arithmetic).  A hint only: failure is harmless. */
void lagrs_prefer_huge_pages(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t) 1 << 21;
    if (bytes < 2 * huge)
        return;
    uintptr_t start = ((uintptr_t) p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t) p + bytes) & ~(huge - 1);
    if (end > start)
        (void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#else
    (void) p;
    (void) bytes;
#endif
}

/* The window from R's arguments; R has checked them, so a failure here is
 * an internal error. */
static void spec_from_args(lagrs_roll_spec *spec, SEXP stat, SEXP width, SEXP align,
                           SEXP min_obs, SEXP na_rm, SEXP fill, SEXP prob)
{
    spec->stat = Rf_asInteger(stat);
    int bad_window = lagrs_roll_set_window(spec, (R_xlen_t) Rf_asReal(width),
                                           Rf_asInteger(align));
    spec->min_obs = (R_xlen_t) Rf_asReal(min_obs);
    spec->na_rm = Rf_asLogical(na_rm);
    spec->fill = Rf_asReal(fill);
    spec->na_value = NA_REAL;
    spec->prob = Rf_asReal(prob);
    if (spec->stat < LAGRS_ROLL_SUM || spec->stat > LAGRS_ROLL_QUANTILE)
        Rf_error("unknown rolling statistic %d", spec->stat);
    if (bad_window || spec->width > INT_MAX || spec->min_obs < 1 ||
        spec->min_obs > spec->width || spec->na_rm == NA_LOGICAL)
        Rf_error("invalid window specification");
}

/* The job's per-series arrays, and the plan's, for n_series series. */
static void alloc_job(lagrs_roll_job *job, R_xlen_t n_series)
{
    size_t n = (size_t) n_series + 1;
    job->n_series = n_series;
    job->x = (const double *const *) R_alloc(n, sizeof(double *));
    job->out = (double *const *) R_alloc(n, sizeof(double *));
    job->len = (const R_xlen_t *) R_alloc(n, sizeof(R_xlen_t));
    job->task_start = (R_xlen_t *) R_alloc(n, sizeof(R_xlen_t));
    job->chunk_len = (R_xlen_t *) R_alloc(n, sizeof(R_xlen_t));
    job->from = (R_xlen_t *) R_alloc(n, sizeof(R_xlen_t));
    job->to = (R_xlen_t *) R_alloc(n, sizeof(R_xlen_t));
}

/* A list (or data frame) of numeric vectors: `ans` and `converted` are
 * protected lists as long as x; each element of ans gets an output with the
 * attributes of x's element, and integer elements their doubles in
 * `converted`. */
static void list_series(SEXP x, SEXP ans, SEXP converted, lagrs_roll_job *job)
{
    alloc_job(job, XLENGTH(x));
    const double **series_x = (const double **) job->x;
    double **series_out = (double **) job->out;
    R_xlen_t *series_len = (R_xlen_t *) job->len;
    for (R_xlen_t s = 0; s < job->n_series; s++) {
        SEXP el = VECTOR_ELT(x, s);
        if (TYPEOF(el) == INTSXP) {
            SET_VECTOR_ELT(converted, s, Rf_coerceVector(el, REALSXP));
            el = VECTOR_ELT(converted, s);
        } else if (TYPEOF(el) != REALSXP) {
            Rf_error("element %lld of `x` is not numeric", (long long) s + 1);
        }
        SEXP out = Rf_allocVector(REALSXP, XLENGTH(el));
        SET_VECTOR_ELT(ans, s, out);
        lagrs_prefer_huge_pages(REAL(out), (size_t) XLENGTH(el) * sizeof(double));
        SHALLOW_DUPLICATE_ATTRIB(out, VECTOR_ELT(x, s));
        series_x[s] = REAL_RO(el);
        series_out[s] = REAL(out);
        series_len[s] = XLENGTH(el);
    }
}

/* The n_cols series of n_rows each in a vector or matrix: checks the shape
 * and gives the number of rows. */
static R_xlen_t block_rows(SEXP x, SEXP n_rows, SEXP n_cols, R_xlen_t *n_series)
{
    if (TYPEOF(x) != REALSXP && TYPEOF(x) != INTSXP)
        Rf_error("`x` is not numeric");
    R_xlen_t rows = (R_xlen_t) Rf_asReal(n_rows);
    *n_series = (R_xlen_t) Rf_asReal(n_cols);
    if (rows < 0 || *n_series < 0 || rows * *n_series != XLENGTH(x))
        Rf_error("`x` does not have n_rows * n_cols elements");
    return rows;
}

/* Series s is values[s * rows, (s + 1) * rows), its outputs the same
 * stretch of ans. */
static void block_series(SEXP values, SEXP ans, R_xlen_t rows, R_xlen_t n_series,
                         lagrs_roll_job *job)
{
    alloc_job(job, n_series);
    const double **series_x = (const double **) job->x;
    double **series_out = (double **) job->out;
    R_xlen_t *series_len = (R_xlen_t *) job->len;
    const double *base = REAL_RO(values);
    double *out_base = REAL(ans);
    lagrs_prefer_huge_pages(out_base, (size_t) XLENGTH(ans) * sizeof(double));
    for (R_xlen_t s = 0; s < n_series; s++) {
        series_x[s] = base + s * rows;
        series_out[s] = out_base + s * rows;
        series_len[s] = rows;
    }
}

/* Runs the planned tasks in batches, so that the main thread checks for an
 * interrupt between them. */
static void run_job(lagrs_roll_job *job)
{
    job->workspace =
        job->ws_bytes > 0 ? R_alloc((size_t) job->max_threads, job->ws_bytes) : NULL;
    const R_xlen_t batch = 1024;
    for (R_xlen_t t0 = 0; t0 < job->n_tasks; t0 += batch) {
        const R_xlen_t t1 = t0 + batch < job->n_tasks ? t0 + batch : job->n_tasks;
        lagrs_roll_run(job, t0, t1);
        R_CheckUserInterrupt();
    }
}

/* x: a double or integer vector holding n_cols series of n_rows each (a
 * vector or a matrix), or a list of such vectors (a list or data frame).
 * The R wrapper has checked every argument; the result keeps the
 * attributes of x and of each element. */
SEXP lagrs_rolling_call(SEXP x, SEXP n_rows, SEXP n_cols, SEXP stat, SEXP width,
                        SEXP align, SEXP min_obs, SEXP na_rm, SEXP fill, SEXP prob)
{
    lagrs_roll_spec spec;
    spec_from_args(&spec, stat, width, align, min_obs, na_rm, fill, prob);
    lagrs_roll_job job = {0};
    job.spec = &spec;

    SEXP ans, keep;
    if (TYPEOF(x) == VECSXP) {
        ans = PROTECT(Rf_allocVector(VECSXP, XLENGTH(x)));
        keep = PROTECT(Rf_allocVector(VECSXP, XLENGTH(x)));
        list_series(x, ans, keep, &job);
    } else {
        R_xlen_t n_series;
        R_xlen_t rows = block_rows(x, n_rows, n_cols, &n_series);
        keep = PROTECT(TYPEOF(x) == INTSXP ? Rf_coerceVector(x, REALSXP) : x);
        ans = PROTECT(Rf_allocVector(REALSXP, XLENGTH(x)));
        block_series(keep, ans, rows, n_series, &job);
    }
    SHALLOW_DUPLICATE_ATTRIB(ans, x);

    if (lagrs_roll_plan(&job) > 0)
        run_job(&job);
    UNPROTECT(2);
    return ans;
}
