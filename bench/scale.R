# Batches on future workers (issue 15), in one run on one machine:
#
#   Rscript bench/scale.R [n_series] [n_auto]
#
# n_series series x 100 points (default 20,000), ARIMA(1,1,1) and automatic
# ARIMA: local (1 process x 2 threads) against plan(multisession, workers =
# 2) (2 processes x 1 thread), results checked identical(). Automatic ARIMA
# runs on the first n_auto series (default: all) and its times are also
# given per series. Reports the bytes sent to the workers (the serialized
# globals of every future) against the input's size, and the per-series
# cost and per-chunk overhead that the performance vignette's projection
# uses (the overhead: the extra time of 30 chunks per worker over 3, per
# extra chunk). The workers are started and lagrs loaded on them before
# timing (a one-off cost, reported apart). Environment: LAGRS_BENCH_TIMES
# (repetitions, median kept; default 3).
if (!exists("save_bench_results")) source(file.path("bench", "common.R"))
suppressMessages({
  library(lagrs)
  library(future)
})
args <- commandArgs(trailingOnly = TRUE)
n_series <- if (length(args) >= 1) as.integer(args[1]) else 20000L
n_auto <- if (length(args) >= 2) as.integer(args[2]) else n_series
times <- as.integer(Sys.getenv("LAGRS_BENCH_TIMES", "3"))
n_obs <- 100L

set.seed(15)
series <- lapply(seq_len(n_series), function(i) {
  100 + cumsum(stats::arima.sim(list(ar = 0.5, ma = -0.3), n_obs))
})
names(series) <- sprintf("S%05d", seq_len(n_series))
input_bytes <- length(serialize(series, NULL))
load_before <- readLines("/proc/loadavg")
cat(sprintf("%d series x %d points (%.1f MB serialized); automatic ARIMA on %d\n",
            n_series, n_obs, input_bytes / 2^20, n_auto))
cat("load before:", load_before, "\n")

arima111 <- function(x) arima_batch(x, order = c(1, 1, 1))

# local: one process, two threads (workers = "local"); future: two worker
# processes, one thread each (multisession workers see one core: future's
# own limit). The two alternate, run after run, so that both see the same
# load on a shared machine.
old_threads <- lagrs_threads(2)
started <- system.time({
  plan(multisession, workers = 2)
  invisible(value(lapply(1:2, function(i) future(requireNamespace("lagrs")))))
})[["elapsed"]]
alternate <- function(run, times) {
  seconds <- vapply(seq_len(times), function(i) {
    gc(FALSE)
    local <- system.time(a <- run("local"))[["elapsed"]]
    gc(FALSE)
    remote <- system.time(b <- run("auto"))[["elapsed"]]
    stopifnot(identical(a, b))
    c(local, remote)
  }, c(0, 0))
  apply(seconds, 1L, stats::median)
}
arima_s <- alternate(function(w) arima_batch(series, order = c(1, 1, 1), workers = w), times)
auto_s <- alternate(function(w) auto_arima_batch(series[seq_len(n_auto)], workers = w), 1L)
local_arima <- arima_s[1L]
future_arima <- arima_s[2L]
local_auto <- auto_s[1L]
future_auto <- auto_s[2L]
lagrs_threads(1)
one_thread <- median_time(arima_batch(series, order = c(1, 1, 1), workers = "local"), times)
lagrs_threads(2)

# bytes sent: the serialized globals of each future of one more run
options(lagrs.future_bytes = TRUE)
invisible(arima111(series))
sent <- lagrs:::future_bytes_sent()
received <- lagrs:::future_bytes_sent("received")
n_chunks <- length(sent)
serialize_s <- median_time(serialize(series, NULL), times)
options(lagrs.future_bytes = NULL)

# the overhead of a chunk: 30 chunks per worker against the default 3 (no
# minimum work per chunk)
options(lagrs.chunks_per_worker = 30, lagrs.chunk_min_work = 0, lagrs.future_bytes = TRUE)
many_chunks <- median_time(arima111(series), times)
n_many <- length(lagrs:::future_bytes_sent())
options(lagrs.chunks_per_worker = NULL, lagrs.chunk_min_work = NULL, lagrs.future_bytes = NULL)
overhead <- (many_chunks - future_arima) / (n_many - n_chunks)
plan(sequential)
lagrs_threads(old_threads)
load_after <- readLines("/proc/loadavg")

table <- data.frame(
  case = c("ARIMA(1,1,1)", "automatic ARIMA"),
  series = c(n_series, n_auto),
  local_2_threads_s = c(local_arima, local_auto),
  future_2_workers_s = c(future_arima, future_auto),
  future_over_local = c(future_arima / local_arima, future_auto / local_auto),
  local_ms_per_series = 1000 * c(local_arima / n_series, local_auto / n_auto),
  future_ms_per_series = 1000 * c(future_arima / n_series, future_auto / n_auto)
)
print(table, digits = 3, row.names = FALSE)
cat(sprintf("identical() results: TRUE; %d chunks; workers started in %.1f s (not timed)\n",
            n_chunks, started))
cat(sprintf("bytes sent to the workers: %.2f MB for an input of %.2f MB: %.3fx\n",
            sum(sent) / 2^20, input_bytes / 2^20, sum(sent) / input_bytes))
cat(sprintf("bytes back from the workers (fits, residuals included): %.2f MB: %.3fx the input\n",
            sum(received) / 2^20, sum(received) / input_bytes))
cat(sprintf("serializing the input on the main process: %.3f s (%.0f MB/s)\n",
            serialize_s, input_bytes / 2^20 / serialize_s))
cat(sprintf("ARIMA(1,1,1) on one thread: %.3f ms per series\n", 1000 * one_thread / n_series))
cat(sprintf("overhead per chunk: %.1f ms (%d chunks: %.2f s; %d chunks: %.2f s)\n",
            1000 * overhead, n_chunks, future_arima, n_many, many_chunks))
cat("load before:", load_before, "\nload after: ", load_after, "\n")

table$bytes_ratio <- sum(sent) / input_bytes
table$bytes_back_ratio <- sum(received) / input_bytes
table$serialize_mb_s <- input_bytes / 2^20 / serialize_s
table$chunk_overhead_ms <- 1000 * overhead
table$one_thread_ms_per_series <- c(1000 * one_thread / n_series, NA)
table$load_before <- load_before
save_bench_results(table, "scale", threads = 2L)
