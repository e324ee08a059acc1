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
