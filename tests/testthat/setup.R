# The suite runs at most two threads (CRAN's limit), and restores the
# user's setting afterwards.
old_threads <- lagrs::lagrs_threads(min(2L, lagrs::lagrs_threads()))
withr::defer(lagrs::lagrs_threads(old_threads), teardown_env())
