// Mat-vec / mat-mul throughput of the CKernels kernels on the engine's real shapes.
// Build and run with Benchmarks/kernels/run (same flags as the package). Not a test: prints numbers.
//
// Decode streams every weight once per token, so matVec is timed over enough copies of each matrix
// (>= 512 MiB) that they cannot sit in cache; GB/s = weight bytes read / time. Threads split the rows of
// each matrix in two halves and meet at a barrier after every matrix, as the engine's pool does.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ckernels.h"

typedef struct { const char *name; int block, bytes, act; ck_matvec_fn f[3]; ck_matmul_fn mm[3]; } kind;
#define KIND(n, bs, bb, act, t) \
    {n, bs, bb, act, {ck_matvec_##t##_scalar, ck_matvec_##t##_avx2, ck_matvec_##t##_avx512}, {NULL, ck_matmul_##t##_avx2, ck_matmul_##t##_avx512}}
static const kind kinds[] = {KIND("Q4_K", 256, 144, 2, q4_K), KIND("Q6_K", 256, 210, 2, q6_K),
                             KIND("Q5_0", 32, 22, 1, q5_0), KIND("Q8_0", 32, 34, 1, q8_0),
                             KIND("Q4_0", 32, 18, 1, q4_0), KIND("Q4_1", 32, 20, 1, q4_1),
                             {"F16", 1, 2, 0, {ck_matvec_f16_scalar, ck_matvec_f16_avx2, ck_matvec_f16_avx512}, {NULL, NULL, NULL}}};

// Wall time, or with INFILL_BENCH_CPUTIME=1 this process's CPU time / threads (the machine is shared:
// CPU time leaves out the time other processes held the cores).
static int use_cputime;
static double now(void) {
    struct timespec t;
    clock_gettime(use_cputime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    const kind *k; int path; int64_t rows, cols; size_t rb; uint8_t *w; int copies; void *act; float *y;
    int batch; size_t xstride; int nthreads; int reps;
    atomic_int arrived; atomic_int generation;
} job;

static void barrier(job *j) {
    const int gen = atomic_load(&j->generation);
    if (atomic_fetch_add(&j->arrived, 1) == j->nthreads - 1) {
        atomic_store(&j->arrived, 0);
        atomic_fetch_add(&j->generation, 1);
    } else {
        // Yield while waiting: on a shared machine the other thread may not be running.
        while (atomic_load(&j->generation) == gen) sched_yield();
    }
}

typedef struct { job *j; int id; } worker;

static void *run(void *arg) {
    worker *wk = arg;
    job *j = wk->j;
    const int64_t per = (j->rows + j->nthreads - 1) / j->nthreads;
    const int64_t r0 = wk->id * per, r1 = r0 + per < j->rows ? r0 + per : j->rows;
    for (int rep = 0; rep < j->reps; rep++) {
        for (int c = 0; c < j->copies; c++) {
            const uint8_t *w = j->w + (size_t)c * j->rows * j->rb + r0 * j->rb;
            if (j->batch == 1 && j->k->mm[j->path] && getenv("INFILL_BENCH_MM1")) {
                j->k->mm[j->path](j->cols, w, j->rb, r1 - r0, j->act, j->xstride, 1, j->y + r0, j->rows);
            } else if (j->batch == 1) {
                j->k->f[j->path](j->cols, w, j->rb, r1 - r0, j->act, j->y + r0);
            } else if (j->k->mm[j->path]) {
                j->k->mm[j->path](j->cols, w, j->rb, r1 - r0, j->act, j->xstride, j->batch, j->y + r0, j->rows);
            } else {
                ck_matmul_tiled(j->k->f[j->path], j->cols, w, j->rb, r1 - r0, j->act, j->xstride, j->batch,
                                j->y + r0, j->rows);
            }
            barrier(j);
        }
    }
    return NULL;
}

static double timed(job *j) {
    pthread_t th[8];
    worker wk[8];
    atomic_store(&j->arrived, 0);
    atomic_store(&j->generation, 0);
    const double t0 = now();
    for (int i = 1; i < j->nthreads; i++) { wk[i] = (worker){j, i}; pthread_create(&th[i], NULL, run, &wk[i]); }
    wk[0] = (worker){j, 0};
    run(&wk[0]);
    for (int i = 1; i < j->nthreads; i++) pthread_join(th[i], NULL);
    return now() - t0;
}

static void bench(const kind *k, int64_t rows, int64_t cols, int batch) {
    const size_t rb = cols / k->block * k->bytes;
    const size_t matrix = rows * rb;
    // INFILL_BENCH_CACHED=1: one copy (in cache), to compare kernels' compute rates.
    int copies = batch == 1 && !getenv("INFILL_BENCH_CACHED") ? (int)((512u << 20) / matrix + 1) : 1;
    uint8_t *w = aligned_alloc(64, (matrix * copies + 63) / 64 * 64);
    // Random bytes with small positive f16 scales where the layout has them (speed does not depend on values).
    srand(1);
    for (size_t i = 0; i < matrix * copies; i++) w[i] = (uint8_t)rand();
    if (k->act) {
        const size_t nblocks = matrix * copies / k->bytes;
        const int off = k->act == 2 && k->bytes == 210 ? 208 : 0;
        for (size_t b = 0; b < nblocks; b++) {
            uint8_t *blk = w + b * k->bytes + off;
            blk[0] = 0x00; blk[1] = 0x20; // 0.0078
            if (k->bytes == 144 || k->bytes == 176 || k->bytes == 20) { blk[2] = 0x00; blk[3] = 0x20; }
        }
    } else {
        for (size_t i = 0; i < matrix * copies / 2; i++) ((uint16_t *)w)[i] = 0x2000 | (rand() & 0x3ff);
    }
    float *x = malloc(sizeof(float) * cols * batch);
    for (int64_t i = 0; i < cols * batch; i++) x[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    const size_t xstride = k->act == 0 ? cols * 4 : k->act == 1 ? cols / 32 * sizeof(ck_block_q8a)
                                                                : cols / 256 * sizeof(ck_block_q8_K);
    void *act = aligned_alloc(64, (xstride * batch + 63) / 64 * 64);
    for (int t = 0; t < batch; t++) {
        uint8_t *dst = (uint8_t *)act + t * xstride;
        if (k->act == 0) ck_quantize_f32(x + t * cols, dst, cols);
        else if (k->act == 1) ck_quantize_q8a(x + t * cols, dst, cols);
        else ck_quantize_q8_K(x + t * cols, dst, cols);
    }
    float *y = malloc(sizeof(float) * rows * batch);
    const char *paths[] = {"scalar", "avx2", "avx512"};
    for (int path = 0; path < 3; path++) {
        if (!ck_cpu_supports(path)) continue;
        for (int nt = 1; nt <= 2; nt++) {
            job j = {.k = k, .path = path, .rows = rows, .cols = cols, .rb = rb, .w = w, .copies = copies,
                     .act = act, .y = y, .batch = batch, .xstride = xstride, .nthreads = nt, .reps = 1};
            timed(&j); // warm up (page faults, frequency)
            j.reps = copies == 1 ? 200 / batch + 1 : batch == 1 ? (path == 0 ? 1 : 3) : 1;
            double t = timed(&j);
            if (use_cputime) t /= nt;
            const double weights = (double)rows * cols * copies * j.reps;
            if (batch == 1) {
                printf("%-5s %5lldx%-5lld matVec  %-6s %d thr: %6.2f GB/s  %7.2f Gweights/s\n", k->name,
                       (long long)rows, (long long)cols, paths[path], nt, (double)matrix * copies * j.reps / t / 1e9,
                       weights / t / 1e9);
            } else {
                printf("%-5s %5lldx%-5lld matMul%d %-6s %d thr: %7.1f GMAC/s (int8 or f32 MACs)\n", k->name,
                       (long long)rows, (long long)cols, batch, paths[path], nt, weights * batch / t / 1e9);
            }
        }
    }
    free(w); free(x); free(act); free(y);
}

int main(int argc, char **argv) {
    use_cputime = getenv("INFILL_BENCH_CPUTIME") != NULL;
    const int batch = argc > 1 ? atoi(argv[1]) : 1;
    const char *only = argc > 2 ? argv[2] : NULL;
    // (rows, cols): ffn_up/gate and ffn_down of Qwen2.5-Coder 1.5B (1536, 8960) and 0.5B (896, 4864).
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        const kind *k = &kinds[i];
        if (only && strcmp(only, k->name)) continue;
        if (k->block == 256 || !only) { bench(k, 8960, 1536, batch); bench(k, 1536, 8960, batch); }
        if (k->block == 32 || (only && k->block != 256)) { bench(k, 4864, 896, batch); bench(k, 896, 4864, batch); }
    }
    return 0;
}
