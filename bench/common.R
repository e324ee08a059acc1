# Shared by the bench/ scripts: saves a result table where the README and the
# "performance" vignette read it (inst/bench-results/<name>.csv), with the
# machine, date and thread count in a header line.
save_bench_results <- function(table, name, threads = lagrs::lagrs_threads()) {
  dir <- file.path("inst", "bench-results")
  if (!dir.exists(dir)) {
    message("Not saving ", name, ": run from the package's top folder to save results.")
    return(invisible(NULL))
  }
  cpu <- tryCatch({
    info <- readLines("/proc/cpuinfo", warn = FALSE)
    sub(".*: ", "", grep("^model name", info, value = TRUE)[1L])
  }, error = function(e) Sys.info()[["machine"]], warning = function(w) Sys.info()[["machine"]])
  meta <- sprintf("# machine: %s, %d cores; threads: %d; date: %s; R %s; lagrs %s",
                  cpu, parallel::detectCores(), threads, format(Sys.Date()),
                  getRversion(), utils::packageVersion("lagrs"))
  path <- file.path(dir, paste0(name, ".csv"))
  writeLines(meta, path)
  suppressWarnings(utils::write.table(table, path, sep = ",", append = TRUE,
                                      row.names = FALSE, qmethod = "double"))
  message("Saved ", path)
  invisible(path)
}

# The median elapsed seconds of `times` runs of `expr`, each after a gc().
median_time <- function(expr, times = 3L) {
  expr <- substitute(expr)
  env <- parent.frame()
  stats::median(vapply(seq_len(times), function(i) {
    gc(FALSE)
    system.time(eval(expr, env))[["elapsed"]]
  }, 0))
}
