/*
 * How many of the calling thread's OpenMP threads a kernel takes, by its work. Waking a sleeping OpenMP thread
 * (passive waiting, omp-env.ts) costs tens of microseconds, and on a machine whose other cores are busy the
 * woken thread may wait for a time slice while the first one waits at the barrier: an 8-pixel convolution ran
 * slower on two threads than on one. So a kernel gets one more thread per `per_thread` units of work, up to the
 * thread's share of the cores. A function of the geometry alone, so that a given config always splits a kernel
 * the same way (a filter gradient's sums depend on the split).
 */
#ifndef WORK_THREADS_H
#define WORK_THREADS_H
#ifdef _OPENMP
#include <omp.h>
#endif

/* Multiply-adds per thread of a convolution (about 0.15 ms of one AVX-512 core at oneDNN's rate at 8 M). 10 M leaves
   the 19 M-MAC 8 px convolutions of a gf 32 step on one thread: paired against 8 M (session 9, 2-vCPU Xeon, six
   pairs each) the shared step was 10 % faster at stage 0 and 8 % at stage 1, stage 2 and the derived step within
   2 %. Two threads there lost time to stalls: such a kernel took 0.06 ms called back to back and 0.2 ms median,
   3 ms at the 90th percentile, inside a step. 20 M, which puts the 38 M ones on one thread too, made
   stage 0 16 % faster and stages 1 and 2 about 5 % slower. */
#define CONV_MACS_PER_THREAD 10e6
/* A filter gradient's: on two threads oneDNN's backward-weights kernel stalled far more often than forward or
   backward-data (the 38 M-MAC 8 px one: 0.5 ms median, 3.5-5 ms at the 90th percentile inside a step, against 0.85 ms
   steady on one thread; spinning waits and V8's GC on one thread did not remove the stalls). Paired against 10 M
   (five pairs each): the shared stage-0 step 11 % faster, the derived step 7 %, stage 1 level, stage 2 8 % slower. */
#define CONV_WEIGHTS_MACS_PER_THREAD 20e6
/* Multiply-adds per thread of the addon's own matrix product (gemm.c; convolutions as im2col + product where oneDNN
   is absent). */
#define PRODUCT_MACS_PER_THREAD 10e6
/* Elements per thread of a memory-bound kernel (resampling, pooling, normalisation). */
#define ELEMENTS_PER_THREAD 128e3

static inline int work_threads(double work, double per_thread, int share) {
  const double wanted = work / per_thread;
  if (wanted < 2 || share < 2) return 1;
  return wanted >= share ? share : (int)wanted;
}

/* The calling thread's team for `work` (work_threads of its OpenMP share), at most `most` threads (most >= 1); 1
   where the addon is built without OpenMP. */
static inline int team_for(double work, double per_thread, long most) {
#ifdef _OPENMP
  const int t = work_threads(work, per_thread, omp_get_max_threads());
  return t < most ? t : (int)most;
#else
  (void)work, (void)per_thread, (void)most;
  return 1;
#endif
}

/* The calling thread's place in the OpenMP team it runs in, and that team's size: 0 and 1 outside a parallel
   region or without OpenMP. */
static inline int team_member(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

static inline int team_size(void) {
#ifdef _OPENMP
  return omp_get_num_threads();
#else
  return 1;
#endif
}

#endif
