# gctorture entries for src/arimaR.c: a fit with xreg and NA, and forecasts.
local({
  y <- c(10.2, 11.1, 10.8, 12.0, NA, 11.4, 12.3, 11.9, 12.8, 12.1, 13.0, 12.6,
         13.4, 13.1, 13.9, 13.3, 14.2, 13.8, 14.6, 14.0)
  xr <- cbind(a = c(0.3, -1.2, 0.8, 0.1, -0.4, 1.5, -0.2, 0.9, -1.1, 0.4,
                    0.7, -0.6, 0.2, 1.1, -0.9, 0.5, -0.3, 0.6, -0.8, 0.0))
  list(
    arima_fit_call = function() {
      fit <- arima_fit(y, order = c(1, 1, 0), xreg = xr)
      stopifnot(inherits(fit, "lagrs_arima"), all(is.finite(coef(fit))))
      fit2 <- arima_fit(y, order = c(0, 0, 1), method = "CSS")
      stopifnot(all(is.finite(coef(fit2))))
    },
    arima_forecast_call = function() {
      fit <- arima_fit(y, order = c(1, 0, 0))
      fc <- forecast(fit, h = 3)
      stopifnot(length(fc$mean) == 3L, all(is.finite(fc$upper)))
      p <- predict(fit, n.ahead = 2)
      stopifnot(length(p$se) == 2L)
    }
  )
})
