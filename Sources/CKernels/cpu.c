// Run-time CPU feature detection for choosing a kernel path.
#include "ckernels.h"

int ck_cpu_supports(int path) {
    switch (path) {
    case CK_PATH_SCALAR:
        return 1;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    case CK_PATH_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case CK_PATH_AVX512:
        __builtin_cpu_init();
        return ck_cpu_supports(CK_PATH_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
#endif
    default:
        return 0;
    }
}
