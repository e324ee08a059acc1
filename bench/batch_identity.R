# Saves, or compares with a saved file, the user-visible results of
# arima_batch() and auto_arima_batch() (and their forecasts) on bench-like
# series: the check that a refactor of the batch path changed no number.
# Usage: Rscript bench/batch_identity.R save|compare FILE.rds
# (run "save" with the old package installed, "compare" with the new one).

args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]; path <- args[2]
suppressPackageStartupMessages(library(lagrs))
lagrs_threads(2)
set.seed(20261124)
skus <- replicate(2000, as.numeric(stats::arima.sim(list(order = c(1, 1, 1), ar = 0.5, ma = -0.3), n = 99)) + 50, simplify = FALSE)
names(skus) <- sprintf("SKU-%05d", seq_along(skus))
skus[[3]] <- rep(5, 50); skus[[4]] <- c(1, 2); skus[[5]][10] <- NA; skus[[6]] <- c(skus[[6]][1:20], Inf)
simulate_series <- function(i) {
  set.seed(1000 + i)
  n_obs <- 120
  kind <- i %% 4
  noise <- switch(kind + 1,
    stats::arima.sim(list(ar = runif(1, -0.5, 0.8)), n_obs),
    cumsum(stats::arima.sim(list(ma = runif(1, -0.6, 0.6)), n_obs)),
    stats::arima.sim(list(ar = runif(1, 0, 0.6), ma = runif(1, -0.4, 0.4)), n_obs),
    cumsum(rnorm(n_obs)) * 0.5)
  season <- sin(2 * pi * (1:n_obs) / 12 + runif(1, 0, 2 * pi)) * runif(1, 0, 4)
  stats::ts(100 + season + as.numeric(noise) * 2, frequency = 12, start = c(2015, 1))
}
monthly <- lapply(1:150, simulate_series)
names(monthly) <- sprintf("M-%03d", seq_along(monthly))
monthly[[7]] <- ts(rep(3, 40), frequency = 12); monthly[[8]] <- ts(c(1:30, NA, 32:40), frequency = 12)
fields <- c("ids", "status", "message", "coef", "sigma2", "loglik", "aic", "aicc", "bic", "nobs", "convergence")
pick <- function(b) { out <- lapply(fields, function(f) unclass(b)[[f]]); names(out) <- fields
  if (!is.null(unclass(b)$orders)) out$orders <- unclass(b)$orders; out }
res <- list()
b <- arima_batch(skus, order = c(1, 1, 1), progress = FALSE)
res$a111 <- pick(b); res$a111_fc <- forecast(b, h = 10, level = c(80, 95))
b <- arima_batch(monthly, order = c(0, 1, 1), seasonal = c(0, 1, 1), progress = FALSE)
res$airline <- pick(b); res$airline_fc <- forecast(b, h = 12)
b <- arima_batch(monthly, order = c(1, 0, 0), include_drift = TRUE, method = "ML", progress = FALSE)
res$ar1drift <- pick(b); res$ar1drift_fc <- forecast(b, h = 5, level = 90)
b <- auto_arima_batch(monthly, progress = FALSE)
res$auto <- pick(b); res$auto_fc <- forecast(b, h = 12)
res$auto_member <- b[["M-010"]]$coef
b <- auto_arima_batch(skus[1:300], progress = FALSE)
res$auto_ns <- pick(b); res$auto_ns_fc <- forecast(b, h = 6)
if (mode == "save") { saveRDS(res, path); cat("saved\n") } else {
  old <- readRDS(path)
  for (k in names(old)) {
    same <- identical(old[[k]], res[[k]])
    if (!same && is.data.frame(old[[k]])) same <- identical(as.list(old[[k]]), as.list(res[[k]][names(old[[k]])]))
    cat(sprintf("%-14s %s\n", k, if (same) "identical" else "DIFFERENT"))
    if (!same && is.list(old[[k]])) for (f in names(old[[k]])) if (!identical(old[[k]][[f]], res[[k]][[f]])) cat("   field", f, "differs\n")
  }
}
