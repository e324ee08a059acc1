/* A BFGS optimizer for the ARIMA engine.  R's optim() calls back into R and
 * so cannot run inside OpenMP threads; this file follows the same variable
 * metric method (Nash's "Compact numerical methods", algorithm 21, which R's
 * optim(method = "BFGS") implements) closely enough that fits land on the
 * same optimum as stats::arima.  No R API here: all workspace is malloc()ed
 * and errors come back as codes. */
#include <math.h>
#include <stdlib.h>
#include <float.h>
#include <string.h>
#include "arima_internal.h"

#define STEP_SHRINK 0.2
#define ACCEPT_TOL 1e-4
#define SAME_POINT_REF 10.0

/* The objective seen on the scaled parameters. */
typedef struct {
    int n;
    lagrs_objective fn;
    void *ctx;
    const double *scale;
    double *natural;  /* n: scaled * parscale */
    lagrs_objective_batch batch;  /* or NULL */
    double *points;   /* 2 n * n natural points, 2 n values (with batch) */
} scaled_fn;

static double eval_scaled(scaled_fn *sf, const double *scaled)
{
    for (int i = 0; i < sf->n; i++)
        sf->natural[i] = scaled[i] * sf->scale[i];
    return sf->fn(sf->n, sf->natural, sf->ctx);
}

/* Central differences with step ndeps on the scaled parameters.  Returns 0,
 * or 1 when a difference is not finite. */
static int gradient_scaled(scaled_fn *sf, double *scaled, double ndeps,
                           double *grad)
{
    if (sf->batch != NULL) {
        /* the same 2n points, handed over together */
        int n = sf->n;
        size_t nn = (size_t) n;
        double *pts = sf->points, *vals = pts + 2 * nn * nn;
        for (int i = 0; i < n; i++) {
            double keep = scaled[i];
            for (int side = 0; side < 2; side++) {
                scaled[i] = side == 0 ? keep + ndeps : keep - ndeps;
                double *pt = pts + nn * (2 * (size_t) i + side);
                for (int j = 0; j < n; j++)
                    pt[j] = scaled[j] * sf->scale[j];
            }
            scaled[i] = keep;
        }
        sf->batch(n, 2 * n, pts, vals, sf->ctx);
        for (int i = 0; i < n; i++) {
            grad[i] = (vals[2 * i] - vals[2 * i + 1]) / (2.0 * ndeps);
            if (!isfinite(grad[i]))
                return 1;
        }
        return 0;
    }
    for (int i = 0; i < sf->n; i++) {
        double keep = scaled[i];
        scaled[i] = keep + ndeps;
        double up = eval_scaled(sf, scaled);
        scaled[i] = keep - ndeps;
        double down = eval_scaled(sf, scaled);
        scaled[i] = keep;
        grad[i] = (up - down) / (2.0 * ndeps);
        if (!isfinite(grad[i]))
            return 1;
    }
    return 0;
}

int lagrs_bfgs(int n, double *par, double *value, int *convergence,
               lagrs_objective fn, void *ctx, const lagrs_bfgs_control *ctl,
               int *fn_count, int *gr_count)
{
    *convergence = 0;
    *fn_count = *gr_count = 0;
    if (n == 0 || ctl->maxit <= 0) {
        *value = fn(n, par, ctx);
        return isfinite(*value) ? LAGRS_OPT_OK : LAGRS_OPT_NONFINITE_START;
    }
    size_t nn = (size_t) n;
    double *mem = malloc(sizeof(double) * (8 * nn + 3 * nn * nn));
    if (mem == NULL)
        return LAGRS_OPT_NOMEM;
    double *b = mem, *g = b + nn, *t = g + nn, *x_prev = t + nn,
           *c = x_prev + nn, *natural = c + nn, *B = natural + nn,
           *points = B + nn * nn;
    scaled_fn sf = {n, fn, ctx, ctl->parscale, natural, ctl->fn_batch, points};
    for (int i = 0; i < n; i++)
        b[i] = par[i] / ctl->parscale[i];

    int status = LAGRS_OPT_OK;
    double f = eval_scaled(&sf, b);
    if (!isfinite(f)) {
        status = LAGRS_OPT_NONFINITE_START;
        goto done;
    }
    double fmin = f;
    int funcount = 1, gradcount = 1, iter = 1, count, ilast;
    if (gradient_scaled(&sf, b, ctl->ndeps, g)) {
        status = LAGRS_OPT_NONFINITE_GRADIENT;
        goto done;
    }
    ilast = gradcount;

    do {
        if (ctl->stop != NULL && ctl->stop()) {  /* Ctrl-C in a batch */
            status = LAGRS_OPT_STOPPED;
            goto done;
        }
        if (ilast == gradcount) {  /* (re)start from the identity */
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    B[i + nn * j] = (i == j) ? 1.0 : 0.0;
        }
        for (int i = 0; i < n; i++) {
            x_prev[i] = b[i];
            c[i] = g[i];
        }
        /* search direction t = -B g (B symmetric, lower triangle kept) */
        double slope = 0.0;
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int j = 0; j <= i; j++)
                s -= B[i + nn * j] * g[j];
            for (int j = i + 1; j < n; j++)
                s -= B[j + nn * i] * g[j];
            t[i] = s;
            slope += s * g[i];
        }
        if (slope < 0.0) {
            double step = 1.0;
            int accepted = 0;
            do {
                count = 0;
                for (int i = 0; i < n; i++) {
                    b[i] = x_prev[i] + step * t[i];
                    if (SAME_POINT_REF + x_prev[i] == SAME_POINT_REF + b[i])
                        count++;
                }
                if (count < n) {
                    f = eval_scaled(&sf, b);
                    funcount++;
                    accepted = isfinite(f) &&
                        (f <= fmin + slope * step * ACCEPT_TOL);
                    if (!accepted)
                        step *= STEP_SHRINK;
                }
            } while (!(count == n || accepted));
            int enough = (f > -INFINITY) &&
                fabs(f - fmin) > ctl->reltol * (fabs(fmin) + ctl->reltol);
            if (!enough) {  /* small relative change: stop */
                count = n;
                fmin = f;
            }
            if (count < n) {
                fmin = f;
                if (gradient_scaled(&sf, b, ctl->ndeps, g)) {
                    status = LAGRS_OPT_NONFINITE_GRADIENT;
                    goto done;
                }
                gradcount++;
                iter++;
                double d1 = 0.0;
                for (int i = 0; i < n; i++) {
                    t[i] *= step;
                    c[i] = g[i] - c[i];
                    d1 += t[i] * c[i];
                }
                if (d1 > 0) {
                    double d2 = 0.0;
                    for (int i = 0; i < n; i++) {
                        double s = 0.0;
                        for (int j = 0; j <= i; j++)
                            s += B[i + nn * j] * c[j];
                        for (int j = i + 1; j < n; j++)
                            s += B[j + nn * i] * c[j];
                        x_prev[i] = s;
                        d2 += s * c[i];
                    }
                    d2 = 1.0 + d2 / d1;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j <= i; j++)
                            B[i + nn * j] += (d2 * t[i] * t[j] -
                                              x_prev[i] * t[j] -
                                              t[i] * x_prev[j]) / d1;
                } else {
                    ilast = gradcount;
                }
            } else if (ilast < gradcount) {  /* no progress: restart */
                count = 0;
                ilast = gradcount;
            }
        } else {  /* uphill: restart unless just restarted */
            count = 0;
            if (ilast == gradcount)
                count = n;
            else
                ilast = gradcount;
        }
        if (iter >= ctl->maxit)
            break;
        if (gradcount - ilast > 2 * n)
            ilast = gradcount;
    } while (count != n || ilast != gradcount);

    *convergence = (iter < ctl->maxit) ? 0 : 1;
    *value = fmin;
    /* b holds the last point tried, whose value is fmin in every exit */
    for (int i = 0; i < n; i++)
        par[i] = b[i] * ctl->parscale[i];
    *fn_count = funcount;
    *gr_count = gradcount;
done:
    free(mem);
    return status;
}

int lagrs_num_hessian(int n, const double *par, lagrs_objective fn,
                      void *ctx, const lagrs_bfgs_control *ctl, double *hess)
{
    if (n == 0)
        return LAGRS_OPT_OK;
    size_t nn = (size_t) n;
    double *mem = malloc(sizeof(double) * 4 * nn);
    if (mem == NULL)
        return LAGRS_OPT_NOMEM;
    double *b = mem, *g_up = b + nn, *g_down = g_up + nn, *natural = g_down + nn;
    scaled_fn sf = {n, fn, ctx, ctl->parscale, natural, NULL, NULL};
    int status = LAGRS_OPT_OK;
    for (int i = 0; i < n; i++)
        b[i] = par[i] / ctl->parscale[i];
    int unit_scale = 1;
    for (int i = 0; i < n; i++)
        if (ctl->parscale[i] != 1.0) unit_scale = 0;
    if (unit_scale) {
        /* With unit scales optimHess's differences of central-difference
         * gradients use each point b + h (+-e_i +-e_j) twice (once for
         * H[i, j], once for H[j, i]) and b itself 2n times: evaluating each
         * point once gives the same matrix with 1 + 2 n^2 evaluations
         * instead of 4 n^2.  The 2 n^2 points around b are listed first and
         * evaluated together when there is a batch objective. */
        double h = ctl->ndeps, denom = 4.0 * h * h;
        size_t n_pts = 2 * nn * nn;
        double *pts = malloc(sizeof(double) * (n_pts * nn + n_pts));
        if (pts == NULL) {
            free(mem);
            return LAGRS_OPT_NOMEM;
        }
        double *vals = pts + n_pts * nn;
        size_t k = 0;
        for (int i = 0; i < n; i++) {
            double keep_i = b[i];
            for (int side = 0; side < 2; side++) {
                b[i] = side == 0 ? keep_i + 2.0 * h : keep_i - 2.0 * h;
                memcpy(pts + nn * k++, b, sizeof(double) * nn);
            }
            b[i] = keep_i;
            for (int j = 0; j < i; j++) {
                double keep_j = b[j];
                for (int c = 0; c < 4; c++) {
                    b[i] = keep_i + ((c & 2) ? -h : h);
                    b[j] = keep_j + ((c & 1) ? -h : h);
                    memcpy(pts + nn * k++, b, sizeof(double) * nn);
                }
                b[i] = keep_i;
                b[j] = keep_j;
            }
        }
        /* natural units (all scales are 1) */
        double f0 = eval_scaled(&sf, b);
        if (ctl->fn_batch != NULL) {
            ctl->fn_batch(n, (int) n_pts, pts, vals, ctx);
        } else {
            for (size_t t = 0; t < n_pts; t++)
                vals[t] = fn(n, pts + nn * t, ctx);
        }
        if (!isfinite(f0)) status = LAGRS_OPT_NONFINITE_GRADIENT;
        k = 0;
        for (int i = 0; i < n && status == LAGRS_OPT_OK; i++) {
            double up = vals[k++], down = vals[k++];
            hess[i + nn * i] = ((up - f0) - (f0 - down)) / denom;
            if (!isfinite(hess[i + nn * i])) {
                status = LAGRS_OPT_NONFINITE_GRADIENT;
                break;
            }
            for (int j = 0; j < i; j++) {
                const double *corner = vals + k;
                k += 4;
                double v = ((corner[0] - corner[1]) - (corner[2] - corner[3])) / denom;
                if (!isfinite(v)) {
                    status = LAGRS_OPT_NONFINITE_GRADIENT;
                    break;
                }
                hess[i + nn * j] = hess[j + nn * i] = v;
            }
        }
        free(pts);
        free(mem);
        return status;
    }
    for (int i = 0; i < n; i++) {
        double eps = ctl->ndeps / ctl->parscale[i];
        double keep = b[i];
        b[i] = keep + eps;
        if (gradient_scaled(&sf, b, ctl->ndeps, g_up)) {
            status = LAGRS_OPT_NONFINITE_GRADIENT;
            break;
        }
        b[i] = keep - eps;
        if (gradient_scaled(&sf, b, ctl->ndeps, g_down)) {
            status = LAGRS_OPT_NONFINITE_GRADIENT;
            break;
        }
        b[i] = keep;
        for (int j = 0; j < n; j++)
            hess[i * nn + j] = (g_up[j] - g_down[j]) /
                (2.0 * eps * ctl->parscale[i] * ctl->parscale[j]);
    }
    if (status == LAGRS_OPT_OK)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) {
                double m = 0.5 * (hess[i + nn * j] + hess[j + nn * i]);
                hess[i + nn * j] = hess[j + nn * i] = m;
            }
    free(mem);
    return status;
}
