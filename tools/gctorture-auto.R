# gctorture calls for automatic order selection (src/auto_arima.c).
list(
  auto_arima_call = function() {
    opts <- lagrs:::auto_options(1, 1, 0, 0, 2, 1, 0, 1, 1, 0, 0, "aicc", TRUE, 10,
                                 FALSE, NULL, NULL, TRUE, TRUE, FALSE)
    res <- .Call(ns$C_auto_arima_call, as.double(lh), 1, opts)
    stopifnot(res$status == 0L, length(res$orders) == 8L)
  },
  auto_arima_batch_call = function() {
    opts <- lagrs:::auto_options(1, 1, 0, 0, 2, 1, 0, 1, 1, 0, 0, "aicc", TRUE, 10,
                                 FALSE, NULL, NULL, TRUE, TRUE, FALSE)
    res <- .Call(ns$C_auto_arima_batch_call,
                 list(as.double(lh), rep(NA_real_, 3), rep(2, 5)), 1, opts, FALSE)
    stopifnot(identical(res$status[2L], 6L), is.list(res$coef))
  },
  auto_arima_batch_forecast_call = function() {
    b <- auto_arima_batch(list(a = as.double(lh), b = rep(NA_real_, 3)), max_p = 1,
                          max_q = 1, progress = FALSE)
    fc <- forecast(b, h = 2, progress = FALSE)
    stopifnot(nrow(fc) == 4L, all(is.na(fc$mean[3:4])))
  }
)
