/* Thread control (threads.c), plain C: what lagrs_threads() reads and sets.
 * The getter every parallel region uses, lagrs_nthreads(), is in
 * lagrs_c.h; the R entry points are threadsR.c. */
#ifndef LAGRS_THREADS_H
#define LAGRS_THREADS_H

#include "lagrs_c.h"

/* The settings that decide the thread count, for lagrs_threads(verbose =
 * TRUE); 0 stands for a setting that is absent. */
typedef struct {
    int threads;            /* the count regions get for large work */
    int openmp;             /* built with OpenMP */
    int user_setting;       /* lagrs_threads(n), 0 when not set */
    int env_threads;        /* LAGRS_NUM_THREADS */
    int env_limit;          /* OMP_THREAD_LIMIT */
    int omp_thread_limit;
    int omp_max_threads;
    int omp_num_procs;
    int forked_child;
} lagrs_threads_info;

/* The count regions get for large work. */
int lagrs_threads_current(void);

void lagrs_threads_describe(lagrs_threads_info *info);

/* n >= 1 sets the count, 0 returns to the default; gives the count before. */
int lagrs_threads_set_user(int n);

/* At load: a fork()ed child runs single-threaded. */
void lagrs_threads_init(void);

#endif
