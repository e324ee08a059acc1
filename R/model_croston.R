# Intermittent demand: croston_model() (Croston, SBA, TSB; the C family in
# src/model_croston.c) and demand_class(), the Syntetos-Boylan classifier
# that routes a batch to it.

#' Croston's method and its successors, for intermittent demand
#'
#' `croston_model()` describes a model for series that are mostly zeros
#' (spare parts, slow-moving SKUs), for [fit_batch()]. Every type forecasts
#' a flat demand rate per period.
#'
#' * `"classic"`: Croston (1972) as [forecast::croston()] computes it. The
#'   non-zero demands \eqn{z_j} and the intervals between them \eqn{q_j}
#'   (the first counted from the start of the series, so a first demand in
#'   period 3 has interval 3) are each smoothed by simple exponential
#'   smoothing with the same `alpha`, started at their first value
#'   (`ses(initial = "simple")`); the forecast is \eqn{\hat z / \hat q}
#'   (\eqn{z_1 / q_1} after a single demand, 0 before any). The fitted value
#'   of period \eqn{t} is the forecast from the periods before it, so the
#'   first period has none; with `alpha = 0.1` forecasts and fitted values
#'   equal [forecast::croston()]'s.
#' * `"sba"`: the Syntetos–Boylan approximation (Syntetos & Boylan 2005),
#'   Croston's forecast and fitted values times \eqn{1 - \alpha / 2}, which
#'   removes Croston's bias.
#' * `"tsb"`: Teunter, Syntetos & Babai (2011). The probability of demand is
#'   smoothed every period, \eqn{p_t = p_{t-1} + \beta (d_t - p_{t-1})} with
#'   \eqn{d_t = 1} in a period with demand and 0 otherwise, and the size in
#'   periods with demand, \eqn{z_t = z_{t-1} + \alpha (y_t - z_{t-1})}; the
#'   forecast is \eqn{p_t z_t}, so it decays while no demand comes
#'   (obsolescence). It starts as Croston's method does, from the first
#'   demand: \eqn{z_0 = z_1}, \eqn{p_0 = 1 / q_1}. The fitted value of period
#'   \eqn{t} is \eqn{p_{t-1} z_{t-1}}, for every period.
#'
#' **Optimised parameters.** A parameter left `NULL` is chosen by the least
#' mean squared error of the fitted values in the sample (all periods that
#' have one). One free parameter: every value of the grid 0.01, 0.02, ...,
#' 0.99, then 30 steps of golden-section search within 0.01 either side of
#' the grid's best, keeping the best point evaluated. Both of TSB's: every
#' pair of that grid (9,801 pairs, in one pass over the series, since TSB's
#' sizes depend on `alpha` alone and its probabilities on `beta` alone),
#' then two rounds of golden-section search (30 steps, within 0.01 either
#' side) of each parameter in turn. The search is deterministic, and its
#' MSE is never above the best of the grid. The batch's `sigma2` is that in-sample MSE (also with
#' fixed parameters), `nobs` the number of fitted values it averages, and
#' `coef()` the parameters used.
#'
#' **No prediction intervals**: like [forecast::croston()], the methods have
#' no error model, so the bounds of [forecast()] are `NaN` (`is.na()` is
#' `TRUE`) at every level.
#'
#' **Per-series problems** (the rest of the batch goes on): a series of
#' zeros gets a forecast of 0 and the status `"warning"`; negative values,
#' missing values after the first observed period (leading ones are
#' skipped, as for a product launched later), infinite values, no observed
#' value or a single one give the status `"error"` with a message saying
#' which.
#'
#' @param type `"classic"` (Croston), `"sba"` or `"tsb"`.
#' @param alpha The smoothing parameter of the demand sizes (and, for
#'   `"classic"` and `"sba"`, of the intervals), in \[0, 1\]; `NULL`
#'   (the default) chooses it per series by in-sample MSE. Note that
#'   [forecast::croston()]'s default is a fixed `alpha = 0.1`:
#'   `croston_model(alpha = 0.1)` reproduces it.
#' @param beta TSB's smoothing parameter of the demand probability, in
#'   \[0, 1\]; `NULL` chooses it by in-sample MSE. Only for `type = "tsb"`.
#' @return An object of class `lagrs_model`, which prints in one line.
#' @references
#' Croston, J. D. (1972). Forecasting and stock control for intermittent
#' demands. *Operational Research Quarterly*, 23(3), 289–303.
#'
#' Syntetos, A. A. & Boylan, J. E. (2005). The accuracy of intermittent
#' demand estimates. *International Journal of Forecasting*, 21(2), 303–314.
#'
#' Teunter, R. H., Syntetos, A. A. & Babai, M. Z. (2011). Intermittent
#' demand: linking forecasting to inventory obsolescence. *European Journal
#' of Operational Research*, 214(3), 606–615.
#' @seealso [demand_class()] to choose the series that need it,
#'   [fit_batch()].
#' @export
#' @examples
#' set.seed(3)
#' skus <- lapply(1:4, function(i) rbinom(36, 1, 0.3) * rpois(36, 4))
#' names(skus) <- paste0("part-", 1:4)
#' croston_model(type = "sba")
#' batch <- fit_batch(skus, croston_model(alpha = 0.1))
#' coef(batch)
#' head(forecast(batch, h = 3))
#' fit_batch(skus, croston_model("tsb"))$sigma2
croston_model <- function(type = c("classic", "sba", "tsb"), alpha = NULL, beta = NULL) {
  type <- check_croston_type(type)
  alpha <- check_smoothing(alpha, "alpha")
  beta <- check_smoothing(beta, "beta")
  if (!is.null(beta) && type != "tsb") {
    stop("`beta` is TSB's: give it only with `type = \"tsb\"`.", call. = FALSE)
  }
  options <- c(type = lagrs_codes("croston_type")[[type]],
               alpha = if (is.null(alpha)) NA_real_ else alpha,
               beta = if (is.null(beta)) NA_real_ else beta)
  new_lagrs_model("croston", options, list(type = type, alpha = alpha, beta = beta),
                  croston_label(type, alpha, beta))
}

# "Croston", "Croston (SBA)", "Croston (TSB, alpha = 0.1)": fixed
# parameters are named, optimised ones are not.
croston_label <- function(type, alpha, beta) {
  parts <- c(switch(type, classic = NULL, sba = "SBA", tsb = "TSB"),
             if (!is.null(alpha)) paste("alpha =", format(alpha)),
             if (!is.null(beta)) paste("beta =", format(beta)))
  if (length(parts) == 0L) return("Croston")
  paste0("Croston (", paste(parts, collapse = ", "), ")")
}

# One of the type names C declares; all of them (the argument's default)
# means the first, "classic".
check_croston_type <- function(type) {
  choices <- names(lagrs_codes("croston_type"))
  if (identical(type, choices)) return(choices[1L])
  if (!is.character(type) || length(type) != 1L || is.na(type) || !type %in% choices) {
    stop("`type` must be one of ", paste0("\"", choices, "\"", collapse = ", "),
         ", not ", describe_value(type), ".", call. = FALSE)
  }
  type
}

check_smoothing <- function(x, arg) {
  if (is.null(x)) return(NULL)
  ok <- is.numeric(x) && !is.factor(x) && length(x) == 1L && !is.na(x) && x >= 0 && x <= 1
  if (!ok) {
    stop("`", arg, "` must be NULL (optimised) or a single number in [0, 1], not ",
         describe_value(x), ".", call. = FALSE)
  }
  as.double(x)
}

#' Classify demand series as smooth, erratic, intermittent or lumpy
#'
#' `demand_class()` gives each series' average inter-demand interval (ADI)
#' and the squared coefficient of variation (CV²) of its non-zero demands,
#' and its class by the cut-offs of Syntetos, Boylan & Croston (2005), so a
#' batch can be routed to the right model: Croston's method or SBA
#' ([croston_model()]) for intermittent and lumpy series, smoothing or
#' ARIMA for smooth ones.
#'
#' Missing values are dropped first. With \eqn{n} the number of periods
#' left and \eqn{k} the number of them with demand (a value above 0):
#' * `ADI` \eqn{= n / k}, the number of periods per demand (`Inf` for a
#'   series without demand). tsintermittent's `idclass()` uses instead the
#'   mean of the intervals it smooths, the period of the last demand over
#'   \eqn{k}, which ignores the zeros after the last demand.
#' * `CV2` \eqn{= s^2 / \bar z^2}, with \eqn{\bar z} and \eqn{s^2} the mean
#'   and variance (denominator \eqn{k - 1}, as [stats::var()]) of the
#'   non-zero demands; `NA` with fewer than two demands.
#' * `class`: `"smooth"` when ADI \eqn{\le} `adi_cutoff` and CV2 \eqn{\le}
#'   `cv2_cutoff`, `"erratic"` when only CV2 is above its cut-off,
#'   `"intermittent"` when only ADI is, `"lumpy"` when both are (above: as
#'   the rule "use SBA when ADI > 1.32 or CV² > 0.49"); `NA` when CV2 is.
#'
#' @inheritParams fit_batch
#' @param adi_cutoff,cv2_cutoff The cut-offs, 1.32 and 0.49 by default.
#' @return A data frame with one row per series: `id`, `n` (periods
#'   observed), `n_demand` (periods with demand), `ADI`, `CV2` and `class`
#'   (a factor with levels smooth, erratic, intermittent, lumpy).
#' @references Syntetos, A. A., Boylan, J. E. & Croston, J. D. (2005). On the
#'   categorization of demand patterns. *Journal of the Operational Research
#'   Society*, 56(5), 495–503.
#' @export
#' @examples
#' set.seed(4)
#' skus <- list(steady = rpois(48, 20),
#'              spiky = rbinom(48, 1, 0.9) * rgamma(48, 0.5, 0.01),
#'              sparse = rbinom(48, 1, 0.2) * rpois(48, 6),
#'              lumpy = rbinom(48, 1, 0.2) * rgamma(48, 0.5, 0.01))
#' demand_class(skus)
demand_class <- function(series, id = "id", value = "value", time = NULL,
                         adi_cutoff = 1.32, cv2_cutoff = 0.49) {
  collection <- series_collection(series, id = id, value = value, time = time)
  adi_cutoff <- check_cutoff(adi_cutoff, "adi_cutoff")
  cv2_cutoff <- check_cutoff(cv2_cutoff, "cv2_cutoff")
  ids <- collection$ids
  n_series <- length(ids)
  values <- unlist(collection$values, use.names = FALSE)
  group <- rep.int(seq_len(n_series), lengths(collection$values))
  observed <- !is.na(values)
  negative <- unique(group[observed & values < 0])
  if (length(negative) > 0L) {
    stop("`series` has negative values (demand cannot be negative) in series ",
         paste0("\"", utils::head(ids[negative], 5L), "\"", collapse = ", "),
         if (length(negative) > 5L) " and others", ".", call. = FALSE)
  }
  n <- tabulate(group[observed], n_series)
  demand <- observed & values > 0
  size <- values[demand]
  of <- group[demand]
  k <- tabulate(of, n_series)
  mean_size <- group_sums(size, of, n_series) / k
  ss <- group_sums((size - mean_size[of])^2, of, n_series)
  cv2 <- ifelse(k >= 2L, ss / (k - 1) / mean_size^2, NA_real_)
  adi <- n / k
  levels <- c("smooth", "erratic", "intermittent", "lumpy")
  class <- levels[1L + (cv2 > cv2_cutoff) + 2L * (adi > adi_cutoff)]
  data.frame(id = ids, n = n, n_demand = k, ADI = adi, CV2 = cv2,
             class = factor(class, levels = levels), stringsAsFactors = FALSE)
}

# Sums of x by group (1..n_groups; 0 for a group without values).
group_sums <- function(x, group, n_groups) {
  out <- numeric(n_groups)
  if (length(x) == 0L) return(out)
  sums <- rowsum(x, group, reorder = TRUE)
  out[as.integer(rownames(sums))] <- sums[, 1L]
  out
}

check_cutoff <- function(x, arg) {
  ok <- is.numeric(x) && !is.factor(x) && length(x) == 1L && !is.na(x) && is.finite(x) &&
    x >= 0
  if (!ok) {
    stop("`", arg, "` must be a single non-negative number, not ", describe_value(x), ".",
         call. = FALSE)
  }
  as.double(x)
}
