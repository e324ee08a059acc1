# The differencing tests against their references: urca::ur.kpss and a
# direct R transcription of the KPSS formula, and forecast::ndiffs / nsdiffs
# / seas.heuristic (forecast 8.20).  stl_decompose is in test-stl.R, the
# plan of auto_arima() in test-auto-arima-plan.R.

sel <- function(name) get(name, envir = asNamespace("lagrs"))
ndiffs_kpss <- sel("ndiffs_kpss")
nsdiffs_seas <- sel("nsdiffs_seas")
seasonal_strength <- sel("seasonal_strength")
stl_decompose <- sel("stl_decompose")
kpss_test <- sel("kpss_test")
is_constant <- sel("is_constant")
autoarima_plan <- sel("autoarima_plan")

# Every univariate numeric series (ts columns of an mts included; msts left
# out) of a package's data sets.
package_series <- function(pkg) {
  items <- sub(" .*", "", utils::data(package = pkg)$results[, "Item"])
  out <- list()
  for (nm in items) {
    obj <- tryCatch(getExportedValue(pkg, nm), error = function(e) NULL)
    if (is.null(obj) || inherits(obj, "msts")) next
    if (stats::is.ts(obj) && is.null(dim(obj)) && is.numeric(obj)) {
      out[[nm]] <- obj
    } else if (stats::is.ts(obj) && is.matrix(obj)) {
      for (j in seq_len(ncol(obj))) out[[paste0(nm, "[, ", j, "]")]] <- obj[, j]
    } else if (is.numeric(obj) && is.null(dim(obj)) && length(obj) > 3L) {
      out[[nm]] <- obj
    }
  }
  out
}

# The KPSS "mu" statistic written straight from its definition.
kpss_reference <- function(x, lag) {
  n <- length(x)
  e <- x - mean(x)
  s2 <- sum(e^2) / n
  if (lag > 0) {
    gam <- vapply(seq_len(lag), function(l) sum(e[(l + 1):n] * e[1:(n - l)]), 0)
    s2 <- s2 + 2 / n * sum((1 - seq_len(lag) / (lag + 1)) * gam)
  }
  sum(cumsum(e)^2) / n^2 / s2
}

test_that("the KPSS statistic agrees with its definition and with urca::ur.kpss", {
  series <- list(as.numeric(Nile), as.numeric(lynx), diff(log(AirPassengers)),
                 as.numeric(LakeHuron), cumsum(sin(1:300)), c(1, 3, 2))
  for (x in series) {
    x <- as.numeric(x)
    for (lag in unique(c(0L, 1L, 4L, trunc(3 * sqrt(length(x)) / 13)))) {
      if (lag >= length(x)) next
      got <- kpss_test(x, lag)
      expect_equal(got$statistic, kpss_reference(x, lag), tolerance = 1e-10)
      expect_identical(got$lag, as.integer(lag))
    }
  }
  skip_if_not_installed("urca")
  worst <- 0
  for (x in series) {
    x <- as.numeric(x)
    lag <- trunc(3 * sqrt(length(x)) / 13)
    ref <- urca::ur.kpss(x, type = "mu", use.lag = lag)@teststat
    got <- kpss_test(x)$statistic
    worst <- max(worst, abs(got - ref) / abs(ref))
  }
  expect_lt(worst, 1e-8)
})

test_that("KPSS p-values interpolate urca's table as ndiffs does", {
  cval <- c(0.347, 0.463, 0.574, 0.739)
  level <- c(10, 5, 2.5, 1) / 100
  for (x in list(as.numeric(Nile), as.numeric(lynx), cumsum(sin(1:300)),
                 as.numeric(WWWusage), rep(c(1, 5), 20) + 0.01 * (1:40))) {
    got <- kpss_test(x)
    expect_equal(got$p_value, approx(cval, level, xout = got$statistic, rule = 2)$y)
  }
  expect_true(is.na(kpss_test(c(1, Inf, 2, 3))$p_value))
})

test_that("is_constant is forecast's all.equal rule", {
  ref <- function(x) isTRUE(all.equal(as.numeric(x), rep(as.numeric(x)[1], length(x))))
  cases <- list(rep(2, 5), 3, c(1, 1 + 1e-10, 1), c(1, 1 + 1e-7, 1), c(0, 1e-9, 0),
                c(0, 1e-7, 0), c(1, NA, 1), c(NA, 1, 1), numeric(0), c(Inf, Inf),
                c(Inf, 1), c(1, Inf), 1:3, c(1e300, 1e300 * (1 + 1e-9)))
  for (x in cases) expect_identical(is_constant(x), ref(x), info = deparse(x))
})

test_that("ndiffs_kpss chooses d as forecast::ndiffs on R's and forecast's data", {
  skip_if_not_installed("forecast")
  series <- c(package_series("datasets"), package_series("forecast"))
  expect_gt(length(series), 40L)
  ref <- vapply(series, function(x) suppressWarnings(forecast::ndiffs(x)), 0)
  storage.mode(ref) <- "integer"
  got <- vapply(series, function(x) ndiffs_kpss(x), 0L)
  expect_identical(got, ref)
})

test_that("nsdiffs_seas and seasonal_strength agree with forecast on seasonal data", {
  skip_if_not_installed("forecast")
  series <- c(package_series("datasets"), package_series("forecast"))
  seasonal <- Filter(function(x) stats::is.ts(x) && stats::frequency(x) > 1 &&
                       stats::frequency(x) == round(stats::frequency(x)), series)
  expect_gt(length(seasonal), 25L)
  ref <- vapply(seasonal, function(x) suppressWarnings(forecast::nsdiffs(x)), 0)
  storage.mode(ref) <- "integer"
  got <- vapply(seasonal, function(x) suppressWarnings(nsdiffs_seas(x)), 0L)
  expect_identical(got, ref)
  long <- Filter(function(x) length(x) > 2 * stats::frequency(x), seasonal)
  ref_s <- vapply(long, function(x) forecast:::seas.heuristic(x), 0)
  got_s <- vapply(long, function(x) seasonal_strength(x), 0)
  expect_equal(got_s, ref_s, tolerance = 1e-8)
})

test_that("d and D agree with forecast on simulated series with gaps", {
  skip_if_not_installed("forecast")
  set.seed(20261124)
  worst_complete <- worst_gaps <- 0
  for (i in 1:50) {
    m <- sample(c(2, 4, 7, 12), 1)
    n <- sample(c(12:40, 60, 120), 1)
    t <- seq_len(n)
    x <- cumsum(rnorm(n)) * runif(1) + rnorm(n) + runif(1, 0, 3) * sin(2 * pi * t / m) +
      runif(1, 0, 0.05) * t^1.5
    if (runif(1) < 0.4) x[sample(n, max(1, n %/% 8))] <- NA
    x <- ts(x, frequency = m)
    expect_identical(ndiffs_kpss(x), as.integer(suppressWarnings(forecast::ndiffs(x))))
    expect_identical(suppressWarnings(nsdiffs_seas(x)),
                     as.integer(suppressWarnings(forecast::nsdiffs(x))))
    if (n > 2 * m) {
      dev <- abs(seasonal_strength(x) - forecast:::seas.heuristic(x))
      if (anyNA(x)) worst_gaps <- max(worst_gaps, dev) else
        worst_complete <- max(worst_complete, dev)
    }
  }
  expect_lt(worst_complete, 1e-10)
  # With missing values na.interp fills them by lm() on Fourier and poly()
  # columns, which lagrs reproduces to ~1e-14, and then runs a robust STL
  # whose fifteen reweighting passes amplify such differences: moving the
  # filled values by 1e-14 moves forecast's own strength by ~1e-6.
  expect_lt(worst_gaps, 1e-4)
})

test_that("ndiffs_kpss edge cases follow forecast::ndiffs", {
  # hand-derived: constant, empty, one value, all missing: no difference;
  # a line needs one difference, a quadratic two
  expect_identical(ndiffs_kpss(numeric(0)), 0L)
  expect_identical(ndiffs_kpss(5), 0L)
  expect_identical(ndiffs_kpss(c(NA_real_, NA_real_)), 0L)
  expect_identical(ndiffs_kpss(rep(2, 30)), 0L)
  expect_identical(ndiffs_kpss(c(2, NA, 2, 2)), 0L)
  expect_identical(ndiffs_kpss(as.numeric(1:50)), 1L)
  expect_identical(ndiffs_kpss(as.numeric((1:50)^2)), 2L)
  expect_identical(ndiffs_kpss(as.numeric((1:50)^2), max_d = 1), 1L)
  expect_identical(ndiffs_kpss(as.numeric(1:50), max_d = 0), 0L)
  # an infinite value makes the statistic NaN: forecast keeps d = 0
  expect_identical(ndiffs_kpss(c(1, Inf, 3, 4, 5, 6)), 0L)
  expect_identical(ndiffs_kpss(1:50), 1L)  # integers are converted
  skip_if_not_installed("forecast")
  set.seed(7)
  rw <- cumsum(cumsum(rnorm(100)))
  for (alpha in c(0.01, 0.025, 0.05, 0.1)) {
    expect_identical(ndiffs_kpss(rw, alpha = alpha), as.integer(forecast::ndiffs(rw, alpha = alpha)))
  }
  expect_warning(got <- ndiffs_kpss(rw, alpha = 0.5), "moved to 0.1")
  expect_identical(got, as.integer(suppressWarnings(forecast::ndiffs(rw, alpha = 0.5))))
})

test_that("nsdiffs_seas edge cases follow forecast::nsdiffs", {
  expect_identical(nsdiffs_seas(ts(rep(1, 30), frequency = 4)), 0L)
  expect_identical(nsdiffs_seas(ts(1:4 + 0, frequency = 4)), 0L)  # period >= n
  expect_identical(nsdiffs_seas(AirPassengers, max_D = 0), 0L)
  # a pure repeating pattern: strength 1, and its seasonal difference is
  # constant, so the loop stops at D = 1 even when max_D = 2
  pattern <- ts(rep(c(1, 2, 3), 10), frequency = 3)
  expect_identical(nsdiffs_seas(pattern, max_D = 2), 1L)
  expect_equal(seasonal_strength(pattern), 1)
  # between one and two periods the strength cannot be computed: forecast
  # warns and keeps D = 0
  expect_warning(got <- nsdiffs_seas(ts(rep(c(0, 5), 4) + 0.1 * (1:8), frequency = 4)),
                 "could not be computed")
  expect_identical(got, 0L)
  expect_error(nsdiffs_seas(ts(rnorm(20))), "`period` must be a single number greater than 1")
  expect_error(nsdiffs_seas(AirPassengers, max_D = -1), "`max_D`")
  expect_error(ndiffs_kpss(Nile, alpha = 2), "`alpha` must be a single number")
  expect_error(ndiffs_kpss(Nile, max_d = 1.5), "`max_d`")
  expect_error(ndiffs_kpss(list(1, 2)), "`x` must be a numeric vector")
  skip_if_not_installed("forecast")
  expect_identical(nsdiffs_seas(AirPassengers, max_D = 2),
                   as.integer(forecast::nsdiffs(AirPassengers, max.D = 2)))
  x <- AirPassengers
  x[c(5, 50, 100)] <- NA
  expect_equal(seasonal_strength(x), forecast:::seas.heuristic(x), tolerance = 1e-10)
  y <- ts(rep(c(1, 10, 3, 7), 6) + sin(1:24), frequency = 4)
  y[c(2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 24)] <- NA
  # 11 values present: the regression fill, with more columns than the
  # present values support (lm drops the aliased ones)
  expect_equal(seasonal_strength(y),
               suppressWarnings(forecast:::seas.heuristic(y)), tolerance = 1e-10)
  y[c(1, 5, 9)] <- NA  # 8 = 2 periods present: linear interpolation
  expect_equal(seasonal_strength(y), forecast:::seas.heuristic(y), tolerance = 1e-10)
})

test_that("a non-whole frequency (weekly data) is handled as stl and forecast handle it", {
  set.seed(11)
  f <- 365.25 / 7
  n <- 300
  x <- ts(10 * sin(2 * pi * seq_len(n) / f) + cumsum(rnorm(n)), frequency = f)
  ref <- stats::stl(x, s.window = 11)
  got <- stl_decompose(x, s_window = 11)
  expect_equal(unname(got[, "trend"]), as.numeric(ref$time.series[, "trend"]), tolerance = 1e-10)
  expect_equal(unname(got[, "seasonal"]), as.numeric(ref$time.series[, "seasonal"]), tolerance = 1e-10)
  # stl() wants n > 2 * frequency = 104.36, not just n > 2 * 52
  expect_error(stl_decompose(ts(rnorm(104), frequency = f), s_window = 11), "two full periods")
  skip_if_not_installed("forecast")
  expect_equal(seasonal_strength(x), forecast:::seas.heuristic(x), tolerance = 1e-10)
  expect_identical(suppressWarnings(nsdiffs_seas(x)),
                   as.integer(suppressWarnings(forecast::nsdiffs(x))))
  expect_identical(autoarima_plan(x)$D, as.integer(suppressWarnings(forecast::nsdiffs(x))))
  expect_identical(autoarima_plan(x)$m, 52L)
})
