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

/* Named list elements (rlist.c): lagrs_find_elt() gives R_NilValue for a
 * missing name, lagrs_list_elt() raises an internal error. */
SEXP lagrs_find_elt(SEXP list, const char *name);
SEXP lagrs_list_elt(SEXP list, const char *name);

/* Entry points (threads.c). */
SEXP lagrs_threads_get(SEXP verbose);
SEXP lagrs_threads_set(SEXP n);
void lagrs_threads_init(void);

#endif
