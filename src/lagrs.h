#ifndef LAGRS_H
#define LAGRS_H

#include "lagrs_omp.h"
#include <R.h>
#include <Rinternals.h>
#include <stdint.h>

/* Below this much work (roughly, element operations) a region runs on one
 * thread: starting a team costs more than it saves. */
#define LAGRS_MIN_PARALLEL_WORK 65536

/* The one thread getter.  Every `#pragma omp parallel` takes its team size
 * from here: `num_threads(lagrs_nthreads(work))`. */
int lagrs_nthreads(double work);

/* Entry points (threads.c). */
SEXP lagrs_threads_get(SEXP verbose);
SEXP lagrs_threads_set(SEXP n);
void lagrs_threads_init(void);

#endif
