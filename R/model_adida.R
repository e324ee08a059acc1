# Temporal aggregation for intermittent demand: adida_model() and
# imapa_model() (the C family in src/model_adida.c, over the methods of
# src/model_croston.c).

#' ADIDA and IMAPA: forecasting intermittent demand by temporal aggregation
#'
#' `adida_model()` and `imapa_model()` describe models for series that are
#' mostly zeros, for [fit_batch()]. Summed over a few periods, an
#' intermittent series has fewer zeros and is easier to forecast; the
#' forecast is then spread back over the periods.
#'
#' * **ADIDA** (Nikolopoulos et al. 2011), at aggregation level \eqn{A}:
#'   the series (after its leading missing values) is cut into
#'   \eqn{m = \lfloor n / A \rfloor} non-overlapping buckets of \eqn{A}
#'   periods, aligned on the series' **end**, so the incomplete bucket at
#'   the start (the first \eqn{n - mA} periods) is dropped; the bucket sums
#'   are forecast by `type`; the flat forecast of a bucket is divided
#'   equally among its periods, so the forecast per period is the aggregate
#'   forecast divided by \eqn{A}, for every horizon.
#' * **IMAPA** (Petropoulos & Kourentzes 2015): ADIDA at every level
#'   \eqn{1, 2, \ldots, A}, and the mean of those \eqn{A} forecasts per
#'   period.
#'
#' `type` is the method applied to each aggregate series: `"sba"` (the
#' papers' usual choice, the default), `"classic"` or `"tsb"`, exactly as
#' [croston_model()] computes them, or `"ses"`: simple exponential
#' smoothing with the level started at the first value
#' (`forecast::ses(initial = "simple")`). A parameter left `NULL` is chosen
#' **per aggregation level** by the least in-sample MSE of that aggregate
#' series, with [croston_model()]'s search (SES as Croston's one-parameter
#' search). An aggregate series without demand (possible when the only
#' demands fall in the dropped bucket) forecasts 0.
#'
#' **The aggregation level** \eqn{A}: when `NULL`, the series' mean
#' inter-demand interval \eqn{n / k} (\eqn{k} periods with demand; the ADI
#' of [demand_class()]) rounded to the nearest integer (halves to even, as
#' [round()]), and at least 1 (also for a series without demand). Given or
#' not, it is capped at \eqn{\lfloor n / 2 \rfloor}, so that the aggregate
#' series has at least two buckets. The level used (IMAPA: the highest) is
#' the batch's element `aggregation`, one integer per series.
#'
#' **Fitted values and residuals.** At each level, the fitted value of a
#' period is the aggregate method's fitted value of its bucket (the forecast
#' of that bucket from the buckets before it) divided by \eqn{A}; periods
#' of the dropped bucket, and of the first bucket for the methods without a
#' fitted value there (all but TSB), have none (`NA`). IMAPA's fitted value
#' is the mean over the levels, `NA` where any level has none. `sigma2` is
#' the mean squared residual of the periods with a fitted value, `nobs`
#' their number.
#'
#' **Coefficients**: ADIDA's `alpha` (and TSB's `beta`) used at its level;
#' IMAPA reports none, as they differ by level.
#'
#' **No prediction intervals**, as for [croston_model()]: the bounds of
#' [forecast()] are `NaN`. **Per-series problems** are those of
#' [croston_model()]: a series of zeros forecasts 0 with the status
#' `"warning"`; negative, missing (after the first observation) or infinite
#' values, or fewer than two observations, give the status `"error"`.
#'
#' `aggregation` is not called `level` so as not to be confused with the
#' `level` of prediction intervals in [forecast()].
#'
#' @param type The method applied to the aggregate series: `"sba"`,
#'   `"classic"`, `"tsb"` or `"ses"`.
#' @param aggregation ADIDA's aggregation level, a positive integer; `NULL`
#'   (the default): each series' rounded mean inter-demand interval.
#' @param max_aggregation IMAPA's highest aggregation level (levels 1 to it
#'   are combined), a positive integer; `NULL`: as `aggregation`.
#' @param alpha,beta The method's smoothing parameters as in
#'   [croston_model()] (`beta` for `"tsb"` only); `NULL` chooses them per
#'   series and level by in-sample MSE.
#' @return An object of class `lagrs_model`, which prints in one line.
#' @references
#' Nikolopoulos, K., Syntetos, A. A., Boylan, J. E., Petropoulos, F. &
#' Assimakopoulos, V. (2011). An aggregate–disaggregate intermittent demand
#' approach (ADIDA) to forecasting: an empirical proposition and analysis.
#' *Journal of the Operational Research Society*, 62(3), 544–554.
#'
#' Petropoulos, F. & Kourentzes, N. (2015). Forecast combinations for
#' intermittent demand. *Journal of the Operational Research Society*,
#' 66(6), 914–924.
#' @seealso [croston_model()], [demand_class()], [fit_batch()].
#' @export
#' @examples
#' set.seed(3)
#' skus <- lapply(1:4, function(i) rbinom(48, 1, 0.25) * rpois(48, 4))
#' names(skus) <- paste0("part-", 1:4)
#' adida_model()
#' batch <- fit_batch(skus, adida_model(alpha = 0.1))
#' batch$aggregation
#' head(forecast(batch, h = 3))
#' forecast(fit_batch(skus, imapa_model(max_aggregation = 3)), h = 1)
adida_model <- function(type = c("sba", "classic", "tsb", "ses"), aggregation = NULL,
                        alpha = NULL, beta = NULL) {
  aggregation_model(type, aggregation, alpha, beta, "adida", "aggregation")
}

#' @rdname adida_model
#' @export
imapa_model <- function(type = c("sba", "classic", "tsb", "ses"), max_aggregation = NULL,
                        alpha = NULL, beta = NULL) {
  aggregation_model(type, max_aggregation, alpha, beta, "imapa", "max_aggregation")
}

aggregation_model <- function(type, aggregation, alpha, beta, combine, aggregation_arg) {
  type <- check_adida_type(type)
  aggregation <- check_aggregation(aggregation, aggregation_arg)
  alpha <- check_smoothing(alpha, "alpha")
  beta <- check_smoothing(beta, "beta")
  if (!is.null(beta) && type != "tsb") {
    stop("`beta` is TSB's: give it only with `type = \"tsb\"`.", call. = FALSE)
  }
  options <- c(method = lagrs_codes("adida_method")[[type]],
               alpha = if (is.null(alpha)) NA_real_ else alpha,
               beta = if (is.null(beta)) NA_real_ else beta,
               aggregation = if (is.null(aggregation)) NA_real_ else aggregation,
               combine = lagrs_codes("adida_combine")[[combine]])
  spec <- list(type = type, aggregation = aggregation, alpha = alpha, beta = beta,
               combine = combine)
  new_lagrs_model("adida", options, spec,
                  aggregation_label(combine, type, aggregation, alpha, beta),
                  subclass = "lagrs_adida_model")
}

# A batch of these models also carries each series' aggregation level (the
# highest for IMAPA; NA for a failed series).
#' @export
batch_elements.lagrs_adida_model <- function(model, fits, ids) {
  list(aggregation = stats::setNames(as.integer(fits$info[, "aggregation"]), ids))
}

# "ADIDA (SBA)", "IMAPA (TSB, A = 4, alpha = 0.1)": given values are named.
aggregation_label <- function(combine, type, aggregation, alpha, beta) {
  parts <- c(switch(type, classic = "Croston", sba = "SBA", tsb = "TSB", ses = "SES"),
             if (!is.null(aggregation)) paste(if (combine == "imapa") "A max =" else "A =",
                                              format(aggregation)),
             if (!is.null(alpha)) paste("alpha =", format(alpha)),
             if (!is.null(beta)) paste("beta =", format(beta)))
  paste0(toupper(combine), " (", paste(parts, collapse = ", "), ")")
}

# One of the method names C declares; all of them (the default) means "sba".
check_adida_type <- function(type) {
  choices <- names(lagrs_codes("adida_method"))
  if (is.character(type) && length(type) == length(choices) && setequal(type, choices)) {
    return(type[1L])
  }
  if (!is.character(type) || length(type) != 1L || is.na(type) || !type %in% choices) {
    stop("`type` must be one of ", paste0("\"", choices, "\"", collapse = ", "),
         ", not ", describe_value(type), ".", call. = FALSE)
  }
  type
}

check_aggregation <- function(x, arg) {
  if (is.null(x)) return(NULL)
  ok <- is.numeric(x) && !is.factor(x) && length(x) == 1L && !is.na(x) && x >= 1 &&
    x < 1e9 && x == round(x)
  if (!ok) {
    stop("`", arg, "` must be NULL (the rounded mean inter-demand interval) or a single ",
         "positive integer, not ", describe_value(x), ".", call. = FALSE)
  }
  as.double(x)
}
