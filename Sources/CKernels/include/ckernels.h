#ifndef CKERNELS_H
#define CKERNELS_H
// Hot kernels for the engine: dequantization, activation quantization, and quantized mat-vec/mat-mul
// inner loops. Only loops live here; the per-type traits table and the API are Swift (LlamaEngine/Quant).
//
// Naming: ck_<op>_<type>[_<path>], path = scalar (portable reference), avx2 (AVX2+FMA+F16C),
// avx512 (AVX-512 BW/VL + VNNI). SIMD kernels exist only on x86-64 and must be called only when
// ck_cpu_supports() says so. All kernels are thread-safe for disjoint outputs and allocate nothing.
#include <stddef.h>
#include <stdint.h>
#include "ck_blocks.h"

// MARK: function shapes shared by every type

// dst[0..<n] = dequantized src; n is a multiple of the type's block size.
typedef void (*ck_dequant_fn)(const void *src, float *dst, int64_t n);
// Quantizes one activation row of n floats into the type's activation layout.
typedef void (*ck_quant_act_fn)(const float *x, void *dst, int64_t n);
// y[r] = dot(row r of w, x) for r in 0..<nrows; rows are row_bytes apart; x is one activation row.
typedef void (*ck_matvec_fn)(int64_t ncols, const void *w, size_t row_bytes, int64_t nrows,
                             const void *x, float *y);
// y[t*ldy + r] = dot(row r of w, activation row t) for t in 0..<batch; activation rows x_stride bytes apart.
typedef void (*ck_matmul_fn)(int64_t ncols, const void *w, size_t row_bytes, int64_t nrows,
                             const void *x, size_t x_stride, int64_t batch, float *y, int64_t ldy);

// MARK: cpu features

enum { CK_PATH_SCALAR = 0, CK_PATH_AVX2 = 1, CK_PATH_AVX512 = 2 };
// 1 when this CPU (and OS) can run the path's kernels.
int ck_cpu_supports(int path);

// MARK: conversions

float ck_fp16_to_fp32(ck_half h);
ck_half ck_fp32_to_fp16(float f); // round to nearest even

// MARK: activation quantization

void ck_quantize_f32(const float *x, void *dst, int64_t n);  // plain copy
void ck_quantize_q8a(const float *x, void *dst, int64_t n);  // n % 32 == 0
void ck_quantize_q8_K(const float *x, void *dst, int64_t n); // n % 256 == 0
// The same, with AVX-512; bit-identical output.
void ck_quantize_q8a_avx512(const float *x, void *dst, int64_t n);
void ck_quantize_q8_K_avx512(const float *x, void *dst, int64_t n);

// MARK: dequantization (reference, bit-exact with gguf-py)

void ck_dequant_f32(const void *src, float *dst, int64_t n);
void ck_dequant_f16(const void *src, float *dst, int64_t n);
void ck_dequant_bf16(const void *src, float *dst, int64_t n);
void ck_dequant_q8_0(const void *src, float *dst, int64_t n);
void ck_dequant_q4_0(const void *src, float *dst, int64_t n);
void ck_dequant_q4_1(const void *src, float *dst, int64_t n);
void ck_dequant_q5_0(const void *src, float *dst, int64_t n);
void ck_dequant_q5_1(const void *src, float *dst, int64_t n);
void ck_dequant_q4_K(const void *src, float *dst, int64_t n);
void ck_dequant_q5_K(const void *src, float *dst, int64_t n);
void ck_dequant_q6_K(const void *src, float *dst, int64_t n);
// The same with AVX-512, bit-identical.
void ck_dequant_f16_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_bf16_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q8_0_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q4_0_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q4_1_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q5_0_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q5_1_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q4_K_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q5_K_avx512(const void *src, float *dst, int64_t n);
void ck_dequant_q6_K_avx512(const void *src, float *dst, int64_t n);

// MARK: mat-vec kernels, one per type and path

#define CK_DECLARE_MATVEC(type) \
    void ck_matvec_##type##_scalar(int64_t, const void *, size_t, int64_t, const void *, float *); \
    void ck_matvec_##type##_avx2(int64_t, const void *, size_t, int64_t, const void *, float *); \
    void ck_matvec_##type##_avx512(int64_t, const void *, size_t, int64_t, const void *, float *);
CK_DECLARE_MATVEC(f32)
CK_DECLARE_MATVEC(f16)
CK_DECLARE_MATVEC(bf16)
CK_DECLARE_MATVEC(q8_0)
CK_DECLARE_MATVEC(q4_0)
CK_DECLARE_MATVEC(q4_1)
CK_DECLARE_MATVEC(q5_0)
CK_DECLARE_MATVEC(q5_1)
CK_DECLARE_MATVEC(q4_K)
CK_DECLARE_MATVEC(q5_K)
CK_DECLARE_MATVEC(q6_K)
#undef CK_DECLARE_MATVEC

// MARK: mat-mul

// Batched product built on a mat-vec kernel: tiles of rows stay in cache while every token passes.
void ck_matmul_tiled(ck_matvec_fn matvec, int64_t ncols, const void *w, size_t row_bytes, int64_t nrows,
                     const void *x, size_t x_stride, int64_t batch, float *y, int64_t ldy);

// Dedicated mat-mul kernels: AVX2 (each weight block decoded once for four tokens) and AVX-512 VNNI
// (once for eight).
#define CK_DECLARE_MATMUL(type) \
    void ck_matmul_##type##_avx2(int64_t, const void *, size_t, int64_t, const void *, size_t, int64_t, float *, \
                                 int64_t); \
    void ck_matmul_##type##_avx512(int64_t, const void *, size_t, int64_t, const void *, size_t, int64_t, float *, \
                                   int64_t);
CK_DECLARE_MATMUL(q8_0)
CK_DECLARE_MATMUL(q4_0)
CK_DECLARE_MATMUL(q4_1)
CK_DECLARE_MATMUL(q5_0)
CK_DECLARE_MATMUL(q5_1)
CK_DECLARE_MATMUL(q4_K)
CK_DECLARE_MATMUL(q5_K)
CK_DECLARE_MATMUL(q6_K)
#undef CK_DECLARE_MATMUL

// MARK: attention and activations (llama.cpp's f32 order; every path gives the same bits)

// gate[i] = silu(gate[i]) * up[i], silu through ggml_v_expf.
void ck_swiglu_scalar(int64_t n, float *gate, const float *up);
void ck_swiglu_avx2(int64_t n, float *gate, const float *up);
void ck_swiglu_avx512(int64_t n, float *gate, const float *up);
// Causal attention of one head for nq query rows at positions start_pos..<start_pos+nq (row b at
// q + b*q_stride, output at out + b*out_stride): softmax(scale * q·k) · v over positions 0...start_pos+b.
// k and v point at position 0 of this head's keys/values (f32, or f16 when kv_f16), positions kv_stride
// elements apart. scratch holds ck_attention_scratch(start_pos + nq, head_dim) floats.
typedef void (*ck_attention_fn)(int kv_f16, const float *q, int64_t q_stride, int64_t nq, int64_t start_pos,
                                const void *k, const void *v, int64_t kv_stride, int64_t head_dim, float scale,
                                float *scratch, float *out, int64_t out_stride);
void ck_attention_scalar(int kv_f16, const float *q, int64_t q_stride, int64_t nq, int64_t start_pos, const void *k,
                         const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch, float *out,
                         int64_t out_stride);
void ck_attention_avx2(int kv_f16, const float *q, int64_t q_stride, int64_t nq, int64_t start_pos, const void *k,
                       const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch, float *out,
                       int64_t out_stride);
void ck_attention_avx512(int kv_f16, const float *q, int64_t q_stride, int64_t nq, int64_t start_pos, const void *k,
                         const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch, float *out,
                         int64_t out_stride);
static inline int64_t ck_attention_scratch(int64_t positions, int64_t head_dim) {
    return ((positions + 63) & ~(int64_t)63) + 64 * head_dim;
}
// One query row of `heads` heads that share these keys and values (grouped-query attention): head g's
// query at q + g*head_dim, its output at out + g*head_dim, each equal to ck_attention's with nq = 1 bit for
// bit. The AVX2 build lets the heads take turns over blocks of the cache, so each block is read from
// memory once for the group, not once per head (the others run the heads one after another). scratch holds heads * ck_attention_scratch(start_pos + 1,
// head_dim) floats.
typedef void (*ck_attention_group_fn)(int kv_f16, const float *q, int64_t heads, int64_t start_pos, const void *k,
                                      const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch,
                                      float *out);
void ck_attention_group_scalar(int kv_f16, const float *q, int64_t heads, int64_t start_pos, const void *k,
                               const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch,
                               float *out);
void ck_attention_group_avx2(int kv_f16, const float *q, int64_t heads, int64_t start_pos, const void *k,
                             const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch,
                             float *out);
void ck_attention_group_avx512(int kv_f16, const float *q, int64_t heads, int64_t start_pos, const void *k,
                               const void *v, int64_t kv_stride, int64_t head_dim, float scale, float *scratch,
                               float *out);

#endif
