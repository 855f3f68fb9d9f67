/* The addon's one matrix product (gemm.c): OpenBLAS's sgemm where the addon was built with it, else its own loops. */
#ifndef AUTOGAN_GEMM_H
#define AUTOGAN_GEMM_H

/* C = alpha · op(A) · op(B) + beta · C, row-major, op(X) = Xᵀ where tX; C is not read when beta is 0. False when
   out of memory (the built-in loops copy op(B)). */
int gemm(int tA, int tB, long M, long N, long K, float alpha, const float *A, long lda, const float *B, long ldb,
         float beta, float *C, long ldc);

/* gemm on OpenBLAS (library 1, where built with it) or the built-in loops (0), whichever thread calls it: the
   threads of an OpenMP team do not hold their caller's switch (gemm_use_library), so a kernel that shares out its
   products passes the caller's on. */
int gemm_on(int library, int tA, int tB, long M, long N, long K, float alpha, const float *A, long lda, const float *B,
            long ldb, float beta, float *C, long ldc);

/* Whether the calling thread's products run on OpenBLAS (where built with it); off, on the built-in loops. */
void gemm_use_library(int on);
int gemm_on_library(void);

/* OpenBLAS's own threads within one call (process-wide; 1 without it). Apart from these, a large product is split
   by rows over the calling thread's OpenMP team, on either path. */
void gemm_set_threads(int n);
int gemm_threads(void);

/* What computes the products: OpenBLAS's build string, or the built-in loops' name. */
const char *gemm_describe(void);

#endif
