#include "rolling_internal.h"
#include <math.h>

/* Rolling-window statistics: window geometry, the kernel of one chunk (which
 * hands the work to its family's file: rolling_sum.c, rolling_order.c,
 * rolling_quantile.c) and the driver that cuts many series into chunks and
 * runs them in parallel.
 * Plain C; the entry point is rollingR.c. */

/* ------------------------------------------------------------------------ */
/* Window geometry                                                           */

int lagrs_roll_set_window(lagrs_roll_spec *spec, R_xlen_t width, int align)
{
    if (width < 1)
        return -1;
    switch (align) {
    case LAGRS_ROLL_RIGHT:
        spec->before = width - 1;
        break;
    case LAGRS_ROLL_CENTER:
        spec->before = (width - 1) / 2;
        break;
    case LAGRS_ROLL_LEFT:
        spec->before = 0;
        break;
    default:
        return -1;
    }
    spec->width = width;
    spec->after = width - 1 - spec->before;
    return 0;
}

void lagrs_roll_answerable(const lagrs_roll_spec *spec, R_xlen_t n, R_xlen_t *from,
                           R_xlen_t *to)
{
    /* The window length hi - lo first grows (lo clipped at 0), then stays,
     * then shrinks (hi clipped at n), so the outputs with min_obs or more
     * are one stretch: from the first whose window reaches min_obs
     * observations to the last. */
    if (n < spec->min_obs) {
        *from = *to = 0;
        return;
    }
    R_xlen_t a = spec->min_obs - spec->after - 1;
    R_xlen_t b = n - spec->min_obs + spec->before + 1;
    *from = a > 0 ? a : 0;
    *to = b < n ? b : n;
}

/* Chunk length for a stretch of n outputs: a function of n and the width only,
 * never of the thread count.  The number of chunks is rounded up to a
 * power of two (up to 8) or a multiple of 8, and the chunks are of equal
 * length (the last one up to a few shorter), so that 2, 4 or 8 threads get
 * equal shares: 13 chunks of the longest length would leave one of two
 * threads a seventh chunk to run alone. */
R_xlen_t lagrs_roll_chunk_length(const lagrs_roll_spec *spec, R_xlen_t n)
{
    R_xlen_t cap = chunk_cap(spec);
    if (n <= cap)
        return n > 0 ? n : 1;
    R_xlen_t n_chunks = (n + cap - 1) / cap;
    if (n_chunks <= 8) {
        R_xlen_t pow2 = 2;
        while (pow2 < n_chunks)
            pow2 *= 2;
        n_chunks = pow2;
    } else {
        n_chunks = (n_chunks + 7) / 8 * 8;
    }
    return (n + n_chunks - 1) / n_chunks;
}

size_t lagrs_roll_workspace_bytes(const lagrs_roll_spec *spec, R_xlen_t longest)
{
    R_xlen_t cap = window_cap(spec, longest);
    switch (spec->stat) {
    case LAGRS_ROLL_MIN:
    case LAGRS_ROLL_MAX: {
        /* the block suffixes of the observations one chunk touches */
        R_xlen_t span = chunk_cap(spec) + spec->width;
        return (size_t) (span < longest ? span : longest) * sizeof(double);
    }
    case LAGRS_ROLL_MEDIAN:
    case LAGRS_ROLL_QUANTILE:
        return quantile_workspace_bytes(cap);
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------ */
/* One chunk                                                                 */

void lagrs_roll_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                       R_xlen_t last, const lagrs_roll_spec *spec,
                       void *workspace, double *out)
{
    switch (spec->stat) {
    case LAGRS_ROLL_MIN:
    case LAGRS_ROLL_MAX:
        minmax_kernel(x, n, first, last, spec, (double *) workspace,
                      spec->stat == LAGRS_ROLL_MAX, out);
        break;
    case LAGRS_ROLL_MEDIAN:
    case LAGRS_ROLL_QUANTILE:
        order_kernel(x, n, first, last, spec, workspace, out);
        break;
    default:
        sum_family_kernel(x, n, first, last, spec, out);
    }
}

/* ------------------------------------------------------------------------ */
/* Many series: tasks and threads                                            */

/* The series holding task `t`: the last s with task_start[s] <= t. */
static R_xlen_t series_of_task(const R_xlen_t *task_start, R_xlen_t n_series, R_xlen_t t)
{
    R_xlen_t a = 0, b = n_series;   /* task_start[a] <= t < task_start[b] */
    while (b - a > 1) {
        R_xlen_t mid = a + (b - a) / 2;
        if (task_start[mid] <= t)
            a = mid;
        else
            b = mid;
    }
    return a;
}

/* Task t: chunk [*first, *last) of series *s.  The chunks of a series cut
 * its answerable outputs [from, to); the task of its first chunk also
 * writes the fill before `from`, that of its last the fill from `to` on
 * (a series with no answerable output has one empty chunk, which writes
 * its whole fill). */
static void task_chunk(const lagrs_roll_job *job, R_xlen_t t, R_xlen_t *s, R_xlen_t *first,
                       R_xlen_t *last)
{
    R_xlen_t k = series_of_task(job->task_start, job->n_series, t);
    R_xlen_t from = job->from[k], to = job->to[k], chunk_len = job->chunk_len[k];
    R_xlen_t lo = from + (t - job->task_start[k]) * chunk_len;
    R_xlen_t hi = lo + chunk_len < to ? lo + chunk_len : to;
    double *out = job->out[k];
    if (lo == from)
        for (R_xlen_t i = 0; i < lo; i++)
            out[i] = job->spec->fill;
    if (hi == to)
        for (R_xlen_t i = hi; i < job->len[k]; i++)
            out[i] = job->spec->fill;
    *s = k;
    *first = lo;
    *last = hi;
}

/* Tasks: (series, chunk) pairs, numbered series by series.  Outputs whose
 * windows cannot hold min_obs observations are `fill` whatever the data;
 * the chunks cut the rest. */
R_xlen_t lagrs_roll_plan(lagrs_roll_job *job)
{
    const lagrs_roll_spec *spec = job->spec;
    double total_obs = 0;
    R_xlen_t longest = 0;
    job->task_start[0] = 0;
    for (R_xlen_t s = 0; s < job->n_series; s++) {
        R_xlen_t n = job->len[s];
        lagrs_roll_answerable(spec, n, &job->from[s], &job->to[s]);
        R_xlen_t m = job->to[s] - job->from[s];
        job->chunk_len[s] = lagrs_roll_chunk_length(spec, m);
        R_xlen_t n_chunks = (m + job->chunk_len[s] - 1) / job->chunk_len[s];
        if (n_chunks == 0 && n > 0)
            n_chunks = 1;
        job->task_start[s + 1] = job->task_start[s] + n_chunks;
        total_obs += (double) n;
        if (n > longest)
            longest = n;
    }
    const R_xlen_t n_tasks = job->task_start[job->n_series];
    job->n_tasks = n_tasks;
    if (n_tasks == 0)
        return 0;

    /* Per-thread workspace, sized for the most threads any batch may use,
     * and kept off each other's cache lines. */
    job->max_threads = lagrs_nthreads(INFINITY);
    size_t ws_bytes = lagrs_roll_workspace_bytes(spec, longest);
    job->ws_bytes = (ws_bytes + 63) / 64 * 64;

    double cost = 1.0;
    if (spec->stat == LAGRS_ROLL_MEDIAN || spec->stat == LAGRS_ROLL_QUANTILE)
        cost = 4.0 + log2((double) spec->width);
    job->work_per_task = total_obs / (double) n_tasks * cost;

    /* Sums and means run tasks two or four at a time in lock step (the
     * results are the same either way), when that leaves every thread two
     * or more such groups. */
    job->per_unit = 1;
#ifdef LAGRS_ROLL_PAIRS
    if (spec->stat == LAGRS_ROLL_SUM || spec->stat == LAGRS_ROLL_MEAN) {
#ifdef LAGRS_ROLL_QUADS
        if (lagrs_has_avx() && n_tasks >= 8 * (R_xlen_t) job->max_threads)
            job->per_unit = 4;
        else
#endif
        if (n_tasks >= 2 * (R_xlen_t) job->max_threads)
            job->per_unit = 2;
    }
#endif
    return n_tasks;
}

/* Tasks t .. t + n_tasks_here - 1, in lock step where there are two or
 * more non-empty chunks; `workspace` is this thread's. */
static void run_unit(const lagrs_roll_job *job, R_xlen_t t, int n_tasks_here,
                     void *workspace)
{
    const double *lx[4];
    double *lout[4];
    R_xlen_t ln[4], lfirst[4], llast[4];
    int n_lanes = 0;
    for (int k = 0; k < n_tasks_here; k++) {
        R_xlen_t s;
        task_chunk(job, t + k, &s, &lfirst[n_lanes], &llast[n_lanes]);
        if (lfirst[n_lanes] == llast[n_lanes])
            continue;
        lx[n_lanes] = job->x[s];
        ln[n_lanes] = job->len[s];
        lout[n_lanes] = job->out[s];
        n_lanes++;
    }
#ifdef LAGRS_ROLL_PAIRS
    if (n_lanes >= 2) {
        sum_lanes_kernel(n_lanes, lx, ln, lfirst, llast, lout, job->spec);
        return;
    }
#endif
    if (n_lanes == 1)
        lagrs_roll_kernel(lx[0], ln[0], lfirst[0], llast[0], job->spec, workspace, lout[0]);
}

void lagrs_roll_run(const lagrs_roll_job *job, R_xlen_t t0, R_xlen_t t1)
{
    const R_xlen_t per_unit = job->per_unit;
    const R_xlen_t n_units = (t1 - t0 + per_unit - 1) / per_unit;
    char *workspace = job->ws_bytes > 0 ? (char *) job->workspace : NULL;
    int n_threads = lagrs_nthreads(job->work_per_task * (double) (t1 - t0));
    if (n_threads > job->max_threads)
        n_threads = job->max_threads;
    #pragma omp parallel for num_threads(n_threads) schedule(dynamic, 1)
    for (R_xlen_t u = 0; u < n_units; u++) {
        const R_xlen_t t = t0 + u * per_unit;
        const int n_tasks_here = (int) (t1 - t < per_unit ? t1 - t : per_unit);
        void *ws = workspace ? workspace + (size_t) omp_get_thread_num() * job->ws_bytes : NULL;
        run_unit(job, t, n_tasks_here, ws);
    }
}
