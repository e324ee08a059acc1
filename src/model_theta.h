/* The Theta family (model_theta.c): the standard Theta method as
 * forecast::thetaf() computes it, and the optimised Theta models of
 * Fiorucci et al. (2016) as forecTheta's otm() and dotm() compute them.
 * The codes R shares (codesR.c hands them to R/model_theta.R).  Plain C. */
#ifndef LAGRS_MODEL_THETA_H
#define LAGRS_MODEL_THETA_H

#include "model.h"

/* The `type` option. */
enum lagrs_theta_type {
    LAGRS_THETA_STANDARD = 0,
    LAGRS_THETA_OPTIMIZED = 1,  /* OTM: A_n and B_n fixed */
    LAGRS_THETA_DYNAMIC = 2     /* DOTM: A_t and B_t updated each step */
};
#define LAGRS_THETA_N_TYPES 3
#define LAGRS_THETA_TYPE_NAMES {"standard", "optimized", "dynamic"}

/* The fewest values OTM and DOTM fit: DOTM's objective and sigma start
 * at the third, and sigma needs two. */
#define LAGRS_THETA_OTM_MIN_N 4

#endif
