#include "features.h"
#include <math.h>
#include <string.h>

/* The driver of the feature verbs (features.h): whole series on each
 * thread, gathered into the thread's workspace unless their rows are
 * consecutive, every feature computed there and scattered to its column. */

static size_t round_up_64(size_t bytes)
{
    return (bytes + 63) / 64 * 64;
}

/* The rolling kernel's workspace for this feature, for series of up to
 * `longest` (a window over time may hold a whole series). */
static size_t roll_bytes(const lagrs_feature *f, int over_time, R_xlen_t longest)
{
    if (f->kind != LAGRS_FEATURE_ROLL)
        return 0;
    lagrs_roll_spec spec = f->roll;
    if (over_time && f->span > 0)
        (void) lagrs_roll_set_window(&spec, longest > 0 ? longest : 1, LAGRS_ROLL_RIGHT);
    return lagrs_roll_workspace_bytes(&spec, longest);
}

/* A series' worth of doubles, where series may have to be gathered (rows
 * in another order); none when every series is read in place. */
static size_t column_bytes(const lagrs_feature_job *job)
{
    if (job->order == NULL)
        return 0;
    return round_up_64(sizeof(double) * (size_t) (job->longest > 0 ? job->longest : 1));
}

/* Layout: the series' values, its times, one output column, then the
 * rolling kernel's workspace. */
size_t lagrs_features_workspace_bytes(const lagrs_feature_job *job)
{
    size_t column = column_bytes(job);
    size_t kernel = 0;
    for (int k = 0; k < job->n_features; k++) {
        size_t b = roll_bytes(&job->features[k], job->time != NULL, job->longest);
        if (b > kernel)
            kernel = b;
    }
    return 3 * column + round_up_64(kernel > 0 ? kernel : 64);
}

/* A window over rows, cut at the chunks rolling.c cuts a series at, so
 * that a series gives bitwise the outputs rolling_*() gives it alone. */
static void roll_rows(const double *x, R_xlen_t n, const lagrs_roll_spec *spec, void *ws,
                      double *out)
{
    R_xlen_t from, to;
    lagrs_roll_answerable(spec, n, &from, &to);
    for (R_xlen_t i = 0; i < from; i++)
        out[i] = spec->fill;
    for (R_xlen_t i = to; i < n; i++)
        out[i] = spec->fill;
    const R_xlen_t chunk = lagrs_roll_chunk_length(spec, to - from);
    for (R_xlen_t a = from; a < to; a += chunk)
        lagrs_roll_kernel(x, n, a, a + chunk < to ? a + chunk : to, spec, ws, out);
}

static void one_feature(const lagrs_feature *f, const double *x, const double *t, R_xlen_t n,
                        void *ws, double *out)
{
    switch (f->kind) {
    case LAGRS_FEATURE_LAG:
        lagrs_lag_kernel(x, t, n, f, out);
        break;
    case LAGRS_FEATURE_EWMA:
        lagrs_ewma_kernel(x, t, n, f, out);
        break;
    default:
        if (t != NULL && f->span > 0)
            lagrs_roll_time_kernel(x, t, n, f, ws, out);
        else
            roll_rows(x, n, &f->roll, ws, out);
    }
}

static int consecutive(const int *rows, R_xlen_t n)
{
    for (R_xlen_t i = 1; i < n; i++)
        if (rows[i] != rows[i - 1] + 1)
            return 0;
    return 1;
}

static void run_series(const lagrs_feature_job *job, R_xlen_t g, char *ws)
{
    const R_xlen_t lo = job->start[g], n = job->start[g + 1] - lo;
    if (n == 0)
        return;
    const int *rows = job->order != NULL ? job->order + lo : NULL;
    const int in_place = rows == NULL || consecutive(rows, n);
    const R_xlen_t first_row = rows != NULL ? (R_xlen_t) rows[0] - 1 : lo;
    size_t column = column_bytes(job);
    double *xs = (double *) ws;
    double *ts = (double *) (ws + column);
    double *buf = (double *) (ws + 2 * column);
    void *kernel_ws = ws + 3 * column;

    const double *x = job->x + first_row;
    const double *t = job->time != NULL ? job->time + first_row : NULL;
    if (!in_place) {
        for (R_xlen_t i = 0; i < n; i++)
            xs[i] = job->x[rows[i] - 1];
        x = xs;
        if (job->time != NULL) {
            for (R_xlen_t i = 0; i < n; i++)
                ts[i] = job->time[rows[i] - 1];
            t = ts;
        }
    }
    for (int k = 0; k < job->n_features; k++) {
        double *column_out = job->out[k];
        if (in_place) {
            one_feature(&job->features[k], x, t, n, kernel_ws, column_out + first_row);
            continue;
        }
        one_feature(&job->features[k], x, t, n, kernel_ws, buf);
        for (R_xlen_t i = 0; i < n; i++)
            column_out[rows[i] - 1] = buf[i];
    }
}

void lagrs_features_run(const lagrs_feature_job *job, R_xlen_t g0, R_xlen_t g1)
{
    if (g1 <= g0)
        return;
    double rows = (double) (job->start[g1] - job->start[g0]);
    int n_threads = lagrs_nthreads(rows * (double) job->n_features * 4.0);
    if (n_threads > job->max_threads)
        n_threads = job->max_threads;
    char *workspace = (char *) job->workspace;
    #pragma omp parallel for num_threads(n_threads) schedule(dynamic, 16)
    for (R_xlen_t g = g0; g < g1; g++)
        run_series(job, g, workspace + (size_t) omp_get_thread_num() * job->ws_bytes);
}
