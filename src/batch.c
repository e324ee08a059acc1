#include "lagrs.h"
#include "batchR.h"
#include <string.h>
#include <stdio.h>
#include <math.h>
#include <time.h>
#include <signal.h>

/* Many series at once.  Every series is fitted by the same plain-C kernel as
 * arima_fit(), independently of the others, so a batch result equals the
 * single-series result bit for bit whatever the thread count, the order of
 * the series or the way the runner below splits them into blocks.  A series
 * that fails records its status and message; the others go on. */

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void draw_progress(const char *label, R_xlen_t done, R_xlen_t total,
                          double elapsed)
{
    const int bar_width = 30;
    int filled = (int) ((double) bar_width * (double) done / (double) total);
    char bar[64];
    for (int k = 0; k < bar_width; k++)
        bar[k] = k < filled ? '=' : ' ';
    bar[bar_width] = '\0';
    double remaining = done > 0 ? elapsed * (double) (total - done) / (double) done : 0;
    REprintf("\r%s [%s] %3d%% %.0fs left ", label, bar,
             (int) (100.0 * (double) done / (double) total), remaining);
}

/* ---- Ctrl-C while the threads run -------------------------------------- */

/* R's own SIGINT handler only sets R_interrupts_pending, which nothing reads
 * until the main thread calls R_CheckUserInterrupt() between blocks.  While
 * a batch runs, this handler takes its place and sets a flag that the
 * threads read (no R API) before each series and that long kernels read
 * between steps (lagrs_batch_stop_requested()); the runner then puts R's
 * handler back and hands it the signal, so the user gets R's usual
 * interrupt.  Where sigaction() is missing (Windows, where R polls for
 * Ctrl-C itself) the flag is never set and short blocks serve instead; front
 * ends that set R's flag without a signal are served between blocks. */
static volatile sig_atomic_t stop_requested = 0;

int lagrs_batch_stop_requested(void)
{
    return stop_requested != 0;
}

typedef struct {
    int armed;
#ifndef _WIN32
    struct sigaction previous;
#endif
} sigint_guard;

#ifndef _WIN32
static void on_sigint(int signal_number)
{
    (void) signal_number;
    stop_requested = 1;
}
#endif

/* Take over SIGINT unless it is ignored (a background job: leave it so). */
static void arm_sigint(sigint_guard *guard)
{
    guard->armed = 0;
    stop_requested = 0;
#ifndef _WIN32
    struct sigaction ours, current;
    if (sigaction(SIGINT, NULL, &current) != 0)
        return;
    if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN)
        return;
    memset(&ours, 0, sizeof ours);
    ours.sa_handler = on_sigint;
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &ours, &guard->previous) != 0)
        return;
    guard->armed = 1;
#endif
}

/* Put the previous handler back exactly; returns 1 when a SIGINT arrived
 * meanwhile. */
static int disarm_sigint(sigint_guard *guard)
{
#ifndef _WIN32
    if (guard->armed)
        sigaction(SIGINT, &guard->previous, NULL);
#endif
    guard->armed = 0;
    int caught = stop_requested != 0;
    stop_requested = 0;
    return caught;
}

/* Hand a caught SIGINT to the handler that is back in place (R's sets
 * R_interrupts_pending), then let R act on it: this normally jumps out as
 * R's interrupt.  It returns when R holds interrupts back
 * (suspendInterrupts()) or the handler is not R's; the caller then finishes
 * the work. */
static void deliver_interrupt(void)
{
#ifndef _WIN32
    raise(SIGINT);
#endif
    R_CheckUserInterrupt();
}

/* Block lengths in seconds.  A block ends when its time is up (each thread
 * finishes the series in hand), so a barrier costs at most one series per
 * thread; long blocks make that rare.  They are short while the progress
 * bar is being decided on or shown, and very short when Ctrl-C can only be
 * served between blocks. */
#define BLOCK_FIRST 0.5
#define BLOCK_PROGRESS 1.5
#define BLOCK_QUIET 4.0
#define BLOCK_UNARMED 0.25

/* Cheap series (by the work estimate, per series) start with a short block
 * on the main thread alone: a batch it finishes never starts the other
 * threads.  On a busy machine a thread the system does not schedule at once
 * holds up the end of a parallel region by a time slice (measured: 15-25 ms
 * per region for 200 mean fits at a load of 11 on 2 cores, against 1 ms on
 * one thread); a cheap series cannot hold the block up for long. */
#define BLOCK_SERIAL 0.01
#define SERIAL_WORK_PER_SERIES 1e5

typedef struct {
    lagrs_series_task task;
    void *ctx;
    const R_xlen_t *todo;      /* the series still to do, in input order */
    R_xlen_t n_todo;
    R_xlen_t next;             /* next position in todo; shared */
    unsigned char *done;       /* done[i]: series i ran to its end */
    double deadline;
#ifdef LAGRS_BATCH_STATS
    double busy, capacity;     /* thread-seconds in tasks / in the region */
#endif
} block_state;

/* One block: every thread takes the next series until the series run out,
 * the block's time is up, or Ctrl-C stops them.  A series that was running
 * when Ctrl-C came may be cut short and is not marked done. */
static void run_block(block_state *b, int n_threads)
{
#ifdef LAGRS_BATCH_STATS
    double region_start = seconds_now();
    int team = 1;
#endif
    #pragma omp parallel num_threads(n_threads)
    {
#ifdef LAGRS_BATCH_STATS
        double busy = 0;
        #pragma omp master
        team = omp_get_num_threads();
#endif
        for (;;) {
            if (stop_requested || seconds_now() > b->deadline)
                break;
            R_xlen_t k;
            #pragma omp atomic capture
            k = b->next++;
            if (k >= b->n_todo)
                break;
            R_xlen_t i = b->todo[k];
#ifdef LAGRS_BATCH_STATS
            double task_start = seconds_now();
#endif
            b->task(i, b->ctx);
#ifdef LAGRS_BATCH_STATS
            busy += seconds_now() - task_start;
#endif
            if (!stop_requested)
                b->done[i] = 1;
        }
#ifdef LAGRS_BATCH_STATS
        #pragma omp atomic
        b->busy += busy;
#endif
    }
#ifdef LAGRS_BATCH_STATS
    b->capacity += (double) team * (seconds_now() - region_start);
#endif
}

void lagrs_run_batch(R_xlen_t n_series, lagrs_series_task task, void *ctx,
                     double work, int progress, const char *label)
{
    if (n_series <= 0)
        return;
    double start = seconds_now();
    int showing = 0;
    block_state b;
    b.task = task;
    b.ctx = ctx;
    R_xlen_t *todo = (R_xlen_t *) R_alloc(n_series, sizeof(R_xlen_t));
    for (R_xlen_t i = 0; i < n_series; i++)
        todo[i] = i;
    b.todo = todo;
    b.n_todo = n_series;
    b.next = 0;
    b.done = (unsigned char *) R_alloc(n_series, 1);
    memset(b.done, 0, (size_t) n_series);
#ifdef LAGRS_BATCH_STATS
    b.busy = b.capacity = 0;
    int n_blocks = 0;
#endif
    R_xlen_t n_done = 0;
    double block_seconds = progress ? BLOCK_FIRST : BLOCK_QUIET;
    int serial = work / (double) n_series < SERIAL_WORK_PER_SERIES;
    sigint_guard guard;
    while (n_done < n_series) {
        arm_sigint(&guard);
        if (!guard.armed)
            block_seconds = BLOCK_UNARMED;
        b.deadline = seconds_now() + (serial ? BLOCK_SERIAL : block_seconds);
        run_block(&b, serial ? 1 : lagrs_nthreads(work));
        serial = 0;
#ifdef LAGRS_BATCH_STATS
        n_blocks++;
#endif
        /* the R API below may jump out: R's handler must be back first */
        if (disarm_sigint(&guard)) {
            deliver_interrupt();
            /* still here: finish everything, the cut series included */
            R_xlen_t n_left = 0;
            for (R_xlen_t i = 0; i < n_series; i++)
                if (!b.done[i])
                    todo[n_left++] = i;
            b.n_todo = n_left;
            b.next = 0;
        }
        R_CheckUserInterrupt();
        /* the series taken so far are done (a block that Ctrl-C cut short
         * has rebuilt todo from the ones that are not) */
        n_done = n_series - b.n_todo + (b.next < b.n_todo ? b.next : b.n_todo);
        double elapsed = seconds_now() - start;
        if (progress && n_done < n_series) {
            double projected = elapsed * (double) n_series / (double) (n_done > 0 ? n_done : 1);
            if (showing || (projected > 3.0 && elapsed > 0.5)) {
                showing = 1;
                draw_progress(label, n_done, n_series, elapsed);
            }
        }
        block_seconds = showing ? BLOCK_PROGRESS
            : progress && elapsed < 0.5 ? BLOCK_FIRST : BLOCK_QUIET;
    }
    if (showing) {
        draw_progress(label, n_series, n_series, seconds_now() - start);
        REprintf("\n");
    }
#ifdef LAGRS_BATCH_STATS
    REprintf("%s: %lld series, %d blocks, %.3f s, threads busy %.1f%% of the time\n",
             label, (long long) n_series, n_blocks, seconds_now() - start,
             b.capacity > 0 ? 100.0 * b.busy / b.capacity : 100.0);
#endif
}

double lagrs_batch_series(SEXP series, double work_per_value, const double ***y,
                          const R_xlen_t **n)
{
    R_xlen_t n_series = XLENGTH(series);
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    const double **values = (const double **) R_alloc(n_alloc, sizeof(double *));
    R_xlen_t *lengths = (R_xlen_t *) R_alloc(n_alloc, sizeof(R_xlen_t));
    double work = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP yi = VECTOR_ELT(series, i);
        if (TYPEOF(yi) != REALSXP)
            Rf_error("internal error: series %lld is not a double vector", (long long) i + 1);
        values[i] = REAL(yi);
        lengths[i] = XLENGTH(yi);
        work += (double) lengths[i] * work_per_value;
    }
    *y = values;
    *n = lengths;
    return work;
}
