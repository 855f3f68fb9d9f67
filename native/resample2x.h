/* 2× upsampling and 2×2 average pooling of NHWC maps on plain loops (resample2x.c). */
#ifndef RESAMPLE2X_H
#define RESAMPLE2X_H

/* The modes, numbered as the addon's `resample`. */
enum { RESAMPLE2X_NEAREST = 0, RESAMPLE2X_LINEAR = 1, RESAMPLE2X_AVG_POOL = 2 };

/*
 * H, W: the small map's size (an upsampling's input, a pooling's output). Upsampling forward: out [batch, 2H, 2W, C]
 * from in [batch, H, W, C], nearest or linear with half-pixel centres and the edges clamped; pooling forward: out
 * [batch, H, W, C] from in [batch, 2H, 2W, C]. Backward: out = the gradient at the forward input from in = the
 * gradient at the forward output. False when out of memory.
 */
int resample2x(int mode, int backward, const float *in, float *out, int batch, int H, int W, int C);

#endif
