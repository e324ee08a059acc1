/* The conditional sum of squares (CSS) objective of stats::arima:
 * difference, then the ARMA recursion from n_cond on (residuals before
 * n_cond are 0); the optimizer minimises 0.5 log(ssq / n).  The short
 * orders (p, q <= 2) run with their terms in registers, and four parameter
 * sets at a time for a gradient's points.  Plain C. */
#include <math.h>
#include "arima_internal.h"

/* non-zero AR or MA terms the CSS recursion keeps in a list */
#define CSS_SPARSE_MAX 64

/* Runs BODY(P, Q) for the short orders p, q <= 2 in scope, with P and Q
 * constants in each expansion, so that the compiler drops the absent terms
 * of the CSS recursions (CSS_SHORT in css_recursion(), CSS_LANES in
 * css_recursion_short_batch()). */
#define CSS_BY_ORDER(BODY)                                              \
    switch (3 * p + q) {                                                \
    case 0: BODY(0, 0); break;                                          \
    case 1: BODY(0, 1); break;                                          \
    case 2: BODY(0, 2); break;                                          \
    case 3: BODY(1, 0); break;                                          \
    case 4: BODY(1, 1); break;                                          \
    case 5: BODY(1, 2); break;                                          \
    case 6: BODY(2, 0); break;                                          \
    case 7: BODY(2, 1); break;                                          \
    default: BODY(2, 2); break;                                         \
    }

/* The ARMA recursion of the CSS objective on the differenced series w
 * (n entries) from n_cond on, residuals into resid (n).  Returns
 * ssq / (number of finite residuals). */
static double css_recursion(const double *w, R_xlen_t n, const arma_dims *ad,
                            const double *phi, const double *theta,
                            int n_cond, double *resid)
{
    int p = ad->p, q = ad->q;
    for (R_xlen_t l = 0; l < n_cond && l < n; l++) resid[l] = 0.0;
    double ssq = 0.0;
    R_xlen_t nu = 0;
    R_xlen_t warm = n_cond + q < n ? n_cond + q : n;
    for (R_xlen_t l = n_cond; l < warm; l++) {
        double v = w[l];
        for (int j = 0; j < p; j++) v -= phi[j] * w[l - j - 1];
        R_xlen_t lim = l - n_cond;
        for (R_xlen_t j = 0; j < lim; j++) v -= theta[j] * resid[l - j - 1];
        resid[l] = v;
        if (!isnan(v)) {
            nu++;
            ssq += v * v;
        }
    }
    /* after the first q steps every MA term is present; NaN (missing
     * values) is rare, so count it separately instead of testing each term */
    R_xlen_t n_nan = 0;
    double ssq_main = 0.0;
    const double *wl = w + warm;
    double *rl = resid + warm;
    if (p <= 2 && q <= 2) {
        /* the common short orders: the same operations in the same order as
         * the general loop, with the last two residuals kept in registers
         * (a reload from memory would lengthen the recursion's chain) */
        double ph0 = p > 0 ? phi[0] : 0.0, ph1 = p > 1 ? phi[1] : 0.0;
        double th0 = q > 0 ? theta[0] : 0.0, th1 = q > 1 ? theta[1] : 0.0;
        double e1 = q > 0 ? rl[-1] : 0.0, e2 = q > 1 ? rl[-2] : 0.0;
        /* P and Q are constants in each expansion, so that the absent
         * terms and their tests drop out of the loop */
#define CSS_SHORT(P, Q)                                                 \
        for (R_xlen_t l = warm; l < n; l++, wl++, rl++) {               \
            double v = *wl;                                             \
            if ((P) > 0) v -= ph0 * wl[-1];                             \
            if ((P) > 1) v -= ph1 * wl[-2];                             \
            if ((Q) > 0) v -= th0 * e1;                                 \
            if ((Q) > 1) v -= th1 * e2;                                 \
            *rl = v;                                                    \
            e2 = e1;                                                    \
            e1 = v;                                                     \
            if (isnan(v)) n_nan++; else ssq_main += v * v;              \
        }
        CSS_BY_ORDER(CSS_SHORT);
#undef CSS_SHORT
    } else {
        /* Seasonal polynomials are mostly zeros.  Leaving out the zero terms
         * changes nothing while every value is finite (v - 0 * x == v); if
         * a residual is not finite (missing values, overflow) the pass is
         * redone with every term, as stats::arima computes it. */
        int lag_phi[CSS_SPARSE_MAX], lag_theta[CSS_SPARSE_MAX];
        double val_phi[CSS_SPARSE_MAX], val_theta[CSS_SPARSE_MAX];
        int n_phi = 0, n_theta = 0, sparse = 1;
        for (int j = 0; j < p && sparse; j++)
            if (phi[j] != 0.0) {
                if (n_phi == CSS_SPARSE_MAX) sparse = 0;
                else { lag_phi[n_phi] = j + 1; val_phi[n_phi++] = phi[j]; }
            }
        for (int j = 0; j < q && sparse; j++)
            if (theta[j] != 0.0) {
                if (n_theta == CSS_SPARSE_MAX) sparse = 0;
                else { lag_theta[n_theta] = j + 1; val_theta[n_theta++] = theta[j]; }
            }
        if (sparse) {
            for (R_xlen_t l = warm; l < n; l++, wl++, rl++) {
                double v = *wl;
                for (int t = 0; t < n_phi; t++) v -= val_phi[t] * wl[-lag_phi[t]];
                for (int t = 0; t < n_theta; t++) v -= val_theta[t] * rl[-lag_theta[t]];
                *rl = v;
                ssq_main += v * v;
            }
            if (!isfinite(ssq_main)) {
                sparse = 0;
                ssq_main = 0.0;
                wl = w + warm;
                rl = resid + warm;
            }
        }
        if (!sparse) {
            for (R_xlen_t l = warm; l < n; l++, wl++, rl++) {
                double v = *wl;
                for (int j = 0; j < p; j++) v -= phi[j] * wl[-j - 1];
                for (int j = 0; j < q; j++) v -= theta[j] * rl[-j - 1];
                *rl = v;
                if (isnan(v)) {
                    n_nan++;
                } else {
                    ssq_main += v * v;
                }
            }
        }
    }
    ssq += ssq_main;
    nu += (n - warm) - n_nan;
    return ssq / (double) nu;
}

/* The CSS objective's ssq / n at the expanded coefficients phi, theta for
 * the series x: w and resid (n each) receive the differenced series and the
 * residuals. */
double css_value(const double *x, R_xlen_t n, const arma_dims *ad, int d,
                 int D, const double *phi, const double *theta, int n_cond,
                 double *w, double *resid)
{
    difference_series(x, n, d, D, ad->ns, w);
    return css_recursion(w, n, ad, phi, theta, n_cond, resid);
}

/* css_recursion() for up to CSS_BATCH parameter sets of a short order
 * (p <= 2, q <= 2) at once.  Each recursion is a chain of dependent
 * multiply-subtracts; four independent chains interleaved take little
 * longer than one.  Every value is computed with exactly the operations of
 * css_recursion(), so out[i] equals its result.  ph, th: k x 2 (zero
 * padded); resid: k x n scratch; out: k values ssq / nu. */
static void css_recursion_short_batch(const double *w, R_xlen_t n, int p,
                                      int q, int k, const double *ph,
                                      const double *th, int n_cond,
                                      double *resid, double *out)
{
    R_xlen_t warm = n_cond + q < n ? n_cond + q : n;
    double ssq[CSS_BATCH] = {0}, e1[CSS_BATCH] = {0}, e2[CSS_BATCH] = {0};
    double a0[CSS_BATCH] = {0}, a1[CSS_BATCH] = {0}, b0[CSS_BATCH] = {0},
           b1[CSS_BATCH] = {0};
    R_xlen_t nu[CSS_BATCH] = {0};
    for (int i = 0; i < k; i++) {
        /* the first q steps as css_recursion() */
        double *res = resid + (size_t) n * i;
        const double *phi = ph + 2 * i, *theta = th + 2 * i;
        for (R_xlen_t l = 0; l < n_cond && l < n; l++) res[l] = 0.0;
        for (R_xlen_t l = n_cond; l < warm; l++) {
            double v = w[l];
            for (int j = 0; j < p; j++) v -= phi[j] * w[l - j - 1];
            R_xlen_t lim = l - n_cond;
            for (R_xlen_t j = 0; j < lim; j++) v -= theta[j] * res[l - j - 1];
            res[l] = v;
            if (!isnan(v)) {
                nu[i]++;
                ssq[i] += v * v;
            }
        }
        a0[i] = p > 0 ? phi[0] : 0.0;
        a1[i] = p > 1 ? phi[1] : 0.0;
        b0[i] = q > 0 ? theta[0] : 0.0;
        b1[i] = q > 1 ? theta[1] : 0.0;
        e1[i] = q > 0 ? res[warm - 1] : 0.0;
        e2[i] = q > 1 ? res[warm - 2] : 0.0;
    }
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    double e10 = e1[0], e11 = e1[1], e12 = e1[2], e13 = e1[3];
    double e20 = e2[0], e21 = e2[1], e22 = e2[2], e23 = e2[3];
    R_xlen_t z0 = 0, z1 = 0, z2 = 0, z3 = 0;
    /* P and Q are constants in each expansion below, so that the compiler
     * drops the absent terms: with four lanes the loop is bound by its
     * instruction count, not by the recursions' latency */
#define CSS_LANE(P, Q, E1, E2, S, Z, I) do {            \
        double v = wv;                                  \
        if ((P) > 0) v -= a0[I] * wm1;                  \
        if ((P) > 1) v -= a1[I] * wm2;                  \
        if ((Q) > 0) v -= b0[I] * E1;                   \
        if ((Q) > 1) v -= b1[I] * E2;                   \
        E2 = E1;                                        \
        E1 = v;                                         \
        if (isnan(v)) Z++; else S += v * v;             \
    } while (0)
#define CSS_LANES(P, Q)                                                 \
    for (R_xlen_t l = warm; l < n; l++) {                               \
        double wv = w[l], wm1 = (P) > 0 ? w[l - 1] : 0.0,               \
               wm2 = (P) > 1 ? w[l - 2] : 0.0;                          \
        CSS_LANE(P, Q, e10, e20, s0, z0, 0);                            \
        CSS_LANE(P, Q, e11, e21, s1, z1, 1);                            \
        CSS_LANE(P, Q, e12, e22, s2, z2, 2);                            \
        CSS_LANE(P, Q, e13, e23, s3, z3, 3);                            \
    }
    CSS_BY_ORDER(CSS_LANES);
#undef CSS_LANES
#undef CSS_LANE
    double s_main[CSS_BATCH] = {s0, s1, s2, s3};
    R_xlen_t z_main[CSS_BATCH] = {z0, z1, z2, z3};
    for (int i = 0; i < k; i++) {
        double total = ssq[i] + s_main[i];
        R_xlen_t count = nu[i] + ((n - warm) - z_main[i]);
        out[i] = total / (double) count;
    }
}

double objective_css(int n_free, const double *free_par, void *vctx)
{
    (void) n_free;
    fit_ctx *c = vctx;
    fill_par(c, free_par);
    expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params, c->trwork);
    double s2;
    if (c->ncxreg == 0 && c->w_ready) {
        s2 = css_recursion(c->w, c->n, &c->ad, c->k.phi, c->k.theta, c->ncond,
                           c->cssres);
    } else {
        const double *x = adjusted_series(c);
        s2 = css_value(x, c->n, &c->ad, c->d, c->D, c->k.phi, c->k.theta,
                       c->ncond, c->w, c->cssres);
        c->w_ready = c->ncxreg == 0;
    }
    return 0.5 * log(s2);
}

/* objective_css() at k points; the short orders without regressors go
 * through css_recursion_short_batch(), the rest one point at a time. */
void objective_css_batch(int n_free, int k, const double *pars,
                         double *values, void *vctx)
{
    fit_ctx *c = vctx;
    int p = c->ad.p, q = c->ad.q;
    if (!(c->ncxreg == 0 && c->w_ready) || p > 2 || q > 2) {
        for (int i = 0; i < k; i++)
            values[i] = objective_css(n_free, pars + (size_t) n_free * i, vctx);
        return;
    }
    for (int i0 = 0; i0 < k; i0 += CSS_BATCH) {
        int kk = k - i0 < CSS_BATCH ? k - i0 : CSS_BATCH;
        double ph[2 * CSS_BATCH] = {0}, th[2 * CSS_BATCH] = {0}, s2[CSS_BATCH];
        for (int i = 0; i < kk; i++) {
            fill_par(c, pars + (size_t) n_free * (i0 + i));
            expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params,
                        c->trwork);
            for (int j = 0; j < p; j++) ph[2 * i + j] = c->k.phi[j];
            for (int j = 0; j < q; j++) th[2 * i + j] = c->k.theta[j];
        }
        css_recursion_short_batch(c->w, c->n, p, q, kk, ph, th, c->ncond,
                                  c->css_batch_resid, s2);
        for (int i = 0; i < kk; i++)
            values[i0 + i] = 0.5 * log(s2[i]);
    }
}

