/* The entry point of the STL decomposition (stlR.c). */
#ifndef LAGRS_STLR_H
#define LAGRS_STLR_H

#include "lagrs.h"

SEXP lagrs_stl_call(SEXP x, SEXP params);

#endif
