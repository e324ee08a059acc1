/* The intermittent-demand family (model_croston.c): Croston's method as
 * forecast::croston() computes it, the Syntetos-Boylan approximation and
 * Teunter-Syntetos-Babai.  The codes R shares (codesR.c hands them to
 * R/model_croston.R).  Plain C. */
#ifndef LAGRS_MODEL_CROSTON_H
#define LAGRS_MODEL_CROSTON_H

#include "model.h"

/* The `type` option. */
enum lagrs_croston_type {
    LAGRS_CROSTON_CLASSIC = 0,
    LAGRS_CROSTON_SBA = 1,
    LAGRS_CROSTON_TSB = 2
};
#define LAGRS_CROSTON_N_TYPES 3
#define LAGRS_CROSTON_TYPE_NAMES {"classic", "sba", "tsb"}

/* A series' errors (LAGRS_FIT_OK and LAGRS_FIT_WARNING as every family). */
enum lagrs_croston_status {
    LAGRS_CROSTON_ERR_INPUT = LAGRS_FIT_ERROR,  /* missing inside, infinite, negative */
    LAGRS_CROSTON_ERR_TOO_SHORT,                /* no value, or a single one */
    LAGRS_CROSTON_ERR_MEMORY
};

/* The fewest observed values a series needs. */
#define LAGRS_CROSTON_MIN_OBS 2

#endif
