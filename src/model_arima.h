/* What the ARIMA families share (model_arima.c): the packed state that
 * forecast reads, and the model label.  Plain C. */
#ifndef LAGRS_MODEL_ARIMA_H
#define LAGRS_MODEL_ARIMA_H

#include "model.h"
#include "arima.h"

/* A malloc()ed state for a fit with this spec: `prefix` values of the
 * caller's, then the ARIMA state (period, series length, sigma2, coef,
 * state_a, state_P); its whole length in *len, and res's buffers pointing
 * into it; NULL when out of memory.  The caller fills the ARIMA state's
 * header with lagrs_arima_state_header() after the fit. */
double *lagrs_arima_state_alloc(const lagrs_arima_spec *spec, R_xlen_t prefix,
                                R_xlen_t *len, lagrs_arima_result *res);
void lagrs_arima_state_header(double *state, int period, R_xlen_t n, double sigma2);
/* The offset of the coefficients in such a state. */
int lagrs_arima_state_coef_offset(void);

/* The filter of both ARIMA families, as forecast::Arima(y, model = fit):
 * the fit kernel on y[0..n-1] with every coefficient fixed at those of the
 * ARIMA state `frozen` (method CSS-ML, Arima's default; nothing is
 * estimated) into out, with a new state: prefix[0..prefix_len-1], then the
 * ARIMA state of the filtered series, whose sigma2 stays the fit's (as
 * forecast's arima2() keeps it).  spec gives the orders and period; its
 * fixed, method and output fields are set here.  Returns out->status. */
int lagrs_arima_state_filter(lagrs_arima_spec *spec, const double *frozen,
                             const double *prefix, R_xlen_t prefix_len, const double *y,
                             R_xlen_t n, lagrs_fit *out);

/* The extend of both ARIMA families: as lagrs_arima_state_filter() when y's
 * first values (as many as the state's series length) are those the state
 * was made from: the state's filter carried on over the rest
 * (lagrs_arima_extend_kernel()); loglik and the criteria NaN.  With
 * residuals asked, or a y shorter than the state's series, it filters. */
int lagrs_arima_state_extend(const lagrs_arima_spec *spec, const double *frozen,
                             const double *prefix, R_xlen_t prefix_len, const double *y,
                             R_xlen_t n, lagrs_fit *out);

/* h forecasts with normal intervals from such a state. */
int lagrs_arima_state_forecast(const lagrs_arima_spec *spec, const double *state, int h,
                               const double *levels, int n_levels, double *mean,
                               double *lower, double *upper, char *message);

/* "ARIMA(p,d,q)" or "ARIMA(p,d,q)(P,D,Q)[period]" from codes p, d, q, P, D,
 * Q, period. */
void lagrs_arima_label(const int *codes, char *buf, size_t size);

#endif
