#include "lagrs.h"
#include <R_ext/Rdynload.h>
#include "rolling.h"

#define CALLDEF(name, n) {#name, (DL_FUNC) &name, n}

static const R_CallMethodDef call_methods[] = {
    CALLDEF(lagrs_threads_get, 1),
    CALLDEF(lagrs_threads_set, 1),
    CALLDEF(lagrs_rolling_call, 10),
    {NULL, NULL, 0}
};

void R_init_lagrs(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
    lagrs_threads_init();
}
