// AVX2 + FMA + F16C kernels (the x86-64 baseline SIMD path). Compiled for that target per function,
// so the package needs no -march flag; called only when ck_cpu_supports(CK_PATH_AVX2).
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define CK_SFX(name) name##_avx2
#define ck_dot_u8s8(acc, u, s) \
    _mm256_add_epi32((acc), _mm256_madd_epi16(_mm256_maddubs_epi16((u), (s)), _mm256_set1_epi16(1)))

// Byte k of the result is 0xFF when bit k of `bits` is set.
#define ck_bits_to_mask(bits) ck_bits_to_mask_avx2(bits)
#include <immintrin.h>
static inline __attribute__((always_inline)) __m256i ck_bits_to_mask_avx2(uint32_t bits) {
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
        _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303));
    const __m256i others = _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe); // all bits but bit k%8 of byte k
    return _mm256_cmpeq_epi8(_mm256_or_si256(spread, others), _mm256_set1_epi64x(-1));
}

#include "quants_x86.inc"
#include "gemm_avx2.inc"

#pragma clang attribute pop
#else
// Off x86-64 the SIMD entry points exist (so the traits table is the same everywhere) but are never
// selected; they forward to the reference kernels.
#define CK_FORWARD(type) \
    void ck_matvec_##type##_avx2(int64_t n, const void *w, size_t rb, int64_t nr, const void *x, float *y) { \
        ck_matvec_##type##_scalar(n, w, rb, nr, x, y); \
    }
CK_FORWARD(f32) CK_FORWARD(f16) CK_FORWARD(bf16) CK_FORWARD(q8_0) CK_FORWARD(q4_0) CK_FORWARD(q4_1)
CK_FORWARD(q5_0) CK_FORWARD(q5_1) CK_FORWARD(q4_K) CK_FORWARD(q5_K) CK_FORWARD(q6_K)
#define CK_FORWARD_MATMUL(type) \
    void ck_matmul_##type##_avx2(int64_t n, const void *w, size_t rb, int64_t nr, const void *x, size_t xs, \
                                 int64_t batch, float *y, int64_t ldy) { \
        ck_matmul_tiled(ck_matvec_##type##_scalar, n, w, rb, nr, x, xs, batch, y, ldy); \
    }
CK_FORWARD_MATMUL(q8_0) CK_FORWARD_MATMUL(q4_0) CK_FORWARD_MATMUL(q4_1) CK_FORWARD_MATMUL(q5_0)
CK_FORWARD_MATMUL(q5_1) CK_FORWARD_MATMUL(q4_K) CK_FORWARD_MATMUL(q5_K) CK_FORWARD_MATMUL(q6_K)
#endif
