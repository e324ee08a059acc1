/* Features of a long table (plain C): lags, rolling windows over rows or
 * over time, and exponentially weighted means, computed within each series
 * of a table grouped into series, and written back to the table's rows.
 *
 * The table is not reordered: `order` (R's order(), 1-based) lists its rows
 * series by series, each series in time order, and series g is
 * order[start[g] .. start[g + 1]).  A thread takes whole series: it gathers
 * a series' values (and times) into its workspace, computes every feature
 * there, and scatters each to the output column at the series' rows.  A
 * series whose rows are already consecutive in the table is read and
 * written in place.  Each output is a function of its series alone, so the
 * results do not depend on the number of threads.
 *
 * Kernels: no R API, no allocation; the caller gives each thread
 * lagrs_features_workspace_bytes() bytes. */
#ifndef LAGRS_FEATURES_H
#define LAGRS_FEATURES_H

#include "rolling.h"

/* What a feature is.  R reads the codes through lagrs_codes("feature_kind"). */
enum {
    LAGRS_FEATURE_ROLL = 1,
    LAGRS_FEATURE_LAG,
    LAGRS_FEATURE_EWMA
};
#define LAGRS_FEATURE_KIND_NAMES {"roll", "lag", "ewma"}
#define LAGRS_FEATURE_N_KINDS 3

typedef struct {
    int kind;
    /* ROLL: the window (rows), statistic, min_obs, na_rm and fill; LAG and
     * EWMA use roll.fill (LAG) and roll.min_obs (EWMA) only */
    lagrs_roll_spec roll;
    /* ROLL over time: the window covers the times (t - span, t] (right
     * alignment) or [t, t + span) (left) */
    double span;
    int align;                  /* LAGRS_ROLL_RIGHT or _LEFT over time */
    /* LAG: x at row i - lag, or at time t - lag; negative leads */
    double lag;
    /* EWMA: as pandas' ewm(alpha, adjust, ignore_na).mean(); over time the
     * old weight decays by (1 - alpha)^dt (pandas' `times`) */
    double alpha;
    int adjust, ignore_na;
} lagrs_feature;

typedef struct {
    const double *x;            /* the values, in the table's row order */
    const double *time;         /* the times, in row order; NULL: by rows */
    const int *order;           /* 1-based rows, series by series; NULL: 0, 1, ... */
    const int *start;           /* n_series + 1 offsets into order */
    R_xlen_t n_series;
    int n_features;
    const lagrs_feature *features;
    double *const *out;         /* one column per feature, a value per row */
    R_xlen_t longest;           /* the longest series */
    size_t ws_bytes;            /* per thread, from lagrs_features_workspace_bytes() */
    void *workspace;            /* max_threads * ws_bytes bytes, the caller's */
    int max_threads;
} lagrs_feature_job;

/* Bytes of workspace one thread needs (a multiple of 64). */
size_t lagrs_features_workspace_bytes(const lagrs_feature_job *job);

/* Series [g0, g1), in parallel on up to job->max_threads threads. */
void lagrs_features_run(const lagrs_feature_job *job, R_xlen_t g0, R_xlen_t g1);

/* The kernels of one series x[0..n) (times t[0..n), strictly increasing, or
 * NULL for rows), each writing out[0..n). */
void lagrs_lag_kernel(const double *x, const double *t, R_xlen_t n, const lagrs_feature *f,
                      double *out);
void lagrs_ewma_kernel(const double *x, const double *t, R_xlen_t n, const lagrs_feature *f,
                       double *out);
/* Rolling windows over time: each output's window is found by its times
 * and summarised by lagrs_roll_kernel(), so every statistic has the
 * arithmetic of the same window over rows.  `workspace`: the rolling
 * kernel's for windows of up to n. */
void lagrs_roll_time_kernel(const double *x, const double *t, R_xlen_t n,
                            const lagrs_feature *f, void *workspace, double *out);

#endif
