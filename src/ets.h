/* The exponential smoothing (ETS) engine, as forecast::ets() (8.20) computes
 * it: the state-space recursions of Hyndman, Koehler, Ord and Snyder (2008)
 * for every error x trend x season combination, damped or not
 * (ets_recursion.c, after forecast's src/etscalc.c), forecast's initial
 * states and starting parameters (ets_init.c), the bounds, the objective and
 * the Nelder-Mead fit of one model (ets_optim.c), the automatic choice
 * across models (ets_select.c) and the forecast variances and simulated
 * intervals (ets_forecast.c).  Plain C, no R API: any thread. */
#ifndef LAGRS_ETS_H
#define LAGRS_ETS_H

#include "lagrs_c.h"

enum { ETS_NONE = 0, ETS_ADD = 1, ETS_MULT = 2 };
enum { ETS_IC_AICC = 0, ETS_IC_AIC = 1, ETS_IC_BIC = 2 };
enum { ETS_CRIT_LIK = 0, ETS_CRIT_AMSE, ETS_CRIT_MSE, ETS_CRIT_SIGMA, ETS_CRIT_MAE };
enum { ETS_BOUNDS_BOTH = 0, ETS_BOUNDS_USUAL, ETS_BOUNDS_ADMISSIBLE };

#define ETS_MAX_PERIOD 24            /* forecast's limit for seasonal models */
#define ETS_MAX_STATE (2 + ETS_MAX_PERIOD)
#define ETS_MAX_NMSE 30
#define ETS_MAXIT 2000               /* etsmodel()'s maxit */
#define ETS_CHOOSE (-1)              /* a component or damping left to the search */

/* A model's form: error ETS_ADD/ETS_MULT, trend and season
 * ETS_NONE/ADD/MULT, damped 0/1; m the period (1 without a season). */
typedef struct {
    int error, trend, season, damped, m;
} ets_spec;

/* Smoothing parameters; beta 0 without a trend, gamma 0 without a season,
 * phi 1 without damping (as etscalc takes them). */
typedef struct {
    double alpha, beta, gamma, phi;
} ets_params;

/* What a fit may choose and how: the ets() arguments of the same names.
 * Components may be ETS_CHOOSE; given alpha..phi are NaN when estimated. */
typedef struct {
    int error, trend, season, damped;
    int period;                  /* 0: the series' frequency */
    int additive_only, allow_multiplicative_trend, restrict_models;
    int ic, opt_crit, nmse, bounds;
    double alpha, beta, gamma, phi;
    double lower[4], upper[4];   /* alpha, beta, gamma, phi */
} ets_control;

/* One fitted model.  init and last are state vectors (l, b, s_1..s_m) in
 * etscalc's order: s_1 the newest seasonal state, s_m the one the next
 * value uses. */
typedef struct {
    ets_spec spec;
    ets_params par;
    int n_state;                   /* 1 + (trend) + m (season) */
    int estimated[4];              /* alpha..phi estimated (1) or given (0) */
    double init[ETS_MAX_STATE], last[ETS_MAX_STATE];
    double lik, loglik, aic, aicc, bic, mse, amse, sigma2;
    int n_par;                     /* length(fit$par): parameters + initial states */
    int convergence;
} ets_model_fit;

/* ---- ets_recursion.c ---- */
int ets_state_size(const ets_spec *spec);
/* etscalc: runs the recursions over y[0..n-1] from init: the errors e
 * (additive, or relative for multiplicative error), the states after each
 * value into states ((n + 1) x n_state by rows, may be NULL), the last state
 * into last, -2 log likelihood (forecast's lik: n log(sum e^2) + 2 sum
 * log|f| for multiplicative errors), and the mean squared h-step errors
 * amse[0..nmse-1].  Returns 0, or -1 when a multiplicative trend turned
 * negative (forecast's NA). */
int ets_calc(const double *y, R_xlen_t n, const ets_spec *spec, const ets_params *par,
             const double *init, int nmse, double *e, double *states, double *last,
             double *lik, double *amse);
/* ets_calc's errors and likelihood alone (no states, no amse), faster. */
int ets_calc_lik(const double *y, R_xlen_t n, const ets_spec *spec, const ets_params *par,
                 const double *init, double *e, double *lik);
/* etsforecast: the point forecasts h steps from a state; -1 as above. */
int ets_point_forecast(const double *state, const ets_spec *spec, double phi, int h,
                       double *f);
/* etssimulate: one future path from a state with the given innovations. */
int ets_simulate(const double *state, const ets_spec *spec, const ets_params *par, int h,
                 const double *innov, double *y);

/* ---- ets_init.c ---- */
/* initstate(): the starting states l, b, s_0..s_{m-2} (forecast's order)
 * into init; returns how many, or -1 when a regression failed.  work holds
 * 11n + 64. */
int ets_initial_states(const double *y, R_xlen_t n, int trend, int season, int m,
                       double *work, double *init);
/* initparam(): the starting values of the estimated parameters, in the
 * order alpha, beta, gamma, phi, into par; returns how many. */
int ets_initial_params(const ets_control *ctl, const ets_spec *spec, const double *lower,
                       const double *upper, double *par);

/* ---- ets_optim.c ---- */
/* check.param(): 1 when the parameters are within the bounds asked for. */
int ets_params_ok(const ets_params *par, const ets_spec *spec, const int *estimated,
                  const double *lower, const double *upper, int bounds);
/* The characteristic-root test of admissible(): 1 when every root of
 * forecast's polynomial lies within 1 + 1e-10 of the origin. */
int ets_roots_admissible(const ets_params *par, int m);
/* etsmodel(): one model fitted to y.  Returns 0, or 1 when it cannot be
 * fitted (too many parameters for the data, no finite start, parameters
 * out of range): forecast's Inf information criteria.  work: ets_work_size(n). */
int ets_fit_model(const double *y, R_xlen_t n, const ets_spec *spec,
                  const ets_control *ctl, double *work, ets_model_fit *fit);
R_xlen_t ets_work_size(R_xlen_t n);

/* ---- ets_select.c ---- */
enum { ETS_OK = 0, ETS_ERR_INPUT = 1, ETS_ERR_TOO_SHORT = 2, ETS_ERR_NO_MODEL = 3,
       ETS_ERR_MEMORY = 4 };
/* ets(): the model (fixed, or the best by ctl->ic among those the rules
 * allow) for y of frequency m.  Returns ETS_OK, with *warned set to 1 when
 * a period above 24 was ignored, or an error with a message. */
int ets_select(const double *y, R_xlen_t n, int m, const ets_control *ctl,
               ets_model_fit *fit, int *warned, char *message, size_t message_size);

/* ---- ets_forecast.c ---- */
#define ETS_NPATHS 5000
/* forecast.ets(): point forecasts mean[0..h-1] and the forecast variances
 * var[0..h-1] of the analytic classes 1 to 3 (Hyndman et al. 2008, ch. 6);
 * returns 1 when the model has none (simulate then), -1 on a failure. */
int ets_forecast_variance(const ets_spec *spec, const ets_params *par, const double *last,
                          double sigma2, int h, double *mean, double *var);
/* pegelsfcast.C(): the bounds from ETS_NPATHS simulated paths (quantile
 * type 8) for each level, seeded by seed; returns 0, or -1 on a failure. */
int ets_simulated_bounds(const ets_spec *spec, const ets_params *par, const double *last,
                         double sigma2, int h, const double *levels, int n_levels,
                         uint64_t seed, double *lower, double *upper);

#endif
