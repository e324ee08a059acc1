# `make demo`: a short tour of what lagrs does so far.
library(lagrs)
cat("lagrs", format(utils::packageVersion("lagrs")), "on", lagrs_threads(), "threads\n")
