/* Entry point of the collection reader's C part (collectionR.c). */
#ifndef LAGRS_COLLECTIONR_H
#define LAGRS_COLLECTIONR_H

#include "lagrs.h"

SEXP dated_spacing_call(SEXP times, SEXP counts, SEXP seconds_per_unit, SEXP civil);
SEXP list_collection_call(SEXP series);
SEXP long_runs_call(SEXP ids, SEXP times, SEXP order);
SEXP collection_frequency_call(SEXP tsp);

#endif
