# Internal building blocks for automatic ARIMA order selection: the number of
# differences by the KPSS test and of seasonal differences by seasonal
# strength, chosen as forecast::ndiffs() and forecast::nsdiffs() choose them.
# The work is done by the plain-C kernels in src/unitroot.c (interface:
# src/unitroot.h), which auto_arima() calls from its threads; the STL
# decomposition that seasonal strength rests on is R/stl.R.  None of these
# is exported.

check_univariate <- function(x, arg = "x") {
  if (!(is.numeric(x) || is.logical(x)) || is.factor(x) || !is.null(dim(x)) &&
      NCOL(x) != 1L) {
    stop("`", arg, "` must be a numeric vector or univariate time series, not ",
         describe_value(x), ".", call. = FALSE)
  }
  x
}

# A seasonal period: a number >= 2, whole or not (a ts frequency such as
# 52.18 is used as stl() and forecast use it).
check_period <- function(period, arg = "period") {
  ok <- is.numeric(period) && length(period) == 1L && !is.na(period) &&
    is.finite(period) && period >= 2 && period <= .Machine$integer.max / 4
  if (!ok) {
    stop("`", arg, "` must be a single number >= 2, not ",
         describe_value(period), ".", call. = FALSE)
  }
  as.double(period)
}

check_alpha <- function(alpha) {
  if (!is.numeric(alpha) || length(alpha) != 1L || is.na(alpha) ||
      alpha <= 0 || alpha >= 1) {
    stop("`alpha` must be a single number between 0 and 1, not ",
         describe_value(alpha), ".", call. = FALSE)
  }
  alpha
}

default_period <- function(x) stats::frequency(x)

# forecast:::is.constant(): all.equal(x, rep(x[1], n)) is TRUE.
is_constant <- function(x) {
  check_univariate(x)
  .Call(C_lagrs_is_constant_call, x)
}

# KPSS level-stationarity statistic as urca::ur.kpss(x, type = "mu",
# use.lag = lag) computes it, with the p-value forecast::ndiffs()
# interpolates from urca's table.  `lag = NULL` is ndiffs' choice,
# trunc(3 * sqrt(n) / 13).  Missing values are dropped first.
kpss_test <- function(x, lag = NULL) {
  check_univariate(x)
  x <- as.double(x)
  x <- x[!is.na(x)]
  lag <- if (is.null(lag)) -1L else check_count(lag, "lag", min = 0L)
  if (lag >= length(x) && length(x) > 0L) {
    stop("`lag` must be less than the number of non-missing values (",
         length(x), "), not ", lag, ".", call. = FALSE)
  }
  .Call(C_lagrs_kpss_call, x, lag)
}

# forecast::ndiffs(x, alpha, test = "kpss", type = "level", max.d = max_d).
ndiffs_kpss <- function(x, alpha = 0.05, max_d = 2L) {
  check_univariate(x)
  check_alpha(alpha)
  max_d <- check_count(max_d, "max_d", min = 0L)
  ans <- .Call(C_lagrs_ndiffs_kpss_call, x, as.double(alpha), max_d)
  if (bitwAnd(attr(ans, "notes"), lagrs_codes("unitroot_notes")[["alpha_clamped"]])) {
    warning("`alpha` is outside [0.01, 0.1], the range of the KPSS table; ",
            "it was moved to ", if (alpha < 0.01) "0.01" else "0.1", ".",
            call. = FALSE)
  }
  as.integer(ans)
}

# forecast::nsdiffs(x, test = "seas", max.D = max_D) for a series of
# frequency `period`.
nsdiffs_seas <- function(x, period = default_period(x), max_D = 1L) {
  check_univariate(x)
  if (!is.numeric(period) || length(period) != 1L || !is.finite(period) ||
      period <= 1) {
    stop("`period` must be a single number greater than 1 (a seasonal ",
         "frequency), not ", describe_value(period), ".", call. = FALSE)
  }
  max_D <- check_count(max_D, "max_D", min = 0L)
  ans <- .Call(C_lagrs_nsdiffs_seas_call, x, as.double(period), max_D)
  if (bitwAnd(attr(ans, "notes"), lagrs_codes("unitroot_notes")[["test_failed"]])) {
    warning("The seasonal strength of `x` could not be computed (too short or ",
            "not finite); ", as.integer(ans), " seasonal differences are used.",
            call. = FALSE)
  }
  as.integer(ans)
}

# forecast:::seas.heuristic(x): 1 - var(remainder) / var(remainder +
# seasonal) from forecast::mstl(x), clamped to [0, 1].
seasonal_strength <- function(x, period = default_period(x)) {
  check_univariate(x)
  period <- check_period(period)
  .Call(C_lagrs_seasonal_strength_call, x, period)
}
