/* 2× upsampling of NHWC maps on plain loops (upsample2x.c). */
#ifndef UPSAMPLE2X_H
#define UPSAMPLE2X_H

/*
 * Forward: out [batch, 2H, 2W, C] from in [batch, H, W, C]; backward: out = the gradient at the input [batch, H, W, C]
 * from in = the gradient at the output [batch, 2H, 2W, C]. Nearest, or linear with half-pixel centres and the edges
 * clamped. False when out of memory.
 */
int upsample2x(int linear, int backward, const float *in, float *out, int batch, int H, int W, int C);

#endif
