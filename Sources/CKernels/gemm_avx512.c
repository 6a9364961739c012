// AVX-512 VNNI mat-mul kernels for prefill: each weight block is decoded once and multiplied with
// eight tokens while it sits in registers (mat-vec decodes it once per token).
//
// K-quants: 64 elements per zmm; vpmaddubsw (u8 weights x s8 activations -> i16 pairs), then vpdpwssd
// with the sub-block scales (-> i32), one float conversion per 256-element super-block.
// 32-element types: one block per ymm; weights are made unsigned (q8_0 by flipping the sign bit) so
// vpdpbusd applies directly, and the offset (8, 16 or 128 times the activations of each 4-byte lane)
// seeds the accumulator; one float scale per block.
//
// The float steps are llama.cpp's x86 ones (ggml_vec_dot_*): eight i32 lanes of four products per
// block (K-quants: per super-block), one fused multiply-add per block into eight float lanes, the
// K-quant min terms in four lanes of their own, the same horizontal sums. Integer sums are exact in any
// order, so the results equal llama.cpp's bit for bit; zmm steps fold or split to those eight lanes.
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni"))), apply_to = function)
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define INL static inline __attribute__((always_inline))
#define TT 8          // tokens per tile
#define ROW_BLOCK 16  // rows whose weights stay in cache while every token tile passes
#ifndef CK_ROWS32
#define CK_ROWS32 1
#endif

INL float h2f(ck_half h) { return _cvtsh_ss(h); }

// Prefetch a super-block's worth of weights this far ahead (decode streams each row from memory once).
INL void prefetch_ahead(const uint8_t *p) {
    _mm_prefetch((const char *)p + 768, _MM_HINT_T0);
    _mm_prefetch((const char *)p + 768 + 64, _MM_HINT_T0);
    _mm_prefetch((const char *)p + 768 + 128, _MM_HINT_T0);
}

INL float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

INL void k4_scales(const uint8_t *packed, uint32_t out[4]) {
    uint32_t u[3];
    memcpy(u, packed, 12);
    out[0] = u[0] & 0x3f3f3f3f;
    out[1] = (u[2] & 0x0f0f0f0f) | (((u[0] >> 6) & 0x03030303) << 4);
    out[2] = u[1] & 0x3f3f3f3f;
    out[3] = ((u[2] >> 4) & 0x0f0f0f0f) | (((u[1] >> 6) & 0x03030303) << 4);
}

// MARK: K-quants, one row x T tokens

INL __m256i fold8(__m512i v) { return _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1)); }

INL float hsum128(__m128 m) {
    m = _mm_add_ps(m, _mm_movehl_ps(m, m));
    m = _mm_add_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

INL void row_qk45(int64_t nb, const uint8_t *w, const uint8_t *x, size_t xs, float *y, int64_t ldy, const int T,
                  const int five) {
    __m256 facc[TT];
    __m128 macc[TT];
    for (int t = 0; t < T; t++) { facc[t] = _mm256_setzero_ps(); macc[t] = _mm_setzero_ps(); }
    const size_t bytes = five ? sizeof(ck_block_q5_K) : sizeof(ck_block_q4_K);
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *blk = w + i * bytes;
        prefetch_ahead(blk);
        const ck_half *dd = (const ck_half *)blk;
        const uint8_t *qs = five ? ((const ck_block_q5_K *)blk)->qs : ((const ck_block_q4_K *)blk)->qs;
        uint32_t sm[4];
        k4_scales(blk + 4, sm);
        const uint8_t *sc = (const uint8_t *)sm;
        // mins, each twice: madd with the 16 bsums gives min_j * (sum of sub-block j's activations).
        const __m128i mn8 = _mm_loadl_epi64((const __m128i *)(sc + 8));
        const __m256i m2 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mn8, mn8));
        const __m256i hbits = five ? _mm256_loadu_si256((const __m256i *)((const ck_block_q5_K *)blk)->qh)
                                   : _mm256_setzero_si256();
        __m512i isum[TT];
        for (int t = 0; t < T; t++) isum[t] = _mm512_setzero_si512();
        for (int j = 0; j < 4; j++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * j));
            __m256i lo = _mm256_and_si256(q, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            if (five) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j + 1), one), 4));
            }
            const __m512i wz = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
            const __m512i scv = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(sc[2 * j])),
                                                   _mm256_set1_epi16(sc[2 * j + 1]), 1);
            for (int t = 0; t < T; t++) {
                const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
                const __m512i p = _mm512_maddubs_epi16(wz, _mm512_loadu_si512(a->qs + 64 * j));
                isum[t] = _mm512_dpwssd_epi32(isum[t], p, scv);
            }
        }
        const float d = h2f(dd[0]), dmin = h2f(dd[1]);
        for (int t = 0; t < T; t++) {
            const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
            // min_j * (sum of sub-block j), pairs of j added: llama.cpp's four min lanes.
            const __m256i mins = _mm256_madd_epi16(m2, _mm256_loadu_si256((const __m256i *)a->bsums));
            const __m128i mins4 = _mm_hadd_epi32(_mm256_castsi256_si128(mins), _mm256_extracti128_si256(mins, 1));
            facc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a->d * d), _mm256_cvtepi32_ps(fold8(isum[t])), facc[t]);
            macc[t] = _mm_fmadd_ps(_mm_set1_ps(-a->d * dmin), _mm_cvtepi32_ps(mins4), macc[t]);
        }
    }
    for (int t = 0; t < T; t++) y[t * ldy] = hsum256(facc[t]) + hsum128(macc[t]);
}

// The same for an even number of tokens, two tokens per zmm in the float part: lanes 0-7 token t, 8-15
// token t+1 (the min lanes interleaved the same way in a ymm), which halves the per-token work after
// the integer sums. Same operations per lane, so the same bits.
INL void row_qk45_pairs(int64_t nb, const uint8_t *w, const uint8_t *x, size_t xs, float *y, int64_t ldy, const int T,
                        const int five) {
    __m512 facc[TT / 2];
    __m256 macc[TT / 2]; // [t k0, t k1, t+1 k0, t+1 k1 | t k2, t k3, t+1 k2, t+1 k3]
    for (int u = 0; u < T / 2; u++) { facc[u] = _mm512_setzero_ps(); macc[u] = _mm256_setzero_ps(); }
    const size_t bytes = five ? sizeof(ck_block_q5_K) : sizeof(ck_block_q4_K);
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    const __m256i dminOrder = _mm256_set_epi32(8, 8, 0, 0, 8, 8, 0, 0);
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *blk = w + i * bytes;
        prefetch_ahead(blk);
        const ck_half *dd = (const ck_half *)blk;
        const uint8_t *qs = five ? ((const ck_block_q5_K *)blk)->qs : ((const ck_block_q4_K *)blk)->qs;
        uint32_t sm[4];
        k4_scales(blk + 4, sm);
        const uint8_t *sc = (const uint8_t *)sm;
        const __m128i mn8 = _mm_loadl_epi64((const __m128i *)(sc + 8));
        const __m256i m2 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mn8, mn8));
        const __m256i hbits = five ? _mm256_loadu_si256((const __m256i *)((const ck_block_q5_K *)blk)->qh)
                                   : _mm256_setzero_si256();
        __m512i isum[TT];
        for (int t = 0; t < T; t++) isum[t] = _mm512_setzero_si512();
        for (int j = 0; j < 4; j++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * j));
            __m256i lo = _mm256_and_si256(q, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            if (five) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j + 1), one), 4));
            }
            const __m512i wz = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
            const __m512i scv = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(sc[2 * j])),
                                                   _mm256_set1_epi16(sc[2 * j + 1]), 1);
            for (int t = 0; t < T; t++) {
                const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
                const __m512i p = _mm512_maddubs_epi16(wz, _mm512_loadu_si512(a->qs + 64 * j));
                isum[t] = _mm512_dpwssd_epi32(isum[t], p, scv);
            }
        }
        const __m512 d = _mm512_set1_ps(h2f(dd[0]));
        const __m256 ndmin = _mm256_set1_ps(-h2f(dd[1]));
        for (int u = 0; u < T / 2; u++) {
            const ck_block_q8_K *a0 = (const ck_block_q8_K *)(x + (2 * u) * xs) + i;
            const ck_block_q8_K *a1 = (const ck_block_q8_K *)(x + (2 * u + 1) * xs) + i;
            // [a0.d x8 | a1.d x8]
            const __m512 da = _mm512_shuffle_f32x4(_mm512_set1_ps(a0->d), _mm512_set1_ps(a1->d), 0x00);
            // both tokens' eight lanes, halves of each added (llama.cpp's eight lanes)
            const __m512i lo2 = _mm512_shuffle_i64x2(isum[2 * u], isum[2 * u + 1], 0x44);
            const __m512i hi2 = _mm512_shuffle_i64x2(isum[2 * u], isum[2 * u + 1], 0xEE);
            facc[u] = _mm512_fmadd_ps(_mm512_mul_ps(da, d), _mm512_cvtepi32_ps(_mm512_add_epi32(lo2, hi2)), facc[u]);
            const __m256i m0 = _mm256_madd_epi16(m2, _mm256_loadu_si256((const __m256i *)a0->bsums));
            const __m256i m1 = _mm256_madd_epi16(m2, _mm256_loadu_si256((const __m256i *)a1->bsums));
            const __m256 dm = _mm256_mul_ps(_mm512_castps512_ps256(_mm512_permutexvar_ps(_mm512_castsi256_si512(dminOrder), da)),
                                            ndmin);
            macc[u] = _mm256_fmadd_ps(dm, _mm256_cvtepi32_ps(_mm256_hadd_epi32(m0, m1)), macc[u]);
        }
    }
    for (int u = 0; u < T / 2; u++) {
        float m[8];
        _mm256_storeu_ps(m, macc[u]);
        y[(2 * u) * ldy] = hsum256(_mm512_castps512_ps256(facc[u])) + ((m[0] + m[4]) + (m[1] + m[5]));
        y[(2 * u + 1) * ldy] = hsum256(_mm512_extractf32x8_ps(facc[u], 1)) + ((m[2] + m[6]) + (m[3] + m[7]));
    }
}

INL void row_q6_K_impl(int64_t nb, const uint8_t *w, const uint8_t *x, size_t xs, float *y, int64_t ldy, const int T,
                       const int pairs) {
    __m256 facc[TT];
    __m512 facc2[TT / 2]; // pairs: lanes 0-7 token 2u, 8-15 token 2u+1
    for (int t = 0; t < T; t++) facc[t] = _mm256_setzero_ps();
    for (int u = 0; u < T / 2; u++) facc2[u] = _mm512_setzero_ps();
    const __m512i low4 = _mm512_set1_epi8(0x0F), three = _mm512_set1_epi8(3);
    // i16 lane l of a 64-element product covers elements 2l, 2l+1: scale group l / 8 of the chunk.
    const __m512i group = _mm512_set_epi16(3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2,
                                           1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    for (int64_t i = 0; i < nb; i++) {
        const ck_block_q6_K *b = (const ck_block_q6_K *)w + i;
        prefetch_ahead((const uint8_t *)b);
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)b->scales));
        const __m512i scz = _mm512_castsi256_si512(sc16);
        // The -32 offset: -32 * scale_g * (sum of group g's activations), through the 16 bsums.
        const __m512i off = _mm512_zextsi256_si512(_mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(sc16, 5)));
        __m512i isum[TT];
        for (int t = 0; t < T; t++) {
            const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
            isum[t] = _mm512_dpwssd_epi32(_mm512_setzero_si512(), off,
                                          _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)a->bsums)));
        }
        for (int h = 0; h < 2; h++) {
            const __m512i L = _mm512_loadu_si512(b->ql + 64 * h);
            const __m256i Hy = _mm256_loadu_si256((const __m256i *)(b->qh + 32 * h));
            const __m512i H2 = _mm512_inserti64x4(_mm512_castsi256_si512(Hy), _mm256_srli_epi16(Hy, 2), 1);
            const __m512i c[2] = {
                _mm512_or_si512(_mm512_and_si512(L, low4), _mm512_slli_epi16(_mm512_and_si512(H2, three), 4)),
                _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(L, 4), low4),
                                _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(H2, 4), three), 4)),
            };
            for (int k = 0; k < 2; k++) {
                const __m512i scv = _mm512_permutexvar_epi16(_mm512_add_epi16(group, _mm512_set1_epi16(8 * h + 4 * k)), scz);
                for (int t = 0; t < T; t++) {
                    const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
                    const __m512i p = _mm512_maddubs_epi16(c[k], _mm512_loadu_si512(a->qs + 128 * h + 64 * k));
                    isum[t] = _mm512_dpwssd_epi32(isum[t], p, scv);
                }
            }
        }
        const float d = h2f(b->d);
        if (pairs) {
            for (int u = 0; u < T / 2; u++) {
                const ck_block_q8_K *a0 = (const ck_block_q8_K *)(x + (2 * u) * xs) + i;
                const ck_block_q8_K *a1 = (const ck_block_q8_K *)(x + (2 * u + 1) * xs) + i;
                const __m512 da = _mm512_shuffle_f32x4(_mm512_set1_ps(a0->d), _mm512_set1_ps(a1->d), 0x00);
                const __m512i lo2 = _mm512_shuffle_i64x2(isum[2 * u], isum[2 * u + 1], 0x44);
                const __m512i hi2 = _mm512_shuffle_i64x2(isum[2 * u], isum[2 * u + 1], 0xEE);
                facc2[u] = _mm512_fmadd_ps(_mm512_mul_ps(da, _mm512_set1_ps(d)), _mm512_cvtepi32_ps(_mm512_add_epi32(lo2, hi2)),
                                           facc2[u]);
            }
        } else {
            for (int t = 0; t < T; t++) {
                const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
                facc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a->d * d), _mm256_cvtepi32_ps(fold8(isum[t])), facc[t]);
            }
        }
    }
    if (pairs) {
        for (int u = 0; u < T / 2; u++) {
            y[(2 * u) * ldy] = hsum256(_mm512_castps512_ps256(facc2[u]));
            y[(2 * u + 1) * ldy] = hsum256(_mm512_extractf32x8_ps(facc2[u], 1));
        }
    } else {
        for (int t = 0; t < T; t++) y[t * ldy] = hsum256(facc[t]);
    }
}

// Odd token counts one token per ymm; even ones two tokens per zmm in the float part (as row_qk45_pairs).
INL void row_q6_K(int64_t nb, const uint8_t *w, const uint8_t *x, size_t xs, float *y, int64_t ldy, const int T) {
    if (T % 2) row_q6_K_impl(nb, w, x, xs, y, ldy, T, 0);
    else row_q6_K_impl(nb, w, x, xs, y, ldy, T, 1);
}

// MARK: 32-element types, two rows x T tokens. decode -> unsigned bytes; OFFSET is subtracted exactly
// (times each lane's activations); HAS_MIN adds m * s (q8_1's rounded scale * sum) as llama.cpp does.

// -OFFSET * (sum of each 4-byte lane's activations): the seed that makes unsigned weights signed
// (OFFSET is 8, 16 or 128, a shift of the block's stored negated lane sums).
INL __m256i lane_offset(const ck_block_q8a *a, const int offset) {
    return _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)a->nlanes), __builtin_ctz(offset));
}
// The same for one block in both halves of a zmm ...
INL __m512i lane_offset_dup(const ck_block_q8a *a, const int offset) {
    return _mm512_slli_epi32(_mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)a->nlanes)), __builtin_ctz(offset));
}
// ... and for two consecutive blocks.
INL __m512i lane_offset_pair(const ck_block_q8a *a, const int offset) {
    const __m512i n = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)a[0].nlanes)),
                                         _mm256_loadu_si256((const __m256i *)a[1].nlanes), 1);
    return _mm512_slli_epi32(n, __builtin_ctz(offset));
}

INL __m256i nibbles(const uint8_t *qs) {
    const __m128i b = _mm_loadu_si128((const __m128i *)qs);
    const __m128i m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(b, 4), m), _mm_and_si128(b, m));
}
INL __m256i fifth_bits(const uint8_t *qh) {
    uint32_t bits;
    memcpy(&bits, qh, 4);
    return _mm256_maskz_mov_epi8((__mmask32)bits, _mm256_set1_epi8(0x10));
}
INL __m256i dec_q8_0(const ck_block_q8_0 *b) {
    return _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)b->qs), _mm256_set1_epi8((char)0x80));
}
INL __m256i dec_q4_0(const ck_block_q4_0 *b) { return nibbles(b->qs); }
INL __m256i dec_q4_1(const ck_block_q4_1 *b) { return nibbles(b->qs); }
INL __m256i dec_q5_0(const ck_block_q5_0 *b) { return _mm256_or_si256(nibbles(b->qs), fifth_bits(b->qh)); }
INL __m256i dec_q5_1(const ck_block_q5_1 *b) { return _mm256_or_si256(nibbles(b->qs), fifth_bits(b->qh)); }

#define DEFINE_GEMM32(type, BLOCK, OFFSET, HAS_MIN) \
    INL void rows_##type(int64_t nb, const uint8_t *w, size_t rb, const uint8_t *x, size_t xs, float *y, \
                         int64_t ldy, const int R, const int T) { \
        __m256 facc[2][TT]; \
        float mins[2][TT]; \
        for (int r = 0; r < R; r++) \
            for (int t = 0; t < T; t++) { facc[r][t] = _mm256_setzero_ps(); mins[r][t] = 0; } \
        for (int64_t i = 0; i < nb; i++) { \
            const BLOCK *b[2]; \
            __m256i q[2]; \
            __m256 dw[2]; \
            for (int r = 0; r < R; r++) { \
                b[r] = (const BLOCK *)(w + r * rb) + i; \
                q[r] = dec_##type(b[r]); \
                dw[r] = _mm256_set1_ps(h2f(b[r]->d)); \
            } \
            for (int t = 0; t < T; t++) { \
                const ck_block_q8a *a = (const ck_block_q8a *)(x + t * xs) + i; \
                const __m256i av = _mm256_loadu_si256((const __m256i *)a->qs); \
                const __m256i seed = (OFFSET) ? lane_offset(a, OFFSET) : _mm256_setzero_si256(); \
                const __m256 da = _mm256_set1_ps(a->d); \
                for (int r = 0; r < R; r++) { \
                    const __m256i p = _mm256_dpbusd_epi32(seed, q[r], av); \
                    facc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(dw[r], da), _mm256_cvtepi32_ps(p), facc[r][t]); \
                    if (HAS_MIN) mins[r][t] = fmaf(h2f(((const ck_half *)b[r])[1]), a->s, mins[r][t]); \
                } \
            } \
        } \
        for (int r = 0; r < R; r++) \
            for (int t = 0; t < T; t++) y[t * ldy + r] = hsum256(facc[r][t]) + mins[r][t]; \
    } \
    INL void matmul_ymm_##type(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, \
                                size_t xs, int64_t batch, float *y, int64_t ldy) { \
        const int64_t nb = ncols / CK_QK; \
        const uint8_t *wb = w, *xb = x; \
        for (int64_t r0 = 0; r0 < nrows; r0 += ROW_BLOCK) { \
            const int64_t r1 = r0 + ROW_BLOCK < nrows ? r0 + ROW_BLOCK : nrows; \
            int64_t t = 0; \
            for (; t + TT <= batch; t += TT) { \
                int64_t r = r0; \
                for (; r + 2 <= r1; r += 2) rows_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 2, TT); \
                for (; r < r1; r++) rows_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 1, TT); \
            } \
            for (; t < batch; t++) { \
                int64_t r = r0; \
                for (; r + 2 <= r1; r += 2) rows_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 2, 1); \
                for (; r < r1; r++) rows_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 1, 1); \
            } \
        } \
    }

DEFINE_GEMM32(q8_0, ck_block_q8_0, 128, 0)
DEFINE_GEMM32(q4_0, ck_block_q4_0, 8, 0)
DEFINE_GEMM32(q4_1, ck_block_q4_1, 0, 1)
DEFINE_GEMM32(q5_0, ck_block_q5_0, 16, 0)
DEFINE_GEMM32(q5_1, ck_block_q5_1, 0, 1)

// MARK: 32-element mat-vec, CK_ROWS32 rows x two blocks per zmm step. Same arithmetic as the mat-mul
// above: unsigned weights, offset seeded exactly. One row at a time streams fastest here (see
// quants_x86.inc); more rows share each activation load.

// Two consecutive blocks' weights as 64 bytes in element order [A 0..31 | B 0..31].
INL __m512i pair_nibbles(const uint8_t *qsA, const uint8_t *qsB) {
    const __m256i q = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)qsB), _mm_loadu_si128((const __m128i *)qsA));
    const __m256i m = _mm256_set1_epi8(0x0F);
    const __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_and_si256(q, m)),
                                         _mm256_and_si256(_mm256_srli_epi16(q, 4), m), 1); // [loA loB hiA hiB]
    return _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));                       // [loA hiA loB hiB]
}
INL __m512i pair_fifth(const uint8_t *qhA, const uint8_t *qhB) {
    uint32_t a, b;
    memcpy(&a, qhA, 4);
    memcpy(&b, qhB, 4);
    return _mm512_maskz_mov_epi8(((__mmask64)b << 32) | a, _mm512_set1_epi8(0x10));
}
INL __m512i pdec_q8_0(const ck_block_q8_0 *b) {
    const __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)b[0].qs)),
                                         _mm256_loadu_si256((const __m256i *)b[1].qs), 1);
    return _mm512_xor_si512(z, _mm512_set1_epi8((char)0x80));
}
INL __m512i pdec_q4_0(const ck_block_q4_0 *b) { return pair_nibbles(b[0].qs, b[1].qs); }
INL __m512i pdec_q4_1(const ck_block_q4_1 *b) { return pair_nibbles(b[0].qs, b[1].qs); }
INL __m512i pdec_q5_0(const ck_block_q5_0 *b) {
    return _mm512_or_si512(pair_nibbles(b[0].qs, b[1].qs), pair_fifth(b[0].qh, b[1].qh));
}
INL __m512i pdec_q5_1(const ck_block_q5_1 *b) {
    return _mm512_or_si512(pair_nibbles(b[0].qs, b[1].qs), pair_fifth(b[0].qh, b[1].qh));
}

// One zmm step covers two blocks; its float part runs block by block on the eight lanes of each, in order.
#define DEFINE_MATVEC32(type, BLOCK, OFFSET, HAS_MIN) \
    INL void mv_##type(int64_t nb, const uint8_t *w, size_t rb, const ck_block_q8a *a, float *y, const int R) { \
        __m256 acc[4]; \
        float mins[4]; \
        for (int r = 0; r < R; r++) { acc[r] = _mm256_setzero_ps(); mins[r] = 0; } \
        int64_t i = 0; \
        for (; i + 2 <= nb; i += 2) { \
            const __m512i av = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)a[i].qs)), \
                                                  _mm256_loadu_si256((const __m256i *)a[i + 1].qs), 1); \
            const __m512i seed = (OFFSET) ? lane_offset_pair(a + i, OFFSET) : _mm512_setzero_si512(); \
            for (int r = 0; r < R; r++) { \
                const BLOCK *b = (const BLOCK *)(w + r * rb) + i; \
                _mm_prefetch((const char *)b + 768, _MM_HINT_T0); \
                const __m512 pf = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(seed, pdec_##type(b), av)); \
                acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(h2f(b[0].d) * a[i].d), _mm512_castps512_ps256(pf), acc[r]); \
                acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(h2f(b[1].d) * a[i + 1].d), _mm512_extractf32x8_ps(pf, 1), acc[r]); \
                if (HAS_MIN) { \
                    mins[r] = fmaf(h2f(((const ck_half *)&b[0])[1]), a[i].s, mins[r]); \
                    mins[r] = fmaf(h2f(((const ck_half *)&b[1])[1]), a[i + 1].s, mins[r]); \
                } \
            } \
        } \
        if (i < nb) { /* odd block count: the last block on its own */ \
            const __m256i av = _mm256_loadu_si256((const __m256i *)a[i].qs); \
            const __m256i seed = (OFFSET) ? lane_offset(a + i, OFFSET) : _mm256_setzero_si256(); \
            for (int r = 0; r < R; r++) { \
                const BLOCK *b = (const BLOCK *)(w + r * rb) + i; \
                const __m256i p = _mm256_dpbusd_epi32(seed, dec_##type(b), av); \
                acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(h2f(b->d) * a[i].d), _mm256_cvtepi32_ps(p), acc[r]); \
                if (HAS_MIN) mins[r] = fmaf(h2f(((const ck_half *)b)[1]), a[i].s, mins[r]); \
            } \
        } \
        for (int r = 0; r < R; r++) y[r] = hsum256(acc[r]) + mins[r]; \
    } \
    void ck_matvec_##type##_avx512(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, float *y) { \
        const int64_t nb = ncols / CK_QK; \
        const uint8_t *wb = w; \
        int64_t r = 0; \
        for (; r + CK_ROWS32 <= nrows; r += CK_ROWS32) mv_##type(nb, wb + r * rb, rb, x, y + r, CK_ROWS32); \
        for (; r < nrows; r++) mv_##type(nb, wb + r * rb, rb, x, y + r, 1); \
    }

DEFINE_MATVEC32(q8_0, ck_block_q8_0, 128, 0)
DEFINE_MATVEC32(q4_0, ck_block_q4_0, 8, 0)
DEFINE_MATVEC32(q4_1, ck_block_q4_1, 0, 1)
DEFINE_MATVEC32(q5_0, ck_block_q5_0, 16, 0)
DEFINE_MATVEC32(q5_1, ck_block_q5_1, 0, 1)

// MARK: 32-element mat-mul, four rows x four tokens per step: a zmm holds one block of two rows (one
// row per half, eight lanes each), against the token's block in both halves, so every block still
// takes one fused multiply-add into its own row's eight lanes (llama.cpp's order) while each zmm
// operation does two rows' work. Weights are decoded once for four tokens, activations once for four rows.

#define DEFINE_GEMM32Z(type, BLOCK, OFFSET, HAS_MIN) \
    INL void mm_##type(int64_t nb, const uint8_t *w, size_t rb, const uint8_t *x, size_t xs, float *y, int64_t ldy, \
                       const int T) { \
        __m512 acc[2][TT]; \
        float mins[4][TT]; \
        for (int p = 0; p < 2; p++) \
            for (int t = 0; t < T; t++) acc[p][t] = _mm512_setzero_ps(); \
        for (int r = 0; r < 4; r++) \
            for (int t = 0; t < T; t++) mins[r][t] = 0; \
        for (int64_t i = 0; i < nb; i++) { \
            __m512i wq[2]; \
            __m512 dw[2]; \
            float mw[4]; \
            for (int p = 0; p < 2; p++) { \
                const BLOCK *b0 = (const BLOCK *)(w + (2 * p) * rb) + i, *b1 = (const BLOCK *)(w + (2 * p + 1) * rb) + i; \
                wq[p] = _mm512_inserti64x4(_mm512_castsi256_si512(dec_##type(b0)), dec_##type(b1), 1); \
                dw[p] = _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_set1_ps(h2f(b0->d))), _mm256_set1_ps(h2f(b1->d)), 1); \
                if (HAS_MIN) { mw[2 * p] = h2f(((const ck_half *)b0)[1]); mw[2 * p + 1] = h2f(((const ck_half *)b1)[1]); } \
            } \
            for (int t = 0; t < T; t++) { \
                const ck_block_q8a *a = (const ck_block_q8a *)(x + t * xs) + i; \
                const __m512i av = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)a->qs)); \
                const __m512i seed = (OFFSET) ? lane_offset_dup(a, OFFSET) : _mm512_setzero_si512(); \
                const __m512 da = _mm512_set1_ps(a->d); \
                for (int p = 0; p < 2; p++) { \
                    const __m512 pf = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(seed, wq[p], av)); \
                    acc[p][t] = _mm512_fmadd_ps(_mm512_mul_ps(dw[p], da), pf, acc[p][t]); \
                } \
                if (HAS_MIN) \
                    for (int r = 0; r < 4; r++) mins[r][t] = fmaf(mw[r], a->s, mins[r][t]); \
            } \
        } \
        for (int p = 0; p < 2; p++) \
            for (int t = 0; t < T; t++) { \
                y[t * ldy + 2 * p] = hsum256(_mm512_castps512_ps256(acc[p][t])) + mins[2 * p][t]; \
                y[t * ldy + 2 * p + 1] = hsum256(_mm512_extractf32x8_ps(acc[p][t], 1)) + mins[2 * p + 1][t]; \
            } \
    } \
    void ck_matmul_##type##_avx512(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, \
                                   size_t xs, int64_t batch, float *y, int64_t ldy) { \
        const int64_t nb = ncols / CK_QK; \
        const uint8_t *wb = w, *xb = x; \
        if (batch < 4) { matmul_ymm_##type(ncols, w, rb, nrows, x, xs, batch, y, ldy); return; } \
        for (int64_t r0 = 0; r0 < nrows; r0 += ROW_BLOCK) { \
            const int64_t r1 = r0 + ROW_BLOCK < nrows ? r0 + ROW_BLOCK : nrows; \
            int64_t t = 0; \
            for (; t + TT <= batch; t += TT) { \
                int64_t r = r0; \
                for (; r + 4 <= r1; r += 4) mm_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, TT); \
                if (r < r1) matmul_ymm_##type(ncols, wb + r * rb, rb, r1 - r, xb + t * xs, xs, TT, y + t * ldy + r, ldy); \
            } \
            for (; t + 4 <= batch; t += 4) { \
                int64_t r = r0; \
                for (; r + 4 <= r1; r += 4) mm_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 4); \
                if (r < r1) matmul_ymm_##type(ncols, wb + r * rb, rb, r1 - r, xb + t * xs, xs, 4, y + t * ldy + r, ldy); \
            } \
            if (t < batch) matmul_ymm_##type(ncols, wb + r0 * rb, rb, r1 - r0, xb + t * xs, xs, batch - t, \
                                             y + t * ldy + r0, ldy); \
        } \
    }

DEFINE_GEMM32Z(q8_0, ck_block_q8_0, 128, 0)
DEFINE_GEMM32Z(q4_0, ck_block_q4_0, 8, 0)
DEFINE_GEMM32Z(q4_1, ck_block_q4_1, 0, 1)
DEFINE_GEMM32Z(q5_0, ck_block_q5_0, 16, 0)
DEFINE_GEMM32Z(q5_1, ck_block_q5_1, 0, 1)

#define DEFINE_GEMM_K(type, ROW) \
    void ck_matmul_##type##_avx512(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, \
                                   size_t xs, int64_t batch, float *y, int64_t ldy) { \
        const int64_t nb = ncols / CK_QK_K; \
        const uint8_t *wb = w, *xb = x; \
        for (int64_t r0 = 0; r0 < nrows; r0 += ROW_BLOCK) { \
            const int64_t r1 = r0 + ROW_BLOCK < nrows ? r0 + ROW_BLOCK : nrows; \
            int64_t t = 0; \
            for (; t + TT <= batch; t += TT) \
                for (int64_t r = r0; r < r1; r++) ROW(nb, wb + r * rb, xb + t * xs, xs, y + t * ldy + r, ldy, TT); \
            for (; t < batch; t++) \
                for (int64_t r = r0; r < r1; r++) ROW(nb, wb + r * rb, xb + t * xs, xs, y + t * ldy + r, ldy, 1); \
        } \
    }
#define ROW_Q4K(nb, w, x, xs, y, ldy, T) ((T) % 2 ? row_qk45(nb, w, x, xs, y, ldy, T, 0) : row_qk45_pairs(nb, w, x, xs, y, ldy, T, 0))
#define ROW_Q5K(nb, w, x, xs, y, ldy, T) ((T) % 2 ? row_qk45(nb, w, x, xs, y, ldy, T, 1) : row_qk45_pairs(nb, w, x, xs, y, ldy, T, 1))
DEFINE_GEMM_K(q4_K, ROW_Q4K)
DEFINE_GEMM_K(q5_K, ROW_Q5K)
DEFINE_GEMM_K(q6_K, row_q6_K)

// K-quant mat-vec on this path is the mat-mul with one token: 64-element zmm steps and vpdpwssd beat
// the 4-row ymm kernel of quants_x86.inc (which quants_avx512.c leaves out for these types).
#define DEFINE_MATVEC_K(type) \
    void ck_matvec_##type##_avx512(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, float *y) { \
        ck_matmul_##type##_avx512(ncols, w, rb, nrows, x, 0, 1, y, 0); \
    }
DEFINE_MATVEC_K(q4_K)
DEFINE_MATVEC_K(q5_K)
DEFINE_MATVEC_K(q6_K)

#pragma clang attribute pop
#else
#define CK_FORWARD(type) \
    void ck_matmul_##type##_avx512(int64_t n, const void *w, size_t rb, int64_t nr, const void *x, size_t xs, \
                                   int64_t batch, float *y, int64_t ldy) { \
        ck_matmul_tiled(ck_matvec_##type##_scalar, n, w, rb, nr, x, xs, batch, y, ldy); \
    }
CK_FORWARD(q8_0) CK_FORWARD(q4_0) CK_FORWARD(q4_1) CK_FORWARD(q5_0) CK_FORWARD(q5_1)
CK_FORWARD(q4_K) CK_FORWARD(q5_K) CK_FORWARD(q6_K)
#endif
