/* The ensemble family's codes, shared with R (codesR.c hands them over). */
#ifndef LAGRS_MODEL_ENSEMBLE_H
#define LAGRS_MODEL_ENSEMBLE_H

#include "model.h"

#define LAGRS_ENSEMBLE_MAX_MEMBERS 8
/* The bytes an ensemble keeps for one member's parsed options: at least the
 * largest options struct of any family (checked when the options are read). */
#define LAGRS_ENSEMBLE_OPTIONS_BYTES 2048

enum lagrs_ensemble_combine {
    LAGRS_COMBINE_MEAN = 0,
    LAGRS_COMBINE_MEDIAN = 1,
    LAGRS_COMBINE_WEIGHTED = 2,
    LAGRS_ENSEMBLE_N_COMBINE
};

enum lagrs_ensemble_weights {
    LAGRS_WEIGHTS_EQUAL = 0,
    LAGRS_WEIGHTS_CV = 1,    /* inverse of each member's cross-validated MSE */
    LAGRS_WEIGHTS_IC = 2,    /* Akaike weights of the members' AICc */
    LAGRS_ENSEMBLE_N_WEIGHTS
};

enum lagrs_ensemble_intervals {
    LAGRS_INTERVALS_QUANTILE = 0,   /* the members' bounds, combined as the means */
    LAGRS_INTERVALS_CONFORMAL = 1,  /* from the combination's own CV errors */
    LAGRS_ENSEMBLE_N_INTERVALS
};

/* Errors of an ensemble fit, after the interface's own. */
enum lagrs_ensemble_error {
    LAGRS_ENSEMBLE_ERR_MEMBERS = LAGRS_FIT_ERROR,   /* every member failed */
    LAGRS_ENSEMBLE_ERR_MEMORY
};

/* Where member m's state lies in an ensemble's state, and its status (an
 * error status when it failed, or when the state is not an ensemble's). */
int lagrs_ensemble_member_state(const double *state, R_xlen_t state_len, int m,
                                R_xlen_t *offset, R_xlen_t *length);

#endif
