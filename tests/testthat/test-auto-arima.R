# auto_arima() against forecast::auto.arima(): the chosen model (d, D, p, q,
# P, Q and the constant/drift) must be the same. The full comparison over
# every built-in series is bench/auto_agreement.R; here a representative,
# fast subset.

forecast_choice <- function(fit) {
  a <- fit$arma
  c(p = a[1], d = a[6], q = a[2], P = a[3], D = a[7], Q = a[4],
    constant = as.integer(any(c("intercept", "drift") %in% names(fit$coef))))
}

lagrs_choice <- function(fit) {
  o <- fit$auto$orders
  c(o[c("p", "d", "q", "P", "D", "Q")], constant = o[["constant"]])
}

test_that("auto_arima chooses forecast::auto.arima's model on built-in series", {
  skip_if_not_installed("forecast")
  series <- list(
    WWWusage = datasets::WWWusage, lh = datasets::lh, Nile = datasets::Nile,
    LakeHuron = datasets::LakeHuron, BJsales = datasets::BJsales,
    airmiles = datasets::airmiles, uspop = datasets::uspop,
    nhtemp = datasets::nhtemp, discoveries = datasets::discoveries,
    lynx = datasets::lynx, presidents = datasets::presidents,
    UKgas = datasets::UKgas, JohnsonJohnson = datasets::JohnsonJohnson,
    austres = datasets::austres, USAccDeaths = datasets::USAccDeaths,
    woolyrnq = forecast::woolyrnq
  )
  same <- logical(length(series))
  report <- character()
  for (k in seq_along(series)) {
    y <- series[[k]]
    a <- forecast_choice(forecast::auto.arima(y))
    b <- lagrs_choice(auto_arima(y))
    same[k] <- all(a == b)
    if (!same[k]) {
      report <- c(report, sprintf("%s: forecast %s, lagrs %s", names(series)[k],
                                  paste(a, collapse = ","), paste(b, collapse = ",")))
    }
  }
  if (length(report)) message("auto_arima mismatches:\n", paste(report, collapse = "\n"))
  expect_gte(mean(same), 0.9)
})

test_that("the exhaustive search, other criteria and fixed orders agree with forecast", {
  skip_if_not_installed("forecast")
  expect_equal(lagrs_choice(auto_arima(lh, stepwise = FALSE)),
               forecast_choice(forecast::auto.arima(lh, stepwise = FALSE)))
  expect_equal(lagrs_choice(auto_arima(WWWusage, stepwise = FALSE, max_order = 3)),
               forecast_choice(forecast::auto.arima(WWWusage, stepwise = FALSE,
                                                    max.order = 3)))
  expect_equal(lagrs_choice(auto_arima(Nile, ic = "bic")),
               forecast_choice(forecast::auto.arima(Nile, ic = "bic")))
  expect_equal(lagrs_choice(auto_arima(lh, ic = "aic", allow_mean = FALSE)),
               forecast_choice(forecast::auto.arima(lh, ic = "aic", allowmean = FALSE)))
  expect_equal(lagrs_choice(auto_arima(UKgas, d = 1, D = 0)),
               forecast_choice(forecast::auto.arima(UKgas, d = 1, D = 0)))
  expect_equal(lagrs_choice(auto_arima(JohnsonJohnson, seasonal = FALSE)),
               forecast_choice(forecast::auto.arima(JohnsonJohnson, seasonal = FALSE)))
})

test_that("forecast's warnings about heavy differencing are given", {
  expect_warning(auto_arima(UKgas, d = 2, D = 1), "3 or more differencing")
  expect_warning(auto_arima(UKgas, d = 0, D = 2, max_D = 2), "more than one seasonal")
  skip_if_not_installed("forecast")
  expect_warning(forecast::auto.arima(UKgas, d = 2, D = 1), "3 or more differencing")
})

test_that("the CSS approximation path (long series) agrees with forecast", {
  skip_if_not_installed("forecast")
  set.seed(11)
  y <- stats::arima.sim(list(ar = 0.6, ma = -0.3), n = 220) + 10
  expect_equal(lagrs_choice(auto_arima(y)), forecast_choice(forecast::auto.arima(y)))
  y2 <- cumsum(stats::arima.sim(list(ma = 0.5), n = 200))
  expect_equal(lagrs_choice(auto_arima(y2)), forecast_choice(forecast::auto.arima(y2)))
})

test_that("the chosen model's fit matches forecast's, sigma2 included", {
  skip_if_not_installed("forecast")
  a <- forecast::auto.arima(WWWusage)
  b <- auto_arima(WWWusage)
  expect_s3_class(b, "lagrs_arima")
  expect_equal(unname(coef(b)), unname(coef(a)), tolerance = 1e-3)
  # forecast's sigma2: residual sum of squares / (n_star - n_par + 1)
  expect_equal(b$sigma2, a$sigma2, tolerance = 1e-3)
  expect_equal(b$aicc, a$aicc, tolerance = 1e-6)
  fc <- forecast(b, h = 5)
  expect_equal(as.numeric(fc$mean), as.numeric(forecast::forecast(a, h = 5)$mean),
               tolerance = 1e-3)
})

test_that("constant series and series constant once differenced follow forecast", {
  skip_if_not_installed("forecast")
  y <- rep(3, 20)
  a <- forecast::auto.arima(y)
  b <- auto_arima(y)
  expect_equal(lagrs_choice(b), forecast_choice(a))
  expect_equal(coef(b), c(intercept = 3))
  expect_equal(b$sigma2, 0)
  trend <- as.double(1:20)
  expect_equal(lagrs_choice(auto_arima(trend)), forecast_choice(forecast::auto.arima(trend)))
  expect_equal(coef(auto_arima(trend)), c(drift = 1))
  expect_equal(lagrs_choice(auto_arima(c(NA, NA, 5, 3, 4, 6, NA))),
               forecast_choice(forecast::auto.arima(c(NA, NA, 5, 3, 4, 6, NA))))
})

test_that("leading NA and NaN are dropped, inner ones kept", {
  a <- auto_arima(as.double(lh))
  b <- auto_arima(c(NaN, NA, as.double(lh)))
  expect_identical(b$auto$orders, a$auto$orders)
  expect_identical(coef(b), coef(a))
  expect_identical(b$auto$start, 3)
  holes <- as.double(WWWusage)
  holes[c(20, 50)] <- NA
  fit <- auto_arima(holes)
  expect_true(all(is.na(residuals(fit)[c(20, 50)])))
  expect_equal(nobs(fit), 98 - fit$auto$orders[["d"]])
})

test_that("auto_arima_batch gives exactly the single-series results", {
  set.seed(5)
  series <- list(
    www = WWWusage, lh = lh, gas = UKgas,
    walk = ts(cumsum(rnorm(60)) + 20, frequency = 4),
    flat = rep(2, 12),
    none = rep(NA_real_, 6),
    lead_na = c(NA, NA, as.double(lh))
  )
  runs <- at_thread_counts(auto_arima_batch(series, period = 4, progress = FALSE))
  expect_identical(runs[[1]], runs[[2]])
  batch <- runs[[1]]
  expect_identical(unname(batch$status),
                   c("ok", "ok", "ok", "ok", "error", "error", "ok"))
  expect_match(batch$message[["none"]], "missing")
  # a constant series fails in a batch, though auto_arima() fits its mean
  expect_match(batch$message[["flat"]], "constant")
  expect_true(all(is.na(batch$orders[c("none", "flat"), ])))
  expect_true(all(is.na(batch$coef["flat", ])))
  expect_true(is.na(batch$sigma2[["flat"]]))
  fc <- forecast(batch, h = 4)
  for (id in setdiff(names(series), c("none", "flat"))) {
    single <- suppressWarnings(auto_arima(series[[id]], period = 4))
    expect_identical(batch$orders[id, ], single$auto$orders)
    nm <- names(coef(single))
    expect_identical(stats::setNames(batch$coef[id, nm], nm), coef(single))
    expect_identical(batch$sigma2[[id]], single$sigma2)
    expect_identical(batch$loglik[[id]], single$loglik)
    expect_identical(batch$aicc[[id]], single$aicc)
    member <- batch[[id]]
    expect_identical(coef(member), coef(single))
    expect_identical(member$sigma2, single$sigma2)
    expect_identical(fc$mean[fc$id == id], as.numeric(forecast(single, h = 4)$mean))
  }
  expect_identical(fc$mean[fc$id %in% c("none", "flat")], rep(NA_real_, 8))
  expect_error(batch[["none"]], "no model")
})

test_that("auto_arima_batch does not depend on the order of the series", {
  set.seed(6)
  series <- lapply(1:6, function(i) ts(cumsum(rnorm(48)), frequency = 12))
  names(series) <- letters[1:6]
  a <- auto_arima_batch(series, progress = FALSE)
  b <- auto_arima_batch(rev(series), progress = FALSE)
  expect_identical(a$orders, b$orders[rownames(a$orders), ])
  expect_identical(a$sigma2, b$sigma2[names(a$sigma2)])
})

test_that("auto_arima_batch reads long data frames", {
  df <- data.frame(sku = rep(c("x", "y"), each = 30),
                   t = c(30:1, 1:30),
                   v = c(rev(as.double(WWWusage[1:30])), as.double(lh[1:30])))
  batch <- auto_arima_batch(df, id = "sku", value = "v", time = "t", progress = FALSE)
  expect_identical(batch$orders["x", ], auto_arima(as.double(WWWusage[1:30]))$auto$orders)
  expect_identical(batch$orders["y", ], auto_arima(as.double(lh[1:30]))$auto$orders)
})

test_that("bad arguments give errors that name them", {
  expect_error(auto_arima("a"), "`y` must be a numeric vector")
  expect_error(auto_arima(c(1, Inf, 2)), "`y` must not contain infinite")
  expect_error(auto_arima(rep(NA_real_, 5)), "`y` has no non-missing values")
  expect_error(auto_arima(lh, max_p = -1), "`max_p` must be")
  expect_error(auto_arima(lh, ic = "hqc"), "`ic` must be one of")
  expect_error(auto_arima(lh, stepwise = NA), "`stepwise` must be TRUE or FALSE")
  expect_error(auto_arima(lh, d = 1.5), "`d` must be")
  expect_error(auto_arima(lh, nmodels = 2), "`nmodels` must be")
  expect_error(auto_arima(lh, period = "12"), "`period` must be")
  expect_error(auto_arima_batch(list(1:5, "a")), "`series` element 2")
  expect_error(auto_arima_batch(list(lh), approximation = 2), "`approximation` must be TRUE or FALSE")
})
