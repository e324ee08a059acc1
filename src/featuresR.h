/* Entry point of the feature verbs (featuresR.c), for init.c. */
#ifndef LAGRS_FEATURESR_H
#define LAGRS_FEATURESR_H

#include "lagrs.h"

/* R/features.R's long_features() and the vector forms of lag_values() and
 * rolling_ewma(). */
SEXP features_call(SEXP x, SEXP time, SEXP order, SEXP start, SEXP spec);

#endif
