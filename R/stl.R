# The STL decomposition, computed as stats::stl() computes it by the plain-C
# kernel in src/stl.c (interface: src/stl.h), which seasonal strength
# (R/unitroot.R) rests on.  Not exported.

# stats::stl() with the same arguments and defaults (s.window = "periodic"
# included; a non-whole period is used as stl uses a frequency); returns a
# matrix with columns seasonal, trend and remainder and the robustness
# weights as attribute "weights".
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
  fit <- .Call(C_lagrs_stl_call, as.double(x), params)
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
