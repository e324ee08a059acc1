# gctorture calls for automatic order selection (src/auto_arimaR.c); its batches are the
# auto_arima model family's (tools/gctorture-batch.R).
list(
  auto_arima_call = function() {
    opts <- lagrs:::auto_options(1, 1, 0, 0, 2, 1, 0, 1, 1, 0, 0, "aicc", TRUE, 10,
                                 FALSE, NULL, NULL, TRUE, TRUE, FALSE)
    res <- .Call(ns$C_auto_arima_call, as.double(lh), 1, opts)
    stopifnot(res$status == lagrs:::lagrs_codes("auto_status")[["ok"]], length(res$orders) == 8L)
  }
)
