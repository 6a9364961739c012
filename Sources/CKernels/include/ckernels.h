#ifndef CKERNELS_H
#define CKERNELS_H
// Hot SIMD kernels for the engine. Only inner loops live here; everything else is Swift.
#include <stddef.h>
#include <stdint.h>
#endif
