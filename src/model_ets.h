/* What the single-series entry points (etsR.c) read from an ETS family
 * state (model_ets.c).  Plain C. */
#ifndef LAGRS_MODEL_ETS_H
#define LAGRS_MODEL_ETS_H

#include "model.h"

/* The number of state components (l, b, s_1..s_m) of a fitted state. */
int lagrs_ets_state_width(const double *state);

/* The recursions of a fitted state over y[0..n-1] from its initial state:
 * the states after each value into states ((n + 1) x width, by rows) and the
 * errors e (relative for a multiplicative error).  Returns 0, or -1. */
int lagrs_ets_run(const double *state, const double *y, R_xlen_t n, double *states,
                  double *e);

#endif
