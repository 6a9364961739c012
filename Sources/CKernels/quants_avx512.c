// AVX-512 (F/BW/VL/DQ) + VNNI kernels: the 8-bit products use vpdpbusd, the 5-bit planes use mask
// registers. Compiled for that target per function; called only when ck_cpu_supports(CK_PATH_AVX512).
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni"))), apply_to = function)

#define CK_SFX(name) name##_avx512
#define ck_dot_u8s8(acc, u, s) _mm256_dpbusd_epi32((acc), (u), (s))
#define ck_bits_to_mask(bits) _mm256_movm_epi8((__mmask32)(bits))
#include <immintrin.h>

// The quantized types' mat-vec comes from gemm_avx512.c (zmm kernels); this file keeps the float ones.
#define CK_SKIP_K_MATVEC
#define CK_SKIP_32_MATVEC
#include "quants_x86.inc"

#pragma clang attribute pop
#else
#define CK_FORWARD(type) \
    void ck_matvec_##type##_avx512(int64_t n, const void *w, size_t rb, int64_t nr, const void *x, float *y) { \
        ck_matvec_##type##_scalar(n, w, rb, nr, x, y); \
    }
CK_FORWARD(f32) CK_FORWARD(f16) CK_FORWARD(bf16) CK_FORWARD(q8_0) CK_FORWARD(q4_0) CK_FORWARD(q4_1)
CK_FORWARD(q5_0) CK_FORWARD(q5_1) CK_FORWARD(q4_K) CK_FORWARD(q5_K) CK_FORWARD(q6_K)
#endif
