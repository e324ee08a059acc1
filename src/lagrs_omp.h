/* Include this header first in every file that uses OpenMP.  Without OpenMP
 * the pragmas are ignored by the compiler and these stand-ins keep the code
 * that asks for a thread id or count compiling. */
#ifndef LAGRS_OMP_H
#define LAGRS_OMP_H

#ifdef _OPENMP
#include <omp.h>
#else
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_num_threads(void) { return 1; }
static inline int omp_get_max_threads(void) { return 1; }
static inline int omp_get_thread_limit(void) { return 1; }
static inline int omp_get_num_procs(void) { return 1; }
#endif

#endif
