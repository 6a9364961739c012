// Portable build of ops.inc (attention, softmax, SwiGLU in llama.cpp's order).
#define CK_OPS_SFX(name) name##_scalar
#include "ops.inc"
