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

#include "lagrs_c.h"
#include <stddef.h>

/* The statistics.  R reads these codes (and the alignments below) through
 * lagrs_codes("rolling_stat") and lagrs_codes("rolling_align"). */
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
#define LAGRS_ROLL_STAT_NAMES \
    {"sum", "mean", "var", "sd", "min", "max", "median", "quantile"}
#define LAGRS_ROLL_N_STATS 8

/* Where the window sits against its output (see above). */
enum {
    LAGRS_ROLL_RIGHT = 1,
    LAGRS_ROLL_CENTER,
    LAGRS_ROLL_LEFT
};
#define LAGRS_ROLL_ALIGN_NAMES {"right", "center", "left"}
#define LAGRS_ROLL_N_ALIGNS 3

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

/* Sets width, before and after from the width and a LAGRS_ROLL_RIGHT,
 * _CENTER or _LEFT alignment; 0 on success, -1 for an unknown alignment or
 * a width below 1. */
int lagrs_roll_set_window(lagrs_roll_spec *spec, R_xlen_t width, int align);

/* Many series at once, in parallel: the caller describes the series and
 * gives the arrays (n_series + 1 elements each, task_start included); the
 * plan cuts them into tasks (series, chunk), and lagrs_roll_run() computes
 * tasks [t0, t1), so that the caller may check for an interrupt between
 * calls.  Results do not depend on the thread count. */
typedef struct {
    const lagrs_roll_spec *spec;
    R_xlen_t n_series;
    const double *const *x;     /* series s: x[s][0..len[s]) */
    double *const *out;         /* its outputs, every one written */
    const R_xlen_t *len;
    /* the plan's arrays, the caller's memory */
    R_xlen_t *task_start, *chunk_len, *from, *to;
    /* filled by lagrs_roll_plan() */
    R_xlen_t n_tasks;
    int max_threads;            /* lagrs_nthreads(INFINITY) */
    R_xlen_t per_unit;          /* tasks run in lock step */
    double work_per_task;
    size_t ws_bytes;            /* workspace per thread, a multiple of 64 */
    void *workspace;            /* the caller's, max_threads * ws_bytes bytes */
} lagrs_roll_job;

/* Fills the plan; returns the number of tasks. */
R_xlen_t lagrs_roll_plan(lagrs_roll_job *job);

/* Runs tasks [t0, t1) on up to job->max_threads threads. */
void lagrs_roll_run(const lagrs_roll_job *job, R_xlen_t t0, R_xlen_t t1);

#endif
