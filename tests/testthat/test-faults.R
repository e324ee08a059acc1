# Faults: forked children, thread counts, numerically hostile series and
# interrupts. Each of these has lost users' sessions in other packages.

fault_series <- function(n_series, n = 80, seed = 1) {
  set.seed(seed)
  out <- lapply(seq_len(n_series), function(i) {
    as.numeric(arima.sim(list(ar = 0.6, ma = -0.3), n)) + 50 + i
  })
  names(out) <- sprintf("s%03d", seq_len(n_series))
  out
}

test_that("mclapply over lagrs calls runs one thread per child and matches the parent", {
  skip_on_os("windows")
  skip_on_cran()
  old <- lagrs_threads(2)
  on.exit(lagrs_threads(old))
  series <- fault_series(12)
  x <- rnorm(2e5)
  parent_roll <- rolling_sd(x, 50)
  parent_batch <- arima_batch(series, order = c(1, 0, 1), progress = FALSE)
  started <- Sys.time()
  kids <- parallel::mclapply(1:4, function(i) {
    list(threads = lagrs_threads(),
         roll = rolling_sd(x, 50),
         coef = arima_batch(series, order = c(1, 0, 1), progress = FALSE)$coef)
  }, mc.cores = 2)
  # neither a deadlock nor a crash: every child came back, quickly
  expect_lt(as.numeric(difftime(Sys.time(), started, units = "secs")), 60)
  for (kid in kids) {
    expect_false(inherits(kid, "try-error"))
    expect_identical(kid$threads, 1L)
    expect_identical(kid$roll, parent_roll)
    expect_identical(kid$coef, parent_batch$coef)
  }
  # and the parent still has its threads afterwards
  expect_identical(lagrs_threads(), 2L)
})

test_that("1 to 8 threads give identical results", {
  old <- lagrs_threads(1)
  on.exit(lagrs_threads(old))
  set.seed(2)
  x <- cumsum(rnorm(3e5))
  x[sample(length(x), 50)] <- NA
  mat <- matrix(rnorm(2000 * 20), 2000)
  series <- fault_series(24, n = 60, seed = 3)
  mseries <- lapply(fault_series(6, n = 48, seed = 4), ts, frequency = 4)
  run <- function() {
    list(
      mean = rolling_mean(x, 1000, na_rm = TRUE),
      sd = rolling_sd(x, 77),
      median = rolling_median(mat, 31, align = "center"),
      quantile = rolling_quantile(x[1:50000], 200, prob = 0.9, min_obs = 1),
      batch = arima_batch(series, order = c(1, 1, 1), progress = FALSE)[c("coef", "sigma2", "loglik", "status")],
      batch_fc = forecast(arima_batch(series, order = c(1, 1, 1), progress = FALSE), h = 5, progress = FALSE),
      auto = auto_arima_batch(mseries, max_p = 2, max_q = 2, max_P = 1, max_Q = 1,
                              progress = FALSE)[c("coef", "orders", "status")],
      auto_fc = forecast(auto_arima_batch(mseries, max_p = 2, max_q = 2, max_P = 1, max_Q = 1,
                                          progress = FALSE), h = 4, progress = FALSE)
    )
  }
  lagrs_threads(1)
  reference <- run()
  for (n in 2:8) {
    lagrs_threads(n)
    got <- run()
    for (part in names(reference)) {
      expect_identical(got[[part]], reference[[part]], label = paste(part, "at", n, "threads"))
    }
  }
})

test_that("numerically hostile series end with a usable fit or a clear status", {
  set.seed(5)
  n <- 120
  e <- rnorm(n)
  hostile <- list(
    near_unit_root = as.numeric(filter(e, 0.9995, method = "recursive")),
    unit_root = cumsum(e),
    cancelling_roots = as.numeric(arima.sim(list(ar = 0.7, ma = -0.69), n)),
    exploding = 1.08^(1:n) + e,
    huge_offset = 1e9 + e,
    huge_scale = e * 1e150,
    tiny_variance = 1 + 1e-12 * e,
    tiny_scale = e * 1e-150,
    step = c(rep(0, n / 2), rep(1e6, n / 2)) + e,
    spike = replace(e, 60, 1e12)
  )
  orders <- list(c(1, 0, 1), c(2, 1, 2), c(1, 1, 0))
  for (nm in names(hostile)) {
    y <- hostile[[nm]]
    for (order in orders) {
      label <- paste(nm, paste(order, collapse = ","))
      fit <- tryCatch(suppressWarnings(arima_fit(y, order = order)), error = function(e) e)
      if (inherits(fit, "error")) {
        expect_match(conditionMessage(fit), "[a-z]", label = label)
      } else {
        expect_true(all(is.finite(coef(fit))), label = label)
        expect_true(is.finite(fit$sigma2) && fit$sigma2 >= 0, label = label)
        fc <- forecast(fit, h = 3)
        expect_false(anyNA(fc$mean), label = label)
      }
    }
    b <- arima_batch(list(y = y), order = c(1, 1, 1), progress = FALSE)
    if (b$status == "warning" && grepl("constant", b$message)) {
      # a spread below the kernels' constant-series tolerance (1e-150 scale):
      # a degenerate fit, flagged, with sigma2 0
      expect_identical(b$sigma2, c(y = 0), label = nm)
    } else if (b$status != "error") {
      expect_true(all(is.finite(b$coef)), label = nm)
      expect_true(is.finite(b$sigma2) && is.finite(b$loglik), label = nm)
    } else {
      expect_true(nzchar(b$message), label = nm)
      expect_true(all(is.na(b$coef)), label = nm)
    }
    a <- auto_arima_batch(list(y = y), max_p = 2, max_q = 2, seasonal = FALSE, progress = FALSE)
    ok <- a$status != "error"
    if (a$status == "warning" && grepl("constant", a$message)) {
      expect_true(is.finite(a$sigma2), label = paste("auto", nm))
    } else if (ok) {
      expect_true(is.finite(a$sigma2) && is.finite(a$loglik), label = paste("auto", nm))
    } else {
      expect_true(nzchar(a$message), label = paste("auto", nm))
    }
  }
})

# Starts an Rscript child without waiting for it: this session's library
# paths, lagrs on 2 threads, then `body`; its output goes to `log` in `dir`.
start_child <- function(dir, body, log) {
  script <- file.path(dir, "child.R")
  writeLines(c(sprintf(".libPaths(%s)", paste(deparse(.libPaths()), collapse = "")),
               "library(lagrs)", "lagrs_threads(2)", body), script)
  system2(file.path(R.home("bin"), "Rscript"), script, wait = FALSE,
          stdout = file.path(dir, log), stderr = file.path(dir, log))
}

test_that("interrupting a long batch returns control promptly and leaves R usable", {
  skip_on_cran()
  skip_on_os("windows")
  # A plain Rscript child (no callr/processx: their SIGCHLD handler would
  # reap this session's forked children behind parallel's back). The child
  # catches the interrupt, records when, checks its heap, and runs another
  # batch to show it is still usable.
  dir <- withr::local_tempdir("lagrs-interrupt-")
  file <- function(name) file.path(dir, name)
  start_child(dir, c(
    "used_mb <- function() { invisible(gc()); sum(gc()[, 2]) }",
    "baseline <- used_mb()",
    "set.seed(6)",
    "# seasonal ML fits take ~0.1 s each: the batch must still serve SIGINT",
    "# between small blocks",
    "series <- lapply(1:4000, function(i) ts(cumsum(rnorm(240)), frequency = 12))",
    sprintf("writeLines(as.character(Sys.getpid()), %s)", deparse(file("pid"))),
    "outcome <- tryCatch({",
    "  arima_batch(series, order = c(1, 1, 1), seasonal = c(1, 1, 1), method = 'ML',",
    "              progress = FALSE)",
    "  'finished'",
    "}, interrupt = function(e) 'interrupted')",
    sprintf("writeLines(outcome, %s)", deparse(file("outcome"))),
    "rm(series)",
    "grown <- used_mb() - baseline",
    "b <- arima_batch(list(a = cumsum(rnorm(60)), b = cumsum(rnorm(60))), order = c(0, 1, 1),",
    "                 progress = FALSE)",
    sprintf("writeLines(c(format(grown), unname(b$status), lagrs_threads()), %s)", deparse(file("after")))
  ), log = "out.txt")
  wait_for <- function(name, seconds) {
    deadline <- Sys.time() + seconds
    while (!file.exists(name) && Sys.time() < deadline) Sys.sleep(0.02)
    file.exists(name)
  }
  expect_true(wait_for(file("pid"), 60))
  Sys.sleep(2) # the batch is running
  pid <- as.integer(readLines(file("pid")))
  sent <- Sys.time()
  expect_true(tools::pskill(pid, tools::SIGINT))
  expect_true(wait_for(file("outcome"), 30))
  latency <- as.numeric(difftime(Sys.time(), sent, units = "secs"))
  expect_identical(readLines(file("outcome")), "interrupted")
  # instrumented builds (ASan/UBSan preloaded) run the fits several times
  # slower, so one block takes longer there
  instrumented <- grepl("asan", Sys.getenv("LD_PRELOAD"))
  expect_lt(latency, if (instrumented) 6 else 2)
  expect_true(wait_for(file("after"), 60))
  after <- readLines(file("after"))
  # R's heap is back near its baseline: the batch's 7 MB of series and its
  # results are freed
  expect_lt(as.numeric(after[1]), 5)
  expect_identical(after[2:3], c("ok", "ok"))
  expect_identical(after[4], "2")
  message(sprintf("interrupt latency: %.2f s", latency))
})

test_that("Ctrl-C stops automatic searches within a fit, restores R's handler and leaves nothing running", {
  skip_on_cran()
  skip_on_os("windows")
  # One Rscript child runs every step and interrupts itself: a separate shell
  # process sends SIGINT after a delay and writes down when it did.
  dir <- withr::local_tempdir("lagrs-auto-interrupt-")
  file <- function(name) file.path(dir, name)
  start_child(dir, c(
    sprintf("dir <- %s", deparse(dir)),
    "stamp <- function() as.numeric(Sys.time())",
    "interrupt_in <- function(delay, name) {",
    "  system(sprintf('(sleep %s; date +%%s.%%N > %s; kill -s INT %d)', delay,",
    "                 shQuote(file.path(dir, name)), Sys.getpid()), wait = FALSE)",
    "}",
    "caught_at <- NA",
    "outcome <- function(expr) tryCatch({ force(expr); 'finished' },",
    "  interrupt = function(e) { caught_at <<- stamp(); 'interrupted' })",
    "latency <- function(name) caught_at - as.numeric(readLines(file.path(dir, name)))",
    "# seasonal series of 240 months: 24 searches take over a second on two threads",
    "# (CSS search, then ML refits down the list); max_P = max_Q = 1 keeps single fits",
    "# short on a busy machine. One search alone: a daily series of two years, half a",
    "# second.",
    "long_series <- function(k, n = 240) {",
    "  set.seed(100 + k)",
    "  ts(as.numeric(arima.sim(list(ar = 0.5, ma = 0.3), n)) + 3 * sin(2 * pi * (1:n) / 12) +",
    "     cumsum(rnorm(n)) * 0.3, frequency = 12)",
    "}",
    "short_series <- function(k, n = 120) {",
    "  set.seed(200 + k)",
    "  ts(100 + 2 * sin(2 * pi * (1:n) / 12) + cumsum(rnorm(n)), frequency = 12)",
    "}",
    "daily_series <- function() {",
    "  set.seed(3)",
    "  ts(50 + cumsum(rnorm(730, 0, 0.3)) + 5 * sin(2 * pi * (1:730) / 7) + rnorm(730),",
    "     frequency = 7)",
    "}",
    "out <- list()",
    "writeLines(as.character(Sys.getpid()), file.path(dir, 'pid'))",
    "# 1. a batch of long searches, and one long search alone",
    "interrupt_in(0.5, 'sent_batch')",
    "out$batch <- outcome(auto_arima_batch(lapply(1:24, long_series), max_P = 1,",
    "                                      max_Q = 1, progress = FALSE))",
    "out$batch_latency <- latency('sent_batch')",
    "interrupt_in(0.15, 'sent_single')",
    "out$single <- outcome(auto_arima(daily_series()))",
    "out$single_latency <- latency('sent_single')",
    "# 2. nothing keeps running: the process uses no CPU while R sleeps",
    "cpu <- proc.time()",
    "Sys.sleep(0.5)",
    "out$idle_cpu <- sum((proc.time() - cpu)[1:2])",
    "# 3. R's own handler is back: Ctrl-C interrupts plain R code",
    "interrupt_in(0.3, 'sent_sleep')",
    "out$sleep <- outcome(Sys.sleep(20))",
    "out$sleep_latency <- latency('sent_sleep')",
    "# 4. with interrupts held back, the batch finishes with the same results",
    "# long enough (about two seconds) that the interrupt at 0.3 s comes during it",
    "short <- lapply(1:96, short_series)",
    "reference <- auto_arima_batch(short, progress = FALSE)",
    "held <- NULL",
    "interrupt_in(0.3, 'sent_held')",
    "out$held <- outcome({",
    "  suspendInterrupts({ held <- auto_arima_batch(short, progress = FALSE); held_end <- stamp() })",
    "  Sys.sleep(5)",
    "})",
    "out$held_during <- as.numeric(readLines(file.path(dir, 'sent_held'))) < held_end",
    "out$held_same <- identical(held, reference)",
    "# 5. still usable",
    "again <- auto_arima_batch(short[1:3], progress = FALSE)",
    "out$again_same <- identical(again$orders, reference$orders[1:3, , drop = FALSE]) &&",
    "  identical(again$sigma2, reference$sigma2[1:3])",
    "out$threads <- lagrs_threads()",
    "saveRDS(out, file.path(dir, 'out.rds'))"
  ), log = "log.txt")
  deadline <- Sys.time() + 120
  while (!file.exists(file("out.rds")) && Sys.time() < deadline) Sys.sleep(0.05)
  if (!file.exists(file("out.rds")) && file.exists(file("pid"))) {
    tools::pskill(as.integer(readLines(file("pid"))), tools::SIGKILL)
  }
  expect_true(file.exists(file("out.rds")))
  Sys.sleep(0.1) # saveRDS has closed the file
  out <- readRDS(file("out.rds"))
  instrumented <- grepl("asan", Sys.getenv("LD_PRELOAD"))
  # one model fit, at most: well under a second here
  limit <- if (instrumented) 6 else 2
  expect_identical(out$batch, "interrupted")
  expect_lt(out$batch_latency, limit)
  expect_identical(out$single, "interrupted")
  expect_lt(out$single_latency, limit)
  expect_lt(out$idle_cpu, 0.2)
  expect_identical(out$sleep, "interrupted")
  expect_lt(out$sleep_latency, 1)
  expect_identical(out$held, "interrupted")
  expect_true(out$held_during)
  expect_true(out$held_same)
  expect_true(out$again_same)
  expect_identical(out$threads, 2L)
  message(sprintf("auto search interrupt latency: batch %.2f s, single %.2f s",
                  out$batch_latency, out$single_latency))
})
