# gctorture entries for the small entry points of src/arimaR.c: forecasts
# from a model list (predict()), and the coefficient names and length rule
# shared with R.
local({
  y <- c(10.2, 11.1, 10.8, 12.0, NA, 11.4, 12.3, 11.9, 12.8, 12.1, 13.0, 12.6,
         13.4, 13.1, 13.9, 13.3, 14.2, 13.8, 14.6, 14.0)
  list(
    arima_forecast_call = function() {
      fit <- arima_fit(y, order = c(1, 0, 0))
      fc <- forecast(fit, h = 3)
      stopifnot(length(fc$mean) == 3L, all(is.finite(fc$upper)))
      p <- predict(fit, n.ahead = 2)
      stopifnot(length(p$se) == 2L)
    },
    arima_coef_names_call = function() {
      nms <- .Call(ns$C_arima_coef_names_call, c(2L, 0L, 1L), c(1L, 0L, 1L), 4L, TRUE, FALSE)
      stopifnot(identical(nms, c("ar1", "ar2", "ma1", "sar1", "sma1", "intercept")))
      # the general R path of arima_fit() names the coefficients with it
      fit <- arima_fit(y, order = c(1, 0, 0), fixed = c(NA, NA))
      stopifnot(identical(names(coef(fit)), c("ar1", "intercept")))
    },
    arima_min_obs_call = function() {
      stopifnot(.Call(ns$C_arima_min_obs_call, c(1L, 1L, 0L), c(1L, 1L, 0L), 4L) == 10)
      res <- tryCatch(arima_fit(y[1:3], order = c(2, 1, 0), fixed = c(NA, NA)),
                      error = conditionMessage)
      stopifnot(grepl("too short", res))
    }
  )
})
