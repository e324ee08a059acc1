#ifndef LAGRS_ETSR_H
#define LAGRS_ETSR_H

#include "lagrs.h"

SEXP ets_states_call(SEXP y, SEXP state);

#endif
