/* The rolling family's entry point (rollingR.c), for init.c. */
#ifndef LAGRS_ROLLINGR_H
#define LAGRS_ROLLINGR_H

#include "lagrs.h"

/* R/rolling.R's rolling_apply(). */
SEXP lagrs_rolling_call(SEXP x, SEXP n_rows, SEXP n_cols, SEXP stat, SEXP width,
                        SEXP align, SEXP min_obs, SEXP na_rm, SEXP fill, SEXP prob);

/* Asks for transparent huge pages for a large output about to be written
 * in full (a hint; the features' outputs use it too). */
void lagrs_prefer_huge_pages(void *p, size_t bytes);

#endif
