// AVX-512 dequantization, bit-identical to the reference (and so to gguf-py): the same f32 products and
// sums in the same order, never fused (the engine dequantizes whole matrices for OpenBLAS and rows of
// the embedding table).
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq"))), apply_to = function)
#include <immintrin.h>
#include <string.h>

#define INL static inline __attribute__((always_inline))

// 16 signed byte values (already offset) -> 16 floats.
INL __m512 bytes_to_ps(__m128i b) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(b)); }

INL __m256i nib32(const uint8_t *qs) { // [low nibbles of 16 bytes | high nibbles]
    const __m128i b = _mm_loadu_si128((const __m128i *)qs), m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(b, 4), m), _mm_and_si128(b, m));
}
INL __m256i fifth32(const uint8_t *qh) {
    uint32_t bits;
    memcpy(&bits, qh, 4);
    return _mm256_maskz_mov_epi8((__mmask32)bits, _mm256_set1_epi8(0x10));
}
// dst[0..<32] = d * q (q signed bytes)
INL void store_scaled(float *dst, __m256i q, __m512 d) {
    _mm512_storeu_ps(dst, _mm512_mul_ps(d, bytes_to_ps(_mm256_castsi256_si128(q))));
    _mm512_storeu_ps(dst + 16, _mm512_mul_ps(d, bytes_to_ps(_mm256_extracti128_si256(q, 1))));
}
// dst[0..<32] = d * q + m
INL void store_scaled_plus(float *dst, __m256i q, __m512 d, __m512 m) {
    _mm512_storeu_ps(dst, _mm512_add_ps(_mm512_mul_ps(d, bytes_to_ps(_mm256_castsi256_si128(q))), m));
    _mm512_storeu_ps(dst + 16, _mm512_add_ps(_mm512_mul_ps(d, bytes_to_ps(_mm256_extracti128_si256(q, 1))), m));
}
// dst[0..<32] = d * q - m
INL void store_scaled_minus(float *dst, __m256i q, __m512 d, __m512 m) {
    _mm512_storeu_ps(dst, _mm512_sub_ps(_mm512_mul_ps(d, bytes_to_ps(_mm256_castsi256_si128(q))), m));
    _mm512_storeu_ps(dst + 16, _mm512_sub_ps(_mm512_mul_ps(d, bytes_to_ps(_mm256_extracti128_si256(q, 1))), m));
}

void ck_dequant_f16_avx512(const void *src, float *dst, int64_t n) {
    const ck_half *h = src;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(h + i))));
    for (; i < n; i++) dst[i] = _cvtsh_ss(h[i]);
}

void ck_dequant_bf16_avx512(const void *src, float *dst, int64_t n) {
    const ck_bf16 *h = src;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i v = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(h + i)));
        _mm512_storeu_ps(dst + i, _mm512_castsi512_ps(_mm512_slli_epi32(v, 16)));
    }
    for (; i < n; i++) {
        const uint32_t bits = (uint32_t)h[i] << 16;
        memcpy(dst + i, &bits, 4);
    }
}

void ck_dequant_q8_0_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q8_0 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK)
        store_scaled(dst, _mm256_loadu_si256((const __m256i *)b[i].qs), _mm512_set1_ps(_cvtsh_ss(b[i].d)));
}

void ck_dequant_q4_0_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q4_0 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK)
        store_scaled(dst, _mm256_sub_epi8(nib32(b[i].qs), _mm256_set1_epi8(8)), _mm512_set1_ps(_cvtsh_ss(b[i].d)));
}

void ck_dequant_q4_1_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q4_1 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK)
        store_scaled_plus(dst, nib32(b[i].qs), _mm512_set1_ps(_cvtsh_ss(b[i].d)), _mm512_set1_ps(_cvtsh_ss(b[i].m)));
}

void ck_dequant_q5_0_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q5_0 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const __m256i q = _mm256_sub_epi8(_mm256_or_si256(nib32(b[i].qs), fifth32(b[i].qh)), _mm256_set1_epi8(16));
        store_scaled(dst, q, _mm512_set1_ps(_cvtsh_ss(b[i].d)));
    }
}

void ck_dequant_q5_1_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q5_1 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const __m256i q = _mm256_or_si256(nib32(b[i].qs), fifth32(b[i].qh));
        store_scaled_plus(dst, q, _mm512_set1_ps(_cvtsh_ss(b[i].d)), _mm512_set1_ps(_cvtsh_ss(b[i].m)));
    }
}

INL void k4_scales(const uint8_t *packed, uint8_t sc[8], uint8_t mn[8]) {
    uint32_t u[3], o[4];
    memcpy(u, packed, 12);
    o[0] = u[0] & 0x3f3f3f3f;
    o[1] = (u[2] & 0x0f0f0f0f) | (((u[0] >> 6) & 0x03030303) << 4);
    o[2] = u[1] & 0x3f3f3f3f;
    o[3] = ((u[2] >> 4) & 0x0f0f0f0f) | (((u[1] >> 6) & 0x03030303) << 4);
    memcpy(sc, o, 8);
    memcpy(mn, o + 2, 8);
}

INL void dequant_qk45(const uint8_t *blk, const uint8_t *qs, const uint8_t *qh, float *dst) {
    const float d = _cvtsh_ss(((const ck_half *)blk)[0]), dmin = _cvtsh_ss(((const ck_half *)blk)[1]);
    uint8_t sc[8], mn[8];
    k4_scales(blk + 4, sc, mn);
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    const __m256i hbits = qh ? _mm256_loadu_si256((const __m256i *)qh) : _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * j));
        __m256i lo = _mm256_and_si256(q, low4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
        if (qh) {
            lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j), one), 4));
            hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j + 1), one), 4));
        }
        store_scaled_minus(dst + 64 * j, lo, _mm512_set1_ps(d * (float)sc[2 * j]), _mm512_set1_ps(dmin * (float)mn[2 * j]));
        store_scaled_minus(dst + 64 * j + 32, hi, _mm512_set1_ps(d * (float)sc[2 * j + 1]),
                           _mm512_set1_ps(dmin * (float)mn[2 * j + 1]));
    }
}

void ck_dequant_q4_K_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q4_K *b = src;
    for (int64_t i = 0; i < n / CK_QK_K; i++) dequant_qk45((const uint8_t *)&b[i], b[i].qs, NULL, dst + CK_QK_K * i);
}

void ck_dequant_q5_K_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q5_K *b = src;
    for (int64_t i = 0; i < n / CK_QK_K; i++) dequant_qk45((const uint8_t *)&b[i], b[i].qs, b[i].qh, dst + CK_QK_K * i);
}

void ck_dequant_q6_K_avx512(const void *src, float *dst, int64_t n) {
    const ck_block_q6_K *b = src;
    const __m256i low4 = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3), off = _mm256_set1_epi8(32);
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        const float d = _cvtsh_ss(b[i].d);
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(b[i].ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(b[i].ql + 64 * h + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)(b[i].qh + 32 * h));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_slli_epi16(_mm256_and_si256(hb, three), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), three), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), three), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), three), 4));
            for (int k = 0; k < 4; k++) {
                const __m256i qs = _mm256_sub_epi8(q[k], off);
                float *out = dst + CK_QK_K * i + 128 * h + 32 * k;
                const int g = 8 * h + 2 * k; // scale of each 16 elements
                _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_set1_ps(d * (float)b[i].scales[g]),
                                                    bytes_to_ps(_mm256_castsi256_si128(qs))));
                _mm512_storeu_ps(out + 16, _mm512_mul_ps(_mm512_set1_ps(d * (float)b[i].scales[g + 1]),
                                                         bytes_to_ps(_mm256_extracti128_si256(qs, 1))));
            }
        }
    }
}

#pragma clang attribute pop
#else
#define CK_FORWARD(type) \
    void ck_dequant_##type##_avx512(const void *src, float *dst, int64_t n) { ck_dequant_##type(src, dst, n); }
CK_FORWARD(f16) CK_FORWARD(bf16) CK_FORWARD(q8_0) CK_FORWARD(q4_0) CK_FORWARD(q4_1) CK_FORWARD(q5_0)
CK_FORWARD(q5_1) CK_FORWARD(q4_K) CK_FORWARD(q5_K) CK_FORWARD(q6_K)
#endif
