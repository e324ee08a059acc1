/* The rolling family's entry point (rollingR.c), for init.c. */
#ifndef LAGRS_ROLLINGR_H
#define LAGRS_ROLLINGR_H

#include "lagrs.h"

/* R/rolling.R's rolling_apply(). */
SEXP lagrs_rolling_call(SEXP x, SEXP n_rows, SEXP n_cols, SEXP stat, SEXP width,
                        SEXP align, SEXP min_obs, SEXP na_rm, SEXP fill, SEXP prob);

#endif
