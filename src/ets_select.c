#include "ets.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The choice of model, as forecast::ets() (8.20) makes it: its rules on the
 * period, the data and the forbidden combinations, then every allowed model
 * fitted and the one with the smallest information criterion kept (ties:
 * the first, in ets()'s loop order: error A, M; trend N, A, M; season N, A,
 * M; damped before not). */

static int choices(int given, const int *all, int n_all, int *out)
{
    if (given != ETS_CHOOSE) {
        out[0] = given;
        return 1;
    }
    for (int i = 0; i < n_all; i++)
        out[i] = all[i];
    return n_all;
}

static int forbidden(int error, int trend, int season, const ets_control *ctl)
{
    if (!ctl->restrict_models)
        return 0;
    return (error == ETS_ADD && (trend == ETS_MULT || season == ETS_MULT)) ||
        (error == ETS_MULT && trend == ETS_MULT && season == ETS_ADD) ||
        (ctl->additive_only && (error == ETS_MULT || trend == ETS_MULT ||
                                season == ETS_MULT));
}

static double criterion(const ets_model_fit *fit, int ic)
{
    return ic == ETS_IC_AIC ? fit->aic : ic == ETS_IC_BIC ? fit->bic : fit->aicc;
}

/* The season ets() will consider, after its rules on m; -2 with a message
 * when a seasonal model was asked for that m cannot have. */
static int season_rule(int season, int m, R_xlen_t n, int *warned, char *message,
                       size_t size)
{
    int seasonal = season == ETS_ADD || season == ETS_MULT;
    if (m > 1 && n <= m)
        return ETS_NONE;
    if (m <= 1) {
        if (seasonal) {
            snprintf(message, size, "`season` is seasonal but the period is 1: "
                     "give `period` or a series with a frequency above 1");
            return -2;
        }
        return ETS_NONE;
    }
    if (m > ETS_MAX_PERIOD) {
        if (seasonal) {
            snprintf(message, size, "`season`: seasonal ETS models need a period of at "
                     "most 24, not %d (as forecast::ets)", m);
            return -2;
        }
        if (season == ETS_CHOOSE)
            *warned = 1;
        return ETS_NONE;
    }
    return season;
}

/* What ets() checks before fitting anything; ETS_OK or an error. */
static int check_request(const double *y, R_xlen_t n, int m, const ets_control *ctl,
                         int season, char *message, size_t size)
{
    if (ctl->error != ETS_CHOOSE && ctl->trend != ETS_CHOOSE && season != ETS_CHOOSE &&
        forbidden(ctl->error, ctl->trend, season, ctl)) {
        snprintf(message, size, "forbidden model combination (`restrict` = TRUE rules out "
                 "models of infinite variance%s)",
                 ctl->additive_only ? "; `additive_only` = TRUE" : "");
        return ETS_ERR_INPUT;
    }
    double lowest = INFINITY;
    for (R_xlen_t t = 0; t < n; t++)
        lowest = fmin(lowest, y[t]);
    if (ctl->error == ETS_MULT && !(lowest > 0)) {
        snprintf(message, size, "`error` = \"M\" needs strictly positive data");
        return ETS_ERR_INPUT;
    }
    if (ctl->damped == 1 && ctl->trend == ETS_NONE) {
        snprintf(message, size, "`damped` = TRUE needs a trend");
        return ETS_ERR_INPUT;
    }
    int npars = 2;
    if (ctl->trend == ETS_ADD || ctl->trend == ETS_MULT)
        npars += 2;
    if (season == ETS_ADD || season == ETS_MULT)
        npars += m;
    if (ctl->damped == 1)
        npars += 1;
    if (n <= npars + 4) {
        snprintf(message, size, "too short: %lld values, this ETS model needs more than "
                 "%d (forecast::ets would fall back to Holt-Winters)", (long long) n,
                 npars + 4);
        return ETS_ERR_TOO_SHORT;
    }
    return ETS_OK;
}

int ets_select(const double *y, R_xlen_t n, int m, const ets_control *ctl,
               ets_model_fit *fit, int *warned, char *message, size_t size)
{
    *warned = 0;
    int season = season_rule(ctl->season, m, n, warned, message, size);
    if (season < ETS_CHOOSE)
        return ETS_ERR_INPUT;
    int status = check_request(y, n, m, ctl, season, message, size);
    if (status != ETS_OK)
        return status;
    int positive = 1;
    for (R_xlen_t t = 0; t < n; t++)
        positive = positive && y[t] > 0;
    static const int errors[] = {ETS_ADD, ETS_MULT};
    static const int trends[] = {ETS_NONE, ETS_ADD, ETS_MULT};
    static const int seasons[] = {ETS_NONE, ETS_ADD, ETS_MULT};
    static const int dampings[] = {1, 0};
    int e_list[2], t_list[3], s_list[3], d_list[2];
    int n_e = choices(ctl->error, errors, 2, e_list);
    int n_t = choices(ctl->trend, trends, ctl->allow_multiplicative_trend ? 3 : 2, t_list);
    int n_s = choices(season, seasons, 3, s_list);
    int n_d = choices(ctl->damped, dampings, 2, d_list);
    double *work = malloc(sizeof(double) * (size_t) ets_work_size(n));
    if (work == NULL) {
        snprintf(message, size, "out of memory");
        return ETS_ERR_MEMORY;
    }
    double best_ic = INFINITY;
    for (int i = 0; i < n_e; i++)
        for (int j = 0; j < n_t; j++)
            for (int k = 0; k < n_s; k++)
                for (int l = 0; l < n_d; l++) {
                    if (t_list[j] == ETS_NONE && d_list[l])
                        continue;
                    if (forbidden(e_list[i], t_list[j], s_list[k], ctl))
                        continue;
                    if (!positive && e_list[i] == ETS_MULT)
                        continue;
                    if (lagrs_batch_stop_requested())
                        continue;
                    ets_spec spec = {e_list[i], t_list[j], s_list[k], d_list[l], m};
                    ets_model_fit candidate;
                    if (ets_fit_model(y, n, &spec, ctl, work, &candidate) != 0)
                        continue;
                    double ic = criterion(&candidate, ctl->ic);
                    if (!isnan(ic) && ic < best_ic) {
                        best_ic = ic;
                        *fit = candidate;
                    }
                }
    free(work);
    if (best_ic == INFINITY) {
        snprintf(message, size, "no ETS model could be fitted");
        return ETS_ERR_NO_MODEL;
    }
    return ETS_OK;
}
