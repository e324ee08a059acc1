/* Shared helpers for the libFuzzer harnesses: a reader that turns fuzz
 * bytes into small integers and hostile doubles. */
#ifndef LAGRS_FUZZ_COMMON_H
#define LAGRS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

typedef struct {
    const uint8_t *data;
    size_t size, pos;
} fuzz_reader;

static unsigned fuzz_byte(fuzz_reader *r)
{
    return r->pos < r->size ? r->data[r->pos++] : 0u;
}

static double fuzz_r_na(void)
{
    /* R's NA_real_: a NaN whose low word is 1954 */
    uint64_t bits = 0x7FF00000000007A2ULL;
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* A double: mostly ordinary values, often the hostile ones. */
static double fuzz_double(fuzz_reader *r)
{
    unsigned sel = fuzz_byte(r);
    switch (sel % 16) {
    case 0: return NAN;
    case 1: return fuzz_r_na();
    case 2: return INFINITY;
    case 3: return -INFINITY;
    case 4: return 1e308;
    case 5: return -1e308;
    case 6: return 5e-324;
    case 7: return 0.0;
    case 8: return -0.0;
    case 9: {
        double x = 0;
        uint8_t raw[8];
        for (int k = 0; k < 8; k++)
            raw[k] = (uint8_t) fuzz_byte(r);
        memcpy(&x, raw, sizeof x);
        return x;
    }
    default: {
        int v = (int) fuzz_byte(r) - 128;
        int e = (int) (fuzz_byte(r) % 41) - 20;
        return (double) v * pow(10.0, (double) e);
    }
    }
}

#endif
