# Runs every registered .Call entry point at least once on small input under
# gctorture(TRUE), so that a missing PROTECT shows up as a crash or a wrong
# result here rather than in a user's session. Each feature adds its calls
# to `calls` below; the script fails if a registered routine has none.
library(lagrs)
ns <- asNamespace("lagrs")
registered <- names(getDLLRegisteredRoutines("lagrs")$.Call)

calls <- list(
  lagrs_threads_get = function() {
    stopifnot(is.integer(lagrs_threads()))
    stopifnot(is.list(.Call(ns$C_lagrs_threads_get, TRUE)))
  },
  lagrs_threads_set = function() {
    old <- lagrs_threads(1)
    stopifnot(lagrs_threads() == 1L)
    lagrs_threads(old)
  }
)
for (f in list.files("tools", pattern = "^gctorture-.*\\.R$", full.names = TRUE)) {
  calls <- c(calls, source(f, local = TRUE)$value)
}

uncovered <- setdiff(registered, names(calls))
if (length(uncovered)) {
  cat("No gctorture call for:", paste(uncovered, collapse = ", "), "\n")
  quit(status = 1L)
}
for (name in names(calls)) {
  gctorture(TRUE)
  result <- tryCatch({ calls[[name]](); "ok" }, error = function(e) conditionMessage(e))
  gctorture(FALSE)
  if (!identical(result, "ok")) {
    cat("gctorture: ", name, " failed: ", result, "\n", sep = "")
    quit(status = 1L)
  }
  cat("gctorture: ", name, " ok\n", sep = "")
}
cat(sprintf("gctorture: %d entry points ran clean\n", length(calls)))
