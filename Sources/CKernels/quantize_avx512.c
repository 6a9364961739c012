// AVX-512 activation quantization, bit-identical to ck_quantize_q8a / ck_quantize_q8_K (same f32
// operations, round to nearest even, same choice of the signed maximum): activations quantized on any
// path feed every path's kernels.
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq"))), apply_to = function)
#include <immintrin.h>
#include <string.h>

void ck_quantize_q8a_avx512(const float *x, void *dst, int64_t n) {
    ck_block_q8a *y = dst;
    const __m512 sign = _mm512_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / CK_QK; i++, x += CK_QK) {
        const __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
        const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_andnot_ps(sign, v0), _mm512_andnot_ps(sign, v1)));
        const float d = amax / 127.f;
        const float id = amax != 0 ? 127.f / amax : 0.f;
        const __m512 idv = _mm512_set1_ps(id);
        const __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, idv)); // MXCSR default: nearest even
        const __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, idv));
        _mm_storeu_si128((__m128i *)y[i].qs, _mm512_cvtepi32_epi8(q0));
        _mm_storeu_si128((__m128i *)(y[i].qs + 16), _mm512_cvtepi32_epi8(q1));
        y[i].sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
        y[i].d = _cvtsh_ss(_cvtss_sh(d, 0));
        y[i].s = _cvtsh_ss(_cvtss_sh(d * (float)y[i].sum, 0));
        for (int l = 0; l < 8; l++) {
            y[i].nlanes[l] = -(y[i].qs[4 * l] + y[i].qs[4 * l + 1] + y[i].qs[4 * l + 2] + y[i].qs[4 * l + 3]);
        }
    }
}

void ck_quantize_q8_K_avx512(const float *x, void *dst, int64_t n) {
    ck_block_q8_K *y = dst;
    const __m512 sign = _mm512_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / CK_QK_K; i++, x += CK_QK_K) {
        __m512 m = _mm512_setzero_ps();
        for (int k = 0; k < 16; k++) m = _mm512_max_ps(m, _mm512_andnot_ps(sign, _mm512_loadu_ps(x + 16 * k)));
        const float amax = _mm512_reduce_max_ps(m);
        if (amax == 0) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        // The reference keeps the first element of largest magnitude (its sign decides the scale's).
        float max = 0;
        for (int k = 0; k < 16; k++) {
            const __mmask16 hit = _mm512_cmp_ps_mask(_mm512_andnot_ps(sign, _mm512_loadu_ps(x + 16 * k)),
                                                     _mm512_set1_ps(amax), _CMP_EQ_OQ);
            if (hit) {
                max = x[16 * k + __builtin_ctz(hit)];
                break;
            }
        }
        const float iscale = -127.f / max;
        const __m512 is = _mm512_set1_ps(iscale);
        const __m512i top = _mm512_set1_epi32(127);
        for (int k = 0; k < 16; k++) {
            const __m512i q = _mm512_min_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x + 16 * k), is)), top);
            _mm_storeu_si128((__m128i *)(y[i].qs + 16 * k), _mm512_cvtepi32_epi8(q));
            y[i].bsums[k] = (int16_t)_mm512_reduce_add_epi32(q);
        }
        y[i].d = 1 / iscale;
    }
}

#pragma clang attribute pop
#else
void ck_quantize_q8a_avx512(const float *x, void *dst, int64_t n) { ck_quantize_q8a(x, dst, n); }
void ck_quantize_q8_K_avx512(const float *x, void *dst, int64_t n) { ck_quantize_q8_K(x, dst, n); }
#endif
