# Agreement of lagrs::auto_arima() with forecast::auto.arima() (default
# settings) on the univariate series of R's datasets and forecast's data sets
# (columns of multivariate series count as series). Prints one line per
# series, the agreement rate on the chosen model (d, D, p, q, P, Q and
# constant/drift) and the timings.
#
#   Rscript bench/auto_agreement.R [max_frequency]
#
# Series with a frequency above max_frequency (default 52: the four daily
# EuStockMarkets columns, freq 260, and taylor, freq 336) are skipped because
# forecast::auto.arima() needs minutes on each of them.
suppressMessages({
  library(lagrs)
  library(forecast)
})
args <- commandArgs(trailingOnly = TRUE)
max_frequency <- if (length(args)) as.numeric(args[1]) else 52

builtin_series <- function() {
  out <- list()
  for (pkg in c("datasets", "forecast")) {
    items <- data(package = pkg)$results[, "Item"]
    for (item in items) {
      name <- sub(" .*", "", item)
      file <- if (grepl("\\(", item)) sub(".*\\((.*)\\)", "\\1", item) else name
      env <- new.env()
      obj <- tryCatch({
        suppressWarnings(data(list = file, package = pkg, envir = env))
        get(name, envir = env)
      }, error = function(e) NULL)
      if (is.null(obj) || !stats::is.ts(obj) || !is.numeric(obj)) next
      if (NCOL(obj) == 1L) {
        out[[paste0(pkg, "::", name)]] <- obj
      } else {
        for (j in seq_len(ncol(obj))) {
          out[[paste0(pkg, "::", name, "[", colnames(obj)[j], "]")]] <- obj[, j]
        }
      }
    }
  }
  out[!duplicated(names(out))]
}

forecast_orders <- function(fit) {
  a <- fit$arma
  c(p = a[1], d = a[6], q = a[2], P = a[3], D = a[7], Q = a[4],
    constant = as.integer(any(c("intercept", "drift") %in% names(fit$coef))))
}
lagrs_orders <- function(fit) {
  o <- fit$auto$orders
  c(o[c("p", "d", "q", "P", "D", "Q")], constant = o[["constant"]])
}
label <- function(o) sprintf("(%d,%d,%d)(%d,%d,%d)%s", o[1], o[2], o[3], o[4], o[5],
                             o[6], if (o[7] == 1) "+c" else "")

series <- builtin_series()
freq <- vapply(series, stats::frequency, 1)
skipped <- names(series)[freq > max_frequency]
series <- series[freq <= max_frequency]
cat(sprintf("%d series (%d skipped with frequency > %g: %s)\n\n", length(series),
            length(skipped), max_frequency, paste(skipped, collapse = ", ")))

rows <- list()
for (nm in names(series)) {
  y <- series[[nm]]
  t_fc <- system.time(fc <- tryCatch(forecast::auto.arima(y), error = function(e) e))[["elapsed"]]
  t_lg <- system.time(lg <- tryCatch(auto_arima(y), error = function(e) e))[["elapsed"]]
  a <- if (inherits(fc, "error")) rep(NA, 7) else forecast_orders(fc)
  b <- if (inherits(lg, "error")) rep(NA, 7) else lagrs_orders(lg)
  same <- !anyNA(a) && !anyNA(b) && all(a == b)
  note <- ""
  if (!same && !anyNA(a) && !anyNA(b)) {
    # the two criteria of each other's choice: which one each search missed
    note <- sprintf("aicc forecast %.3f lagrs %.3f", fc$aicc, lg$aicc)
  }
  cat(sprintf("%-36s n=%4d f=%3g forecast %-18s lagrs %-18s %-8s %6.2fs %6.3fs %s\n", nm,
              length(y), stats::frequency(y),
              if (anyNA(a)) "error" else label(a), if (anyNA(b)) "error" else label(b),
              if (same) "same" else "DIFFERENT", t_fc, t_lg, note))
  rows[[nm]] <- data.frame(series = nm, same = same, t_forecast = t_fc, t_lagrs = t_lg)
}
res <- do.call(rbind, rows)
cat(sprintf("\nagreement: %d / %d = %.1f%%\n", sum(res$same), nrow(res), 100 * mean(res$same)))
cat(sprintf("total time: forecast::auto.arima %.1f s, lagrs::auto_arima %.1f s (ratio %.1f)\n",
            sum(res$t_forecast), sum(res$t_lagrs), sum(res$t_forecast) / sum(res$t_lagrs)))
cat(sprintf("median per-series ratio: %.1f\n", stats::median(res$t_forecast / pmax(res$t_lagrs, 1e-3))))
