// IEEE half <-> float by bit manipulation, so the scalar path needs no F16C and rounds like ggml
// (round to nearest even, as _cvtss_sh with rounding mode 0).
#include <string.h>
#include "ckernels.h"

float ck_fp16_to_fp32(ck_half h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp == 0) {
        // Subnormal or zero: man * 2^-24 is exact in f32.
        float f = (float)man * 0x1p-24f;
        memcpy(&bits, &f, 4);
        bits |= sign;
    } else {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    }
    float out;
    memcpy(&out, &bits, 4);
    return out;
}

ck_half ck_fp32_to_fp16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) return (ck_half)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
    if (ax >= 0x477ff000u) return (ck_half)(sign | 0x7c00); // rounds to infinity
    if (ax < 0x38800000u) {
        // Below the smallest normal: adding 0.5 (ulp 2^-24) rounds to a multiple of 2^-24, nearest even.
        float a, r;
        memcpy(&a, &ax, 4);
        r = a + 0.5f;
        uint32_t rb;
        memcpy(&rb, &r, 4);
        return (ck_half)(sign | (rb - 0x3f000000u));
    }
    uint32_t odd = (ax >> 13) & 1;
    ax += 0xc8000fffu + odd; // rebias exponent 127 -> 15, round to nearest even
    return (ck_half)(sign | (ax >> 13));
}
