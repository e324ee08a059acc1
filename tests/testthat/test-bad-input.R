# A systematic bad-input suite for every exported function. Each case is a
# row of a table: a call, and either the error it must raise (a regexp that
# names the argument) or a check of its documented result against a
# reference computed here in plain R. No case may crash, hang, or return
# garbage (NaN coefficients reported as "ok").

set.seed(20261124)
base_y <- as.numeric(arima.sim(list(ar = 0.5), 60)) + 10

# ---- the hostile series ---------------------------------------------------

hostile <- list(
  na_start = c(NA, NA, base_y),
  na_mid = replace(base_y, 30, NA),
  na_end = c(base_y, NA),
  nan_start = c(NaN, base_y),
  nan_mid = replace(base_y, c(20, 21), NaN),
  nan_end = c(base_y, NaN),
  inf_start = c(Inf, base_y),
  inf_mid = replace(base_y, 30, -Inf),
  inf_end = c(base_y, Inf),
  inf_all = rep(Inf, 20),
  na_all = rep(NA_real_, 20),
  nan_all = rep(NaN, 20),
  huge = base_y * 1e306,
  huge_const = rep(1e308, 20),
  huge_mixed = replace(base_y, c(10, 11, 40), c(1e308, -1e308, 1e308)),
  tiny = base_y * 5e-324,
  tiny_const = rep(5e-324, 20),
  integer = as.integer(round(base_y * 10)),
  len1 = 3.5,
  len2 = c(1, 2),
  constant = rep(5, 60)
)
not_series <- list(
  null = NULL,
  character = c("a", "b", "c"),
  factor = factor(c("a", "b", "a")),
  logical = c(TRUE, FALSE, TRUE),
  mixed_list = list(1, "a", TRUE),
  complex = complex(real = 1:5)
)

# ---- reference implementations --------------------------------------------

# The documented rolling result, window by window (right alignment, complete
# windows): NA when the window holds NA/NaN, else the base R statistic.
ref_rolling <- function(x, width, stat, prob = 0.3) {
  x <- as.double(x)
  vapply(seq_along(x), function(i) {
    if (i < width) return(NA_real_)
    v <- x[(i - width + 1):i]
    if (anyNA(v)) return(NA_real_)
    # documented: a window of equal values has variance exactly 0 (var()
    # agrees only where long doubles are wider than doubles: not under
    # valgrind, where var(rep(1e308, 3)) overflows)
    if (stat %in% c("var", "sd") && all(is.finite(v)) && all(v == v[1])) return(0)
    switch(stat, mean = mean(v), sum = sum(v), var = var(v), sd = sd(v),
           min = min(v), max = max(v), median = median(v),
           quantile = unname(quantile(v, prob)))
  }, 1)
}
same_numbers <- function(got, want) {
  # NA and NaN are both "missing" here; finite values to 1e-10 relative
  expect_identical(is.na(got), is.na(want))
  ok <- !is.na(want)
  expect_equal(got[ok], want[ok], tolerance = 1e-10)
}

rolling_funs <- list(
  mean = function(x, ...) rolling_mean(x, ...),
  sum = function(x, ...) rolling_sum(x, ...),
  var = function(x, ...) rolling_var(x, ...),
  sd = function(x, ...) rolling_sd(x, ...),
  min = function(x, ...) rolling_min(x, ...),
  max = function(x, ...) rolling_max(x, ...),
  median = function(x, ...) rolling_median(x, ...),
  quantile = function(x, ...) rolling_quantile(x, prob = 0.3, ...)
)

# Runs expr, expects a warning matching regexp, returns expr's value.
with_warning <- function(expr, regexp) {
  value <- NULL
  expect_warning(value <- expr, regexp)
  value
}

cases <- list()
add_error <- function(name, fun, regexp) {
  cases[[length(cases) + 1L]] <<- list(name = name, fun = fun, error = regexp)
}
add_check <- function(name, fun, check) {
  cases[[length(cases) + 1L]] <<- list(name = name, fun = fun, check = check)
}

# ---- rolling family: x --------------------------------------------------

for (stat in names(rolling_funs)) {
  f <- rolling_funs[[stat]]
  for (bad in names(not_series)) {
    local({
      f <- f; x <- not_series[[bad]]
      add_error(paste("rolling", stat, bad), function() f(x, 2),
                "`x`|Each element of `x`")
      # the same in a list of series and as a data frame column
      add_error(paste("rolling", stat, bad, "in a list"),
                function() f(list(a = base_y, b = x), 2), "`x")
    })
  }
  local({
    f <- f; stat <- stat
    add_check(paste("rolling", stat, "zero-length"), function() f(numeric(0), 3),
              function(r) expect_identical(r, numeric(0)))
    add_check(paste("rolling", stat, "zero-row matrix"),
              function() f(matrix(numeric(0), 0, 2), 3),
              function(r) expect_identical(dim(r), c(0L, 2L)))
    add_check(paste("rolling", stat, "empty list"), function() f(list(), 3),
              function(r) expect_identical(r, list()))
  })
  for (h in names(hostile)) {
    local({
      f <- f; stat <- stat; x <- hostile[[h]]
      if (length(x) >= 3) {
        add_check(paste("rolling", stat, h), function() f(x, 3),
                  function(r) same_numbers(r, ref_rolling(x, 3, stat)))
        # as one column of a batch (matrix) and one element of a list of
        # series of different lengths: same numbers as alone
        add_check(paste("rolling", stat, h, "in a batch"),
                  function() f(list(a = base_y, b = x), 3),
                  function(r) {
                    same_numbers(r$a, ref_rolling(base_y, 3, stat))
                    same_numbers(r$b, ref_rolling(x, 3, stat))
                  })
      } else {
        add_error(paste("rolling", stat, h, "window longer than the series"),
                  function() f(x, 3), "`width` \\(3\\) is longer than `x`")
        add_check(paste("rolling", stat, h, "partial windows"),
                  function() f(x, 3, min_obs = 1),
                  function(r) expect_length(r, length(x)))
      }
    })
  }
}

# ---- rolling family: parameters -------------------------------------------

bad_counts <- list(zero = 0, negative = -3, na = NA, fractional = 2.5,
                   string = "3", vector = c(2, 3), infinite = Inf, huge = 1e12,
                   null = NULL)
for (nm in names(bad_counts)) {
  local({
    w <- bad_counts[[nm]]
    add_error(paste("rolling width", nm), function() rolling_mean(base_y, w), "`width`")
    add_error(paste("rolling min_obs", nm),
              function() rolling_sd(base_y, 3, min_obs = w), "`min_obs`")
  })
}
add_error("rolling min_obs above width", function() rolling_mean(base_y, 3, min_obs = 4), "`min_obs`")
add_error("rolling width longer than series", function() rolling_max(base_y, 61), "`width`")
add_error("rolling width longer than every series in a list",
          function() rolling_max(list(a = 1:3, b = 1:4), 5), "`width`")
add_check("rolling width longer than series with min_obs", function() rolling_mean(1:3, 10, min_obs = 1),
          function(r) expect_equal(r, c(1, 1.5, 2)))
add_error("rolling align unknown", function() rolling_mean(base_y, 3, align = "middle"), "`align`")
add_error("rolling align NA", function() rolling_mean(base_y, 3, align = NA), "`align`")
add_error("rolling fill string", function() rolling_mean(base_y, 3, fill = "a"), "`fill`")
add_error("rolling fill vector", function() rolling_mean(base_y, 3, fill = c(0, 1)), "`fill`")
add_error("rolling na_rm NA", function() rolling_mean(base_y, 3, na_rm = NA), "`na_rm`")
add_error("rolling na_rm string", function() rolling_mean(base_y, 3, na_rm = "yes"), "`na_rm`")
for (p in list(-0.1, 1.1, NA, "a", c(0.1, 0.2), NaN)) {
  local({
    p <- p
    add_error(paste("rolling prob", format(p)[1]),
              function() rolling_quantile(base_y, 3, prob = p), "`prob`")
  })
}
add_error("rolling prob missing", function() rolling_quantile(base_y, 3), "`prob`")
add_error("rolling 3-d array", function() rolling_mean(array(1:8, c(2, 2, 2)), 2), "`x`")
add_error("rolling data frame with a character column",
          function() rolling_mean(data.frame(a = 1:3, b = c("x", "y", "z")), 2), "`x\\$b`")
add_check("rolling NA everywhere with na_rm", function() rolling_mean(rep(NA_real_, 5), 2, na_rm = TRUE),
          function(r) expect_true(all(is.na(r))))
add_check("rolling min_obs counts present values with na_rm",
          function() rolling_sum(c(1, NA, 3, NA, NA, 6), 3, min_obs = 2, na_rm = TRUE),
          function(r) expect_equal(r, c(NA, NA, 4, NA, NA, NA)))

# regressions found by this suite and by fuzz/ (var and sd after overflow)
var_ref <- function(x, width, min_obs = width) {
  vapply(seq_along(x), function(i) {
    v <- x[max(1, i - width + 1):i]
    if (length(v) < min_obs || length(v) < 2) return(NA_real_)
    if (anyNA(v)) return(NA_real_)
    var(v)
  }, 1)
}
overflow_cases <- list(
  # squares overflow, then the huge values leave: later windows recover
  recover = list(x = c(1, 2, 3, 1e308, -1e308, 4, 5, 6, 7), width = 3, min_obs = 3),
  # a run of equal values after an overflow, then a different value
  run_after_overflow = list(x = c(NaN, 1e308, NaN, 1e-5, rep(NaN, 4), rep(1.27e-09, 18), -1.28e-13, NaN, NaN),
                            width = 2, min_obs = 2),
  # the shift's drift test overflowed (s1 = 1e154) and the variance came out 0
  drift_test_overflow = list(x = c(-1.5868539665109664e+202, -1.5868539665109664e+202,
                                   -1.0857695441306455e+154, 950000000000000, rep(0.95, 8)),
                             width = 4, min_obs = 1)
)
for (nm in names(overflow_cases)) {
  local({
    cs <- overflow_cases[[nm]]
    add_check(paste("rolling var overflow:", nm),
              function() rolling_var(cs$x, cs$width, min_obs = cs$min_obs),
              function(r) same_numbers(r, var_ref(cs$x, cs$width, cs$min_obs)))
    add_check(paste("rolling sd overflow:", nm),
              function() rolling_sd(cs$x, cs$width, min_obs = cs$min_obs),
              function(r) same_numbers(r, sqrt(var_ref(cs$x, cs$width, cs$min_obs))))
  })
}

# ---- ARIMA: one series ----------------------------------------------------

check_fit <- function(x, order) {
  function(fit) {
    expect_s3_class(fit, "lagrs_arima")
    expect_true(all(is.finite(coef(fit))))
    expect_true(is.finite(fit$sigma2) && is.finite(fit$loglik))
    expect_identical(as.numeric(nobs(fit)), as.numeric(sum(!is.na(x)) - order[2]))
    # stats::arima's optimum is the reference: lagrs may be better, not worse
    ref <- stats::arima(x, order = order)
    expect_gte(fit$loglik, ref$loglik - 1e-3)
  }
}
for (bad in names(not_series)) {
  local({
    x <- not_series[[bad]]
    add_error(paste("arima_fit", bad), function() arima_fit(x, c(1, 0, 0)), "`y`")
    add_error(paste("auto_arima", bad), function() auto_arima(x), "`y`")
    add_error(paste("arima_batch", bad), function() arima_batch(list(a = base_y, b = x)), "`series`")
    add_error(paste("auto_arima_batch", bad), function() auto_arima_batch(list(a = base_y, b = x)), "`series`")
  })
}
add_error("arima_fit zero-length", function() arima_fit(numeric(0), c(1, 0, 0)), "`y` is too short")
add_error("auto_arima zero-length", function() auto_arima(numeric(0)), "`y`")
for (h in c("na_start", "na_mid", "na_end", "nan_start", "nan_mid", "nan_end", "integer")) {
  local({
    x <- hostile[[h]]
    add_check(paste("arima_fit", h), function() arima_fit(x, c(1, 0, 0)), check_fit(x, c(1, 0, 0)))
    add_check(paste("arima_fit d=1", h), function() arima_fit(x, c(0, 1, 1)), check_fit(x, c(0, 1, 1)))
    add_check(paste("auto_arima", h), function() auto_arima(x, max_p = 2, max_q = 2),
              function(fit) expect_true(all(is.finite(coef(fit)))))
  })
}
for (h in c("inf_start", "inf_mid", "inf_end", "inf_all")) {
  local({
    x <- hostile[[h]]
    add_error(paste("arima_fit", h), function() arima_fit(x, c(1, 0, 0)), "`y` must not contain infinite")
    add_error(paste("auto_arima", h), function() auto_arima(x), "`y` must not contain infinite")
  })
}
for (h in c("na_all", "nan_all")) {
  local({
    x <- hostile[[h]]
    add_error(paste("arima_fit", h), function() arima_fit(x, c(1, 0, 0)), "`y` is too short")
    add_error(paste("auto_arima", h), function() auto_arima(x), "`y` has no non-missing")
  })
}
add_error("arima_fit length 1", function() arima_fit(3.5, c(1, 0, 0)), "`y` is too short")
add_error("arima_fit length 2, d = 1, AR 1", function() arima_fit(c(1, 2), c(1, 1, 0)), "`y` is too short")
add_error("arima_fit order longer than series", function() arima_fit(base_y, c(70, 0, 0)), "`y` is too short")
add_error("arima_fit seasonal longer than series",
          function() arima_fit(base_y, seasonal = c(1, 1, 0), period = 50), "`y` is too short")
add_check("auto_arima length 1 is its mean", function() auto_arima(3.5),
          function(fit) expect_equal(unname(coef(fit)), 3.5))
add_check("arima_fit constant series warns, sigma2 0",
          function() with_warning(arima_fit(hostile$constant, c(1, 0, 0)), "constant"),
          function(fit) { expect_equal(fit$sigma2, 0); expect_equal(unname(coef(fit)[["intercept"]]), 5) })
add_check("auto_arima constant series is its mean", function() auto_arima(hostile$constant),
          function(fit) expect_equal(unname(coef(fit)), 5))
# magnitudes: a clear error, or a warned degenerate fit; never silent NaN
for (h in c("huge", "huge_mixed")) {
  local({
    x <- hostile[[h]]
    add_error(paste("arima_fit", h), function() arima_fit(x, c(1, 0, 0)), "non-finite likelihood")
  })
}
for (h in c("tiny", "tiny_const")) {
  local({
    x <- hostile[[h]]
    add_check(paste("arima_fit", h),
              function() with_warning(arima_fit(x, c(1, 0, 0)), "constant"),
              function(fit) {
                expect_false(anyNA(coef(fit)))
                expect_equal(fit$sigma2, 0)
              })
  })
}

# orders and the other parameters
for (nm in c("negative", "na", "fractional", "short", "string")) {
  local({
    o <- switch(nm, negative = c(-1, 0, 0), na = c(NA, 0, 0), fractional = c(1.5, 0, 0),
                short = c(1, 0), string = "1,0,0")
    add_error(paste("arima_fit order", nm), function() arima_fit(base_y, o), "`order`")
    add_error(paste("arima_fit seasonal", nm), function() arima_fit(base_y, seasonal = o, period = 4), "`seasonal`")
    add_error(paste("arima_batch order", nm), function() arima_batch(list(a = base_y), o), "`order`")
  })
}
for (p in list(0, -4, NA, 2.5, "4")) {
  local({
    p <- p
    add_error(paste("arima_fit period", format(p)), function() arima_fit(base_y, seasonal = c(1, 0, 0), period = p), "`period`")
    add_error(paste("arima_batch period", format(p)), function() arima_batch(list(a = base_y), seasonal = c(1, 0, 0), period = p), "`period`")
    # auto_arima takes any positive frequency (forecast::auto.arima does)
    if (!identical(p, 2.5))
      add_error(paste("auto_arima period", format(p)), function() auto_arima(base_y, period = p), "`period`")
  })
}
add_error("arima_fit include_mean NA", function() arima_fit(base_y, include_mean = NA), "`include_mean`")
add_error("arima_fit include_drift string", function() arima_fit(base_y, include_drift = "yes"), "`include_drift`")
add_error("arima_fit method", function() arima_fit(base_y, method = "OLS"), "`method`")
add_error("arima_batch method", function() arima_batch(list(a = base_y), method = "OLS"), "`method`")
add_error("arima_batch include_mean NA", function() arima_batch(list(a = base_y), include_mean = NA), "`include_mean`")
add_error("arima_batch progress NA", function() arima_batch(list(a = base_y), progress = NA), "`progress`")
add_error("arima_fit fixed length", function() arima_fit(base_y, c(1, 0, 0), fixed = 0.5), "`fixed`")
add_error("arima_fit fixed string", function() arima_fit(base_y, c(1, 0, 0), fixed = c("a", "b")), "`fixed`")
add_check("arima_fit fixed intercept", function() arima_fit(base_y, c(1, 0, 0), fixed = c(NA, 10)),
          function(fit) {
            ref <- stats::arima(base_y, c(1, 0, 0), fixed = c(NA, 10), transform.pars = FALSE)
            expect_equal(unname(coef(fit)), unname(coef(ref)), tolerance = 1e-3)
          })
# xreg dimensions and values
xr <- cbind(a = rnorm(60))
add_error("arima_fit xreg rows", function() arima_fit(base_y, c(1, 0, 0), xreg = matrix(1:59)), "`xreg`")
add_error("arima_fit xreg character", function() arima_fit(base_y, c(1, 0, 0), xreg = letters[1:60]), "`xreg`")
add_error("arima_fit xreg Inf", function() arima_fit(base_y, c(1, 0, 0), xreg = c(Inf, xr[-1])), "`xreg`")
add_error("arima_fit xreg constant (collinear with the mean)",
          function() arima_fit(base_y, c(1, 0, 0), xreg = rep(1, 60)), "`xreg`")
add_error("arima_fit xreg collinear columns",
          function() arima_fit(base_y, c(1, 0, 0), xreg = cbind(a = 1:60, b = 2 * (1:60))), "`xreg`")
add_check("arima_fit xreg with NA in y", function() arima_fit(hostile$na_mid, c(1, 0, 0), xreg = xr),
          function(fit) {
            ref <- stats::arima(hostile$na_mid, c(1, 0, 0), xreg = xr)
            expect_gte(fit$loglik, ref$loglik - 1e-3)
          })
fitx <- arima_fit(base_y, c(1, 0, 0), xreg = xr)
fit1 <- arima_fit(base_y, c(1, 0, 0))
add_error("forecast xreg missing", function() forecast(fitx, h = 3), "`xreg`")
add_error("forecast xreg columns", function() forecast(fitx, xreg = matrix(1:6, 3, 2)), "`xreg`")
add_error("forecast xreg NA", function() forecast(fitx, xreg = matrix(NA_real_, 3, 1)), "`xreg`")
add_error("forecast xreg not fitted", function() forecast(fit1, xreg = matrix(1:3)), "`xreg`")
add_error("predict n.ahead negative", function() predict(fit1, n.ahead = -1), "`n.ahead`")
for (nm in names(bad_counts)) {
  local({
    h <- bad_counts[[nm]]
    if (nm == "huge") return()
    add_error(paste("forecast h", nm), function() forecast(fit1, h = h), "`h`")
  })
}
for (lv in list(0, 100, -5, NA, "a", 120)) {
  local({
    lv <- lv
    add_error(paste("forecast level", format(lv)), function() forecast(fit1, level = lv), "`level`")
  })
}
add_check("forecast h = 1", function() forecast(fit1, h = 1), function(fc) {
  ref <- predict(stats::arima(base_y, c(1, 0, 0)), n.ahead = 1)
  expect_equal(as.numeric(fc$mean), as.numeric(ref$pred), tolerance = 1e-3)
})

# ---- batches --------------------------------------------------------------

batch_of <- function(x) list(a = base_y, b = x)
expect_contained <- function(b, status, msg) {
  expect_identical(b$status[[1]], "ok")
  expect_identical(b$status[[2]], status)
  if (!is.null(msg)) expect_match(b$message[[2]], msg)
  ok <- b$status == "ok"
  expect_false(anyNA(b$coef[ok, , drop = FALSE]))
  expect_true(all(is.na(b$coef[b$status == "error", , drop = FALSE])))
}
for (h in names(hostile)) {
  local({
    x <- hostile[[h]]
    want <- switch(h,
      inf_start = , inf_mid = , inf_end = , inf_all = list("error", "infinite"),
      na_all = , nan_all = list("error", "all values are missing"),
      len1 = list("error", "too short"),
      huge = , huge_mixed = list("error", "non-finite"),
      # all values equal: failed in a batch (arima_fit() warns instead)
      huge_const = , tiny_const = , constant = list("error", "constant"),
      # values differ, but their spread is below the kernel's tolerance
      tiny = list("warning", "constant"),
      list("ok", NULL))
    add_check(paste("arima_batch", h), function() arima_batch(batch_of(x), c(1, 0, 0)),
              function(b) {
                expect_contained(b, want[[1]], want[[2]])
                if (want[[1]] != "error") {
                  # identical to the single-series fit
                  single <- suppressWarnings(arima_fit(x, c(1, 0, 0)))
                  expect_identical(unname(b$coef[2, ]), unname(coef(single)))
                }
                fc <- forecast(b, h = 2)
                expect_true(all(is.finite(fc$mean[fc$id == "a"])))
                bad <- fc$mean[fc$id == "b"]
                if (want[[1]] == "error") expect_true(all(is.na(bad))) else expect_true(all(is.finite(bad)))
              })
    if (h %in% c("inf_start", "inf_mid", "inf_end", "inf_all")) {
      add_check(paste("auto_arima_batch", h),
                function() auto_arima_batch(batch_of(x), max_p = 1, max_q = 1, seasonal = FALSE),
                function(b) {
                  # only this series fails; auto_arima() refuses it outright
                  expect_identical(unname(b$status), c("ok", "error"))
                  expect_match(b$message[[2]], "infinite value")
                  expect_true(all(is.na(b$orders[2, ])))
                  fc <- forecast(b, h = 2)
                  expect_true(all(is.finite(fc$mean[fc$id == "a"])))
                  expect_true(all(is.na(fc$mean[fc$id == "b"])))
                })
    } else {
      add_check(paste("auto_arima_batch", h),
                function() auto_arima_batch(batch_of(x), max_p = 1, max_q = 1, seasonal = FALSE),
                function(b) {
                  expect_identical(b$status[[1]], "ok")
                  expect_true(b$status[[2]] %in% c("ok", "warning", "error"))
                  if (all(x[!is.na(x)] == x[!is.na(x)][1])) {
                    # all missing or all equal: failed (auto_arima() gives a
                    # constant series its mean instead)
                    expect_identical(b$status[[2]], "error")
                    expect_match(b$message[[2]], "missing|constant")
                    expect_true(all(is.na(b$orders[2, ])))
                    expect_true(all(is.na(forecast(b, h = 2)$mean[3:4])))
                  }
                  if (b$status[[2]] != "error") {
                    expect_true(is.finite(b$sigma2[[2]]) && is.finite(b$loglik[[2]]) || b$status[[2]] == "warning")
                    fc <- forecast(b, h = 2)
                    expect_true(all(is.finite(fc$mean)))
                  }
                })
    }
  })
}
add_check("arima_batch zero-length series", function() arima_batch(batch_of(numeric(0)), c(1, 0, 0)),
          function(b) expect_contained(b, "error", "too short"))
add_check("arima_batch empty list", function() arima_batch(list(), c(1, 0, 0)),
          function(b) expect_length(b$status, 0L))
add_error("arima_batch duplicate ids", function() arima_batch(list(a = base_y, a = base_y)), "`series` has the id \"a\" more than once")
add_error("auto_arima_batch duplicate ids", function() auto_arima_batch(list(a = base_y, a = base_y)), "`series` has the id")
add_error("arima_batch character matrix", function() arima_batch(matrix("a", 3, 2)), "`series`")
# issue 11: each series keeps its own frequency (this was an error before)
add_check("arima_batch mixed frequencies, seasonal model",
          function() arima_batch(list(a = ts(base_y, frequency = 4), b = ts(base_y, frequency = 12)),
                                 seasonal = c(0, 1, 1)),
          function(b) expect_identical(unname(b$coef[2, ]),
                                       unname(coef(arima_fit(ts(base_y, frequency = 12),
                                                             seasonal = c(0, 1, 1))))))
add_check("arima_batch mixed frequencies, non-seasonal model",
          function() arima_batch(list(a = ts(base_y, frequency = 4), b = ts(base_y, frequency = 12)),
                                 c(1, 0, 0)),
          function(b) expect_identical(unname(b$coef[2, ]), unname(coef(arima_fit(base_y, c(1, 0, 0))))))
add_check("arima_batch matrix = list of columns", function() arima_batch(matrix(base_y, 30, 2), c(1, 0, 0)),
          function(b) expect_identical(unname(b$coef[2, ]), unname(coef(arima_fit(base_y[31:60], c(1, 0, 0))))))

# long data frames: unsorted, duplicated, missing columns
long <- data.frame(id = rep(c("a", "b"), each = 30), t = c(30:1, 1:30),
                   value = c(rev(base_y[1:30]), base_y[31:60]))
for (fn in c("arima_batch", "auto_arima_batch")) {
  local({
    f <- get(fn)
    add_check(paste(fn, "unsorted time column"), function() f(long[sample(60), ], time = "t"),
              function(b) {
                ref <- f(list(a = base_y[1:30], b = base_y[31:60]))
                expect_identical(b$coef, ref$coef[rownames(b$coef), , drop = FALSE])
              })
    add_error(paste(fn, "duplicated time"), function() f(rbind(long, long[5, ]), time = "t"),
              "`time` column \"t\" has the time 26 more than once for id \"a\"")
    add_error(paste(fn, "missing id column"), function() f(long, id = "sku"), "`id` column \"sku\"")
    add_error(paste(fn, "missing value column"), function() f(long, value = "y"), "`value` column \"y\"")
    add_error(paste(fn, "missing time column"), function() f(long, time = "when"), "`time` column \"when\"")
    add_error(paste(fn, "character values"), function() f(transform(long, value = as.character(value))), "`value`")
    add_error(paste(fn, "NA id"), function() f(transform(long, id = replace(id, 3, NA))), "`id`")
    add_error(paste(fn, "NA time"), function() f(transform(long, t = replace(t, 3, NA)), time = "t"), "`time`")
    add_error(paste(fn, "id not a name"), function() f(long, id = 1), "`id`")
  })
}
add_check("arima_batch long data without time keeps row order", function() arima_batch(long, c(1, 0, 0)),
          function(b) expect_identical(unname(b$coef["a", ]), unname(coef(arima_fit(rev(base_y[1:30]), c(1, 0, 0))))))
add_check("arima_batch zero-row data frame", function() arima_batch(long[0, ], c(1, 0, 0)),
          function(b) expect_length(b$status, 0L))

# forecast of batches
b1 <- arima_batch(list(a = base_y, b = base_y + 1), c(1, 0, 0))
ab1 <- auto_arima_batch(list(a = base_y, b = base_y + 1), max_p = 1, max_q = 1, seasonal = FALSE)
for (nm in c("zero", "negative", "na", "fractional", "string")) {
  local({
    h <- bad_counts[[nm]]
    add_error(paste("forecast batch h", nm), function() forecast(b1, h = h), "`h`")
    add_error(paste("forecast auto batch h", nm), function() forecast(ab1, h = h), "`h`")
  })
}
add_error("forecast batch level", function() forecast(b1, level = 120), "`level`")

# ---- auto_arima parameters -------------------------------------------------

for (arg in c("max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_D", "d", "D")) {
  for (v in list(-1, NA, 1.5, "2")) {
    local({
      arg <- arg; v <- v
      one <- list(base_y); one[[arg]] <- v
      add_error(paste("auto_arima", arg, format(v)), function() do.call(auto_arima, one), paste0("`", arg, "`"))
      many <- list(list(a = base_y)); many[[arg]] <- v
      add_error(paste("auto_arima_batch", arg, format(v)), function() do.call(auto_arima_batch, many), paste0("`", arg, "`"))
    })
  }
}
add_error("auto_arima ic", function() auto_arima(base_y, ic = "hqc"), "`ic`")
add_error("auto_arima stepwise NA", function() auto_arima(base_y, stepwise = NA), "`stepwise`")
add_error("auto_arima nmodels 0", function() auto_arima(base_y, nmodels = 0), "`nmodels`")

# ---- lagrs_threads ----------------------------------------------------------

for (v in list(-1, NA, 1.5, "2", c(1, 2))) {
  local({
    v <- v
    add_error(paste("lagrs_threads", format(v)[1]), function() lagrs_threads(v), "`n`")
  })
}

# ---- run the table ----------------------------------------------------------

old_threads <- lagrs_threads(2)
for (case in cases) {
  test_that(paste("bad input:", case$name), {
    if (!is.null(case$error)) {
      expect_error(case$fun(), case$error)
    } else {
      case$check(case$fun())
    }
  })
}
lagrs_threads(old_threads)

test_that("the bad-input table is large", {
  expect_gt(length(cases), 500L)
  message(sprintf("test-bad-input: %d cases", length(cases)))
})
