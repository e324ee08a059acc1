# arima_fit() against stats::arima() on R's datasets; the cases live in
# helper-arima.R so that the same comparison can be rerun by hand.

test_that("arima_fit agrees with stats::arima on >= 25 dataset models", {
  cases <- arima_reference_cases()
  expect_gte(length(cases), 25L)
  res <- do.call(rbind, lapply(cases, arima_compare_case))
  # never a worse optimum than stats::arima
  expect_true(all(res$d_loglik >= -1e-4), label = paste(res$name[res$d_loglik < -1e-4], collapse = ", "))
  same <- res[res$same_optimum, ]
  expect_gte(nrow(same), 25L)
  expect_true(all(same$d_aic < 1e-3))
  # coefficients: 1e-3, relative for coefficients larger than 1 (an
  # intercept of 50 on a flat CSS surface)
  for (case in cases) {
    row <- res[res$name == case$name, ]
    if (!row$same_optimum) next
    ref <- suppressWarnings(stats::arima(case$y, order = case$order,
      seasonal = list(order = if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal,
                      period = frequency(case$y)),
      xreg = case$xreg,
      include.mean = if (is.null(case$include.mean)) TRUE else case$include.mean,
      method = if (is.null(case$method)) "CSS-ML" else case$method,
      fixed = case$fixed,
      transform.pars = if (is.null(case$transform.pars)) TRUE else case$transform.pars))
    fit <- suppressWarnings(arima_fit(case$y, order = case$order,
      seasonal = if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal,
      xreg = case$xreg,
      include_mean = if (is.null(case$include.mean)) TRUE else case$include.mean,
      method = if (is.null(case$method)) "CSS-ML" else case$method,
      fixed = case$fixed,
      transform_pars = if (is.null(case$transform.pars)) TRUE else case$transform.pars))
    expect_equal(names(coef(fit)), names(coef(ref)), label = case$name)
    tol <- 1e-3 * pmax(1, abs(coef(ref)))
    expect_true(all(abs(coef(fit) - coef(ref)) <= tol), label = case$name)
  }
  expect_true(all(same$d_sigma2 < 1e-4))
  expect_true(all(same$d_pred < 1e-3))
  expect_true(all(same$d_se < 1e-3))
})

test_that("coefficient covariance, logLik, AIC and BIC match stats::arima", {
  fit <- arima_fit(USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1))
  ref <- stats::arima(USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1))
  expect_equal(fit$var.coef, ref$var.coef, tolerance = 1e-3)
  expect_equal(as.numeric(logLik(fit)), as.numeric(logLik(ref)), tolerance = 1e-8)
  expect_equal(attr(logLik(fit), "df"), attr(logLik(ref), "df"))
  expect_equal(nobs(fit), nobs(ref))
  expect_equal(AIC(fit), AIC(ref), tolerance = 1e-8)
  expect_equal(BIC(fit), BIC(ref), tolerance = 1e-8)
  expect_equal(fit$aic, ref$aic, tolerance = 1e-8)
  # the search filters the differenced series (the exact diffuse likelihood);
  # stats::arima uses kappa = 1e6, so the optima differ by ~1e-5
  expect_equal(as.numeric(residuals(fit)), as.numeric(residuals(ref)), tolerance = 1e-3)
  expect_equal(tsp(residuals(fit)), tsp(USAccDeaths))
  expect_equal(as.numeric(fitted(fit)), as.numeric(USAccDeaths - residuals(ref)),
               tolerance = 1e-5)
  expect_identical(names(vcov(fit)[1, ]), c("ma1", "sma1"))
  expect_identical(coef(fit), fit$coef)
})

test_that("AICc, BIC and drift agree with forecast::Arima", {
  skip_if_not_installed("forecast")
  ref <- forecast::Arima(log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1))
  fit <- arima_fit(log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1))
  expect_equal(fit$aicc, ref$aicc, tolerance = 1e-8)
  expect_equal(fit$bic, ref$bic, tolerance = 1e-8)

  for (case in list(list(y = Nile, order = c(1, 1, 0)),
                    list(y = WWWusage, order = c(1, 1, 1)),
                    list(y = lh, order = c(1, 0, 0)),
                    list(y = log(AirPassengers), order = c(1, 0, 0), seasonal = c(0, 1, 1)))) {
    seasonal <- if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal
    ref <- forecast::Arima(case$y, order = case$order, seasonal = seasonal,
                           include.drift = TRUE)
    fit <- arima_fit(case$y, order = case$order, seasonal = seasonal,
                     include_drift = TRUE)
    expect_true("drift" %in% names(coef(fit)))
    expect_gte(fit$loglik, ref$loglik - 1e-4)
    if (abs(fit$loglik - ref$loglik) < 1e-4) {
      expect_equal(names(coef(fit)), names(coef(ref)))
      expect_true(all(abs(coef(fit) - coef(ref)) <= 1e-3 * pmax(1, abs(coef(ref)))))
      expect_equal(fit$aicc, ref$aicc, tolerance = 1e-6)
      expect_equal(fit$bic, ref$bic, tolerance = 1e-6)
      fc_ref <- forecast::forecast(ref, h = 12)
      fc <- forecast(fit, h = 12)
      expect_equal(as.numeric(fc$mean), as.numeric(fc_ref$mean), tolerance = 1e-4)
    }
  }
  # forecast::Arima drops drift when d + D > 1; so do we, with a warning
  expect_warning(fit <- arima_fit(WWWusage, order = c(1, 2, 0), include_drift = TRUE),
                 "No drift")
  expect_false("drift" %in% names(coef(fit)))
})

test_that("missing values are handled by the filter", {
  fit <- arima_fit(presidents, order = c(1, 0, 0))
  expect_identical(fit$method, "CSS-ML")
  expect_true(all(is.na(residuals(fit))[is.na(presidents)]))
  expect_false(anyNA(residuals(fit)[!is.na(presidents)]))
  expect_equal(nobs(fit), sum(!is.na(presidents)))
  fc <- forecast(fit, h = 4)
  expect_false(anyNA(fc$mean))
  expect_error(arima_fit(c(1, 2, Inf, 3, 4, 5, 6), order = c(1, 0, 0)), "infinite")
})

test_that("a constant series still fits", {
  expect_warning(fit <- arima_fit(rep(3.5, 40), order = c(1, 0, 0)), "constant")
  expect_equal(unname(coef(fit)), c(0, 3.5))
  expect_identical(fit$sigma2, 0)
  fc <- suppressWarnings(forecast(fit, h = 3))
  expect_equal(as.numeric(fc$mean), rep(3.5, 3))
  expect_warning(fit <- arima_fit(rep(2, 30), order = c(0, 1, 1)), "constant")
  expect_equal(predict(fit, n.ahead = 2)$pred, c(2, 2))
  expect_equal(predict(fit, n.ahead = 2)$se, c(0, 0))
})

test_that("CSS-ML falls back to a zero start when the CSS AR part is not stationary", {
  # stats::arima stops with "non-stationary AR part from CSS" here
  y <- cumsum(cumsum(sin(1:80) + 1))
  expect_error(stats::arima(y, order = c(1, 0, 0)), "non-stationary")
  fit <- arima_fit(y, order = c(1, 0, 0))
  expect_true(abs(coef(fit)[["ar1"]]) < 1)
  expect_true(is.finite(fit$loglik))
  ml <- stats::arima(y, order = c(1, 0, 0), method = "ML")
  expect_gte(fit$loglik, ml$loglik - 1e-4)
})

test_that("forecast objects have the forecast package's structure", {
  fit <- arima_fit(log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1))
  fc <- forecast(fit, h = 15, level = c(80, 95))
  expect_s3_class(fc, c("lagrs_forecast", "forecast"), exact = TRUE)
  expect_named(fc, c("method", "model", "level", "mean", "lower", "upper", "x",
                     "series", "fitted", "residuals"), ignore.order = TRUE)
  expect_identical(fc$method, "ARIMA(0,1,1)(0,1,1)[12]")
  expect_identical(fc$level, c(80, 95))
  expect_true(is.ts(fc$mean))
  expect_equal(tsp(fc$mean), c(1961, 1961 + 14 / 12, 12))
  expect_equal(tsp(fc$lower), tsp(fc$mean))
  expect_identical(colnames(fc$lower), c("80%", "95%"))
  expect_identical(colnames(fc$upper), c("80%", "95%"))
  ref <- predict(stats::arima(log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1)),
                 n.ahead = 15)
  expect_equal(as.numeric(fc$upper[, "95%"]),
               as.numeric(ref$pred + qnorm(0.975) * ref$se), tolerance = 1e-5)
  expect_equal(as.numeric(fc$lower[, "80%"]),
               as.numeric(ref$pred - qnorm(0.9) * ref$se), tolerance = 1e-5)
  expect_true(all(fc$lower[, "95%"] < fc$lower[, "80%"]))
  expect_identical(fc$x, fit$x)
  # fractions are read as percentages, as in forecast
  expect_identical(forecast(fit, h = 2, level = 0.9)$level, 90)
  # plain numeric input gives plain vectors
  fc2 <- forecast(arima_fit(as.numeric(lh), order = c(1, 0, 0)), h = 3)
  expect_false(is.ts(fc2$mean))
  expect_length(fc2$mean, 3L)
  expect_output(print(fc), "Point Forecast")
})

test_that("forecast::accuracy and the plots work on lagrs forecasts", {
  fit <- arima_fit(USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1))
  fc <- forecast(fit, h = 12)
  pdf(NULL)
  on.exit(dev.off())
  expect_silent(plot(fc))
  expect_silent(plot(fit))
  expect_silent(plot(fit, which = "residuals"))
  expect_silent(plot(fit, which = c("res", "fit")))
  expect_error(plot(fit, which = "bad"),
               "`which` must be \"fit\", \"residuals\" or both, not the string \"bad\"\\.")
  expect_error(plot(fit, which = c("fit", NA)), "`which` must be")
  expect_error(plot(fit, which = 2), "`which` must be .*, not 2\\.")
  skip_if_not_installed("forecast")
  acc <- forecast::accuracy(fc)
  ref_fc <- forecast::forecast(forecast::Arima(USAccDeaths, order = c(0, 1, 1),
                                               seasonal = c(0, 1, 1)), h = 12)
  expect_equal(acc[, "RMSE"], forecast::accuracy(ref_fc)[, "RMSE"], tolerance = 1e-4)
  test <- window(USAccDeaths, start = c(1977, 1))
  train <- window(USAccDeaths, end = c(1976, 12))
  fc_train <- forecast(arima_fit(train, order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = 24)
  acc2 <- forecast::accuracy(fc_train, test)
  expect_identical(rownames(acc2), c("Training set", "Test set"))
})

test_that("xreg forecasts need future regressors", {
  xr <- cbind(trend = seq_along(LakeHuron))
  fit <- arima_fit(LakeHuron, order = c(1, 0, 0), xreg = xr)
  expect_error(forecast(fit, h = 3), "`xreg` must give the future values")
  expect_error(forecast(fit, xreg = cbind(1:3, 1:3)), "`xreg` must have 1 column")
  fc <- forecast(fit, xreg = cbind(trend = 99:101))
  expect_length(fc$mean, 3L)
  expect_error(predict(arima_fit(lh, c(1, 0, 0)), newxreg = 1:3), "`newxreg` must be NULL")
})

test_that("seasonal can be given as a list, like stats::arima", {
  a <- arima_fit(USAccDeaths, order = c(0, 1, 1), seasonal = list(order = c(0, 1, 1), period = 12))
  b <- arima_fit(USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1))
  expect_identical(coef(a), coef(b))
})

test_that("the quick C path and the general R path build the same object", {
  # seasonal as a list, integer input, a names attribute or fixed = all NA
  # send arima_fit() through its R checks; plain calls are assembled in C
  strip <- function(fit) { fit$call <- NULL; fit }
  quick <- arima_fit(USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1))
  general <- arima_fit(USAccDeaths, order = c(0, 1, 1),
                       seasonal = list(order = c(0, 1, 1), period = 12))
  expect_identical(strip(quick), strip(general))
  quick <- arima_fit(lh, order = c(1, 0, 1), method = "ML")
  general <- arima_fit(lh, order = c(1, 0, 1), method = "ML", fixed = c(NA, NA, NA))
  expect_identical(strip(quick), strip(general))
  y <- as.numeric(lh)
  named <- stats::setNames(y, seq_along(y))
  quick <- arima_fit(y, order = c(2, 0, 0))
  general <- arima_fit(named, order = c(2, 0, 0))
  general$series <- "y"
  expect_identical(strip(quick), strip(general))
  expect_identical(quick$x, y)
  expect_null(attr(quick$residuals, "tsp"))
  int_fit <- arima_fit(as.integer(round(10 * lh)), order = c(1, 0, 0))
  expect_identical(int_fit$coef,
                   arima_fit(as.double(round(10 * lh)), order = c(1, 0, 0))$coef)
  # the pieces as the R code used to build them
  expect_identical(quick$mask, c(TRUE, TRUE, TRUE))
  expect_identical(quick$arma, c(2L, 0L, 0L, 0L, 1L, 0L, 0L))
  expect_identical(quick$label, "ARIMA(2,0,0)")
  expect_identical(quick$fitted, y - quick$residuals)
  expect_identical(quick$method, "CSS-ML")
  expect_identical(dimnames(quick$var.coef), list(names(quick$coef), names(quick$coef)))
  expect_identical(quick$model$coef, unname(quick$coef))
  expect_identical(arima_fit(lh, order = c(1, 0, 0))$series, "lh")
  expect_identical(arima_fit(log(lh), order = c(1, 0, 0))$series, "log(lh)")
  # the series name is deparse1(substitute(y)), built in C for simple shapes
  cs <- list(y = lh)
  `my lh` <- lh
  for (expr in list(quote(cs$y), quote(diff(log(lh), 1)), quote(lh[1:40]),
                    quote(`my lh`), quote(lh + 0), quote(window(lh, start = 5)),
                    quote(pmax(lh, 0.5)))) {
    fit <- eval(bquote(arima_fit(.(expr), order = c(1, 0, 0))))
    expect_identical(fit$series, deparse1(expr))
  }
  # forecasts: levels as fractions, integer h, the ts attributes
  fit <- arima_fit(lh, order = c(1, 0, 0))
  a <- forecast(fit, h = 5L, level = c(0.8, 0.95))
  b <- forecast(fit, h = 5, level = c(80, 95))
  expect_identical(a, b)
  expect_identical(colnames(forecast(fit, h = 2, level = 97.5)$lower), "97.5%")
  expect_equal(tsp(b$mean), c(49, 53, 1))
  expect_equal(tsp(b$lower), c(49, 53, 1))
  expect_s3_class(b$lower, "mts")
  z <- stats::qnorm(0.975)
  expect_equal(b$upper[, 2], b$mean + z * predict(fit, n.ahead = 5)$se)
})

test_that("the light fit (no Hessian, no residuals) gives exactly the full fit's numbers", {
  # batches and order searches fit with want_var = 0 and want_residuals = 0:
  # the Hessian and the residuals must never feed back into the estimates
  light <- function(y, order, seasonal = c(0, 0, 0), include_mean = TRUE,
                    method = "CSS-ML") {
    period <- if (any(seasonal > 0)) as.integer(frequency(y)) else 1L
    .Call(lagrs:::C_arima_light_fit_call, as.double(y), as.integer(order),
          as.integer(seasonal), period, include_mean, FALSE,
          match(method, c("CSS-ML", "ML", "CSS")) - 1L)
  }
  cases <- Filter(function(case) is.null(case$xreg) && is.null(case$fixed),
                  arima_reference_cases())
  for (case in cases) {
    seasonal <- if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal
    method <- if (is.null(case$method)) "CSS-ML" else case$method
    include_mean <- if (is.null(case$include.mean)) TRUE else case$include.mean
    full <- suppressWarnings(arima_fit(case$y, order = case$order, seasonal = seasonal,
                                       include_mean = include_mean, method = method))
    lt <- light(case$y, case$order, seasonal, include_mean, method)
    expect_identical(lt$coef, unname(full$coef), label = case$name)
    expect_identical(lt$sigma2, full$sigma2, label = case$name)
    expect_identical(lt$loglik, full$loglik, label = case$name)
    expect_identical(lt$aic, full$aic, label = case$name)
  }
})

test_that("methods print and summarise", {
  fit <- arima_fit(lh, order = c(1, 0, 0))
  expect_output(print(fit), "ARIMA\\(1,0,0\\) with non-zero mean")
  s <- summary(fit)
  expect_s3_class(s, "summary.lagrs_arima")
  expect_output(print(s), "Std. Error")
  expect_equal(unname(s$coefficients[, "Std. Error"]), unname(sqrt(diag(vcov(fit)))))
  expect_output(print(arima_fit(lh, c(1, 0, 0), method = "CSS")), "log likelihood")
})

test_that("results are identical at 1 and 2 threads", {
  res <- at_thread_counts(arima_fit(log(AirPassengers), order = c(1, 1, 1),
                                    seasonal = c(0, 1, 1)))
  expect_identical(res[[1]]$coef, res[[2]]$coef)
  expect_identical(res[[1]]$loglik, res[[2]]$loglik)
})

test_that("bad input gives clear errors naming the argument", {
  expect_error(arima_fit("a", order = c(1, 0, 0)), "`y` must be a numeric vector")
  expect_error(arima_fit(list(1, 2), order = c(1, 0, 0)), "`y` must be a numeric vector")
  expect_error(arima_fit(cbind(1:10, 1:10), order = c(1, 0, 0)), "`y` must be")
  expect_error(arima_fit(lh, order = c(1, 0)), "`order` must be three non-negative whole numbers")
  expect_error(arima_fit(lh, order = c(-1, 0, 0)), "`order` must be")
  expect_error(arima_fit(lh, order = c(1.5, 0, 0)), "`order` must be")
  expect_error(arima_fit(lh, seasonal = c(1, 0)), "`seasonal` must be")
  expect_error(arima_fit(lh, seasonal = c(1, 0, 0), period = 1), "`period` must be at least 2")
  expect_error(arima_fit(lh, seasonal = c(1, 0, 0), period = 48), "`period` \\(48\\) does not fit")
  expect_error(arima_fit(lh, seasonal = c(1, 0, 0), period = 2.5), "`period` must be a single positive whole number")
  expect_error(arima_fit(1:4, order = c(3, 1, 0)), "`y` is too short")
  expect_error(arima_fit(c(NA, NA, 1, 2, NA), order = c(2, 0, 0)), "`y` is too short")
  expect_error(arima_fit(lh, xreg = 1:10), "`xreg` must have one row per observation")
  expect_error(arima_fit(lh, xreg = letters[1:48]), "`xreg` must be a numeric")
  expect_error(arima_fit(lh, method = "OLS"), "`method` must be one of")
  expect_error(arima_fit(lh, xreg = cbind(a = 1:48, b = 2 * (1:48))), "`xreg` is rank deficient")
  expect_error(arima_fit(presidents, order = c(1, 0, 1), method = "CSS"),
               "missing values interrupt the MA recursion")
  expect_error(arima_fit(lh, order = c(1, 0, 0), fixed = c(NA, 1, 2)), "`fixed` must be a numeric vector of length 2")
  expect_error(arima_fit(lh, include_mean = NA), "`include_mean` must be TRUE or FALSE")
  fit <- arima_fit(lh, order = c(1, 0, 0))
  expect_error(forecast(fit, h = 0), "`h` must be a single positive whole number")
  expect_error(forecast(fit, level = 120), "`level` must be numbers strictly between 0 and 100")
  expect_error(predict(fit, n.ahead = -1), "`n.ahead` must be")
})

test_that("a model without a seasonal part does not check the period", {
  # uspop is decennial: frequency(uspop) is 0.1, which stats::arima accepts
  # for a non-seasonal model
  ref <- stats::arima(uspop, order = c(1, 2, 0))
  fit <- arima_fit(uspop, order = c(1, 2, 0), period = frequency(uspop))
  expect_equal(coef(fit), coef(ref), tolerance = 1e-4)
  expect_equal(fit$loglik, ref$loglik, tolerance = 1e-8)
  expect_equal(fit$sigma2, ref$sigma2, tolerance = 1e-5)
  expect_equal(fit$aic, ref$aic, tolerance = 1e-8)
  # the same through R's general path (fixed) and the list form of seasonal
  fit_r <- arima_fit(uspop, order = c(1, 2, 0), period = 0.1, fixed = NA)
  expect_identical(coef(fit_r), coef(fit))
  expect_identical(fit_r$arma, fit$arma)
  fit_l <- arima_fit(uspop, order = c(1, 2, 0),
                     seasonal = list(order = c(0, 0, 0), period = 0.1))
  expect_identical(coef(fit_l), coef(fit))
  # a whole period is kept in `arma` (as stats::arima), on both paths
  expect_identical(arima_fit(lh, order = c(1, 0, 0), period = 4)$arma[5], 4L)
  expect_identical(arima_fit(lh, order = c(1, 0, 0), period = 4, fixed = c(NA, NA))$arma[5], 4L)
  # a seasonal part still needs a whole period of at least 2
  expect_error(arima_fit(uspop, order = c(1, 2, 0), seasonal = c(1, 0, 0),
                         period = frequency(uspop)), "`period` must be")
})

test_that("AICc is Inf when there are no more observations than parameters + 1", {
  # nstar = 1 differenced value, npar = 2 (ma1 and sigma2): forecast's
  # correction 2 npar (nstar / (nstar - npar - 1) - 1) would make AICc
  # smaller than AIC
  fit <- suppressWarnings(arima_fit(c(1, 2), order = c(0, 1, 1)))
  expect_true(is.finite(fit$aic))
  expect_identical(fit$aicc, Inf)
  expect_output(print(fit), "AICc=Inf")
  light <- .Call(lagrs:::C_arima_light_fit_call, c(1, 2), c(0L, 1L, 1L), c(0L, 0L, 0L),
                 1L, TRUE, FALSE, 0L)
  expect_identical(light$aicc, Inf)
  # one observation more: the correction is finite again (nstar - npar - 1 = 1)
  fit5 <- arima_fit(c(1, 2, 4, 3, 5), order = c(0, 1, 1))
  expect_equal(fit5$aicc, fit5$aic + 2 * 2 * (4 / 1 - 1))
})

test_that("plot() of a forecast has its title and no y label", {
  fc <- forecast(arima_fit(lh, order = c(1, 0, 0)), h = 5)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  grDevices::dev.control(displaylist = "enable")
  plot(fc)
  drawn <- grDevices::recordPlot()[[1]]
  # the display list's title() call: main, sub, xlab, ylab
  titles <- Filter(function(e) identical(e[[2]][[1]]$name, "C_title"), drawn)
  expect_length(titles, 1L)
  args <- as.list(titles[[1]][[2]])
  expect_identical(args[[2]], "Forecasts from ARIMA(1,0,0)")
  expect_identical(args[[5]], "")
})
