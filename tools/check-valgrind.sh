#!/usr/bin/env bash
# Runs the test suite under valgrind memcheck against a private build of
# lagrs. Fails on any memcheck error or a definite leak whose stack names a
# lagrs source file.
set -uo pipefail
cd "$(dirname "$0")/.."
lib=$(mktemp -d)
R CMD INSTALL --preclean --no-multiarch --library="$lib" . > /dev/null 2>&1 || { echo "install failed"; exit 1; }
rm -f src/*.o src/*.so
out=$(mktemp)
R_LIBS="$lib" R -d "valgrind --leak-check=full --errors-for-leak-kinds=definite --track-origins=yes --num-callers=30" \
  --vanilla --slave -f tools/run-tests.R > "$out" 2>&1
test_status=$?
tail -n 3 "$out"
errors=$(grep -E "ERROR SUMMARY: [0-9]+ errors" "$out" | tail -n 1 | sed -E 's/.*ERROR SUMMARY: ([0-9]+) errors.*/\1/')
definite=$(awk '/definitely lost in/ {block=1} block && /\.c:[0-9]+/ && /(rolling|arima|threads|batch|model|unitroot|stl|auto_arima_plan|optim|kalman|linalg|init|codes)[A-Za-z_]*\.c/ {n++; block=0} /^==[0-9]+== $/ {block=0} END {print n+0}' "$out")
echo "valgrind: ${errors:-?} errors, $definite definite leaks in lagrs code (log: $out)"
[ "${errors:-1}" = "0" ] && [ "$definite" = "0" ] && [ "$test_status" -eq 0 ]
