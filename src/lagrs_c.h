/* What every plain-C kernel may include: the length type, the thread getter
 * and the parallel threshold.  No R header: kernels built with this header
 * alone run inside OpenMP regions and build without R (the fuzz harness
 * does).  Entry points (the *R.c files) include lagrs.h instead, which adds
 * the R API. */
#ifndef LAGRS_C_H
#define LAGRS_C_H

#include "lagrs_omp.h"
#include <stddef.h>
#include <stdint.h>

/* R's length type as Rinternals.h defines it on every platform with long
 * vectors (all 64-bit ones); repeating a compatible typedef is valid C11,
 * so this header and R's may be included in either order. */
typedef ptrdiff_t R_xlen_t;

/* Below this much work (roughly, element operations) a region runs on one
 * thread: starting a team costs more than it saves. */
#define LAGRS_MIN_PARALLEL_WORK 65536

/* The one thread getter.  Every `#pragma omp parallel` takes its team size
 * from here: `num_threads(lagrs_nthreads(work))`. */
int lagrs_nthreads(double work);

/* 1 when Ctrl-C has asked the running batch to stop (batch.c): long kernels
 * ask it between their steps and return early with any result (the runner
 * discards it).  Safe in any thread; 0 outside a batch. */
int lagrs_batch_stop_requested(void);

#endif
