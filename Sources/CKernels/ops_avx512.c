// AVX-512 build of ops.inc: the same operations, vectorized by the compiler for this target; called
// only when ck_cpu_supports(CK_PATH_AVX512).
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq"))), apply_to = function)
#include <immintrin.h>
#define CK_OPS_SFX(name) name##_avx512
#define CK_OPS_H2F(h) _cvtsh_ss(h)
#define CK_OPS_AVX512 1
#include "ops.inc"
#pragma clang attribute pop
#else
void ck_swiglu_avx512(int64_t n, float *gate, const float *up) { ck_swiglu_scalar(n, gate, up); }
void ck_attention_avx512(int kv_f16, const float *q, int64_t q_stride, int64_t nq, int64_t start_pos, const void *k,
                         const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch, float *out,
                         int64_t out_stride) {
    ck_attention_scalar(kv_f16, q, q_stride, nq, start_pos, k, v, kv_stride, head_dim, scale, scratch, out, out_stride);
}
void ck_attention_group_avx512(int kv_f16, const float *q, int64_t heads, int64_t start_pos, const void *k,
                               const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch,
                               float *out) {
    ck_attention_group_scalar(kv_f16, q, heads, start_pos, k, v, kv_stride, head_dim, scale, scratch, out);
}
#endif
