/*
 * The generator's 2× upsampling, nearest and linear (samples at (i + 0.5)/2 − 0.5, edges clamped: PyTorch's
 * align_corners=False, as oneDNN's linear resampling and ops.ts's interpolation matrices), and the discriminator's
 * 2×2 average pooling, forward and backward, as plain loops, with or without oneDNN. oneDNN 2.6's resampling
 * primitives ran these shapes at about 12 GB/s (a 32×16×16×32 batch: 0.35 ms nearest and 0.29 ms linear forward,
 * 0.22 and 0.87 ms backward, where a copy of half the output took 0.04 ms), 14 % of a derived step; without
 * oneDNN the other route is two batched matMuls with interpolation matrices. Linear is separable, weights 3/4 and
 * 1/4: rows first, then columns, and its gradient the same sums transposed, columns first, then rows. Pooling is
 * nearest upsampling's transpose scaled by ¼, its four terms summed in oneDNN's order (row by row, left to right),
 * so a build with oneDNN computes the bits its pooling did. Images are split over the calling thread's OpenMP team
 * (work_threads.h) where the addon has one; an image is one thread's, so results do not depend on the split.
 */
#include "resample2x.h"
#include <stdlib.h>
#include <string.h>
#include "work_threads.h"

/* row[j] for j in [0, W) of C floats each, the neighbours clamped at the edges */
#define AT(row, j, W, C) ((row) + (size_t)((j) < 0 ? 0 : (j) >= (W) ? (W) - 1 : (j)) * (C))

/* dst[0, 2W) from src[0, W): dst[2j] = ¼·src[j−1] + ¾·src[j], dst[2j+1] = ¾·src[j] + ¼·src[j+1]. */
static void widen_linear(const float *src, float *dst, int W, int C) {
  for (int j = 0; j < W; j++) {
    const float *l = AT(src, j - 1, W, C), *m = src + (size_t)j * C, *r = AT(src, j + 1, W, C);
    float *even = dst + (size_t)2 * j * C, *odd = even + C;
    for (int c = 0; c < C; c++) {
      even[c] = 0.25f * l[c] + 0.75f * m[c];
      odd[c] = 0.75f * m[c] + 0.25f * r[c];
    }
  }
}

/* The transpose of widen_linear: dst[j] from src[0, 2W), the clamped edges folded back. */
static void narrow_linear(const float *src, float *dst, int W, int C) {
  const int W2 = 2 * W;
  for (int j = 0; j < W; j++) {
    const float *a = src + (size_t)2 * j * C, *b = a + C;
    const float *l = AT(src, 2 * j - 1, W2, C), *r = AT(src, 2 * j + 2, W2, C);
    float *d = dst + (size_t)j * C;
    for (int c = 0; c < C; c++) d[c] = 0.75f * (a[c] + b[c]) + 0.25f * (l[c] + r[c]);
  }
}

/* Each input pixel into its 2×2 block of out [2H × 2W], times `scale`: nearest upsampling (1), pooling's gradient (¼). */
static void spread(const float *in, float *out, int H, int W, int C, float scale) {
  const size_t row = (size_t)2 * W * C;
  for (int i = 0; i < H; i++) {
    float *even = out + (size_t)2 * i * row;
    for (int j = 0; j < W; j++) {
      const float *s = in + ((size_t)i * W + j) * C;
      float *a = even + (size_t)2 * j * C, *b = a + C;
      if (scale == 1.0f) {
        memcpy(a, s, (size_t)C * sizeof(float));
        memcpy(b, s, (size_t)C * sizeof(float));
      } else {
        for (int c = 0; c < C; c++) a[c] = b[c] = s[c] * scale;
      }
    }
    memcpy(even + row, even, row * sizeof(float));
  }
}

/* Each 2×2 block of in [2H × 2W] summed into one pixel of out [H × W]: nearest upsampling's gradient, or pooling
   (`pool`: the sum times ¼, its terms in oneDNN's order, see the file comment). */
static void gather(const float *in, float *out, int H, int W, int C, int pool) {
  const size_t row = (size_t)2 * W * C;
  for (int i = 0; i < H; i++)
    for (int j = 0; j < W; j++) {
      const float *a = in + (size_t)2 * i * row + (size_t)2 * j * C, *b = a + C, *e = a + row, *f = e + C;
      float *d = out + ((size_t)i * W + j) * C;
      if (pool)
        for (int c = 0; c < C; c++) d[c] = (((a[c] + b[c]) + e[c]) + f[c]) * 0.25f;
      else
        for (int c = 0; c < C; c++) d[c] = (a[c] + b[c]) + (e[c] + f[c]);
    }
}

/* Linear: the image's rows widened (a row of W·C floats as one element) into `tmp` [2H × W·C], then each row's
   pixels. */
static void forward_linear(const float *in, float *out, int H, int W, int C, float *tmp) {
  const int n = W * C;
  widen_linear(in, tmp, H, n);
  for (int oy = 0; oy < 2 * H; oy++) widen_linear(tmp + (size_t)oy * n, out + (size_t)oy * 2 * n, W, C);
}

/* Its transpose: each row of the output's gradient narrowed into `tmp` [2H × W·C], then the rows. */
static void backward_linear(const float *dy, float *dx, int H, int W, int C, float *tmp) {
  const int n = W * C;
  for (int oy = 0; oy < 2 * H; oy++) narrow_linear(dy + (size_t)oy * 2 * n, tmp + (size_t)oy * n, W, C);
  narrow_linear(tmp, dx, H, n);
}

int resample2x(int mode, int backward, const float *in, float *out, int batch, int H, int W, int C) {
  const size_t image = (size_t)H * W * C;
  if (batch < 1 || image == 0) return 1; /* nothing to write (and no zero-length buffer to ask for) */
  const int linear = mode == RESAMPLE2X_LINEAR, pool = mode == RESAMPLE2X_AVG_POOL;
  /* the large map is the input of an upsampling's gradient and of a pooling */
  const int in_large = backward != pool;
  int ok = 1;
#ifdef _OPENMP
  const int threads = team_for((double)batch * image * 4, ELEMENTS_PER_THREAD, batch);
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(&& : ok)
#endif
  {
    float *tmp = linear ? malloc(2 * image * sizeof(float)) : NULL;
    if (linear && !tmp) ok = 0;
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int b = 0; b < batch; b++) {
      if (!ok) continue;
      const float *src = in + (size_t)b * image * (in_large ? 4 : 1);
      float *dst = out + (size_t)b * image * (in_large ? 1 : 4);
      if (linear) (backward ? backward_linear : forward_linear)(src, dst, H, W, C, tmp);
      else if (in_large) gather(src, dst, H, W, C, pool);
      else spread(src, dst, H, W, C, pool ? 0.25f : 1.0f);
    }
    free(tmp);
  }
  return ok;
}
