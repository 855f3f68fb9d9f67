/*
 * The addon's matrix product. Built with OpenBLAS (HAVE_OPENBLAS, found by detect-openblas.sh), it is OpenBLAS's
 * sgemm; without it, and wherever a thread switches the library off (to test this path beside it), these loops
 * compute it, so that a machine without libopenblas-dev still gets the native kernels rather than the pure
 * backends, which run a derived GAN step several times slower.
 *
 * The loops are written for this project's products, which are thin: convolution patches times a filter with 1–64
 * output channels. op(B) is first copied row-major, op(A) read in place; then each block of 4 rows × 16
 * columns of C is summed in registers over the whole of K, k in order, one multiply and one add per term
 * (-ffp-contract=off); columns past the last block of 16 are dot products along K in 16 fixed lanes where op(A) is
 * A, and sums over k in order, 16 rows at a time, where op(A) is Aᵀ (read in place: no transposed copy, which cost
 * a derived step 17 % in a filter gradient with one output channel). Every element of C is the same sum whichever
 * vector width the compiler chose.
 * target_clones builds the loops for AVX-512, AVX2 and baseline x86-64 and picks one when the addon loads.
 *
 * Where the addon is built with OpenMP, a large product's rows are split over the calling thread's team
 * (work_threads.h), on either path; an element of C is computed alike on any split, so results do not depend on
 * the thread count. OpenBLAS itself stays on one thread (openblas-core.ts): it is called once per part.
 */
#include "gemm.h"
#include <stdlib.h>
#include <string.h>
#include "work_threads.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

enum { ROWS = 4, COLS = 16 };

#ifdef HAVE_OPENBLAS
static _Thread_local int on_library = 1;
#else
static _Thread_local int on_library = 0;
#endif

void gemm_use_library(int on) {
#ifdef HAVE_OPENBLAS
  on_library = on;
#else
  (void)on;
#endif
}

int gemm_on_library(void) { return on_library; }

void gemm_set_threads(int n) {
#ifdef HAVE_OPENBLAS
  openblas_set_num_threads(n);
#else
  (void)n;
#endif
}

int gemm_threads(void) {
#ifdef HAVE_OPENBLAS
  return openblas_get_num_threads();
#else
  return 1;
#endif
}

const char *gemm_describe(void) {
#ifdef HAVE_OPENBLAS
  return on_library ? openblas_get_config() : "built-in loops (OpenBLAS switched off)";
#else
  return "built-in loops (no OpenBLAS)";
#endif
}

/* op(X) [rows × cols] as a dense row-major copy; X is [cols × rows] at stride ld where transposed. */
static float *dense(const float *X, long ld, int t, long rows, long cols) {
  float *p = malloc((size_t)rows * cols * sizeof(float));
  if (!p) return NULL;
  if (t) {
    for (long c = 0; c < cols; c++) {
      const float *x = X + c * ld;
      for (long r = 0; r < rows; r++) p[r * cols + c] = x[r];
    }
  } else {
    for (long r = 0; r < rows; r++) memcpy(p + r * cols, X + r * ld, (size_t)cols * sizeof(float));
  }
  return p;
}

static inline float scaled(float sum, float alpha, float beta, const float *c) {
  return beta == 0.f ? alpha * sum : alpha * sum + beta * *c;
}

/* GCC's generic vectors: one zmm in the AVX-512 clone, two ymm in the AVX2 one, four xmm in the baseline. */
typedef float vec16 __attribute__((vector_size(64)));
typedef float vec16u __attribute__((vector_size(64), aligned(4), may_alias));

#define load16(p) (*(const vec16u *)(p))
/* y[0..15] = alpha · acc (+ beta · y): scaled() above, on 16 lanes at once. */
#define store16(y, acc, alpha, beta) \
  (*(vec16u *)(y) = (beta) == 0.f ? (alpha) * (acc) : (alpha) * (acc) + (beta) * load16(y))

/* The sum of v's lanes, in one fixed order. */
static inline float lanes_sum(const vec16 *v) {
  float s = 0.f;
  for (int c = 0; c < 16; c++) s += (*v)[c];
  return s;
}

/*
 * C = alpha · A · B + beta · C with A [M × K] at A[i·rs + k·cs] (row-major, rs = lda and cs = 1; or its transpose
 * read in place, rs = 1 and cs = lda), B [K × N] dense row-major, and Bt = Bᵀ's rows for the columns past the last
 * full block of 16 (N mod 16 of them, [N mod 16 × K]) where A is row-major, else NULL.
 */
VECTOR_CLONES
static void product(long M, long N, long K, float alpha, const float *restrict A, long rs, long cs,
                    const float *restrict B, const float *restrict Bt, float beta, float *restrict C, long ldc) {
  const long fullM = M - M % ROWS, fullN = N - N % COLS;
  for (long i = 0; i < fullM; i += ROWS) {
    const float *a0 = A + i * rs, *a1 = a0 + rs, *a2 = a1 + rs, *a3 = a2 + rs;
    for (long j = 0; j < fullN; j += COLS) {
      vec16 acc0 = {0}, acc1 = {0}, acc2 = {0}, acc3 = {0};
      for (long k = 0; k < K; k++) {
        const vec16 b = load16(B + k * N + j);
        acc0 += a0[k * cs] * b;
        acc1 += a1[k * cs] * b;
        acc2 += a2[k * cs] * b;
        acc3 += a3[k * cs] * b;
      }
      store16(C + i * ldc + j, acc0, alpha, beta);
      store16(C + (i + 1) * ldc + j, acc1, alpha, beta);
      store16(C + (i + 2) * ldc + j, acc2, alpha, beta);
      store16(C + (i + 3) * ldc + j, acc3, alpha, beta);
    }
  }
  /* Rows past the last full block: every column, as a row of blocks of one. */
  for (long i = fullM; i < M; i++)
    for (long j = 0; j < fullN; j += COLS) {
      vec16 acc = {0};
      for (long k = 0; k < K; k++) acc += A[i * rs + k * cs] * load16(B + k * N + j);
      store16(C + i * ldc + j, acc, alpha, beta);
    }
  if (fullN == N) return;
  if (!Bt) {
    /* Aᵀ's columns past the last block of 16 (a 16→1 convolution's filter gradient: its only one): 16 rows of C at
       a time, each a sum over k in order, A's rows read along their length. */
    const long fullM16 = M - M % 16;
    for (long j = fullN; j < N; j++) {
      for (long i = 0; i < fullM16; i += 16) {
        vec16 acc = {0};
        for (long k = 0; k < K; k++) acc += B[k * N + j] * load16(A + i + k * cs);
        for (int r = 0; r < 16; r++) {
          float *y = C + (i + r) * ldc + j;
          *y = scaled(acc[r], alpha, beta, y);
        }
      }
      for (long i = fullM16; i < M; i++) {
        float sum = 0.f;
        for (long k = 0; k < K; k++) sum += B[k * N + j] * A[i + k * cs];
        float *y = C + i * ldc + j;
        *y = scaled(sum, alpha, beta, y);
      }
    }
    return;
  }
  /* Columns past the last full block (a 16→1 convolution's only one): dot products along K, 16 terms at a time. */
  const long fullK = K - K % 16;
  for (long j = fullN; j < N; j++) {
    const float *bt = Bt + (j - fullN) * K;
    for (long i = 0; i < M; i++) {
      const float *a = A + i * rs;
      vec16 acc = {0};
      for (long k = 0; k < fullK; k += 16) acc += load16(a + k) * load16(bt + k);
      float sum = lanes_sum(&acc);
      for (long k = fullK; k < K; k++) sum += a[k] * bt[k];
      float *y = C + i * ldc + j;
      *y = scaled(sum, alpha, beta, y);
    }
  }
}

/* Parts of a product's rows: one per thread its multiply-adds warrant, of the calling thread's share (1 without
   OpenMP); rows split in multiples of 16. */
static int parts_of(long M, long N, long K) {
#ifdef _OPENMP
  if (omp_in_parallel()) return 1; /* a part of a convolution already split over the team (blas.c) */
#endif
  return M >= 32 ? team_for((double)M * N * K, PRODUCT_MACS_PER_THREAD, M / 16) : 1;
}

/* Rows [r0, r1) of part p of `parts`. */
static void part_rows(long M, int p, int parts, long *r0, long *r1) {
  const long blocks = (M + 15) / 16;
  *r0 = blocks * p / parts * 16;
  *r1 = p + 1 == parts ? M : blocks * (p + 1) / parts * 16;
}

int gemm(int tA, int tB, long M, long N, long K, float alpha, const float *A, long lda, const float *B, long ldb,
         float beta, float *C, long ldc) {
  return gemm_on(on_library, tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

int gemm_on(int library, int tA, int tB, long M, long N, long K, float alpha, const float *A, long lda, const float *B,
            long ldb, float beta, float *C, long ldc) {
  if (M <= 0 || N <= 0) return 1;
#ifndef HAVE_OPENBLAS
  library = 0;
#endif
  const long edge = N % COLS;
  const long rs = tA ? 1 : lda, cs = tA ? lda : 1;
  /* The built-in loops read op(B) dense row-major, and Bᵀ's last rows (op(B)'s last columns transposed back) for
     the dot products of a row-major A. */
  const int dots = !library && edge && cs == 1;
  float *b = library || (!tB && ldb == N) ? (float *)B : dense(B, ldb, tB, K, N);
  float *bt = dots && b ? dense(b + (N - edge), N, 1, edge, K) : NULL;
  if (!b || (dots && !bt)) {
    if (b != B) free(b);
    return 0;
  }
  const int parts = parts_of(M, N, K);
#ifdef _OPENMP
#pragma omp parallel for num_threads(parts) if (parts > 1)
#endif
  for (int p = 0; p < parts; p++) {
    long r0, r1;
    part_rows(M, p, parts, &r0, &r1);
#ifdef HAVE_OPENBLAS
    if (library) {
      cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, (int)(r1 - r0), (int)N,
                  (int)K, alpha, A + r0 * rs, (int)lda, B, (int)ldb, beta, C + r0 * ldc, (int)ldc);
      continue;
    }
#endif
    product(r1 - r0, N, K, alpha, A + r0 * rs, rs, cs, b, bt, beta, C + r0 * ldc, ldc);
  }
  if (b != B) free(b);
  free(bt);
  return 1;
}
