/*
 * Instance norm as plain loops, channels innermost so that they vectorise, images split over the calling
 * thread's OpenMP team where the addon is built with one (detect-openmp.sh). oneDNN 2.6 has no instance norm, and
 * both of its stand-ins measured slower (CPU µs forward/backward, 1 thread, N·H·W·C; issue 21's sizes):
 *
 *   shape        these loops   batch norm per image   layer norm on a [N, C, H·W] view
 *   32·8·8·32       49 / 39         58 / 93              5,900 /   6,200
 *   32·16·16·32    193 / 214       194 / 341            23,000 /  31,700
 *   32·32·32·32    764 / 993       956 / 1,637         115,000 / 107,000
 *   16·16·16·16     35 / 43         53 / 81              6,800 /   6,700
 *
 * (the layer norm takes a strided view only in its reference kernel). An image is one thread's, so results do
 * not depend on the thread count.
 */
#include "instance_norm.h"
#include <math.h>
#ifdef _OPENMP
#include "work_threads.h"
#include <omp.h>
#define TEAM(batch, hw, c) num_threads(work_threads((double)(batch) * (hw) * (c), ELEMENTS_PER_THREAD, omp_get_max_threads()))
#endif

void instance_norm(const float *x, float *y, float *mean, float *rstd, int batch, long hw, int channels, float eps,
                   int relu) {
  const int c = channels;
  if (c < 1) return; /* nothing to normalise, and no zero-length arrays below */
#ifdef _OPENMP
#pragma omp parallel for TEAM(batch, hw, c)
#endif
  for (int n = 0; n < batch; n++) {
    const float *xn = x + n * hw * c;
    float *yn = y + n * hw * c, *m = mean + (long)n * c, *r = rstd + (long)n * c;
    float acc[c];
    for (int k = 0; k < c; k++) acc[k] = 0.f;
    for (long i = 0; i < hw; i++)
      for (int k = 0; k < c; k++) acc[k] += xn[i * c + k];
    for (int k = 0; k < c; k++) {
      m[k] = acc[k] / hw;
      acc[k] = 0.f;
    }
    /* The variance about the mean (two passes): no cancellation when the mean is large beside the spread. */
    for (long i = 0; i < hw; i++)
      for (int k = 0; k < c; k++) {
        const float d = xn[i * c + k] - m[k];
        acc[k] += d * d;
      }
    for (int k = 0; k < c; k++) r[k] = 1.f / sqrtf(acc[k] / hw + eps);
    for (long i = 0; i < hw; i++)
      for (int k = 0; k < c; k++) {
        const float v = (xn[i * c + k] - m[k]) * r[k];
        yn[i * c + k] = relu && !(v > 0.f) ? 0.f : v;
      }
  }
}

/* dx = rstd·(dy − mean(dy) − x̂·mean(dy·x̂)), x̂ = (x − mean)·rstd; each element of dy is read before its dx is
   written, so dy may be dx. */
void instance_norm_backward(const float *x, const float *dy, const float *mean, const float *rstd, float *dx,
                            int batch, long hw, int channels) {
  const int c = channels;
  if (c < 1) return;
#ifdef _OPENMP
#pragma omp parallel for TEAM(batch, hw, c)
#endif
  for (int n = 0; n < batch; n++) {
    const float *xn = x + n * hw * c, *dn = dy + n * hw * c, *m = mean + (long)n * c, *r = rstd + (long)n * c;
    float *on = dx + n * hw * c;
    float sum_dy[c], sum_dyx[c];
    for (int k = 0; k < c; k++) sum_dy[k] = sum_dyx[k] = 0.f;
    for (long i = 0; i < hw; i++)
      for (int k = 0; k < c; k++) {
        sum_dy[k] += dn[i * c + k];
        sum_dyx[k] += dn[i * c + k] * (xn[i * c + k] - m[k]);
      }
    /* sum_dy becomes mean(dy); sum_dyx the factor of (x − mean): rstd²·mean(dy·(x − mean)). */
    for (int k = 0; k < c; k++) {
      sum_dy[k] /= hw;
      sum_dyx[k] = sum_dyx[k] / hw * r[k] * r[k];
    }
    for (long i = 0; i < hw; i++)
      for (int k = 0; k < c; k++) on[i * c + k] = r[k] * (dn[i * c + k] - sum_dy[k] - (xn[i * c + k] - m[k]) * sum_dyx[k]);
  }
}
