library(testthat)
library(lagrs)

test_check("lagrs")
