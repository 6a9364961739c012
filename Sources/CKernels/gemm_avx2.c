// AVX2 mat-mul kernels for prefill on CPUs without AVX-512 (AMD Zen 2/3, older Intel): each weight block
// is decoded once and multiplied with four tokens while it sits in registers; mat-vec decodes it again
// for every token, which is most of its work (nibble unpacking, the fifth-bit planes).
//
// The integer and float steps are those of the AVX2 mat-vec kernels (quants_x86.inc), so the results
// are the same bits: eight i32 lanes of four products per block (K-quants: per super-block), one fused
// multiply-add per block into eight float lanes, the same horizontal sums. Only the loop order changes.
//
// Loop order: tokens in chunks whose activations stay in L2, rows in blocks whose weights stay in L1
// while the chunk passes, then register tiles of 2 rows (1 for K-quants) x 4 tokens.
#include "ckernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define INL static inline __attribute__((always_inline))
#define TOKENS 4                      // tokens per register tile
#define ROW_BLOCK 16                  // rows whose weights stay in L1 while a token chunk passes
#define CHUNK_BYTES (128 * 1024)      // activations of one token chunk (they stay in L2)

INL float h2f(ck_half h) { return _cvtsh_ss(h); }

INL float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Eight i32 lanes, each the sum of four u8 x s8 products (no saturation for these value ranges).
INL __m256i dot_u8s8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

// Tokens per chunk: as many as keep the chunk's activations within CHUNK_BYTES, a multiple of TOKENS.
INL int64_t chunk_tokens(size_t xs) {
    const int64_t n = xs ? (int64_t)(CHUNK_BYTES / xs) : TOKENS;
    return n < TOKENS ? TOKENS : n / TOKENS * TOKENS;
}

// MARK: 32-element types. Weights as unsigned bytes (q8_0: magnitudes, its sign moved onto the
// activations); OFFSET (8 or 16) times each lane's activation sum is added back exactly from the
// activation block's stored negated lane sums; HAS_MIN adds m * s as the mat-vec does.

INL __m256i nibbles(const uint8_t *qs) {
    const __m128i b = _mm_loadu_si128((const __m128i *)qs);
    const __m128i m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(b, 4), m), _mm_and_si128(b, m));
}

// 0x10 in byte k where bit k of qh is set.
INL __m256i fifth_bits(const uint8_t *qh) {
    uint32_t bits;
    memcpy(&bits, qh, 4);
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
        _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303));
    const __m256i others = _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe); // every bit but bit k%8 of byte k
    const __m256i set = _mm256_cmpeq_epi8(_mm256_or_si256(spread, others), _mm256_set1_epi64x(-1));
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

INL __m256i dec_q4_0(const ck_block_q4_0 *b) { return nibbles(b->qs); }
INL __m256i dec_q4_1(const ck_block_q4_1 *b) { return nibbles(b->qs); }
INL __m256i dec_q5_0(const ck_block_q5_0 *b) { return _mm256_or_si256(nibbles(b->qs), fifth_bits(b->qh)); }
INL __m256i dec_q5_1(const ck_block_q5_1 *b) { return _mm256_or_si256(nibbles(b->qs), fifth_bits(b->qh)); }
INL __m256i dec_q8_0(const ck_block_q8_0 *b) { return _mm256_loadu_si256((const __m256i *)b->qs); }

#define DEFINE_MATMUL32(type, BLOCK, OFFSET, HAS_MIN, SIGNED) \
    INL void tile_##type(int64_t nb, const uint8_t *w, size_t rb, const uint8_t *x, size_t xs, float *y, \
                         int64_t ldy, const int R, const int T) { \
        __m256 acc[2][TOKENS]; \
        float mins[2][TOKENS]; \
        for (int r = 0; r < R; r++) \
            for (int t = 0; t < T; t++) { acc[r][t] = _mm256_setzero_ps(); mins[r][t] = 0; } \
        for (int64_t i = 0; i < nb; i++) { \
            __m256i q[2], sign[2]; \
            __m256 dw[2]; \
            float mw[2]; \
            for (int r = 0; r < R; r++) { \
                const BLOCK *b = (const BLOCK *)(w + r * rb) + i; \
                sign[r] = dec_##type(b); \
                q[r] = SIGNED ? _mm256_sign_epi8(sign[r], sign[r]) : sign[r]; \
                dw[r] = _mm256_set1_ps(h2f(b->d)); \
                mw[r] = HAS_MIN ? h2f(((const ck_half *)b)[1]) : 0; \
            } \
            for (int t = 0; t < T; t++) { \
                const ck_block_q8a *a = (const ck_block_q8a *)(x + t * xs) + i; \
                const __m256i av = _mm256_loadu_si256((const __m256i *)a->qs); \
                const __m256i seed = (OFFSET) ? _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)a->nlanes), \
                                                                  __builtin_ctz((OFFSET) ? (OFFSET) : 1)) \
                                              : _mm256_setzero_si256(); \
                const __m256 da = _mm256_set1_ps(a->d); \
                for (int r = 0; r < R; r++) { \
                    const __m256i as = SIGNED ? _mm256_sign_epi8(av, sign[r]) : av; \
                    const __m256i p = _mm256_add_epi32(dot_u8s8(q[r], as), seed); \
                    acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(dw[r], da), acc[r][t]); \
                    if (HAS_MIN) mins[r][t] = fmaf(mw[r], a->s, mins[r][t]); \
                } \
            } \
        } \
        for (int r = 0; r < R; r++) \
            for (int t = 0; t < T; t++) y[t * ldy + r] = hsum8(acc[r][t]) + mins[r][t]; \
    } \
    void ck_matmul_##type##_avx2(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, size_t xs, \
                                 int64_t batch, float *y, int64_t ldy) { \
        const int64_t nb = ncols / CK_QK, chunk = chunk_tokens(xs); \
        const uint8_t *wb = w, *xb = x; \
        for (int64_t t0 = 0; t0 < batch; t0 += chunk) { \
            const int64_t t1 = t0 + chunk < batch ? t0 + chunk : batch; \
            for (int64_t r0 = 0; r0 < nrows; r0 += ROW_BLOCK) { \
                const int64_t r1 = r0 + ROW_BLOCK < nrows ? r0 + ROW_BLOCK : nrows; \
                int64_t t = t0; \
                for (; t + TOKENS <= t1; t += TOKENS) { \
                    int64_t r = r0; \
                    for (; r + 2 <= r1; r += 2) tile_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 2, TOKENS); \
                    if (r < r1) tile_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 1, TOKENS); \
                } \
                for (; t < t1; t++) { \
                    int64_t r = r0; \
                    for (; r + 2 <= r1; r += 2) tile_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 2, 1); \
                    if (r < r1) tile_##type(nb, wb + r * rb, rb, xb + t * xs, xs, y + t * ldy + r, ldy, 1, 1); \
                } \
            } \
        } \
    }

DEFINE_MATMUL32(q8_0, ck_block_q8_0, 0, 0, 1)
DEFINE_MATMUL32(q4_0, ck_block_q4_0, 8, 0, 0)
DEFINE_MATMUL32(q4_1, ck_block_q4_1, 0, 1, 0)
DEFINE_MATMUL32(q5_0, ck_block_q5_0, 16, 0, 0)
DEFINE_MATMUL32(q5_1, ck_block_q5_1, 0, 1, 0)

// MARK: K-quants against q8_K, one row x T tokens. Sub-block products scaled in 16-bit lanes, summed in
// i32 over the super-block, one float conversion per super-block, as the mat-vec.

// 8 six-bit scales then 8 six-bit mins, as bytes, from the 12 packed bytes.
INL void k4_scales(const uint8_t *packed, uint32_t out[4]) {
    uint32_t u[3];
    memcpy(u, packed, 12);
    out[0] = u[0] & 0x3f3f3f3f;
    out[1] = (u[2] & 0x0f0f0f0f) | (((u[0] >> 6) & 0x03030303) << 4);
    out[2] = u[1] & 0x3f3f3f3f;
    out[3] = ((u[2] >> 4) & 0x0f0f0f0f) | (((u[1] >> 6) & 0x03030303) << 4);
}

INL void tile_qk45(int64_t nb, const uint8_t *w, const uint8_t *x, size_t xs, float *y, int64_t ldy, const int T,
                   const int five) {
    __m256 acc[TOKENS];
    __m128 accm[TOKENS]; // min terms in four lanes, as the mat-vec keeps them
    for (int t = 0; t < T; t++) { acc[t] = _mm256_setzero_ps(); accm[t] = _mm_setzero_ps(); }
    const size_t bytes = five ? sizeof(ck_block_q5_K) : sizeof(ck_block_q4_K);
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *blk = w + i * bytes;
        const ck_half *dd = (const ck_half *)blk; // d, dmin lead both layouts
        const uint8_t *qs = five ? ((const ck_block_q5_K *)blk)->qs : ((const ck_block_q4_K *)blk)->qs;
        uint32_t sm[4];
        k4_scales(blk + 4, sm);
        const uint8_t *sc = (const uint8_t *)sm;
        const __m256i hbits = five ? _mm256_loadu_si256((const __m256i *)((const ck_block_q5_K *)blk)->qh)
                                   : _mm256_setzero_si256();
        __m256i sumi[TOKENS];
        for (int t = 0; t < T; t++) sumi[t] = _mm256_setzero_si256();
        // Not unrolled: unrolled, the four steps' weights and scales spill the token sums to the stack.
#pragma clang loop unroll(disable)
        for (int j = 0; j < 4; j++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * j));
            __m256i lo = _mm256_and_si256(q, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            if (five) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j + 1), one), 4));
            }
            const __m256i s0 = _mm256_set1_epi16(sc[2 * j]), s1 = _mm256_set1_epi16(sc[2 * j + 1]);
            for (int t = 0; t < T; t++) {
                const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
                const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(a->qs + 64 * j)));
                const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a->qs + 64 * j + 32)));
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(_mm256_madd_epi16(p0, s0), _mm256_madd_epi16(p1, s1)));
            }
        }
        const float d = h2f(dd[0]), dmin = h2f(dd[1]);
        const __m128i m16 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)(sc + 8)));
        for (int t = 0; t < T; t++) {
            const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
            // Sums of each 32 activations (pairs of the 16-sums) times the mins.
            const __m128i bsum32 = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)a->bsums),
                                                  _mm_loadu_si128((const __m128i *)a->bsums + 1));
            const __m128i prod = _mm_madd_epi16(m16, bsum32);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a->d * d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
            accm[t] = _mm_fmadd_ps(_mm_set1_ps(-a->d * dmin), _mm_cvtepi32_ps(prod), accm[t]);
        }
    }
    for (int t = 0; t < T; t++) {
        __m128 m = _mm_add_ps(accm[t], _mm_movehl_ps(accm[t], accm[t]));
        m = _mm_add_ss(m, _mm_movehdup_ps(m));
        y[t * ldy] = hsum8(acc[t]) + _mm_cvtss_f32(m);
    }
}

INL void tile_q6_K(int64_t nb, const uint8_t *w, const uint8_t *x, size_t xs, float *y, int64_t ldy, const int T) {
    __m256 acc[TOKENS];
    for (int t = 0; t < T; t++) acc[t] = _mm256_setzero_ps();
    const __m256i low4 = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
    for (int64_t i = 0; i < nb; i++) {
        const ck_block_q6_K *b = (const ck_block_q6_K *)w + i;
        // The -32 offset, exactly: 32 * sum over groups of scale * (sum of the group's activations).
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)b->scales));
        __m256i sumi[TOKENS];
        for (int t = 0; t < T; t++) {
            const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
            const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *)a->bsums)), 5);
            sumi[t] = _mm256_sub_epi32(_mm256_setzero_si256(), off);
        }
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(b->ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(b->ql + 64 * h + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)(b->qh + 32 * h));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_slli_epi16(_mm256_and_si256(hb, three), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), three), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), three), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), three), 4));
            for (int k = 0; k < 4; k++) {
                const int g = 8 * h + 2 * k;
                const __m256i s = _mm256_set_m128i(_mm_set1_epi16(b->scales[g + 1]), _mm_set1_epi16(b->scales[g]));
                for (int t = 0; t < T; t++) {
                    const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
                    const __m256i p = _mm256_maddubs_epi16(q[k], _mm256_loadu_si256((const __m256i *)(a->qs + 128 * h + 32 * k)));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, s));
                }
            }
        }
        const float d = h2f(b->d);
        for (int t = 0; t < T; t++) {
            const ck_block_q8_K *a = (const ck_block_q8_K *)(x + t * xs) + i;
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[t]), _mm256_set1_ps(d * a->d), acc[t]);
        }
    }
    for (int t = 0; t < T; t++) y[t * ldy] = hsum8(acc[t]);
}

#define DEFINE_MATMUL_K(type, TILE) \
    void ck_matmul_##type##_avx2(int64_t ncols, const void *w, size_t rb, int64_t nrows, const void *x, size_t xs, \
                                 int64_t batch, float *y, int64_t ldy) { \
        const int64_t nb = ncols / CK_QK_K, chunk = chunk_tokens(xs); \
        const uint8_t *wb = w, *xb = x; \
        for (int64_t t0 = 0; t0 < batch; t0 += chunk) { \
            const int64_t t1 = t0 + chunk < batch ? t0 + chunk : batch; \
            for (int64_t r0 = 0; r0 < nrows; r0 += ROW_BLOCK) { \
                const int64_t r1 = r0 + ROW_BLOCK < nrows ? r0 + ROW_BLOCK : nrows; \
                int64_t t = t0; \
                for (; t + TOKENS <= t1; t += TOKENS) \
                    for (int64_t r = r0; r < r1; r++) TILE(nb, wb + r * rb, xb + t * xs, xs, y + t * ldy + r, ldy, TOKENS); \
                for (; t < t1; t++) \
                    for (int64_t r = r0; r < r1; r++) TILE(nb, wb + r * rb, xb + t * xs, xs, y + t * ldy + r, ldy, 1); \
            } \
        } \
    }
#define TILE_Q4K(nb, w, x, xs, y, ldy, T) tile_qk45(nb, w, x, xs, y, ldy, T, 0)
#define TILE_Q5K(nb, w, x, xs, y, ldy, T) tile_qk45(nb, w, x, xs, y, ldy, T, 1)
DEFINE_MATMUL_K(q4_K, TILE_Q4K)
DEFINE_MATMUL_K(q5_K, TILE_Q5K)
DEFINE_MATMUL_K(q6_K, tile_q6_K)

#pragma clang attribute pop
#else
#define CK_FORWARD(type) \
    void ck_matmul_##type##_avx2(int64_t n, const void *w, size_t rb, int64_t nr, const void *x, size_t xs, \
                                 int64_t batch, float *y, int64_t ldy) { \
        ck_matmul_tiled(ck_matvec_##type##_scalar, n, w, rb, nr, x, xs, batch, y, ldy); \
    }
CK_FORWARD(q8_0) CK_FORWARD(q4_0) CK_FORWARD(q4_1) CK_FORWARD(q5_0) CK_FORWARD(q5_1)
CK_FORWARD(q4_K) CK_FORWARD(q5_K) CK_FORWARD(q6_K)
#endif
