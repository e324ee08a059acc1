#include "threads.h"
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#ifndef _WIN32
#include <pthread.h>
#endif

/* Thread control, after data.table's openmp-utils.c: the count is decided on
 * the main thread from the user's setting, LAGRS_NUM_THREADS, the number of
 * processors and the OpenMP limits; nothing here calls omp_set_num_threads(),
 * so other packages' OpenMP settings are left alone.  Plain C: the kernels
 * and this file build without R (fuzz/run.sh); lagrs_threads() is
 * threadsR.c. */

static int user_threads = 0;      /* set by lagrs_threads(n); 0 = not set */
static int in_forked_child = 0;   /* a fork() child runs single-threaded */

/* A positive integer from an environment variable, or 0 when unset or not a
 * positive integer. */
static int env_positive_int(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0')
        return 0;
    char *end;
    long parsed = strtol(value, &end, 10);
    while (*end == ' ')
        end++;
    if (*end != '\0' || parsed < 1 || parsed > INT_MAX)
        return 0;
    return (int) parsed;
}

static int imin(int a, int b) { return a < b ? a : b; }

/* The limit that no setting may exceed: OpenMP's thread limit as the runtime
 * read it at start-up, and OMP_THREAD_LIMIT as it is now. */
static int thread_limit(void)
{
    int limit = INT_MAX;
#ifdef _OPENMP
    int omp_limit = omp_get_thread_limit();
    if (omp_limit > 0)
        limit = omp_limit;
#else
    limit = 1;
#endif
    int env_limit = env_positive_int("OMP_THREAD_LIMIT");
    if (env_limit > 0)
        limit = imin(limit, env_limit);
    return limit;
}

/* The default: every processor, or LAGRS_NUM_THREADS, capped by
 * omp_get_max_threads() (which honours OMP_NUM_THREADS). */
static int default_threads(void)
{
    int env_threads = env_positive_int("LAGRS_NUM_THREADS");
    if (env_threads > 0)
        return env_threads;
    return imin(omp_get_num_procs(), omp_get_max_threads());
}

static int current_threads(void)
{
    if (in_forked_child)
        return 1;
    int wanted = user_threads > 0 ? user_threads : default_threads();
    int ans = imin(wanted, thread_limit());
    return ans < 1 ? 1 : ans;
}

int lagrs_nthreads(double work)
{
    if (work < LAGRS_MIN_PARALLEL_WORK)
        return 1;
    return current_threads();
}

#ifndef _WIN32
static void after_fork_in_child(void) { in_forked_child = 1; }
#endif

void lagrs_threads_init(void)
{
#ifndef _WIN32
    pthread_atfork(NULL, NULL, after_fork_in_child);
#endif
}

int lagrs_threads_current(void) { return current_threads(); }

void lagrs_threads_describe(lagrs_threads_info *info)
{
    info->threads = current_threads();
#ifdef _OPENMP
    info->openmp = 1;
    info->omp_thread_limit = omp_get_thread_limit();
#else
    info->openmp = 0;
    info->omp_thread_limit = 1;
#endif
    info->user_setting = user_threads;
    info->env_threads = env_positive_int("LAGRS_NUM_THREADS");
    info->env_limit = env_positive_int("OMP_THREAD_LIMIT");
    info->omp_max_threads = omp_get_max_threads();
    info->omp_num_procs = omp_get_num_procs();
    info->forked_child = in_forked_child;
}

int lagrs_threads_set_user(int n)
{
    int old = current_threads();
    user_threads = n;
    return old;
}
