# auto_arima() against forecast::auto.arima() on the M3 competition's series
# (package Mcomp): agreement of the chosen model, and forecast accuracy
# (MASE, sMAPE) on the M3 test periods.
#
#   Rscript bench/auto_m3.R [stride]
#
# With stride k, every k-th M3 series is used (default 10: 301 of 3003),
# because forecast::auto.arima() takes seconds on each monthly series.
suppressMessages({
  library(lagrs)
  library(forecast)
  library(Mcomp)
})
args <- commandArgs(trailingOnly = TRUE)
stride <- if (length(args)) as.integer(args[1]) else 10L
ids <- seq(1L, length(M3), by = stride)

smape <- function(actual, fc) mean(200 * abs(actual - fc) / (abs(actual) + abs(fc)))
mase <- function(train, actual, fc) {
  m <- stats::frequency(train)
  scale <- mean(abs(diff(as.numeric(train), lag = m)))
  mean(abs(actual - fc)) / scale
}
orders_fc <- function(fit) {
  a <- fit$arma
  c(a[1], a[6], a[2], a[3], a[7], a[4],
    as.integer(any(c("intercept", "drift") %in% names(fit$coef))))
}

rows <- vector("list", length(ids))
for (k in seq_along(ids)) {
  s <- M3[[ids[k]]]
  x <- s$x
  h <- length(s$xx)
  t_fc <- system.time(fc <- forecast::auto.arima(x))[["elapsed"]]
  t_lg <- system.time(lg <- auto_arima(x))[["elapsed"]]
  f_fc <- as.numeric(forecast::forecast(fc, h = h)$mean)
  f_lg <- as.numeric(lagrs::forecast(lg, h = h)$mean)
  o_fc <- orders_fc(fc)
  o_lg <- unname(lg$auto$orders[c(1:6, 8)])
  actual <- as.numeric(s$xx)
  rows[[k]] <- data.frame(
    id = s$sn, period = s$period, n = length(x), same = all(o_fc == o_lg),
    smape_fc = smape(actual, f_fc), smape_lg = smape(actual, f_lg),
    mase_fc = mase(x, actual, f_fc), mase_lg = mase(x, actual, f_lg),
    t_fc = t_fc, t_lg = t_lg,
    fc_model = paste(o_fc, collapse = ""), lg_model = paste(o_lg, collapse = ""),
    stringsAsFactors = FALSE)
}
res <- do.call(rbind, rows)
cat(sprintf("M3 series used: %d of %d (every %d-th)\n\n", nrow(res), length(M3), stride))
by_period <- do.call(rbind, lapply(split(res, res$period), function(d) data.frame(
  period = d$period[1], series = nrow(d), agreement = mean(d$same),
  sMAPE_forecast = mean(d$smape_fc), sMAPE_lagrs = mean(d$smape_lg),
  MASE_forecast = mean(d$mase_fc), MASE_lagrs = mean(d$mase_lg),
  seconds_forecast = sum(d$t_fc), seconds_lagrs = sum(d$t_lg))))
all_rows <- data.frame(period = "ALL", series = nrow(res), agreement = mean(res$same),
  sMAPE_forecast = mean(res$smape_fc), sMAPE_lagrs = mean(res$smape_lg),
  MASE_forecast = mean(res$mase_fc), MASE_lagrs = mean(res$mase_lg),
  seconds_forecast = sum(res$t_fc), seconds_lagrs = sum(res$t_lg))
print(rbind(by_period, all_rows), row.names = FALSE, digits = 4)
cat(sprintf("\nrelative accuracy (lagrs / forecast - 1): sMAPE %+.2f%%, MASE %+.2f%%\n",
            100 * (mean(res$smape_lg) / mean(res$smape_fc) - 1),
            100 * (mean(res$mase_lg) / mean(res$mase_fc) - 1)))
cat("\nseries with a different model (p d q P D Q constant):\n")
print(res[!res$same, c("id", "period", "n", "fc_model", "lg_model", "smape_fc", "smape_lg")],
      row.names = FALSE, digits = 4)
