/* Classical decomposition's seasonal figure, as stats::decompose() computes
 * it (decompose.c): shared by the Theta family (the multiplicative indexes)
 * and the ETS engine's initial states (either type).  Plain C. */
#ifndef LAGRS_DECOMPOSE_H
#define LAGRS_DECOMPOSE_H

#include "lagrs_c.h"

/* decompose(y, type)$figure for a series of n values and period m: the mean
 * detrended value (y minus, or divided by, the centred moving average) at
 * each position j = 0..m-1 counted from the series' first value, centred to
 * mean 0 (additive) or normalised to mean 1 (multiplicative).  work holds
 * 2n.  Returns 0 when an index is not finite. */
int lagrs_decompose_figure(const double *y, R_xlen_t n, int m, int multiplicative,
                           double *work, double *figure);

#endif
