# Internal building blocks for automatic ARIMA order selection: the number of
# differences by the KPSS test and of seasonal differences by seasonal
# strength, chosen as forecast::ndiffs() and forecast::nsdiffs() choose them,
# and the STL decomposition (stats::stl) that seasonal strength rests on.
# The work is done by the plain-C kernels in src/select.c and src/stl.c
# (interface: src/select.h), which auto_arima() will call from its threads.
# None of these is exported yet.

# Bits of the "notes" attribute the C entry points return (select.h).
select_note_alpha_clamped <- 1L
select_note_test_failed <- 2L
select_note_non_seasonal <- 4L

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
  if (bitwAnd(attr(ans, "notes"), select_note_alpha_clamped)) {
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
  if (bitwAnd(attr(ans, "notes"), select_note_test_failed)) {
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

# stats::stl() with the same arguments and defaults (s.window = "periodic"
# included; a non-whole period is used as stl uses a frequency); returns a matrix with columns seasonal, trend and remainder
# and the robustness weights as attribute "weights".
stl_decompose <- function(x, period = default_period(x), s_window,
                          s_degree = 0L, t_window = NULL, t_degree = 1L,
                          l_window = NULL, l_degree = t_degree,
                          s_jump = NULL, t_jump = NULL, l_jump = NULL,
                          robust = FALSE, inner = if (robust) 1L else 2L,
                          outer = if (robust) 15L else 0L) {
  check_univariate(x)
  period <- check_period(period)
  next_odd <- function(v) {
    v <- round(v)
    if (v %% 2 == 0) v <- v + 1
    as.integer(v)
  }
  check_degree <- function(v, arg) {
    if (!is.numeric(v) || length(v) != 1L || is.na(v) || !(v %in% c(0, 1))) {
      stop("`", arg, "` must be 0 or 1, not ", describe_value(v), ".",
           call. = FALSE)
    }
    as.integer(v)
  }
  n <- length(x)
  if (n <= 2L * period) {
    stop("`x` must have more than two full periods (", 2L * period,
         " values), not ", n, " values.", call. = FALSE)
  }
  if (anyNA(x) || any(is.infinite(x))) {
    stop("`x` must not contain missing or infinite values.", call. = FALSE)
  }
  if (missing(s_window)) {
    stop("`s_window` must be given: \"periodic\" or a single odd number >= 3.",
         call. = FALSE)
  }
  periodic <- FALSE
  if (is.character(s_window)) {
    if (length(s_window) != 1L || is.na(pmatch(s_window, "periodic"))) {
      stop("`s_window` must be \"periodic\" or a single whole number, not ",
           describe_value(s_window), ".", call. = FALSE)
    }
    periodic <- TRUE
    s_window <- 10 * n + 1
    s_degree <- 0L
  }
  s_window <- check_count(s_window, "s_window")
  s_degree <- check_degree(s_degree, "s_degree")
  t_degree <- check_degree(t_degree, "t_degree")
  l_degree <- check_degree(l_degree, "l_degree")
  if (is.null(t_window)) {
    t_window <- next_odd(ceiling(1.5 * period / (1 - 1.5 / s_window)))
  }
  t_window <- check_count(t_window, "t_window")
  if (is.null(l_window)) l_window <- next_odd(period)
  l_window <- check_count(l_window, "l_window")
  if (is.null(s_jump)) s_jump <- ceiling(s_window / 10)
  if (is.null(t_jump)) t_jump <- ceiling(t_window / 10)
  if (is.null(l_jump)) l_jump <- ceiling(l_window / 10)
  check_flag(robust, "robust")
  params <- c(as.integer(period), s_window, s_degree, t_window, t_degree, l_window,
              l_degree, check_count(s_jump, "s_jump"),
              check_count(t_jump, "t_jump"), check_count(l_jump, "l_jump"),
              check_count(inner, "inner"), check_count(outer, "outer", min = 0L))
  fit <- .Call(C_lagrs_stl_call, x, params)
  seasonal <- fit$seasonal
  if (periodic) {
    cycle_of <- if (stats::is.ts(x) && stats::frequency(x) == period) {
      as.integer(stats::cycle(x))
    } else {
      (seq_len(n) - 1L) %% as.integer(period) + 1L
    }
    seasonal <- as.vector(tapply(seasonal, cycle_of, mean)[cycle_of])
  }
  ans <- cbind(seasonal = seasonal, trend = fit$trend,
               remainder = as.vector(x) - seasonal - fit$trend)
  attr(ans, "weights") <- fit$weights
  ans
}

# What forecast::auto.arima(x, ...) decides before its first model fit (no
# xreg, no lambda): trimming of leading missing values, the constant-series
# and constant-difference exits, m, d and D, the caps on the orders, the ic
# switch for very short series, whether drift or a mean is allowed, and the
# stepwise starting orders.  Arguments as auto.arima's, in snake case.
# `outcome` is one of "search", "all_missing", "constant", "no_data",
# "constant_diff", "polynomial" (see src/select.h).
autoarima_plan <- function(x, d = NA, D = NA, max_p = 5L, max_q = 5L,
                           max_P = 2L, max_Q = 2L, max_d = 2L, max_D = 1L,
                           start_p = 2L, start_q = 2L, start_P = 1L,
                           start_Q = 1L, stationary = FALSE, seasonal = TRUE,
                           allow_drift = TRUE, allow_mean = TRUE,
                           alpha = 0.05, frequency = stats::frequency(x)) {
  check_univariate(x)
  if (!is.numeric(frequency) || length(frequency) != 1L || !is.finite(frequency) ||
      frequency <= 0) {
    stop("`frequency` must be a single positive number, not ",
         describe_value(frequency), ".", call. = FALSE)
  }
  opts <- autoarima_opts(d, D, max_p, max_q, max_P, max_Q, max_d, max_D,
                         start_p, start_q, start_P, start_Q, stationary,
                         seasonal, allow_drift, allow_mean, alpha)
  plan <- .Call(C_lagrs_autoarima_prepare_call, x, as.double(frequency), opts)
  plan$outcome <- plan_outcomes[plan$outcome + 1L]
  plan
}

# auto.arima's options as the C entry points take them: 16 integers (NA d or
# D = choose) with alpha as an attribute.
autoarima_opts <- function(d, D, max_p, max_q, max_P, max_Q, max_d, max_D,
                           start_p, start_q, start_P, start_Q, stationary,
                           seasonal, allow_drift, allow_mean, alpha) {
  order_or_na <- function(v, arg) {
    if (length(v) == 1L && is.na(v) && !is.nan(v)) NA_integer_ else
      check_count(v, arg, min = 0L)
  }
  check_alpha(alpha)
  check_flag(stationary, "stationary")
  check_flag(seasonal, "seasonal")
  check_flag(allow_drift, "allow_drift")
  check_flag(allow_mean, "allow_mean")
  opts <- c(order_or_na(d, "d"), order_or_na(D, "D"),
            check_count(max_p, "max_p", min = 0L), check_count(max_q, "max_q", min = 0L),
            check_count(max_P, "max_P", min = 0L), check_count(max_Q, "max_Q", min = 0L),
            check_count(max_d, "max_d", min = 0L), check_count(max_D, "max_D", min = 0L),
            check_count(start_p, "start_p", min = 0L), check_count(start_q, "start_q", min = 0L),
            check_count(start_P, "start_P", min = 0L), check_count(start_Q, "start_Q", min = 0L),
            as.integer(stationary), as.integer(seasonal), as.integer(allow_drift),
            as.integer(allow_mean))
  attr(opts, "alpha") <- as.double(alpha)
  opts
}

plan_outcomes <- c("search", "all_missing", "constant", "no_data",
                   "constant_diff", "polynomial")

# autoarima_plan() for a list of series at once, in parallel (OpenMP): a data
# frame with one row per series.  `frequency` is one number, or one per
# series (default: each series' own frequency()).
autoarima_plan_batch <- function(series, frequency = NULL, d = NA, D = NA,
                                 max_p = 5L, max_q = 5L, max_P = 2L,
                                 max_Q = 2L, max_d = 2L, max_D = 1L,
                                 start_p = 2L, start_q = 2L, start_P = 1L,
                                 start_Q = 1L, stationary = FALSE,
                                 seasonal = TRUE, allow_drift = TRUE,
                                 allow_mean = TRUE, alpha = 0.05) {
  if (!is.list(series) || is.data.frame(series)) {
    stop("`series` must be a list of numeric vectors, not ",
         describe_value(series), ".", call. = FALSE)
  }
  for (i in seq_along(series)) {
    el <- series[[i]]
    if (!(is.numeric(el) || is.logical(el)) || is.factor(el)) {
      stop("`series[[", i, "]]` must be a numeric vector, not ",
           describe_value(el), ".", call. = FALSE)
    }
  }
  if (is.null(frequency)) {
    frequency <- vapply(series, function(el) as.double(stats::frequency(el)), 0)
  }
  if (!is.numeric(frequency) || !(length(frequency) %in% c(1L, length(series))) ||
      !all(is.finite(frequency)) || any(frequency <= 0)) {
    stop("`frequency` must be positive numbers, one or one per series, not ",
         describe_value(frequency), ".", call. = FALSE)
  }
  opts <- autoarima_opts(d, D, max_p, max_q, max_P, max_Q, max_d, max_D,
                         start_p, start_q, start_P, start_Q, stationary,
                         seasonal, allow_drift, allow_mean, alpha)
  ans <- .Call(C_lagrs_autoarima_prepare_batch_call, unname(series),
               as.double(frequency), opts)
  ans$status <- NULL
  ans$outcome <- plan_outcomes[ans$outcome + 1L]
  for (flag in c("ic_aic", "approximation")) ans[[flag]] <- as.logical(ans[[flag]])
  ans <- as.data.frame(ans)
  if (!is.null(names(series))) rownames(ans) <- make.unique(names(series))
  ans
}
