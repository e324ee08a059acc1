# Benchmark: many series at once.
#   (a) 10,000 series x 100 points, ARIMA(1,1,1), fit + forecast(h = 10):
#       lagrs at 2 threads vs a loop of stats::arima + predict, vs
#       parallel::mclapply of stats::arima on 2 cores, vs lagrs at 1 thread;
#       peak memory against the size of inputs plus outputs; statsmodels'
#       ARIMA where a python3 has it (`make bench-deps` installs it).
#   (c) reading a long data frame: 10,000 SKUs x 60 months (600,000 rows,
#       a Date column, rows in no particular order) against fitting
#       ARIMA(0,1,1)(0,1,1)[12] to it at 2 threads. Target: reading costs at
#       most 0.3x the fit.
#   (b) 1,000 monthly series x 120 points, auto_arima_batch() vs a loop of
#       forecast::auto.arima(): bench/batch_auto.R, run at the end.
# Run with `Rscript bench/batch.R` after installing lagrs (`make install`).
# LAGRS_BENCH_PARTS (default "a,c,b") chooses the parts.
# Options (environment): LAGRS_BENCH_SERIES (default 10000),
# LAGRS_BENCH_SAMPLE (series timed for the slow peers, default 300).
source(file.path("bench", "common.R"))
suppressPackageStartupMessages(library(lagrs))
bench_parts <- strsplit(Sys.getenv("LAGRS_BENCH_PARTS", "a,c,b"), ",")[[1]]
bench_dir <- local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(file_arg)) dirname(sub("^--file=", "", file_arg[1])) else "bench"
})

if ("a" %in% bench_parts) {

n_series <- as.integer(Sys.getenv("LAGRS_BENCH_SERIES", "10000"))
n_sample <- as.integer(Sys.getenv("LAGRS_BENCH_SAMPLE", "300"))
n_obs <- 100L
h <- 10L
cores <- parallel::detectCores()

set.seed(20261124)
simulate_sku <- function() {
  as.numeric(stats::arima.sim(list(order = c(1, 1, 1), ar = 0.5, ma = -0.3), n = n_obs - 1L)) + 50
}
skus <- replicate(n_series, simulate_sku(), simplify = FALSE)
names(skus) <- sprintf("SKU-%05d", seq_len(n_series))

lagrs_run <- function() forecast(arima_batch(skus, order = c(1, 1, 1), progress = FALSE), h = h)
stats_one <- function(y) {
  fit <- stats::arima(y, order = c(1, 1, 1))
  stats::predict(fit, n.ahead = h)
}

cat(sprintf("lagrs batch benchmark: %d series x %d points, ARIMA(1,1,1), h = %d\n",
            n_series, n_obs, h))
cat(sprintf("machine: %s, %d cores, R %s, date %s\n", Sys.info()[["machine"]], cores,
            getRversion(), format(Sys.Date())))

old <- lagrs_threads(2)
t_lagrs2 <- median_time(lagrs_run())
lagrs_threads(1)
t_lagrs1 <- median_time(lagrs_run())
lagrs_threads(old)

sample_ids <- seq_len(min(n_sample, n_series))
t_stats_sample <- median_time(for (k in sample_ids) stats_one(skus[[k]]), times = 1L)
t_stats <- t_stats_sample * n_series / length(sample_ids)
t_mc_sample <- median_time(parallel::mclapply(skus[sample_ids], stats_one, mc.cores = 2L), times = 1L)
t_mc <- t_mc_sample * n_series / length(sample_ids)

rows <- list(
  c("lagrs arima_batch + forecast, 2 threads", t_lagrs2),
  c("lagrs arima_batch + forecast, 1 thread", t_lagrs1),
  c(sprintf("stats::arima + predict loop (timed on %d, scaled)", length(sample_ids)), t_stats),
  c(sprintf("mclapply(stats::arima) on 2 cores (timed on %d, scaled)", length(sample_ids)), t_mc)
)

# statsmodels: the first python3 that has it (the one on the PATH, then
# Debian's /usr/bin/python3, where `make bench-deps` installs
# python3-statsmodels). Same sample of series as stats::arima, written to a
# CSV; the time is measured inside Python, so the interpreter's start-up and
# imports are not counted. statsmodels' ARIMA with d = 1 has no constant, as
# stats::arima, and fits by exact maximum likelihood (state space).
find_statsmodels_python <- function() {
  pythons <- unique(c(unname(Sys.which("python3")), "/usr/bin/python3"))
  pythons <- pythons[nzchar(pythons) & file.exists(pythons)]
  for (py in pythons) {
    status <- suppressWarnings(system2(py, c("-c", shQuote("import statsmodels")),
                                       stdout = FALSE, stderr = FALSE))
    if (identical(status, 0L)) return(py)
  }
  ""
}
py <- find_statsmodels_python()
if (nzchar(py)) {
  py_script <- file.path(tempdir(), "sm_bench.py")
  writeLines(c(
    "import sys, time, warnings",
    "import numpy as np",
    "import statsmodels",
    "from statsmodels.tsa.arima.model import ARIMA",
    "warnings.simplefilter('ignore')",
    "data = np.atleast_2d(np.loadtxt(sys.argv[1], delimiter=','))",
    "h = int(sys.argv[2])",
    "t0 = time.perf_counter()",
    "for y in data:",
    "    res = ARIMA(y, order=(1, 1, 1)).fit()",
    "    res.get_forecast(h).summary_frame()",
    "print(time.perf_counter() - t0)",
    "print(statsmodels.__version__)"), py_script)
  csv <- file.path(tempdir(), "skus.csv")
  utils::write.table(do.call(rbind, skus[sample_ids]), csv, sep = ",",
                     row.names = FALSE, col.names = FALSE)
  sm_out <- suppressWarnings(system2(py, c(py_script, csv, h), stdout = TRUE))
  t_sm <- suppressWarnings(as.numeric(sm_out[1L])) * n_series / length(sample_ids)
  if (length(sm_out) == 2L && is.finite(t_sm)) {
    cat(sprintf("statsmodels %s (%s)\n", sm_out[2L], py))
    rows[[length(rows) + 1L]] <- c(
      sprintf("statsmodels ARIMA fit + forecast loop (timed on %d, scaled)", length(sample_ids)), t_sm)
  } else {
    cat("statsmodels: the timing script failed; skipped\n")
  }
} else {
  cat("statsmodels: no python3 has it (`make bench-deps` installs Debian's python3-statsmodels); skipped\n")
}

table <- data.frame(method = vapply(rows, `[[`, "", 1L),
                    seconds = as.numeric(vapply(rows, `[[`, "", 2L)))
table$per_series_ms <- 1000 * table$seconds / n_series
table$lagrs_2t_speedup <- table$seconds / t_lagrs2
print(table, row.names = FALSE, digits = 3)
# Only a run at the published size replaces the saved table (README, vignette).
if (n_series == 10000L && n_sample >= 300L) {
  save_bench_results(format(table, digits = 3), "batch", threads = 2L)
} else {
  cat("not saved: inst/bench-results/batch.csv holds runs of 10,000 series (sample >= 300)\n")
}
cat(sprintf("scaling: 1 thread / 2 threads = %.2fx\n", t_lagrs1 / t_lagrs2))

# Memory: R allocations of the whole call, and the process's peak resident
# size in a fresh R, against the size of inputs plus outputs.
input_bytes <- as.numeric(utils::object.size(skus))
if (requireNamespace("bench", quietly = TRUE)) {
  lagrs_threads(2)
  mem <- bench::mark(lagrs_run(), iterations = 1, check = FALSE)$mem_alloc
  out <- lagrs_run()
  output_bytes <- as.numeric(utils::object.size(out))
  cat(sprintf("memory: inputs %.1f MB, forecast output %.1f MB, R allocations during fit+forecast %.1f MB (%.2fx inputs+outputs)\n",
              input_bytes / 2^20, output_bytes / 2^20, as.numeric(mem) / 2^20,
              as.numeric(mem) / (input_bytes + output_bytes)))
}
peak_kb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", grep("^VmHWM", status, value = TRUE)))
}
if (file.exists("/proc/self/status")) {
  cat(sprintf("process peak resident size at the end: %.1f MB\n", peak_kb() / 1024))
}
}

if ("c" %in% bench_parts) {
  n_skus <- as.integer(Sys.getenv("LAGRS_BENCH_SERIES", "10000"))
  n_months <- 60L
  set.seed(20261125)
  months <- seq(as.Date("2020-01-01"), by = "month", length.out = n_months)
  season <- 5 * sin(2 * pi * seq_len(n_months) / 12)
  sales <- replicate(n_skus, 100 + season + cumsum(rnorm(n_months)), simplify = FALSE)
  long <- data.frame(id = rep(sprintf("SKU-%05d", seq_len(n_skus)), each = n_months),
                     month = rep(months, n_skus), value = unlist(sales))
  long <- long[sample(nrow(long)), ]
  names(sales) <- sprintf("SKU-%05d", seq_len(n_skus))
  fit_airline <- function(series, ...) {
    arima_batch(series, order = c(0, 1, 1), seasonal = c(0, 1, 1), period = 12,
                progress = FALSE, ...)
  }
  old <- lagrs_threads(2)
  t_read <- median_time(lagrs:::series_collection(long, time = "month"), times = 5L)
  t_long <- median_time(fit_airline(long, time = "month"))
  t_list <- median_time(fit_airline(sales))
  lagrs_threads(old)
  cat(sprintf("\nreading a long data frame: %d SKUs x %d months (%d rows, Date column, shuffled)\n",
              n_skus, n_months, nrow(long)))
  long_table <- data.frame(
    step = c("read: series_collection(df, time = \"month\")",
             "arima_batch(df, ARIMA(0,1,1)(0,1,1)[12]), 2 threads",
             "arima_batch(same series as a list), 2 threads"),
    seconds = c(t_read, t_long, t_list))
  print(long_table, row.names = FALSE, digits = 3)
  cat(sprintf("read / arima_batch(df) = %.2f (target <= 0.3); read / list fit = %.2f\n",
              t_read / t_long, t_read / t_list))
}

if ("b" %in% bench_parts) {
  cat("\n")
  source(file.path(bench_dir, "batch_auto.R"), local = new.env())
}
