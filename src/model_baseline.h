/* The benchmark methods (model_baseline.c): the codes R reads through
 * lagrs_codes("baseline_method") and the statuses of their fits.  Plain C. */
#ifndef LAGRS_MODEL_BASELINE_H
#define LAGRS_MODEL_BASELINE_H

#include "model.h"

/* The `method` option: which of forecast's benchmark functions a fit
 * reproduces (meanf, naive, snaive, rwf with drift = TRUE). */
enum lagrs_baseline_method {
    LAGRS_BASELINE_MEAN = 0,
    LAGRS_BASELINE_NAIVE = 1,
    LAGRS_BASELINE_SNAIVE = 2,
    LAGRS_BASELINE_DRIFT = 3,
    LAGRS_BASELINE_N_METHODS = 4
};
/* Their names, in the enum's order (R's method names). */
#define LAGRS_BASELINE_METHOD_NAMES {"mean", "naive", "snaive", "drift"}

/* Errors of a series' fit, numbered from LAGRS_FIT_ERROR up. */
enum lagrs_baseline_status {
    LAGRS_BASELINE_ERR_INPUT = LAGRS_FIT_ERROR,  /* no value, or an infinite one */
    LAGRS_BASELINE_ERR_TOO_SHORT,                /* too few values for the method */
    LAGRS_BASELINE_ERR_MEMORY
};

#endif
