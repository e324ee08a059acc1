/* The exact likelihood of the differenced series under the ARMA part alone
 * (the limit kappa -> infinity of stats::arima's diffuse filter), which the
 * ML search evaluates when there are no missing values: an r-dimensional
 * filter whose covariance stops being updated once it has converged, with
 * Chandrasekhar recursions from r = 3 on, scalar code for r = 2, and four
 * r = 2 filters run interleaved for the points of a gradient's stencil.
 * Plain C. */
#include <math.h>
#include "arima_internal.h"

/* The converged part of an r = 2 filter, set aside so that several can run
 * interleaved (arma_tails_run); sums so far in ssq, sumlog, nu. */
typedef struct {
    R_xlen_t next, m;
    double x0, x1, c0, c1, ph0, ph1, inv_gain, log_gain;
    int counted;
    double ssq, sumlog;
    R_xlen_t nu;
} arma_tail;

/* The steps of arma_filter() before its covariance converges, for a
 * two-dimensional ARMA state (ARMA(1,1), MA(1), AR(2), ARMA(2,1): the
 * commonest orders), in an r2_lane.  The same operations in the same order
 * as the general loop, so the same values bit for bit, with the state and
 * the covariance in scalars: the general loop's short vector loops and
 * array round trips cost more than the arithmetic at this size.  With r = 2
 * only the (0,0) entry of the predicted covariance moves after the first
 * step,
 *   g' = 1 + (theta^2 - theta (theta / g)),
 * while the (0,1) and (1,1) entries stay at theta and theta^2.  The
 * division makes each step a long dependency chain, so the batch objective
 * runs four of these filters interleaved (r2_step on four lanes). */

/* The lane's start from the stationary covariance left in k->Pnew by
 * stationary_cov(k, 2, 0) and the coefficients in k. */
void r2_lane_init(r2_lane *s, const kalman_ws *k)
{
    s->p = k->p;
    s->q = k->q;
    s->ph0 = k->p > 0 ? k->phi[0] : 0.0;
    s->ph1 = k->p > 1 ? k->phi[1] : 0.0;
    s->th = k->q > 0 ? k->theta[0] : 0.0;
    s->p00 = k->Pnew[0];
    s->p01 = k->Pnew[2];
    s->p11 = k->Pnew[3];
    s->m0 = s->m1 = s->a0 = s->a1 = 0.0;
    s->gain = s->inv_gain = 1.0;
    s->ssq = 0.0;
    s->logdet.sum = 0.0;
    s->logdet.prod = 1.0;
    s->nu = 0;
    s->steady = s->track = 0;
}

/* The innovation, the sums and the filtered state of a step whose gain
 * is known. */
ALWAYS_INLINE int r2_update(r2_lane *s, double wl, double n0, double n1,
                            double gain)
{
    double res = wl - n0;
    double scaled = res * s->inv_gain;
    if (gain < GAIN_LIMIT) {
        s->nu++;
        s->ssq += res * scaled;
        logdet_add(&s->logdet, gain);
    }
    s->a0 = n0 + s->m0 * scaled;
    s->a1 = n1 + s->m1 * scaled;
    return s->steady;
}

/* Step l with observation wl.  Returns 0, 1 when the covariance became
 * steady at this step, -1 at a large prediction variance. */
ALWAYS_INLINE int r2_step(r2_lane *s, double wl, R_xlen_t l)
{
    const int p = s->p;
    double n0 = p > 0 ? s->a1 + s->ph0 * s->a0 : s->a1;
    double n1 = p > 1 ? 0.0 + s->ph1 * s->a0 : 0.0;
    if (l > 2) {
        /* From here on (with finite values: a non-finite gain has stopped
         * the filter) the (0,1) and (1,1) entries are recomputed to the
         * same values, so the general tests below reduce to the change of
         * the (0,0) entry, the gain. */
        double mj = s->m1 * s->inv_gain;
        double gain = 1.0 * 1.0 + (s->p11 - s->m1 * mj);
        double change = fabs(gain - s->p00), size = fabs(gain);
        s->p00 = s->m0 = s->gain = gain;
        s->inv_gain = 1.0 / gain;
        if (!(gain < FAST_GAIN_LIMIT))
            return -1;
        if (s->track && change <= 1e-13 * size)
            s->steady = 1;
        double row_size = size > fabs(s->p01) ? size : fabs(s->p01);
        s->track = change <= 1e-13 * row_size;
        return r2_update(s, wl, n0, n1, gain);
    }
    double change = 0.0, size = 0.0;
    if (l > 0) {
        double th = s->th, mj = s->m1 * s->inv_gain;
        double v00 = 1.0 * 1.0 + (s->p11 - s->m1 * mj);
        double v01 = th * 1.0, v11 = th * th;
        if (!s->track) {
            change = INFINITY;
        } else {
            double dv = fabs(v00 - s->p00);
            change = dv > change ? dv : change;
            size = fabs(v00) > size ? fabs(v00) : size;
            dv = fabs(v01 - s->p01);
            change = dv > change ? dv : change;
            dv = fabs(v11 - s->p11);
            change = dv > change ? dv : change;
        }
        s->p00 = v00; s->p01 = v01; s->p11 = v11;
    }
    double gain = s->p00;
    s->gain = gain;
    s->inv_gain = 1.0 / gain;
    if (!(gain < FAST_GAIN_LIMIT))
        return -1;
    double row_change = 0.0, row_size = 0.0;
    double dv = l > 0 ? fabs(gain - s->m0) : 0.0;
    row_change = (dv > row_change || isnan(dv)) ? dv : row_change;
    row_size = fabs(gain) > row_size ? fabs(gain) : row_size;
    s->m0 = gain;
    dv = l > 0 ? fabs(s->p01 - s->m1) : 0.0;
    row_change = (dv > row_change || isnan(dv)) ? dv : row_change;
    row_size = fabs(s->p01) > row_size ? fabs(s->p01) : row_size;
    s->m1 = s->p01;
    if (l > 2 && s->track && change <= 1e-13 * size)
        s->steady = 1;
    s->track = l > 0 && row_change <= 1e-13 * row_size;
    return r2_update(s, wl, n0, n1, gain);
}

/* The converged rest of a lane that became steady at step l, set aside
 * for arma_tails_run(). */
static void r2_lane_defer(const r2_lane *s, R_xlen_t l, R_xlen_t m,
                          arma_tail *t)
{
    t->next = l + 1;
    t->m = m;
    t->x0 = s->a1 + (s->p > 0 ? s->ph0 * s->a0 : 0.0);
    t->x1 = 0.0 + (s->p > 1 ? s->ph1 * s->a0 : 0.0);
    t->c0 = s->m1 * s->inv_gain;
    t->c1 = 0.0;
    t->ph0 = s->ph0;
    t->ph1 = s->ph1;
    t->inv_gain = s->inv_gain;
    t->log_gain = log(s->gain);
    t->counted = s->gain < GAIN_LIMIT;
    t->ssq = s->ssq;
    t->sumlog = logdet_total(&s->logdet);
    t->nu = s->nu;
}

/* Runs the transient of arma_filter() for r = 2 from the stationary
 * covariance in k->Pnew.  Returns the step at which the covariance became
 * steady (the state after it in k->a, the first row of the covariance in
 * k->M), m when it never did, or -1 at a large prediction variance
 * (k->large_gain set). */
static R_xlen_t arma_transient_r2(kalman_ws *k, const double *w, R_xlen_t m,
                                  double *ssq_io, logdet_acc *logdet,
                                  R_xlen_t *nu_io, double *gain_out,
                                  double *inv_gain_out)
{
    r2_lane s;
    r2_lane_init(&s, k);
    R_xlen_t l;
    for (l = 0; l < m; l++) {
        int rc = r2_step(&s, w[l], l);
        if (rc < 0) {
            k->large_gain = 1;
            return -1;
        }
        if (rc)
            break;
    }
    k->a[0] = s.a0; k->a[1] = s.a1;
    k->M[0] = s.m0; k->M[1] = s.m1;
    *ssq_io = s.ssq;
    *logdet = s.logdet;
    *nu_io = s.nu;
    *gain_out = s.gain;
    *inv_gain_out = s.inv_gain;
    return l;
}

/* Finishes one set-aside tail exactly as arma_filter() would have. */
static void arma_tail_finish(arma_tail *t, double ssq_rest, double *ssq_out,
                             double *sumlog_out, R_xlen_t *nu_out)
{
    R_xlen_t rest = t->m - t->next;
    double ssq = t->ssq, sumlog = t->sumlog;
    R_xlen_t nu = t->nu;
    if (t->counted) {
        ssq += ssq_rest;
        nu += rest;
        sumlog += t->log_gain * (double) rest;
    }
    *ssq_out = ssq;
    *sumlog_out = sumlog;
    *nu_out = nu;
}

/* Runs up to four set-aside r = 2 tails over the same series w: each one
 * alone until they all reached the same step, then interleaved (each lane
 * performs the operations of arma_filter's r = 2 loop, in its order). */
static void arma_tails_run(arma_tail *tails, int k, const double *w,
                           double *ssq_rest)
{
    R_xlen_t start = 0;
    double x0[4] = {0}, x1[4] = {0}, s[4] = {0};
    for (int i = 0; i < k; i++)
        if (tails[i].next > start) start = tails[i].next;
    for (int i = 0; i < k; i++) {
        arma_tail *t = tails + i;
        double a = t->x0, b = t->x1, acc = 0.0;
        for (R_xlen_t l = t->next; l < start && l < t->m; l++) {
            double wl = w[l], e = wl - a;
            acc += e * (e * t->inv_gain);
            a = (b + t->ph0 * wl) + t->c0 * e;
            b = t->ph1 * wl + t->c1 * e;
        }
        x0[i] = a; x1[i] = b; s[i] = acc;
    }
    R_xlen_t m = k > 0 ? tails[0].m : 0;
    arma_tail pad = {0};
    const arma_tail *t0 = tails, *t1 = k > 1 ? tails + 1 : &pad,
                    *t2 = k > 2 ? tails + 2 : &pad, *t3 = k > 3 ? tails + 3 : &pad;
    double a0 = x0[0], a1 = x0[1], a2 = x0[2], a3 = x0[3];
    double b0 = x1[0], b1 = x1[1], b2 = x1[2], b3 = x1[3];
    double s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
#define TAIL_LANE(T, A, B, S) do {                      \
        double e = wl - A;                              \
        S += e * (e * T->inv_gain);                     \
        A = (B + T->ph0 * wl) + T->c0 * e;              \
        B = T->ph1 * wl + T->c1 * e;                    \
    } while (0)
    for (R_xlen_t l = start; l < m; l++) {
        double wl = w[l];
        TAIL_LANE(t0, a0, b0, s0);
        TAIL_LANE(t1, a1, b1, s1);
        TAIL_LANE(t2, a2, b2, s2);
        TAIL_LANE(t3, a3, b3, s3);
    }
#undef TAIL_LANE
    double out[4] = {s0, s1, s2, s3};
    for (int i = 0; i < k; i++) ssq_rest[i] = out[i];
}

/* The running state of arma_filter(): the likelihood's sums, the current
 * gain, and the convergence tests. */
typedef struct {
    double ssq;
    logdet_acc logdet;
    R_xlen_t nu;
    double gain, inv_gain;
    int steady, track;
    double Dc;              /* the Chandrasekhar recursions' D */
} arma_run;

/* From r = 3 on, the covariance follows Chandrasekhar recursions: from the
 * stationary start each step changes it by a rank-one matrix,
 *   Pnew_{l+1} - Pnew_l = W_l D_l W_l',  W_0 = T m_0,  D_0 = -1 / g_0,
 * where m_l is its first column and g_l = m_l[0] the prediction variance;
 * then m_{l+1} = m_l + W_l D_l w0, and with V = W_l - m_l w0 / g_l,
 * W_{l+1} = V shifted up by one, D_{l+1} = D_l g_l / g_{l+1}
 * (w0 = W_l[0]).  O(r) per step instead of O(r^2), which matters for
 * seasonal orders whose covariance converges slowly.  W lives in Pnew past
 * its first column.  Step l sets M (the first column) and the gain;
 * returns 1 at a large prediction variance. */
static int arma_chandra_step(kalman_ws *k, arma_run *s, R_xlen_t l)
{
    int p = k->p, r = k->r;
    const double *phi = k->phi;
    double *M = k->M, *Pnew = k->Pnew, *W = Pnew + r;
    if (l == 0) {
        for (int i = 0; i < r; i++) M[i] = Pnew[i];
        for (int i = 0; i < r; i++)
            W[i] = (i < r - 1 ? M[i + 1] : 0.0) + (i < p ? phi[i] * M[0] : 0.0);
        s->Dc = -1.0 / M[0];
    } else {
        double w0 = W[0], ratio = w0 / s->gain, dw0 = s->Dc * w0, wmax = 0.0;
        for (int i = 0; i < r; i++) {
            double mi = M[i], wi = W[i];
            M[i] = mi + wi * dw0;
            W[i] = wi - mi * ratio;
        }
        s->Dc *= s->gain / M[0];
        for (int i = 0; i < r - 1; i++) {
            W[i] = W[i + 1];
            wmax = fabs(W[i]) > wmax ? fabs(W[i]) : wmax;
        }
        W[r - 1] = 0.0;
        /* converged: the next change, Dc W W', is negligible (NaN never
         * compares as converged) */
        if (l > r && fabs(s->Dc) * wmax * wmax <= 1e-13 * M[0])
            s->steady = 1;
    }
    s->gain = M[0];
    s->inv_gain = 1.0 / s->gain;
    return !(s->gain < FAST_GAIN_LIMIT);
}

/* The predicted covariance (upper triangle of Pnew, leading dimension r)
 * of the next step, before its first row has settled: the filtered
 * covariance has a zero first row and column (the observation is exact),
 * so T P T' is P shifted up and left whatever phi is; the update
 * P = Pnew - M M'/g is folded in, column by column, in place. */
static void arma_cov_next(kalman_ws *k, const double *Rv, double inv_gain)
{
    int r = k->r;
    double *Pnew = k->Pnew;
    const double *M = k->M;
    size_t ld = (size_t) r;
    for (int j = 0; j < r - 1; j++) {
        double *Pj = Pnew + ld * j;
        const double *Pj1 = Pnew + ld * (j + 1) + 1;
        double rj = Rv[j], mj = M[j + 1] * inv_gain;
        const double *M1 = M + 1;
        /* element-wise, so vectorising cannot change results */
#pragma omp simd
        for (int i = 0; i <= j; i++)
            Pj[i] = rj * Rv[i] + (Pj1[i] - M1[i] * mj);
    }
    double *Pj = Pnew + ld * (r - 1);
    double rj = Rv[r - 1];
    for (int i = 0; i < r; i++)
        Pj[i] = rj * Rv[i];
}

/* arma_cov_next() once the first row has settled, tracking the largest
 * change of any entry and the largest entry. */
static void arma_cov_next_tracked(kalman_ws *k, const double *Rv,
                                  double inv_gain, double *change_out,
                                  double *size_out)
{
    int r = k->r;
    double *Pnew = k->Pnew;
    const double *M = k->M;
    size_t ld = (size_t) r;
    double change = 0.0, size = 0.0;
    for (int j = 0; j < r - 1; j++) {
        double *Pj = Pnew + ld * j;
        const double *Pj1 = Pnew + ld * (j + 1) + 1;
        double rj = Rv[j], mj = M[j + 1] * inv_gain;
        const double *M1 = M + 1;
#pragma omp simd reduction(max:change, size)
        for (int i = 0; i <= j; i++) {
            double v = rj * Rv[i] + (Pj1[i] - M1[i] * mj);
            double dv = fabs(v - Pj[i]);
            change = dv > change ? dv : change;
            size = fabs(v) > size ? fabs(v) : size;
            Pj[i] = v;
        }
    }
    double *Pj = Pnew + ld * (r - 1);
    double rj = Rv[r - 1];
    for (int i = 0; i < r; i++) {
        double v = rj * Rv[i];
        double dv = fabs(v - Pj[i]);
        change = dv > change ? dv : change;
        Pj[i] = v;
    }
    *change_out = change;
    *size_out = size;
}

/* Step l's covariance for r <= 2 (the general update); sets M (the first
 * row) and the gain.  Returns 1 at a large prediction variance. */
static int arma_cov_step(kalman_ws *k, const double *Rv, arma_run *s,
                         R_xlen_t l)
{
    int r = k->r;
    const double *Pnew = k->Pnew;
    double *M = k->M;
    size_t ld = (size_t) r;
    /* largest change of any covariance entry, and largest entry; tracked
     * only once the first row has settled, which it must before the rest
     * can */
    double change = 0.0, size = 0.0;
    if (l > 0 && !s->track) {
        arma_cov_next(k, Rv, s->inv_gain);
        change = INFINITY;
    } else if (l > 0) {
        arma_cov_next_tracked(k, Rv, s->inv_gain, &change, &size);
    }
    s->gain = Pnew[0];
    s->inv_gain = 1.0 / s->gain;
    if (!(s->gain < FAST_GAIN_LIMIT))
        return 1;
    double row_change = 0.0, row_size = 0.0;
    for (int i = 0; i < r; i++) {
        double v = Pnew[ld * i];
        /* M holds the previous gain row only from l = 1 on (at l = 0 it is
         * unset, and track ignores row_change) */
        double dv = l > 0 ? fabs(v - M[i]) : 0.0;
        row_change = (dv > row_change || isnan(dv)) ? dv : row_change;
        row_size = fabs(v) > row_size ? fabs(v) : row_size;
        M[i] = v;
    }
    /* converged: every entry of the covariance stopped moving (NaN never
     * compares as converged) */
    if (l > r && s->track && change <= 1e-13 * size)
        s->steady = 1;
    s->track = l > 0 && row_change <= 1e-13 * row_size;
    return 0;
}

/* Step l >= 1 of arma_transient() with Chandrasekhar recursions
 * (arma_chandra_step) and observation wl, in one pass over the state: the
 * prediction, the recursions and the update of each element together.
 * The same operations in the same order on each element as the separate
 * loops, so the same values bit for bit; one pass instead of five matters
 * when the covariance converges slowly (a seasonal MA part near the unit
 * circle), as the whole series then runs here.  Returns -1 at a large
 * prediction variance, else s->steady. */
static int arma_chandra_fused(kalman_ws *k, arma_run *s, R_xlen_t l, double wl)
{
    int p = k->p, r = k->r;
    const double *phi = k->phi;
    double *a = k->a, *M = k->M, *W = k->Pnew + r;
    double a0 = a[0], w0 = W[0], gain_prev = s->gain;
    double ratio = w0 / gain_prev, dw0 = s->Dc * w0, wmax = 0.0;
    double n0 = a[1];
    if (p > 0)
        n0 += phi[0] * a0;
    double gain = M[0] + w0 * dw0;
    s->Dc *= gain_prev / gain;
    s->gain = gain;
    s->inv_gain = 1.0 / gain;
    if (!(gain < FAST_GAIN_LIMIT))
        return -1;
    double res = wl - n0;
    double scaled = res * s->inv_gain;
    if (gain < GAIN_LIMIT) {
        s->nu++;
        s->ssq += res * scaled;
        logdet_add(&s->logdet, gain);
    }
    for (int i = 0; i < r; i++) {
        double mi = M[i], wi = W[i];
        double mn = mi + wi * dw0, wn = wi - mi * ratio;
        double ni = i < r - 1 ? a[i + 1] : 0.0;
        if (i < p)
            ni += phi[i] * a0;
        M[i] = mn;
        a[i] = ni + mn * scaled;
        if (i > 0) {
            W[i - 1] = wn;
            wmax = fabs(wn) > wmax ? fabs(wn) : wmax;
        }
    }
    W[r - 1] = 0.0;
    if (l > r && fabs(s->Dc) * wmax * wmax <= 1e-13 * M[0])
        s->steady = 1;
    return s->steady;
}

/* The steps before the covariance converges (r != 2): returns the step at
 * which it became steady (the filtered state after it in k->a), m when it
 * never did, or -1 at a large prediction variance. */
static R_xlen_t arma_transient(kalman_ws *k, const double *w, R_xlen_t m,
                               const double *Rv, arma_run *s)
{
    int p = k->p, r = k->r, chandra = r >= 3;
    const double *phi = k->phi, *M = k->M;
    double *a = k->a, *anew = k->anew;
    R_xlen_t l;
    for (l = 0; l < m; l++) {
        if (chandra && l > 0) {
            int rc = arma_chandra_fused(k, s, l, w[l]);
            if (rc < 0)
                return -1;
            if (rc)
                break;
            continue;
        }
        double a0 = a[0];
        for (int i = 0; i < r - 1; i++) anew[i] = a[i + 1];
        anew[r - 1] = 0.0;
        for (int i = 0; i < p; i++) anew[i] += phi[i] * a0;
        if (chandra ? arma_chandra_step(k, s, l) : arma_cov_step(k, Rv, s, l))
            return -1;
        double res = w[l] - anew[0];
        double scaled = res * s->inv_gain;
        if (s->gain < GAIN_LIMIT) {
            s->nu++;
            s->ssq += res * scaled;
            logdet_add(&s->logdet, s->gain);
        }
        for (int i = 0; i < r; i++)
            a[i] = anew[i] + M[i] * scaled;
        if (s->steady)
            break;
    }
    return l;
}

/* The sum of squares of the steps after l, once the gain is constant.  The
 * rest needs only the one-step predictions: the predicted state x = T a
 * follows
 *   x'[i] = x[i+1] + phi_i w_t + c_i e_t,  c_i = M[i+1] / gain,
 * e_t = w_t - x[0] (the filtered covariance has a zero first row, so
 * M[0] = gain and the phi_i e_t terms cancel).  Only x[0] -> e -> x'[0] is
 * a dependency chain, which makes this form twice as fast as updating the
 * filtered state.  x and cgain: r scratch values each. */
static double arma_steady_ssq(const kalman_ws *k, const double *w, R_xlen_t m,
                              R_xlen_t l, double inv_gain, double *x,
                              double *cgain)
{
    int p = k->p, r = k->r;
    const double *phi = k->phi, *a = k->a, *M = k->M;
    double ssq_rest = 0.0;
    double a0 = a[0];
    for (int i = 0; i < r; i++) {
        x[i] = (i < r - 1 ? a[i + 1] : 0.0) + (i < p ? phi[i] * a0 : 0.0);
        cgain[i] = (i < r - 1) ? M[i + 1] * inv_gain : 0.0;
    }
    if (r == 1) {
        double ph = p > 0 ? phi[0] : 0.0, x0 = x[0];
        for (l = l + 1; l < m; l++) {
            double wl = w[l], e = wl - x0;
            ssq_rest += e * (e * inv_gain);
            x0 = ph * wl;
        }
    } else if (r == 2) {
        double ph0 = p > 0 ? phi[0] : 0.0, ph1 = p > 1 ? phi[1] : 0.0;
        double c0 = cgain[0], c1 = cgain[1], x0 = x[0], x1 = x[1];
        for (l = l + 1; l < m; l++) {
            double wl = w[l], e = wl - x0;
            ssq_rest += e * (e * inv_gain);
            x0 = (x1 + ph0 * wl) + c0 * e;
            x1 = ph1 * wl + c1 * e;
        }
    } else {
        double x0 = x[0];
        for (l = l + 1; l < m; l++) {
            double wl = w[l], e = wl - x0;
            ssq_rest += e * (e * inv_gain);
            x0 = (x[1] + (p > 0 ? phi[0] * wl : 0.0)) + cgain[0] * e;
            for (int i = 1; i < r - 1; i++)
                x[i] = (x[i + 1] + (i < p ? phi[i] * wl : 0.0)) + cgain[i] * e;
            x[r - 1] = (r - 1 < p ? phi[r - 1] * wl : 0.0) + cgain[r - 1] * e;
        }
    }
    return ssq_rest;
}

/* The exact likelihood of the differenced series w[0..m-1] (no missing
 * values) under the ARMA part alone: the limit kappa -> infinity of the
 * full filter (arima_kalman.c), which stats::arima approximates with
 * kappa = 1e6 (the two differ by O(1/kappa), about 1e-6 in the
 * log-likelihood).  The state is only r long and the covariance recursion
 * uses the shift structure of T:
 *   Pnew[i][j] = P[i+1][j+1] + phi_i P[0][j+1] + phi_j P[i+1][0]
 *                + phi_i phi_j P[0][0] + R_i R_j.
 * Once the covariance stops changing (it converges for an invertible MA
 * part) only the state is updated.  Uses a, anew, M, Pnew, mm of the
 * workspace with leading dimension r.  Returns 0; 1 when the AR part is
 * not stationary; 3 (and sets k->large_gain) as soon as a prediction
 * variance reaches FAST_GAIN_LIMIT, where this likelihood no longer tracks
 * stats::arima's closely enough and the caller evaluates the point with
 * the full filter.  The prediction variance of a stationary process never
 * grows as the filter sees more data, so in practice this shows at the
 * first step. */
int arma_filter(kalman_ws *k, const double *w, R_xlen_t m, double *ssq_out,
                double *sumlog_out, R_xlen_t *nu_out)
{
    int q = k->q, r = k->r;
    const double *theta = k->theta;
    double *Rv = k->mm;            /* R = (1, theta_1, ..., theta_{r-1}) */
    /* only the upper triangle of Pnew (the predicted covariance) is kept */
    if (stationary_cov(k, r, r >= 3))
        return 1;
    for (int i = 0; i < r; i++) {
        k->a[i] = 0.0;
        k->M[i] = 0.0;  /* compared with the first row at l = 0 (unused there) */
        Rv[i] = (i == 0) ? 1.0 : ((i - 1 < q) ? theta[i - 1] : 0.0);
    }
    arma_run s = {0.0, {0.0, 1.0}, 0, 1.0, 1.0, 0, 0, 0.0};
    R_xlen_t l;
    if (r == 2) {
        l = arma_transient_r2(k, w, m, &s.ssq, &s.logdet, &s.nu, &s.gain,
                              &s.inv_gain);
        s.steady = l >= 0 && l < m;
    } else {
        l = arma_transient(k, w, m, Rv, &s);
    }
    if (l < 0) {
        k->large_gain = 1;
        return 3;
    }
    double sumlog = logdet_total(&s.logdet);
    if (s.steady) {
        R_xlen_t rest = m - (l + 1);
        double log_gain = log(s.gain);
        /* Rv is no longer needed */
        double ssq_rest = arma_steady_ssq(k, w, m, l, s.inv_gain, k->anew,
                                          Rv + r);
        if (s.gain < GAIN_LIMIT) {
            s.ssq += ssq_rest;
            s.nu += rest;
            sumlog += log_gain * (double) rest;
        }
    }
    *ssq_out = s.ssq;
    *sumlog_out = sumlog;
    *nu_out = s.nu;
    return 0;
}

/* The r = 2 filters of up to four points (lanes set by r2_lane_init) over
 * w[0..m-1]: the transients side by side, each lane stopping at its own
 * steady step, then the converged rests interleaved (arma_tails_run).
 * values[point_of[j]] receives lane j's objective
 * 0.5 (log(ssq / nu) + sumlog / nu).  Returns 1 (values incomplete) as
 * soon as a lane meets a large prediction variance, else 0. */
int arma_filter_r2_lanes(r2_lane *lanes, int n_lanes, const int *point_of,
                         const double *w, R_xlen_t m, double *values)
{
    arma_tail tails[4];
    int live[4], tail_of[4], n_tails = 0;
    for (int j = 0; j < n_lanes; j++) live[j] = 1;
    int running = n_lanes;
    for (R_xlen_t l = 0; l < m && running > 0; l++) {
        for (int j = 0; j < n_lanes; j++) {
            if (!live[j])
                continue;
            int rc = r2_step(lanes + j, w[l], l);
            if (rc < 0)
                return 1;
            if (rc) {
                live[j] = 0;
                running--;
                r2_lane_defer(lanes + j, l, m, tails + n_tails);
                tail_of[n_tails++] = point_of[j];
            }
        }
    }
    for (int j = 0; j < n_lanes; j++) {
        if (!live[j])
            continue;
        const r2_lane *s = lanes + j;
        double s2 = s->ssq / (double) s->nu;
        values[point_of[j]] = 0.5 * (log(s2) + logdet_total(&s->logdet) /
                                        (double) s->nu);
    }
    double ssq_rest[4];
    arma_tails_run(tails, n_tails, w, ssq_rest);
    for (int j = 0; j < n_tails; j++) {
        double ssq, sumlog;
        R_xlen_t nu;
        arma_tail_finish(tails + j, ssq_rest[j], &ssq, &sumlog, &nu);
        double s2 = ssq / (double) nu;
        values[tail_of[j]] = 0.5 * (log(s2) + sumlog / (double) nu);
    }
    return 0;
}
