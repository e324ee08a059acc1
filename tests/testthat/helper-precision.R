# Base R's sum(), mean() and var() accumulate in 80-bit long doubles where the
# hardware has them. valgrind emulates those with 64 bits, which moves base
# R's own reference values in their last bits; tests whose reference is that
# exact skip there (they still run everywhere else).
has_extended_precision <- function() sum(c(1, 2^-60, -1)) != 0
