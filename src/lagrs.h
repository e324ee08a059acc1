/* The header of the entry points (the *R.c files, init.c): the plain-C
 * kernel header plus the R API.  Kernel headers include lagrs_c.h, never
 * this one. */
#ifndef LAGRS_H
#define LAGRS_H

#include "lagrs_c.h"
#include <R.h>
#include <Rinternals.h>

/* Named list elements (rlist.c): lagrs_find_elt() gives R_NilValue for a
 * missing name, lagrs_list_elt() raises an internal error. */
SEXP lagrs_find_elt(SEXP list, const char *name);
SEXP lagrs_list_elt(SEXP list, const char *name);

/* Entry points (threadsR.c), and the set-up init.c runs at load
 * (threads.c, declared in threads.h too). */
SEXP lagrs_threads_get(SEXP verbose);
SEXP lagrs_threads_set(SEXP n);
void lagrs_threads_init(void);

/* The codes and rules that R and C share, as one named list (codesR.c);
 * R reads it once, at load (R/codes.R). */
SEXP lagrs_codes_call(void);

#endif
