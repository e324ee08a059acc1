#include "ets.h"
#include <math.h>
#include <string.h>

/* The recursions, with the arithmetic of forecast's etscalc.c (8.20): the
 * same operations in the same order, the same guards (a divisor below
 * 1e-10 in size gives 1e10), so a likelihood matches to the last bits. */

#define ETS_TOL 1.0e-10
#define ETS_HUGE 1.0e10

int ets_state_size(const ets_spec *spec)
{
    return 1 + (spec->trend > ETS_NONE) + (spec->season > ETS_NONE ? spec->m : 0);
}

/* The forecasts 1..h steps from (l, b, s); -1 when a multiplicative trend
 * is negative.  phi's partial sums grow as etscalc grows them. */
static int forecast_from(double l, double b, const double *s, const ets_spec *spec,
                         double phi, double *f, int h)
{
    double phistar = phi;
    int m = spec->m;
    for (int i = 0; i < h; i++) {
        if (spec->trend == ETS_NONE)
            f[i] = l;
        else if (spec->trend == ETS_ADD)
            f[i] = l + phistar * b;
        else if (b < 0)
            return -1;
        else
            f[i] = l * pow(b, phistar);
        int j = m - 1 - i % m;
        if (spec->season == ETS_ADD)
            f[i] = f[i] + s[j];
        else if (spec->season == ETS_MULT)
            f[i] = f[i] * s[j];
        if (i < h - 1)
            phistar = fabs(phi - 1.0) < ETS_TOL ? phistar + 1.0
                                                 : phistar + pow(phi, (double) (i + 1));
    }
    return 0;
}

typedef struct {
    double l, b, s[ETS_MAX_PERIOD];
} ets_state;

/* One step of the state equations after observing y (new level, growth,
 * and the seasonal states shifted by one). */
static void update(ets_state *st, const ets_spec *spec, const ets_params *par, double y)
{
    int m = spec->m;
    double oldl = st->l, oldb = st->b, q, p, phib = 0, olds_m = 0;
    if (spec->trend == ETS_NONE) {
        q = oldl;
    } else if (spec->trend == ETS_ADD) {
        phib = par->phi * oldb;
        q = oldl + phib;
    } else if (fabs(par->phi - 1.0) < ETS_TOL) {
        phib = oldb;
        q = oldl * oldb;
    } else {
        phib = pow(oldb, par->phi);
        q = oldl * phib;
    }
    if (spec->season > ETS_NONE)
        olds_m = st->s[m - 1];
    if (spec->season == ETS_NONE)
        p = y;
    else if (spec->season == ETS_ADD)
        p = y - olds_m;
    else
        p = fabs(olds_m) < ETS_TOL ? ETS_HUGE : y / olds_m;
    st->l = q + par->alpha * (p - q);
    if (spec->trend > ETS_NONE) {
        double r;
        if (spec->trend == ETS_ADD)
            r = st->l - oldl;
        else
            r = fabs(oldl) < ETS_TOL ? ETS_HUGE : st->l / oldl;
        st->b = phib + (par->beta / par->alpha) * (r - phib);
    }
    if (spec->season > ETS_NONE) {
        double t;
        if (spec->season == ETS_ADD)
            t = y - q;
        else
            t = fabs(q) < ETS_TOL ? ETS_HUGE : y / q;
        memmove(st->s + 1, st->s, sizeof(double) * (size_t) (m - 1));
        st->s[0] = olds_m + par->gamma * (t - olds_m);
    }
}

static void load_state(ets_state *st, const double *x, const ets_spec *spec)
{
    int k = 0;
    st->l = x[k++];
    st->b = spec->trend > ETS_NONE ? x[k++] : 0.0;
    if (spec->season > ETS_NONE)
        memcpy(st->s, x + k, sizeof(double) * (size_t) spec->m);
}

static void store_state(const ets_state *st, const ets_spec *spec, double *x)
{
    int k = 0;
    x[k++] = st->l;
    if (spec->trend > ETS_NONE)
        x[k++] = st->b;
    if (spec->season > ETS_NONE)
        memcpy(x + k, st->s, sizeof(double) * (size_t) spec->m);
}

int ets_calc(const double *y, R_xlen_t n, const ets_spec *spec, const ets_params *par,
             const double *init, int nmse, double *e, double *states, double *last,
             double *lik, double *amse)
{
    int ns = ets_state_size(spec);
    if (nmse > ETS_MAX_NMSE)
        nmse = ETS_MAX_NMSE;
    if (nmse < 1)
        nmse = 1;
    double f[ETS_MAX_NMSE], denom[ETS_MAX_NMSE];
    ets_state st;
    load_state(&st, init, spec);
    if (states != NULL)
        memcpy(states, init, sizeof(double) * (size_t) ns);
    double sse = 0.0, log_f = 0.0;
    for (int j = 0; j < nmse; j++)
        amse[j] = denom[j] = 0.0;
    for (R_xlen_t i = 0; i < n; i++) {
        if (forecast_from(st.l, st.b, st.s, spec, par->phi, f, nmse) != 0) {
            *lik = NAN;
            return -1;
        }
        e[i] = spec->error == ETS_ADD ? y[i] - f[0] : (y[i] - f[0]) / f[0];
        for (int j = 0; j < nmse && i + j < n; j++) {
            double err = y[i + j] - f[j];
            denom[j] += 1.0;
            amse[j] = (amse[j] * (denom[j] - 1.0) + err * err) / denom[j];
        }
        update(&st, spec, par, y[i]);
        if (states != NULL)
            store_state(&st, spec, states + (i + 1) * ns);
        sse = sse + e[i] * e[i];
        log_f += log(fabs(f[0]));
    }
    *lik = (double) n * log(sse);
    if (spec->error == ETS_MULT)
        *lik += 2 * log_f;
    if (last != NULL)
        store_state(&st, spec, last);
    return 0;
}

int ets_point_forecast(const double *state, const ets_spec *spec, double phi, int h,
                       double *f)
{
    ets_state st;
    load_state(&st, state, spec);
    return forecast_from(st.l, st.b, st.s, spec, phi, f, h);
}

int ets_simulate(const double *state, const ets_spec *spec, const ets_params *par, int h,
                 const double *innov, double *y)
{
    ets_state st;
    load_state(&st, state, spec);
    for (int i = 0; i < h; i++) {
        double f;
        if (forecast_from(st.l, st.b, st.s, spec, par->phi, &f, 1) != 0)
            return -1;
        y[i] = spec->error == ETS_ADD ? f + innov[i] : f * (1.0 + innov[i]);
        update(&st, spec, par, y[i]);
    }
    return 0;
}

/* ets_calc's one-step errors and likelihood alone, for the optimiser: the
 * same operations on the same values (so the same doubles), without the
 * longer forecasts amse needs and with the seasonal states in a ring (the
 * slot of s_m takes the new s_1) instead of shifted each step. */
int ets_calc_lik(const double *y, R_xlen_t n, const ets_spec *spec, const ets_params *par,
                 const double *init, double *e, double *lik)
{
    const int trend = spec->trend, season = spec->season, mult_error = spec->error == ETS_MULT;
    const int m = season > ETS_NONE ? spec->m : 1, unit_phi = fabs(par->phi - 1.0) < ETS_TOL;
    const double alpha = par->alpha, gamma = par->gamma, phi = par->phi;
    const double beta_alpha = par->beta / par->alpha;
    double ring[ETS_MAX_PERIOD];
    double l = init[0], b = trend > ETS_NONE ? init[1] : 0.0;
    if (season > ETS_NONE)
        memcpy(ring, init + 1 + (trend > ETS_NONE), sizeof(double) * (size_t) m);
    int oldest = m - 1;   /* ring[oldest] is s_m */
    /* sum log|f| as the log of running products: one log per ~100 values
     * instead of one per value (the sum to about 1e-15 relative) */
    double sse = 0.0, log_f = 0.0, product = 1.0;
    for (R_xlen_t i = 0; i < n; i++) {
        double q, phib = 0, f;
        if (trend == ETS_NONE) {
            q = l;
        } else if (trend == ETS_ADD) {
            phib = phi * b;
            q = l + phib;
        } else {
            if (b < 0) {
                *lik = NAN;
                return -1;
            }
            phib = unit_phi ? b : pow(b, phi);
            q = l * phib;
        }
        double s_m = season > ETS_NONE ? ring[oldest] : 0.0;
        f = season == ETS_NONE ? q : season == ETS_ADD ? q + s_m : q * s_m;
        double yi = y[i], err = mult_error ? (yi - f) / f : yi - f;
        e[i] = err;
        double p = season == ETS_NONE ? yi : season == ETS_ADD ? yi - s_m
            : fabs(s_m) < ETS_TOL ? ETS_HUGE : yi / s_m;
        double old_l = l;
        l = q + alpha * (p - q);
        if (trend > ETS_NONE) {
            double r = trend == ETS_ADD ? l - old_l
                : fabs(old_l) < ETS_TOL ? ETS_HUGE : l / old_l;
            b = phib + beta_alpha * (r - phib);
        }
        if (season > ETS_NONE) {
            double t = season == ETS_ADD ? yi - q : fabs(q) < ETS_TOL ? ETS_HUGE : yi / q;
            ring[oldest] = s_m + gamma * (t - s_m);
            oldest = oldest == 0 ? m - 1 : oldest - 1;
        }
        sse = sse + err * err;
        if (mult_error) {
            product *= fabs(f);
            if (!(product > 1e-150 && product < 1e150)) {
                log_f += log(product);
                product = 1.0;
            }
        }
    }
    *lik = (double) n * log(sse);
    if (mult_error)
        *lik += 2 * (log_f + log(product));
    return 0;
}
