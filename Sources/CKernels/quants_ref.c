// Scalar reference kernels: dequantization (bit-exact with gguf-py), activation quantization (as
// llama.cpp's x86 build rounds), and integer dot products. Portable C, no SIMD; the SIMD kernels are
// checked against these.
#include <math.h>
#include <string.h>
#include "ckernels.h"

// gguf-py computes d*q (+ m, - dm) as separate f32 operations; a fused multiply-add would round once
// and break bit-exactness.
#pragma STDC FP_CONTRACT OFF

#define H2F(h) ck_fp16_to_fp32(h)

// Round to nearest, ties to even (the magic-number trick; |f| must stay below 2^22).
static inline int nearest_int(float f) {
    float v = f + 12582912.f;
    int32_t i;
    memcpy(&i, &v, 4);
    return (i & 0x007fffff) - 0x00400000;
}

// 6-bit scale and min of sub-block j from the 12 packed bytes of q4_K/q5_K.
static inline void scale_min_k4(int j, const uint8_t *q, int *sc, int *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// MARK: activation quantization

void ck_quantize_f32(const float *x, void *dst, int64_t n) { memcpy(dst, x, (size_t)n * sizeof(float)); }

void ck_quantize_q8a(const float *x, void *dst, int64_t n) {
    ck_block_q8a *y = dst;
    for (int64_t i = 0; i < n / CK_QK; i++, x += CK_QK) {
        float amax = 0;
        for (int j = 0; j < CK_QK; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127.f;
        const float id = amax != 0 ? 127.f / amax : 0.f;
        int sum = 0;
        for (int j = 0; j < CK_QK; j++) {
            const int q = nearest_int(x[j] * id);
            y[i].qs[j] = (int8_t)q;
            sum += q;
        }
        y[i].d = H2F(ck_fp32_to_fp16(d));
        y[i].s = H2F(ck_fp32_to_fp16(d * (float)sum));
        y[i].sum = sum;
        for (int l = 0; l < 8; l++) {
            y[i].nlanes[l] = -(y[i].qs[4 * l] + y[i].qs[4 * l + 1] + y[i].qs[4 * l + 2] + y[i].qs[4 * l + 3]);
        }
    }
}

void ck_quantize_q8_K(const float *x, void *dst, int64_t n) {
    ck_block_q8_K *y = dst;
    for (int64_t i = 0; i < n / CK_QK_K; i++, x += CK_QK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < CK_QK_K; j++) {
            const float ax = fabsf(x[j]);
            if (ax > amax) { amax = ax; max = x[j]; }
        }
        if (amax == 0) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        const float iscale = -127.f / max;
        for (int j = 0; j < CK_QK_K; j++) {
            const int v = nearest_int(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < CK_QK_K / 16; j++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) sum += y[i].qs[16 * j + l];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}

// MARK: dequantization

void ck_dequant_f32(const void *src, float *dst, int64_t n) { memcpy(dst, src, (size_t)n * sizeof(float)); }

void ck_dequant_f16(const void *src, float *dst, int64_t n) {
    const ck_half *h = src;
    for (int64_t i = 0; i < n; i++) dst[i] = H2F(h[i]);
}

void ck_dequant_bf16(const void *src, float *dst, int64_t n) {
    const ck_bf16 *h = src;
    for (int64_t i = 0; i < n; i++) {
        const uint32_t bits = (uint32_t)h[i] << 16;
        memcpy(&dst[i], &bits, 4);
    }
}

void ck_dequant_q8_0(const void *src, float *dst, int64_t n) {
    const ck_block_q8_0 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const float d = H2F(b[i].d);
        for (int j = 0; j < CK_QK; j++) dst[j] = (float)b[i].qs[j] * d;
    }
}

void ck_dequant_q4_0(const void *src, float *dst, int64_t n) {
    const ck_block_q4_0 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const float d = H2F(b[i].d);
        for (int j = 0; j < CK_QK / 2; j++) {
            dst[j] = d * (float)((b[i].qs[j] & 0xF) - 8);
            dst[j + 16] = d * (float)((b[i].qs[j] >> 4) - 8);
        }
    }
}

void ck_dequant_q4_1(const void *src, float *dst, int64_t n) {
    const ck_block_q4_1 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const float d = H2F(b[i].d), m = H2F(b[i].m);
        for (int j = 0; j < CK_QK / 2; j++) {
            dst[j] = d * (float)(b[i].qs[j] & 0xF) + m;
            dst[j + 16] = d * (float)(b[i].qs[j] >> 4) + m;
        }
    }
}

static inline uint32_t load_u32le(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

void ck_dequant_q5_0(const void *src, float *dst, int64_t n) {
    const ck_block_q5_0 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const float d = H2F(b[i].d);
        const uint32_t qh = load_u32le(b[i].qh);
        for (int j = 0; j < CK_QK / 2; j++) {
            const int h0 = (qh >> j) & 1, h1 = (qh >> (j + 16)) & 1;
            dst[j] = d * (float)(((b[i].qs[j] & 0xF) | (h0 << 4)) - 16);
            dst[j + 16] = d * (float)(((b[i].qs[j] >> 4) | (h1 << 4)) - 16);
        }
    }
}

void ck_dequant_q5_1(const void *src, float *dst, int64_t n) {
    const ck_block_q5_1 *b = src;
    for (int64_t i = 0; i < n / CK_QK; i++, dst += CK_QK) {
        const float d = H2F(b[i].d), m = H2F(b[i].m);
        const uint32_t qh = load_u32le(b[i].qh);
        for (int j = 0; j < CK_QK / 2; j++) {
            const int h0 = (qh >> j) & 1, h1 = (qh >> (j + 16)) & 1;
            dst[j] = d * (float)((b[i].qs[j] & 0xF) | (h0 << 4)) + m;
            dst[j + 16] = d * (float)((b[i].qs[j] >> 4) | (h1 << 4)) + m;
        }
    }
}

void ck_dequant_q4_K(const void *src, float *dst, int64_t n) {
    const ck_block_q4_K *b = src;
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        const float d = H2F(b[i].d), dmin = H2F(b[i].dmin);
        const uint8_t *q = b[i].qs;
        for (int j = 0; j < 8; j += 2, q += 32) {
            int sc0, m0, sc1, m1;
            scale_min_k4(j, b[i].scales, &sc0, &m0);
            scale_min_k4(j + 1, b[i].scales, &sc1, &m1);
            const float d0 = d * (float)sc0, dm0 = dmin * (float)m0;
            const float d1 = d * (float)sc1, dm1 = dmin * (float)m1;
            for (int l = 0; l < 32; l++) *dst++ = d0 * (float)(q[l] & 0xF) - dm0;
            for (int l = 0; l < 32; l++) *dst++ = d1 * (float)(q[l] >> 4) - dm1;
        }
    }
}

void ck_dequant_q5_K(const void *src, float *dst, int64_t n) {
    const ck_block_q5_K *b = src;
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        const float d = H2F(b[i].d), dmin = H2F(b[i].dmin);
        const uint8_t *q = b[i].qs;
        for (int j = 0; j < 8; j += 2, q += 32) {
            int sc0, m0, sc1, m1;
            scale_min_k4(j, b[i].scales, &sc0, &m0);
            scale_min_k4(j + 1, b[i].scales, &sc1, &m1);
            const float d0 = d * (float)sc0, dm0 = dmin * (float)m0;
            const float d1 = d * (float)sc1, dm1 = dmin * (float)m1;
            for (int l = 0; l < 32; l++) {
                *dst++ = d0 * (float)((q[l] & 0xF) | (((b[i].qh[l] >> j) & 1) << 4)) - dm0;
            }
            for (int l = 0; l < 32; l++) {
                *dst++ = d1 * (float)((q[l] >> 4) | (((b[i].qh[l] >> (j + 1)) & 1) << 4)) - dm1;
            }
        }
    }
}

void ck_dequant_q6_K(const void *src, float *dst, int64_t n) {
    const ck_block_q6_K *b = src;
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        const float d = H2F(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, dst += 128) {
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                dst[l] = (d * (float)sc[is]) * (float)q1;
                dst[l + 32] = (d * (float)sc[is + 2]) * (float)q2;
                dst[l + 64] = (d * (float)sc[is + 4]) * (float)q3;
                dst[l + 96] = (d * (float)sc[is + 6]) * (float)q4;
            }
        }
    }
}

// MARK: dot products (one row against one activation row)

static float dot_f32(int64_t n, const void *w, const void *x) {
    const float *a = w, *b = x;
    float s = 0;
    for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static float dot_f16(int64_t n, const void *w, const void *x) {
    const ck_half *a = w;
    const float *b = x;
    float s = 0;
    for (int64_t i = 0; i < n; i++) s += H2F(a[i]) * b[i];
    return s;
}

static float dot_bf16(int64_t n, const void *w, const void *x) {
    const ck_bf16 *a = w;
    const float *b = x;
    float s = 0;
    for (int64_t i = 0; i < n; i++) {
        const uint32_t bits = (uint32_t)a[i] << 16;
        float f;
        memcpy(&f, &bits, 4);
        s += f * b[i];
    }
    return s;
}

// The quantized dots below follow llama.cpp's x86 kernels step for step (ggml_vec_dot_*_q8_* with
// AVX2/AVX-512): per block, eight i32 lanes of four products each; one fused multiply-add per lane and
// block; eight float lanes summed as hsum_float_8 does. So every path gives the same bits as llama.cpp.
static inline float hsum8(const float a[8]) {
    float t[4];
    for (int i = 0; i < 4; i++) t[i] = a[i + 4] + a[i];
    return (t[0] + t[2]) + (t[1] + t[3]);
}

// One 32-element block: w[0..31] (signed or unsigned values) against the activation block.
static inline void block_lanes(const int *w, const int8_t *a, float d, float acc[8]) {
    for (int l = 0; l < 8; l++) {
        int sum = 0;
        for (int b = 4 * l; b < 4 * l + 4; b++) sum += w[b] * a[b];
        acc[l] = fmaf(d, (float)sum, acc[l]);
    }
}

// Values of one 32-element block in element order: q8_0 as is, q4/q5 nibbles with the fifth bit, minus
// the offset (q4_0: 8, q5_0: 16; 0 for the types with a min).
static inline void values32(const uint8_t *qs, uint32_t qh, int five, int offset, int w[32]) {
    for (int j = 0; j < 16; j++) {
        int lo = qs[j] & 0xF, hi = qs[j] >> 4;
        if (five) {
            lo |= (int)((qh >> j) & 1) << 4;
            hi |= (int)((qh >> (j + 16)) & 1) << 4;
        }
        w[j] = lo - offset;
        w[j + 16] = hi - offset;
    }
}

static float dot_q8_0(int64_t n, const void *w, const void *x) {
    const ck_block_q8_0 *b = w;
    const ck_block_q8a *a = x;
    float acc[8] = {0};
    for (int64_t i = 0; i < n / CK_QK; i++) {
        int v[32];
        for (int j = 0; j < 32; j++) v[j] = b[i].qs[j];
        block_lanes(v, a[i].qs, H2F(b[i].d) * a[i].d, acc);
    }
    return hsum8(acc);
}

#define CK_DOT32(type, FIVE, OFFSET, HAS_MIN) \
    static float dot_##type(int64_t n, const void *w, const void *x) { \
        const ck_block_##type *b = w; \
        const ck_block_q8a *a = x; \
        float acc[8] = {0}, summs = 0; \
        for (int64_t i = 0; i < n / CK_QK; i++) { \
            int v[32]; \
            values32(b[i].qs, FIVE ? load_u32le(((const uint8_t *)&b[i]) + (HAS_MIN ? 4 : 2)) : 0, FIVE, OFFSET, v); \
            block_lanes(v, a[i].qs, H2F(b[i].d) * a[i].d, acc); \
            if (HAS_MIN) summs = fmaf(H2F(((const ck_half *)&b[i])[1]), a[i].s, summs); \
        } \
        return hsum8(acc) + summs; \
    }
CK_DOT32(q4_0, 0, 8, 0)
CK_DOT32(q4_1, 0, 0, 1)
CK_DOT32(q5_0, 1, 16, 0)
CK_DOT32(q5_1, 1, 0, 1)

// q4_K in llama.cpp's order: lane l of the eight gathers bytes 4l..4l+3 of every 32-element sub-block
// (times its scale); the mins go to four lanes of their own (pairs of sub-blocks).
static float dot_q4_K(int64_t n, const void *w, const void *x) {
    const ck_block_q4_K *b = w;
    const ck_block_q8_K *a = x;
    float acc[8] = {0}, accm[4] = {0};
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        int lane[8] = {0};
        for (int j = 0; j < 4; j++) {
            int sc0, m0, sc1, m1;
            scale_min_k4(2 * j, b[i].scales, &sc0, &m0);
            scale_min_k4(2 * j + 1, b[i].scales, &sc1, &m1);
            const uint8_t *q = b[i].qs + 32 * j;
            const int8_t *alo = a[i].qs + 64 * j, *ahi = alo + 32;
            for (int l = 0; l < 8; l++) {
                int slo = 0, shi = 0;
                for (int k = 4 * l; k < 4 * l + 4; k++) {
                    slo += (q[k] & 0xF) * alo[k];
                    shi += (q[k] >> 4) * ahi[k];
                }
                lane[l] += sc0 * slo + sc1 * shi;
            }
        }
        const float d = a[i].d * H2F(b[i].d), dmin = -a[i].d * H2F(b[i].dmin);
        for (int l = 0; l < 8; l++) acc[l] = fmaf(d, (float)lane[l], acc[l]);
        for (int k = 0; k < 4; k++) {
            int sc, m0, m1;
            scale_min_k4(2 * k, b[i].scales, &sc, &m0);
            scale_min_k4(2 * k + 1, b[i].scales, &sc, &m1);
            const int s0 = a[i].bsums[4 * k] + a[i].bsums[4 * k + 1], s1 = a[i].bsums[4 * k + 2] + a[i].bsums[4 * k + 3];
            accm[k] = fmaf(dmin, (float)(m0 * s0 + m1 * s1), accm[k]);
        }
    }
    return hsum8(acc) + ((accm[0] + accm[2]) + (accm[1] + accm[3]));
}

// q4_K and q5_K share everything but the fifth bit.
static float dot_qk45(int64_t n, const void *w, const void *x, int five) {
    const ck_block_q8_K *a = x;
    float s = 0;
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        const uint8_t *scales, *qs, *qh = NULL;
        ck_half dh, dminh;
        if (five) {
            const ck_block_q5_K *b = (const ck_block_q5_K *)w + i;
            scales = b->scales; qs = b->qs; qh = b->qh; dh = b->d; dminh = b->dmin;
        } else {
            const ck_block_q4_K *b = (const ck_block_q4_K *)w + i;
            scales = b->scales; qs = b->qs; dh = b->d; dminh = b->dmin;
        }
        int sumi = 0, summ = 0;
        for (int j = 0; j < 8; j++) {
            int sc, m;
            scale_min_k4(j, scales, &sc, &m);
            const uint8_t *q = qs + 32 * (j / 2);
            const int shift = 4 * (j & 1);
            int sub = 0;
            for (int l = 0; l < 32; l++) {
                int v = (q[l] >> shift) & 0xF;
                if (five) v |= ((qh[l] >> j) & 1) << 4;
                sub += v * a[i].qs[32 * j + l];
            }
            sumi += sc * sub;
            summ += m * (a[i].bsums[2 * j] + a[i].bsums[2 * j + 1]);
        }
        s += (H2F(dh) * a[i].d) * (float)sumi - (H2F(dminh) * a[i].d) * (float)summ;
    }
    return s;
}

static float dot_q5_K(int64_t n, const void *w, const void *x) { return dot_qk45(n, w, x, 1); }

// q6_K in llama.cpp's order: lane l holds bytes 4l..4l+3 of every 32-element chunk times its 16-group
// scale, minus 32 * (the scale-weighted activation sums of groups 2l and 2l+1).
static float dot_q6_K(int64_t n, const void *w, const void *x) {
    const ck_block_q6_K *b = w;
    const ck_block_q8_K *a = x;
    float acc[8] = {0};
    for (int64_t i = 0; i < n / CK_QK_K; i++) {
        const int8_t *sc = b[i].scales;
        int lane[8];
        for (int l = 0; l < 8; l++) lane[l] = -32 * (a[i].bsums[2 * l] * sc[2 * l] + a[i].bsums[2 * l + 1] * sc[2 * l + 1]);
        for (int h = 0; h < 2; h++)
            for (int k = 0; k < 4; k++) {
                const int e0 = 128 * h + 32 * k;
                for (int l = 0; l < 8; l++) {
                    int sum = 0;
                    for (int m = 4 * l; m < 4 * l + 4; m++) {
                        const uint8_t lo = b[i].ql[64 * h + m + 32 * (k & 1)];
                        const int low = (k < 2) ? (lo & 0xF) : (lo >> 4);
                        const int high = (b[i].qh[32 * h + m] >> (2 * k)) & 3;
                        sum += (low | (high << 4)) * a[i].qs[e0 + m];
                    }
                    lane[l] += sc[8 * h + 2 * k + (l >= 4)] * sum;
                }
            }
        const float d = a[i].d * H2F(b[i].d);
        for (int l = 0; l < 8; l++) acc[l] = fmaf(d, (float)lane[l], acc[l]);
    }
    return hsum8(acc);
}

// MARK: mat-vec

#define CK_SCALAR_MATVEC(type) \
    void ck_matvec_##type##_scalar(int64_t ncols, const void *w, size_t row_bytes, int64_t nrows, \
                                   const void *x, float *y) { \
        for (int64_t r = 0; r < nrows; r++) y[r] = dot_##type(ncols, (const uint8_t *)w + r * row_bytes, x); \
    }
CK_SCALAR_MATVEC(f32)
CK_SCALAR_MATVEC(f16)
CK_SCALAR_MATVEC(bf16)
CK_SCALAR_MATVEC(q8_0)
CK_SCALAR_MATVEC(q4_0)
CK_SCALAR_MATVEC(q4_1)
CK_SCALAR_MATVEC(q5_0)
CK_SCALAR_MATVEC(q5_1)
CK_SCALAR_MATVEC(q4_K)
CK_SCALAR_MATVEC(q5_K)
CK_SCALAR_MATVEC(q6_K)

// MARK: mat-mul

void ck_matmul_tiled(ck_matvec_fn matvec, int64_t ncols, const void *w, size_t row_bytes, int64_t nrows,
                     const void *x, size_t x_stride, int64_t batch, float *y, int64_t ldy) {
    // About 16 KiB of weights per tile: it stays in L1/L2 while every token of the batch passes over it.
    int64_t tile = (int64_t)(16384 / (row_bytes ? row_bytes : 1));
    if (tile < 4) tile = 4;
    for (int64_t r0 = 0; r0 < nrows; r0 += tile) {
        const int64_t nr = nrows - r0 < tile ? nrows - r0 : tile;
        const uint8_t *wt = (const uint8_t *)w + r0 * row_bytes;
        for (int64_t t = 0; t < batch; t++) {
            matvec(ncols, wt, row_bytes, nr, (const uint8_t *)x + t * x_stride, y + t * ldy + r0);
        }
    }
}
