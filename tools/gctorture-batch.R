# gctorture entries for src/batch.c: a small batch with one failing series.
local({
  series <- list(a = c(5.1, 5.9, 5.4, 6.2, 6.0, 6.8, 6.1, 7.0, 6.6, 7.3, 7.1, 7.9),
                 b = c(1, NA),
                 c = c(2.0, 2.4, 1.9, 2.7, 2.2, 2.9, 2.5, 3.1, 2.6, 3.3, 2.8, 3.4))
  list(
    arima_batch_call = function() {
      b <- arima_batch(series, order = c(1, 0, 0), progress = FALSE)
      stopifnot(b$status[2] == "error", all(b$status[-2] != "error"))
    },
    arima_batch_forecast_call = function() {
      b <- arima_batch(series, order = c(0, 1, 1), progress = FALSE)
      fc <- forecast(b, h = 2, progress = FALSE)
      stopifnot(nrow(fc) == 6L, all(is.na(fc$mean[fc$id == "b"])))
    }
  )
})
