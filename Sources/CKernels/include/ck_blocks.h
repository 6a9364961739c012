#ifndef CK_BLOCKS_H
#define CK_BLOCKS_H
// Every block layout in one place, with size asserts. Weight blocks follow ggml's on-disk GGUF layouts
// (ggml-common.h); activation blocks are our own, chosen so the integer dot products stay simple.
#include <stddef.h>
#include <stdint.h>

typedef uint16_t ck_half;  // IEEE binary16 bits
typedef uint16_t ck_bf16;  // bfloat16 bits

#define CK_QK 32    // elements per block of the 32-element types
#define CK_QK_K 256 // elements per K-quant super-block

// MARK: weight blocks (GGUF layouts)

typedef struct { ck_half d; int8_t qs[CK_QK]; } ck_block_q8_0;
_Static_assert(sizeof(ck_block_q8_0) == 34, "q8_0 block is 34 bytes");

// qs[j] holds element j in its low nibble and element j+16 in its high nibble; value = (q - 8) * d.
typedef struct { ck_half d; uint8_t qs[CK_QK / 2]; } ck_block_q4_0;
_Static_assert(sizeof(ck_block_q4_0) == 18, "q4_0 block is 18 bytes");

// value = q * d + m.
typedef struct { ck_half d; ck_half m; uint8_t qs[CK_QK / 2]; } ck_block_q4_1;
_Static_assert(sizeof(ck_block_q4_1) == 20, "q4_1 block is 20 bytes");

// Bit j of qh (little-endian u32) is the fifth bit of element j; value = (q - 16) * d.
typedef struct { ck_half d; uint8_t qh[4]; uint8_t qs[CK_QK / 2]; } ck_block_q5_0;
_Static_assert(sizeof(ck_block_q5_0) == 22, "q5_0 block is 22 bytes");

// value = q * d + m.
typedef struct { ck_half d; ck_half m; uint8_t qh[4]; uint8_t qs[CK_QK / 2]; } ck_block_q5_1;
_Static_assert(sizeof(ck_block_q5_1) == 24, "q5_1 block is 24 bytes");

// Eight sub-blocks of 32 with 6-bit scales and mins packed in 12 bytes; per 64 elements, 32 bytes of qs
// hold the first 32 in low nibbles and the next 32 in high nibbles. value = d*sc*q - dmin*m.
typedef struct { ck_half d; ck_half dmin; uint8_t scales[12]; uint8_t qs[CK_QK_K / 2]; } ck_block_q4_K;
_Static_assert(sizeof(ck_block_q4_K) == 144, "q4_K block is 144 bytes");

// As q4_K plus a fifth bit: bit s of qh[l] belongs to element l of sub-block s.
typedef struct {
    ck_half d; ck_half dmin; uint8_t scales[12]; uint8_t qh[CK_QK_K / 8]; uint8_t qs[CK_QK_K / 2];
} ck_block_q5_K;
_Static_assert(sizeof(ck_block_q5_K) == 176, "q5_K block is 176 bytes");

// 6-bit values (4 low bits in ql, 2 high bits in qh), sixteen int8 scales per 16 elements;
// value = d * scale * (q - 32).
typedef struct { uint8_t ql[CK_QK_K / 2]; uint8_t qh[CK_QK_K / 4]; int8_t scales[CK_QK_K / 16]; ck_half d; } ck_block_q6_K;
_Static_assert(sizeof(ck_block_q6_K) == 210, "q6_K block is 210 bytes");

// MARK: activation blocks (ours)

// Activations for the 32-element types: as ggml's q8_0 (scale rounded through f16, values in
// [-127, 127]) plus the integer sum of qs, which the offset (q4_0, q5_0) terms need, and ggml q8_1's
// s = (unrounded scale * sum) rounded through f16, which the min term (q4_1, q5_1) multiplies as
// llama.cpp does, and minus the sum of each four consecutive qs (the SIMD kernels' eight i32 lanes),
// from which they make unsigned weights signed without recomputing it for every row.
typedef struct { float d; float s; int32_t sum; int8_t qs[CK_QK]; int32_t nlanes[8]; } ck_block_q8a;
_Static_assert(sizeof(ck_block_q8a) == 76, "q8a block is 76 bytes");

// Activations for the K-quants: ggml's q8_K (f32 scale, sums of each 16 values).
typedef struct { float d; int8_t qs[CK_QK_K]; int16_t bsums[CK_QK_K / 16]; } ck_block_q8_K;
_Static_assert(sizeof(ck_block_q8_K) == 292, "q8_K block is 292 bytes");

#endif
