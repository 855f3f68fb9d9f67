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

/* Multiply-adds per thread of a convolution (about 0.15 ms of one AVX-512 core at oneDNN's rate): of 8, 16 and 48 M
   (and 128, 256 and 768 K elements below), the smallest was fastest at every stage of the shared step and on the
   derived one, paired runs on the 2-vCPU Xeon. */
#define CONV_MACS_PER_THREAD 8e6
/* Elements per thread of a memory-bound kernel (resampling, pooling, normalisation). */
#define ELEMENTS_PER_THREAD 128e3

static inline int work_threads(double work, double per_thread, int share) {
  const double wanted = work / per_thread;
  if (wanted < 2 || share < 2) return 1;
  return wanted >= share ? share : (int)wanted;
}

#endif
