# gctorture entries for the whole-object and light-fit entry points of
# src/arimaR.c: ts and plain input, a non-symbol series expression, integer
# input, xreg (the general R path), forecasts with fractions as levels.
local({
  y <- ts(c(10.2, 11.1, 10.8, 12.0, 11.6, 11.4, 12.3, 11.9, 12.8, 12.1, 13.0,
            12.6, 13.4, 13.1, 13.9, 13.3, 14.2, 13.8, 14.6, 14.0), start = 2001,
          frequency = 4)
  xr <- cbind(a = c(0.3, -1.2, 0.8, 0.1, -0.4, 1.5, -0.2, 0.9, -1.1, 0.4,
                    0.7, -0.6, 0.2, 1.1, -0.9, 0.5, -0.3, 0.6, -0.8, 0.0))
  list(
    arima_fit_object_call = function() {
      fit <- arima_fit(y, order = c(1, 1, 0), seasonal = c(0, 1, 0))
      stopifnot(inherits(fit, "lagrs_arima"), all(is.finite(coef(fit))),
                identical(fit$series, "y"), identical(tsp(fit$residuals), tsp(y)))
      fit2 <- arima_fit(log(y), order = c(0, 0, 1), method = "CSS")
      stopifnot(identical(fit2$series, "log(y)"), all(is.finite(coef(fit2))))
      fit3 <- arima_fit(as.integer(round(y)), order = c(1, 0, 0), xreg = xr)
      stopifnot(identical(names(coef(fit3)), c("ar1", "intercept", "a")))
      fit4 <- arima_fit(y[1:20], order = c(1, 0, 0))
      stopifnot(identical(fit4$series, "y[1:20]"))
      # missing values and xreg (the full filter, the regression start)
      y_na <- as.numeric(y)
      y_na[5] <- NA
      fit5 <- arima_fit(y_na, order = c(1, 1, 0), xreg = xr)
      stopifnot(all(is.finite(coef(fit5))))
    },
    arima_forecast_object_call = function() {
      fit <- arima_fit(y, order = c(1, 0, 0))
      fc <- forecast(fit, h = 3, level = c(0.8, 0.9))
      stopifnot(length(fc$mean) == 3L, all(is.finite(fc$upper)),
                identical(colnames(fc$lower), c("80%", "90%")))
      fit3 <- arima_fit(y, order = c(1, 0, 0), xreg = xr)
      fc3 <- forecast(fit3, xreg = xr[1:2, , drop = FALSE])
      stopifnot(length(fc3$mean) == 2L)
    },
    arima_light_fit_call = function() {
      res <- .Call(ns$C_arima_light_fit_call, as.double(y), c(1L, 1L, 0L),
                   c(0L, 0L, 0L), 1L, TRUE, FALSE, 0L)
      stopifnot(all(is.finite(res$coef)), is.finite(res$loglik))
    }
  )
})
