// AVX2 + FMA + F16C build of ops.inc: the same operations in the same order (so the same bits), with
// fmaf and f16 conversion in hardware; the portable build calls libm's software fmaf, which made
// attention and SwiGLU the slowest part of a prompt on CPUs without AVX-512.
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#include <immintrin.h>
#define CK_OPS_SFX(name) name##_avx2
#define CK_OPS_H2F(h) _cvtsh_ss(h)
#define CK_OPS_AVX2 1
#include "ops.inc"
#pragma clang attribute pop
#else
void ck_swiglu_avx2(int64_t n, float *gate, const float *up) { ck_swiglu_scalar(n, gate, up); }
void ck_attention_avx2(int kv_f16, const float *q, int64_t q_stride, int64_t nq, int64_t start_pos, const void *k,
                       const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch, float *out,
                       int64_t out_stride) {
    ck_attention_scalar(kv_f16, q, q_stride, nq, start_pos, k, v, kv_stride, head_dim, scale, scratch, out, out_stride);
}
void ck_attention_group_avx2(int kv_f16, const float *q, int64_t heads, int64_t start_pos, const void *k, const void *v,
                             int64_t kv_stride, int64_t head_dim, float scale, float *scratch, float *out) {
    ck_attention_group_scalar(kv_f16, q, heads, start_pos, k, v, kv_stride, head_dim, scale, scratch, out);
}
#endif
