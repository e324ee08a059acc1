#ifndef LAGRS_MODEL_ENSEMBLER_H
#define LAGRS_MODEL_ENSEMBLER_H

#include <Rinternals.h>

/* Entry point (model_ensembleR.c): one member's states from an ensemble
 * batch's states. */
SEXP ensemble_member_states_call(SEXP state, SEXP state_length, SEXP member);

#endif
