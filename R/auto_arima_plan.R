# The plan of the automatic search (src/auto_arima_plan.c): what
# auto_arima() decides before fitting any model, on its own for tests.  Not
# exported.

# What forecast::auto.arima(x, ...) decides before its first model fit (no
# xreg, no lambda): trimming of leading missing values, the constant-series
# and constant-difference exits, m, d and D, the caps on the orders, the ic
# switch for very short series, whether drift or a mean is allowed, and the
# stepwise starting orders.  Arguments as auto.arima's, in snake case.
# `outcome` is one of "search", "all_missing", "constant", "no_data",
# "constant_diff", "polynomial" (enum lagrs_auto_outcome, src/auto_arima.h).
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
  plan <- .Call(C_auto_arima_plan_call, as.double(x), as.double(frequency), opts)
  outcomes <- lagrs_codes("auto_outcome")
  plan$outcome <- names(outcomes)[match(plan$outcome, outcomes)]
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
