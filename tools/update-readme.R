# Rewrites the benchmark section of README.md (between the bench markers)
# from the tables that the bench/ scripts saved in inst/bench-results/.
# Usage: Rscript tools/update-readme.R
read_results <- function(name) {
  path <- file.path("inst", "bench-results", paste0(name, ".csv"))
  if (!file.exists(path)) return(NULL)
  list(meta = sub("^# ", "", readLines(path, n = 1L)),
       table = utils::read.csv(path, skip = 1L, check.names = FALSE, colClasses = "character"))
}
markdown_table <- function(table) {
  table[is.na(table)] <- ""
  c(paste0("| ", paste(names(table), collapse = " | "), " |"),
    paste0("|", paste(rep("---", ncol(table)), collapse = "|"), "|"),
    apply(table, 1L, function(row) paste0("| ", paste(row, collapse = " | "), " |")))
}
sections <- list(
  batch = "Many series: 10,000 series x 100 points, ARIMA(1,1,1), fit + forecast(h = 10) (`bench/batch.R`)",
  batch_auto = "Automatic order selection: 1,000 monthly series x 120 points (`bench/batch_auto.R`)",
  ets = "Automatic exponential smoothing: 1,000 monthly series x 120 points, fit + forecast(h = 18) (`bench/ets.R`)",
  arima = "One series: fit + forecast(h = 10) (`bench/arima.R`)",
  rolling = "Rolling windows (`bench/rolling.R`; `peer_over_lagrs` above 1 means lagrs is faster)"
)
lines <- character()
for (name in names(sections)) {
  res <- read_results(name)
  if (is.null(res)) next
  lines <- c(lines, paste0("**", sections[[name]], ".** Measured on ", res$meta, "."), "",
             markdown_table(res$table), "")
}
if (!length(lines)) lines <- "No saved benchmark results yet: run the scripts in `bench/`."
readme <- readLines("README.md")
start <- grep("<!-- bench:start -->", readme, fixed = TRUE)
end <- grep("<!-- bench:end -->", readme, fixed = TRUE)
stopifnot(length(start) == 1L, length(end) == 1L, start < end)
writeLines(c(readme[seq_len(start)], lines, readme[end:length(readme)]), "README.md")
cat("README.md: benchmark section rewritten from", length(lines), "lines\n")
