# Cross-validation benchmark (issue 12):
#
#   Rscript bench/cv.R [n_series] [n_sample]
#
# 1,000 monthly series x 120 points, ARIMA(0,1,1)(0,1,1)[12], h = 12,
# n_windows = 8, every origin refitted: lagrs's cross_validate() at 2 threads
# against a loop of forecast::tsCV() with Arima() + forecast() over the same
# windows, and against a loop of stats::arima() + predict() over the same
# windows. The two loops are timed on a sample of the series (default 20)
# and scaled; the output says so. Medians of 3 runs for lagrs; the machine's
# load is printed before and after.
#
# Then, on the same series and threads:
#   - refit = FALSE (fit at the first origin, filter the 7 others with the
#     coefficients frozen) against lagrs's own refit = TRUE (target: 10x);
#   - tune_batch() over arima_grid()'s 3 x 2 x 3 orders, n_windows = 4:
#     seconds, and the share of series whose cross-validated winner is not
#     the model of lowest AICc among the same 18 fitted to the whole series;
#   - memory: R's allocations during cross_validate() (bench::mark(memory =
#     TRUE)'s mem_alloc, i.e. Rprofmem: every R vector allocated, not the C
#     kernels' malloc()ed workspace, which each fit frees) against
#     object.size() of the table it returns (target: at most 1.5x).
if (!exists("save_bench_results")) source(file.path("bench", "common.R"))
suppressMessages({
  library(lagrs)
  library(forecast)
})
args <- commandArgs(trailingOnly = TRUE)
n_series <- if (length(args) >= 1) as.integer(args[1]) else 1000L
n_sample <- if (length(args) >= 2) as.integer(args[2]) else 20L
n_obs <- 120L
h <- 12L
n_windows <- 8L

load_now <- function() {
  tryCatch(readLines("/proc/loadavg", warn = FALSE), error = function(e) "unknown")
}
cat("load before:", load_now(), "\n")
set.seed(20261203)
series <- lapply(seq_len(n_series), function(i) {
  season <- sin(2 * pi * (1:n_obs) / 12 + runif(1, 0, 2 * pi)) * runif(1, 0, 4)
  ts(100 + season + cumsum(rnorm(n_obs)), frequency = 12, start = c(2015, 1))
})
names(series) <- sprintf("SKU-%04d", seq_len(n_series))
model <- arima_model(c(0, 1, 1), c(0, 1, 1))
first <- n_obs - h - n_windows + 1L

old <- lagrs_threads(2)
invisible(cross_validate(series[1:10], model, h = h, n_windows = n_windows, progress = FALSE))
t_lagrs <- stats::median(vapply(1:3, function(i) {
  gc(FALSE)
  system.time(cross_validate(series, model, h = h, n_windows = n_windows,
                             progress = FALSE))[["elapsed"]]
}, 0))
lagrs_threads(old)

sample_ids <- seq_len(min(n_sample, n_series))
t_tscv <- system.time(for (i in sample_ids) {
  forecast::tsCV(series[[i]], function(x, h) {
    forecast::forecast(forecast::Arima(x, order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = h)
  }, h = h, initial = first - 1L)
})[["elapsed"]] * n_series / length(sample_ids)
t_stats <- system.time(for (i in sample_ids) {
  y <- series[[i]]
  for (cutoff in first:(n_obs - h)) {
    fit <- stats::arima(window(y, end = time(y)[cutoff]), order = c(0, 1, 1),
                        seasonal = c(0, 1, 1))
    stats::predict(fit, n.ahead = h)
  }
})[["elapsed"]] * n_series / length(sample_ids)

table <- data.frame(
  method = c("lagrs cross_validate, 2 threads",
             sprintf("forecast::tsCV + Arima loop (timed on %d, scaled)", length(sample_ids)),
             sprintf("stats::arima + predict loop (timed on %d, scaled)", length(sample_ids))),
  seconds = c(t_lagrs, t_tscv, t_stats),
  ratio = c(1, t_tscv / t_lagrs, t_stats / t_lagrs))
cat(sprintf("\n%d monthly series x %d, ARIMA(0,1,1)(0,1,1)[12], h = %d, %d windows, refit at every origin\n",
            n_series, n_obs, h, n_windows))
print(table, row.names = FALSE, digits = 3)
cat("targets: at least 50x the tsCV loop, at least 20x the stats::arima loop\n")
cat("load after:", load_now(), "\n")
if (n_series == 1000L) save_bench_results(format(table, digits = 3), "cv", threads = 2L)

# ---- refit = FALSE, tune_batch(), memory -------------------------------------
old <- lagrs_threads(2)
t_frozen <- median_time(cross_validate(series, model, h = h, n_windows = n_windows,
                                       refit = FALSE, progress = FALSE))
t_every4 <- median_time(cross_validate(series, model, h = h, n_windows = n_windows,
                                       refit = 4, progress = FALSE))
grid <- arima_grid()
t_tune <- system.time(tuned <- tune_batch(series, grid, h = h, n_windows = 4L,
                                          progress = FALSE))[["elapsed"]]
t_fits <- system.time(fits <- fit_batch(series, grid, progress = FALSE))[["elapsed"]]
aicc <- vapply(fits$batches, function(b) unname(b$aicc), numeric(n_series))
aicc_best <- colnames(aicc)[apply(aicc, 1, function(a) {
  if (all(is.na(a))) NA_integer_ else which.min(a)
})]
scored <- !is.na(tuned$best$model) & !is.na(aicc_best)
share <- mean(tuned$best$model[scored] != aicc_best[scored])
memory <- lapply(c(every = TRUE, frozen = FALSE), function(refit) {
  run <- function() cross_validate(series, model, h = h, n_windows = n_windows,
                                   refit = refit, progress = FALSE)
  out <- run()
  alloc <- bench::mark(run(), iterations = 1, memory = TRUE, check = FALSE,
                       filter_gc = FALSE)$mem_alloc
  c(alloc = as.numeric(alloc), size = as.numeric(utils::object.size(out)))
})
lagrs_threads(old)

refit_table <- data.frame(
  method = c("cross_validate refit = TRUE, 2 threads", "cross_validate refit = 4, 2 threads",
             "cross_validate refit = FALSE, 2 threads",
             sprintf("tune_batch, arima_grid() (%d models), n_windows = 4", length(grid)),
             sprintf("fit_batch of the %d models (for AICc)", length(grid))),
  seconds = c(t_lagrs, t_every4, t_frozen, t_tune, t_fits),
  ratio = c(1, t_lagrs / t_every4, t_lagrs / t_frozen, NA, NA))
cat("\nrefit = FALSE and every 4 origins against refit = TRUE (ratio = its speed-up)\n")
print(refit_table, row.names = FALSE, digits = 3)
cat(sprintf("target: refit = FALSE at least 10x faster than refit = TRUE: %.1fx\n",
            t_lagrs / t_frozen))
cat(sprintf("tune_batch: winner is not the AICc-best model for %.1f%% of %d series\n",
            100 * share, sum(scored)))
memory_table <- data.frame(
  run = c("refit = TRUE", "refit = FALSE"),
  allocated_mb = vapply(memory, function(m) m[["alloc"]] / 2^20, 1),
  table_mb = vapply(memory, function(m) m[["size"]] / 2^20, 1),
  ratio = vapply(memory, function(m) m[["alloc"]] / m[["size"]], 1))
cat("\nmemory: R allocations of cross_validate() (bench::mark mem_alloc) / object.size of its table\n")
print(memory_table, row.names = FALSE, digits = 3)
cat("target: at most 1.5x\n")
cat("load after:", load_now(), "\n")
if (n_series == 1000L) {
  extra <- rbind(format(refit_table, digits = 3),
                 data.frame(method = "tune_batch: share of winners not AICc-best",
                            seconds = "", ratio = format(share, digits = 3)),
                 data.frame(method = paste("memory ratio,", memory_table$run),
                            seconds = "", ratio = format(memory_table$ratio, digits = 3)))
  save_bench_results(extra, "cv_refit", threads = 2L)
}
