# Rolling-window benchmarks against the R peers.
#
#   make bench LIB=/tmp/lib-x        or    Rscript bench/rolling.R
#   Rscript bench/rolling.R median   (only some sections: mean, median, sd;
#                                     the table is then printed, not saved)
#
# Prints median times (each run after an untimed run of the same method and
# a gc(), the methods of a case taking turns: see time_case()), memory
# allocated (bench::bench_memory), and each timing as a ratio to lagrs's
# (peer / lagrs: above 1 means lagrs is faster). lagrs and data.table both
# run on 2 threads. Peers whose cost grows as n * width are
# skipped where that product is too large to wait for; the table says so.
source(file.path("bench", "common.R"))
suppressPackageStartupMessages({
  library(lagrs)
  library(bench)
})
has <- function(pkg) requireNamespace(pkg, quietly = TRUE)
threads <- 2L
lagrs_threads(threads)
if (has("data.table")) data.table::setDTthreads(threads)
cat(sprintf("lagrs %s, %d threads; R %s; %s\n", packageVersion("lagrs"),
            lagrs_threads(), getRversion(), format(Sys.time())))
for (p in c("data.table", "RcppRoll", "zoo")) {
  cat(sprintf("  %-10s %s\n", p, if (has(p)) format(packageVersion(p)) else "not installed"))
}

sections <- commandArgs(trailingOnly = TRUE)
all_sections <- c("mean", "median", "sd")
if (!all(sections %in% all_sections)) {
  stop("sections are ", paste(all_sections, collapse = ", "), call. = FALSE)
}
if (length(sections) == 0L) sections <- all_sections
cat(sprintf("uptime: %s\n", paste(system("uptime", intern = TRUE), collapse = " ")))

rows <- list()
pending <- list()
# Queues one expression (quoted here, evaluated afresh at every iteration in
# the caller's environment) for the current case; time_case() times them.
add <- function(case, method, expr, iterations = 5L, skip = NULL) {
  pending[[length(pending) + 1L]] <<- list(case = case, method = method,
                                           expr = substitute(expr), env = parent.frame(),
                                           iterations = iterations, skip = skip)
  invisible(NULL)
}
# Times the queued expressions and appends a row each to the table. Every
# expression is run once untimed first (which also measures the memory it
# allocates). Then every timed run is preceded by an untimed run of the
# same expression and a full gc(), so that it finds the pages its own last
# result freed, as a loop computing the same features again would (glibc
# reuses the freed pages of a result of 8 MB, but returns those of 80 MB to
# the system, so every run at n = 1e7 pays its page faults). Without that,
# a run that follows a different method can land on fresh pages: on the
# 2-core VM these numbers come from, a fresh 8 MB result costs 5-25 ms of
# page faults against 0.5 ms for the copy itself, and which method paid
# depended on the order. The methods take turns, so that a busy spell on a
# shared machine hits all of them.
time_case <- function() {
  jobs <- pending
  pending <<- list()
  times <- lapply(jobs, function(j) numeric(0))
  mem <- rep(NA_real_, length(jobs))
  for (k in seq_along(jobs)) {
    j <- jobs[[k]]
    if (is.null(j$skip)) {
      mem[k] <- as.numeric(bench::bench_memory(eval(j$expr, j$env))$mem_alloc) / 2^20
    }
  }
  for (round in seq_len(max(vapply(jobs, function(j) j$iterations, 0L)))) {
    for (k in seq_along(jobs)) {
      j <- jobs[[k]]
      if (!is.null(j$skip) || round > j$iterations) next
      gc(verbose = FALSE, full = TRUE)
      eval(j$expr, j$env)
      gc(verbose = FALSE, full = TRUE)
      t0 <- bench::hires_time()
      eval(j$expr, j$env)
      times[[k]] <- c(times[[k]], bench::hires_time() - t0)
    }
  }
  for (k in seq_along(jobs)) {
    j <- jobs[[k]]
    rows[[length(rows) + 1L]] <<- data.frame(
      case = j$case, method = j$method,
      median_ms = if (is.null(j$skip)) stats::median(times[[k]]) * 1e3 else NA_real_,
      mem_MB = mem[k], note = if (is.null(j$skip)) "" else j$skip)
  }
  invisible(NULL)
}
too_slow <- function(n, width, limit = 2e9) {
  if (n * width > limit) sprintf("skipped: O(n * width) = %.0e", n * width) else NULL
}
iters <- function(n) if (n >= 1e7) 5L else 15L

# (a) one long series ---------------------------------------------------------
set.seed(1)
if ("mean" %in% sections) for (n in c(1e6, 1e7)) {
  x <- rnorm(n)
  for (width in c(100L, 10000L)) {
    case <- sprintf("mean n=%.0e w=%d", n, width)
    it <- iters(n)
    add(case, "lagrs::rolling_mean", rolling_mean(x, width), it)
    add(case, "x + 0 (copy floor)", x + 0, it)
    if (has("data.table")) {
      add(case, "data.table::frollmean fast", data.table::frollmean(x, width), it)
      add(case, "data.table::frollmean exact",
          data.table::frollmean(x, width, algo = "exact"), 1L,
          skip = too_slow(n, width, 1e9))
    }
    if (has("RcppRoll")) {
      add(case, "RcppRoll::roll_meanr", RcppRoll::roll_meanr(x, width), 1L,
          skip = too_slow(n, width, 1e9))
    }
    if (has("zoo")) {
      add(case, "zoo::rollmeanr", zoo::rollmeanr(x, width, fill = NA), 1L,
          skip = if (n >= 1e7) "skipped: zoo at n = 1e7 (slowest peer)" else NULL)
    }
    add(case, "stats::filter", stats::filter(x, rep(1 / width, width), sides = 1), 1L,
        skip = too_slow(n, width, 1e9))
    time_case()
  }
}

# (b) many series: 1000 x 10000 matrix, each column a series -----------------
if ("mean" %in% sections) {
  m <- matrix(rnorm(1e7), 1000, 10000)
  case <- "mean 1000x10000 matrix w=50"
  add(case, "lagrs::rolling_mean", rolling_mean(m, 50L), 5L)
  add(case, "m + 0 (copy floor)", m + 0, 5L)
  if (has("data.table")) {
    cols <- as.data.frame(m)
    add(case, "data.table::frollmean fast (columns)", data.table::frollmean(cols, 50L), 5L)
    add(case, "data.table::frollmean exact (columns)",
        data.table::frollmean(cols, 50L, algo = "exact"), 1L)
  }
  if (has("RcppRoll")) {
    add(case, "RcppRoll::roll_meanr (matrix)", RcppRoll::roll_meanr(m, 50L, fill = NA), 1L)
  }
  time_case()
  if (exists("cols")) rm(cols)
  rm(m)
  invisible(gc())
}

# rolling median, quantile and sd ----------------------------------------------
# runmed()'s default algorithm at these sizes (k >= 20, n >= 300) is
# Turlach's double heap; Stuetzle's (its choice below those sizes) is
# O(n * k).
set.seed(2)
x <- rnorm(1e6)
if ("median" %in% sections) for (width in c(101L, 10001L)) {
  case <- sprintf("median n=1e6 w=%d", width)
  add(case, "lagrs::rolling_median", rolling_median(x, width), 5L)
  if (has("zoo")) add(case, "zoo::rollmedianr", zoo::rollmedianr(x, width, fill = NA), 3L)
  add(case, "stats::runmed", stats::runmed(x, width, endrule = "keep"), 5L)
  add(case, "stats::runmed Stuetzle",
      stats::runmed(x, width, endrule = "keep", algorithm = "Stuetzle"), 1L,
      skip = too_slow(1e6, width, 2e8))
  if (has("RcppRoll")) {
    add(case, "RcppRoll::roll_medianr", RcppRoll::roll_medianr(x, width), 1L,
        skip = too_slow(1e6, width, 2e8))
  }
  time_case()
  # no peer computes rolling quantiles in O(n log width): runmed is the yardstick
  case <- sprintf("quantile(0.25) n=1e6 w=%d", width)
  add(case, "lagrs::rolling_quantile", rolling_quantile(x, width, prob = 0.25), 5L)
  add(case, "stats::runmed", stats::runmed(x, width, endrule = "keep"), 5L)
  time_case()
}
if ("sd" %in% sections) {
  for (width in c(100L, 10000L)) {
    case <- sprintf("sd n=1e6 w=%d", width)
    add(case, "lagrs::rolling_sd", rolling_sd(x, width), 15L)
    if (has("RcppRoll")) {
      add(case, "RcppRoll::roll_sdr", RcppRoll::roll_sdr(x, width), 1L,
          skip = too_slow(1e6, width, 2e8))
    }
    time_case()
  }
  x5 <- x[1:1e5]
  case <- "sd n=1e5 w=100"
  add(case, "lagrs::rolling_sd", rolling_sd(x5, 100L), 15L)
  if (has("zoo")) add(case, "zoo::rollapplyr(sd)", zoo::rollapplyr(x5, 100L, sd, fill = NA), 1L)
  if (has("data.table")) {
    add(case, "data.table::frollapply(sd)", data.table::frollapply(x5, 100L, sd), 1L)
  }
  if (has("RcppRoll")) add(case, "RcppRoll::roll_sdr", RcppRoll::roll_sdr(x5, 100L), 5L)
  time_case()
}

# report ---------------------------------------------------------------------
tab <- do.call(rbind, rows)
lagrs_ms <- ave(ifelse(grepl("^lagrs::", tab$method), tab$median_ms, NA_real_),
                tab$case, FUN = function(v) v[!is.na(v)][1])
tab$peer_over_lagrs <- tab$median_ms / lagrs_ms
fmt <- tab
fmt$median_ms <- ifelse(is.na(tab$median_ms), "-", sprintf("%.2f", tab$median_ms))
fmt$mem_MB <- ifelse(is.na(tab$mem_MB), "-", sprintf("%.1f", tab$mem_MB))
fmt$peer_over_lagrs <- ifelse(is.na(tab$peer_over_lagrs), "-",
                              sprintf("%.2f", tab$peer_over_lagrs))
cat("\n")
print(fmt[, c("case", "method", "median_ms", "mem_MB", "peer_over_lagrs", "note")],
      row.names = FALSE, right = FALSE)
if (setequal(sections, all_sections)) {
  save_bench_results(fmt[, c("case", "method", "median_ms", "mem_MB", "peer_over_lagrs", "note")],
                     "rolling", threads = threads)
}

# targets ----------------------------------------------------------------------
cat("\nTargets (2 threads):\n")
get_ms <- function(case, method) tab$median_ms[tab$case == case & tab$method == method]
if ("median" %in% sections) for (width in c(101L, 10001L)) {
  for (stat in c("median", "quantile(0.25)")) {
    case <- sprintf("%s n=1e6 w=%d", stat, width)
    ours <- get_ms(case, if (stat == "median") "lagrs::rolling_median" else "lagrs::rolling_quantile")
    cat(sprintf("  %-26s runmed / lagrs = %.2f (target >= 2)\n", case,
                get_ms(case, "stats::runmed") / ours))
  }
}
if ("mean" %in% sections) for (n in c(1e6, 1e7)) for (width in c(100L, 10000L)) {
  case <- sprintf("mean n=%.0e w=%d", n, width)
  ours <- get_ms(case, "lagrs::rolling_mean")
  fast <- get_ms(case, "data.table::frollmean fast")
  copy <- get_ms(case, "x + 0 (copy floor)")
  cat(sprintf("  %-26s lagrs / frollmean fast = %.2f (target <= 0.5)   lagrs / copy = %.2f (target <= 2)\n",
              case, ours / fast, ours / copy))
}
if ("mean" %in% sections) {
  case <- "mean 1000x10000 matrix w=50"
  ours <- get_ms(case, "lagrs::rolling_mean")
  fast <- get_ms(case, "data.table::frollmean fast (columns)")
  cat(sprintf("  %-26s frollmean over columns / lagrs = %.2f (target >= 3)\n", case, fast / ours))
}
cat(sprintf("uptime: %s\n", paste(system("uptime", intern = TRUE), collapse = " ")))
