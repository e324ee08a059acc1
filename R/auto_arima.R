# Automatic ARIMA order selection. The search runs in C (src/auto_arima.c,
# interface src/auto_arima.h); this file checks arguments, refits the chosen
# model with arima_fit() and builds the batch object.

#' Choose and fit an ARIMA model automatically
#'
#' `auto_arima()` selects the orders of a seasonal ARIMA model the way
#' `forecast::auto.arima()` does with its defaults, and fits it. The whole
#' search runs in C:
#'
#' * leading missing values are dropped;
#' * the number of seasonal differences `D` is chosen by seasonal strength
#'   (`forecast::nsdiffs(test = "seas")`), then `d` by the KPSS test
#'   (`forecast::ndiffs()`) on the seasonally differenced series;
#' * the orders are searched by the stepwise Hyndman-Khandakar algorithm
#'   (or, with `stepwise = FALSE`, over every model with
#'   `p + q + P + Q <= max_order`), minimising `ic`; models with a root
#'   within 1.01 of the unit circle are rejected;
#' * for series longer than 150 or with a period above 12, the search uses
#'   the CSS approximation and the best models are then refitted by
#'   maximum likelihood;
#' * a constant (mean) is considered when `d + D == 0` and a drift when
#'   `d + D == 1`.
#'
#' Missing values: leading `NA`s are dropped (the model is fitted to the
#' rest, and `start` in the result's `auto` element says where it begins);
#' `NA`s inside or at the end are handled by the Kalman filter, and the
#' differencing tests skip them, as in forecast. `NaN` counts as missing.
#' Infinite values are an error. A series with no non-missing value is an
#' error (in a batch, that series' status is `"error"`).
#'
#' Series that are constant, or constant once differenced, get forecast's
#' deterministic models (a fixed mean or drift). As in forecast, `sigma2` of
#' the result is the residual sum of squares divided by the number of
#' differenced observations less the number of estimated coefficients.
#'
#' The model chosen is forecast's on 97.5% of the built-in series of R and
#' forecast and on 99% of a sample of M3 series (`bench/auto_agreement.R`,
#' `bench/auto_m3.R`). The differences come from numerically borderline
#' fits: a root of the fitted polynomials within a hair of forecast's 1.01
#' limit, a nearly singular Hessian whose numerical inverse has a negative
#' variance in `stats::arima()` but not here (or the reverse), or a better
#' likelihood optimum found by one of the two optimizers; the search then
#' takes another path.
#'
#' @param y A numeric vector or univariate time series (`ts`).
#' @param max_p,max_q,max_P,max_Q Largest orders searched.
#' @param max_order Largest `p + q + P + Q` in the exhaustive search.
#' @param max_d,max_D Largest orders of differencing the tests may choose.
#' @param start_p,start_q,start_P,start_Q Orders of the stepwise search's
#'   starting model.
#' @param ic Information criterion to minimise.
#' @param stepwise Use the stepwise search (`TRUE`) or the exhaustive one.
#' @param nmodels Largest number of models the stepwise search fits.
#' @param approximation Search with the CSS approximation? `NULL` means
#'   forecast's default: for series longer than 150 or with a period above
#'   12.
#' @param d,D Orders of differencing; `NULL` lets the tests choose them.
#' @param allow_drift,allow_mean May the model have a drift (`d + D == 1`) or
#'   a mean (`d + D == 0`)?
#' @param seasonal Consider seasonal models?
#' @param period The seasonal frequency; defaults to `frequency(y)`. As in
#'   forecast, the seasonal period is its rounded value, and the default
#'   approximation is on for frequencies above 12.
#' @return A [arima_fit()] object (class `lagrs_arima`) for the chosen model,
#'   with an extra element `auto`: a list with `orders` (p, d, q, P, D, Q,
#'   period, constant), the criterion `ic` of the search, `n_models` (the
#'   number of models fitted), `approximation` and `start` (the index of the
#'   first value used).
#' @seealso [auto_arima_batch()] for many series at once, [arima_fit()].
#' @examples
#' fit <- auto_arima(WWWusage)
#' fit
#' forecast(fit, h = 5)$mean
#' auto_arima(lh, stepwise = FALSE, max_order = 3)$auto$orders
#' @export
auto_arima <- function(y, max_p = 5, max_q = 5, max_P = 2, max_Q = 2,
                       max_order = 5, max_d = 2, max_D = 1, start_p = 2,
                       start_q = 2, start_P = 1, start_Q = 1,
                       ic = c("aicc", "aic", "bic"), stepwise = TRUE,
                       nmodels = 94, approximation = NULL, d = NULL, D = NULL,
                       allow_drift = TRUE, allow_mean = TRUE, seasonal = TRUE,
                       period = frequency(y)) {
  call <- match.call()
  series <- deparse1(substitute(y))
  check_auto_series(y, "y")
  period <- check_auto_period(period)
  options <- auto_options(max_p, max_q, max_P, max_Q, max_order, max_d, max_D,
                          start_p, start_q, start_P, start_Q, ic, stepwise,
                          nmodels, approximation, d, D, allow_drift,
                          allow_mean, seasonal)
  y_num <- as.double(y)
  search <- .Call(C_auto_arima_call, y_num, period, options)
  if (search$status != lagrs_codes("auto_status")[["ok"]]) {
    stop(auto_error_message(search$status, search$message), call. = FALSE)
  }
  auto_warnings(search$notes)
  fit <- auto_refit(y, search$orders, search$method, search$fixed, search$start)
  fit$call <- call
  fit$series <- series
  fit$auto <- list(orders = auto_orders_named(search$orders), ic = search$ic,
                   n_models = search$n_models,
                   approximation = search$approximation, start = search$start)
  fit
}

# ---- argument checks ------------------------------------------------------

check_auto_series <- function(y, arg) {
  if (is.data.frame(y) || is.list(y) || !(is.numeric(y) || is.logical(y)) ||
      is.factor(y) || (!is.null(dim(y)) && NCOL(y) != 1L)) {
    stop("`", arg, "` must be a numeric vector or univariate time series, not ",
         describe_value(y), ".", call. = FALSE)
  }
  # as in arima_fit(): a logical series is accepted only when it is all NA
  if (is.logical(y) && !all(is.na(y))) {
    stop("`", arg, "` must be a numeric vector or univariate time series, not ",
         describe_value(y), ".", call. = FALSE)
  }
  if (any(is.infinite(y))) {
    stop("`", arg, "` must not contain infinite values.", call. = FALSE)
  }
  invisible(y)
}

# The series' frequency as auto.arima sees it: the seasonal period is its
# rounded value (1 below 1), and a frequency above 12 switches the CSS
# approximation on by default.
check_auto_period <- function(period) {
  if (!is.numeric(period) || length(period) != 1L || is.na(period) ||
      !is.finite(period) || period <= 0 || period > .Machine$integer.max) {
    stop("`period` must be a single positive number, not ",
         describe_value(period), ".", call. = FALSE)
  }
  as.double(period)
}

check_optional_count <- function(x, arg, min = 0L) {
  if (is.null(x)) return(-1L)
  check_count(x, arg, min = min)
}

auto_options <- function(max_p, max_q, max_P, max_Q, max_order, max_d, max_D,
                         start_p, start_q, start_P, start_Q, ic, stepwise,
                         nmodels, approximation, d, D, allow_drift,
                         allow_mean, seasonal) {
  if (!is.character(ic) || length(ic) < 1L || anyNA(ic)) {
    stop("`ic` must be one of \"aicc\", \"aic\" or \"bic\", not ",
         describe_value(ic), ".", call. = FALSE)
  }
  ic <- ic[1L]
  ic_code <- match(ic, c("aicc", "aic", "bic")) - 1L
  if (is.na(ic_code)) {
    stop("`ic` must be one of \"aicc\", \"aic\" or \"bic\", not ",
         describe_value(ic), ".", call. = FALSE)
  }
  check_flag(stepwise, "stepwise")
  check_flag(allow_drift, "allow_drift")
  check_flag(allow_mean, "allow_mean")
  check_flag(seasonal, "seasonal")
  approx_code <- if (is.null(approximation)) -1L else {
    check_flag(approximation, "approximation")
    as.integer(approximation)
  }
  c(check_count(max_p, "max_p", 0L), check_count(max_q, "max_q", 0L),
    check_count(max_P, "max_P", 0L), check_count(max_Q, "max_Q", 0L),
    check_count(max_order, "max_order", 0L), check_count(max_d, "max_d", 0L),
    check_count(max_D, "max_D", 0L), check_count(start_p, "start_p", 0L),
    check_count(start_q, "start_q", 0L), check_count(start_P, "start_P", 0L),
    check_count(start_Q, "start_Q", 0L), ic_code, as.integer(stepwise),
    check_count(nmodels, "nmodels", 5L), approx_code,
    check_optional_count(d, "d"), check_optional_count(D, "D"),
    as.integer(allow_drift), as.integer(allow_mean), as.integer(seasonal))
}

auto_error_message <- function(status, message) {
  codes <- lagrs_codes("auto_status")
  name <- names(codes)[match(status, codes)]
  switch(if (is.na(name)) "" else name,
    all_missing = "`y` has no non-missing values: all data are missing.",
    too_short = "`y` is too short: not enough data to proceed once differenced.",
    polynomial = paste0("`y` follows a simple polynomial and is not suitable for ",
                        "ARIMA modelling."),
    no_model = "No suitable ARIMA model found for `y`.",
    input = "Invalid options for auto_arima().",
    paste0("auto_arima() failed: ", message, ".")
  )
}

# The warnings forecast::auto.arima() gives before its search (bits of the
# plan, enum lagrs_auto_note in src/auto_arima.h).
auto_warnings <- function(notes) {
  bits <- lagrs_codes("auto_notes")
  if (bitwAnd(notes, bits[["two_seasonal"]])) {
    warning("Having more than one seasonal difference is not recommended.", call. = FALSE)
  } else if (bitwAnd(notes, bits[["three_diffs"]])) {
    warning("Having 3 or more differencing operations is not recommended.", call. = FALSE)
  }
  if (bitwAnd(notes, bits[["seas_test"]])) {
    warning("The seasonal strength of `y` could not be computed; no seasonal ",
            "difference is taken.", call. = FALSE)
  }
  invisible(notes)
}

auto_order_names <- c("p", "d", "q", "P", "D", "Q", "period", "constant")

auto_orders_named <- function(orders) {
  stats::setNames(as.integer(orders), auto_order_names)
}

# ---- the chosen model, refitted -------------------------------------------

# Fits the chosen model with arima_fit() on y[start:n] and applies forecast's
# sigma2: the residual sum of squares over n_star - n_par + 1. The batch's
# C code (lagrs_auto_final_fit) computes exactly the same.
auto_refit <- function(y, orders, method_code, fixed, start) {
  tsp_y <- if (stats::is.ts(y)) stats::tsp(y) else NULL
  y_num <- as.double(y)
  n <- length(y_num)
  y_fit <- y_num[seq.int(start, length.out = n - start + 1)]
  if (!is.null(tsp_y)) {
    y_fit <- stats::ts(y_fit, start = tsp_y[1L] + (start - 1) / tsp_y[3L],
                       frequency = tsp_y[3L])
  }
  orders <- as.integer(orders)
  order <- orders[1:3]
  seasonal <- orders[4:6]
  period <- orders[7L]
  constant <- orders[8L] == 1L
  n_diff <- orders[2L] + orders[5L]
  include_mean <- constant && n_diff == 0L
  include_drift <- constant && n_diff == 1L
  fixed_arg <- if (is.na(fixed)) NULL else fixed
  fit <- withCallingHandlers(
    arima_fit(y_fit, order = order, seasonal = seasonal, period = period,
              include_mean = include_mean, include_drift = include_drift,
              method = arima_methods[method_code + 1L], fixed = fixed_arg),
    warning = function(w) {
      # the deterministic models of constant series are expected to be
      # degenerate; keep every other warning
      if (!is.null(fixed_arg) || inherits(w, "lagrs_constant_warning")) {
        invokeRestart("muffleWarning")
      }
    })
  n_star <- sum(!is.na(y_fit)) - orders[2L] - orders[5L] * period
  n_par <- sum(fit$mask) + 1
  sigma2 <- sum(fit$residuals^2, na.rm = TRUE) / (n_star - n_par + 1)
  fit$sigma2 <- sigma2
  fit$model$sigma2 <- sigma2
  fit
}

# ---- many series ----------------------------------------------------------

#' Choose and fit ARIMA models for many series at once
#'
#' `auto_arima_batch()` runs [auto_arima()]'s search on every series of a
#' collection, in parallel over [lagrs_threads()] threads, then fits each
#' chosen model. Each series goes through the same C code as a single
#' [auto_arima()] call, so the chosen orders, coefficients, `sigma2` and
#' criteria are identical to it whatever the thread count or the order of
#' the series. A series whose search fails (all values missing, too short
#' once differenced, ...) gets the status `"error"` with a message, as do a
#' series holding an infinite value (which [auto_arima()] refuses) and a
#' constant series (all its non-missing values equal), to which
#' [auto_arima()] gives forecast's deterministic mean model; a series that
#' is constant only once differenced gets its deterministic model with the
#' status `"warning"`.
#'
#' A search can take seconds on long seasonal series. Ctrl-C stops every
#' thread at its next model fit (well under a second) and gives R's usual
#' interrupt; nothing keeps running. The progress bar appears when the batch
#' will take more than a few seconds; `progress = FALSE` or
#' `options(lagrs.progress = FALSE)` silences it.
#'
#' @inheritParams arima_batch
#' @inheritParams auto_arima
#' @param period The seasonal frequency. By default each series' own
#'   frequency, as [auto_arima()] takes it (so a collection may mix yearly,
#'   quarterly and monthly series); a number overrides them all.
#' @return A `lagrs_auto_batch`, a `lagrs_batch` (see [arima_batch()]) with
#'   the extra element
#'   `orders`: an integer matrix with one row per series and columns p, d,
#'   q, P, D, Q, period and constant (`NA` for failed series). `coef` has one
#'   column per coefficient name that occurs in any chosen model, `NA` where
#'   a series' model lacks it. `batch[["id"]]` refits one series' chosen
#'   model as a `lagrs_arima`, and [forecast()] forecasts them all.
#' @seealso [auto_arima()], [forecast.lagrs_batch()].
#' @examples
#' set.seed(4)
#' skus <- lapply(1:6, function(i) ts(cumsum(rnorm(40)) + 50, frequency = 4))
#' names(skus) <- paste0("SKU-", 1:6)
#' batch <- auto_arima_batch(skus)
#' batch$orders
#' head(forecast(batch, h = 4))
#' @export
auto_arima_batch <- function(series, max_p = 5, max_q = 5, max_P = 2, max_Q = 2,
                             max_order = 5, max_d = 2, max_D = 1, start_p = 2,
                             start_q = 2, start_P = 1, start_Q = 1,
                             ic = c("aicc", "aic", "bic"), stepwise = TRUE,
                             nmodels = 94, approximation = NULL, d = NULL,
                             D = NULL, allow_drift = TRUE, allow_mean = TRUE,
                             seasonal = TRUE, period = NULL, id = "id",
                             value = "value", time = NULL, progress = NULL,
                             workers = c("auto", "local")) {
  call <- match.call()
  model <- auto_arima_model(period = period, max_p = max_p, max_q = max_q, max_P = max_P,
                            max_Q = max_Q, max_order = max_order, max_d = max_d,
                            max_D = max_D, start_p = start_p, start_q = start_q,
                            start_P = start_P, start_Q = start_Q, ic = ic,
                            stepwise = stepwise, nmodels = nmodels,
                            approximation = approximation, d = d, D = D,
                            allow_drift = allow_drift, allow_mean = allow_mean,
                            seasonal = seasonal)
  with_call(fit_batch(series, model, id = id, value = value, time = time,
                      progress = progress, workers = workers), call)
}

# What an automatic batch adds: the chosen orders (NA where the search
# failed) and the search's facts, from the family's codes and info.
#' @export
batch_elements.lagrs_auto_model <- function(model, fits, ids) {
  orders <- fits$codes
  dimnames(orders) <- list(ids, auto_order_names)
  info <- fits$info
  list(orders = orders,
       search = list(method = as.integer(info[, "method"]), fixed = unname(info[, "fixed"]),
                     start = unname(info[, "start"]), ic = stats::setNames(info[, "ic"], ids),
                     n_models = stats::setNames(as.integer(info[, "n_models"]), ids),
                     approximation = stats::setNames(as.logical(info[, "approximation"]), ids)))
}

# batch[[k]] for an auto batch: the chosen model refitted as auto_arima()
# refits it.
auto_batch_member <- function(x, k) {
  x <- unclass(x)
  if (is.na(x$orders[k, 1L])) {
    stop("Series \"", x$ids[k], "\" has no model: ", x$message[[k]], ".",
         call. = FALSE)
  }
  y <- x$series$values[[k]]
  tsp <- x$series$tsp[[k]]
  if (!is.null(tsp)) y <- stats::ts(y, start = tsp[1L], frequency = tsp[3L])
  fit <- auto_refit(y, x$orders[k, ], x$search$method[k], x$search$fixed[k],
                    x$search$start[k])
  fit$series <- x$ids[k]
  fit$auto <- list(orders = auto_orders_named(x$orders[k, ]), ic = x$search$ic[[k]],
                   n_models = x$search$n_models[[k]],
                   approximation = x$search$approximation[[k]],
                   start = x$search$start[[k]])
  fit
}
