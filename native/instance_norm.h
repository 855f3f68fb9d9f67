/* Instance norm without affine parameters on NHWC tensors (instance_norm.c). */
#ifndef INSTANCE_NORM_H
#define INSTANCE_NORM_H

/*
 * y = (x − mean)·rstd per image and channel, the statistics over H·W = hw pixels, then ReLU where relu is set;
 * writes mean and rstd = 1/√(variance + eps), [batch, channels] each, for the backward.
 */
void instance_norm(const float *x, float *y, float *mean, float *rstd, int batch, long hw, int channels, float eps,
                   int relu);
/* dx from x, dy (at the norm's output, before any ReLU) and the forward's mean and rstd; dy may be dx. */
void instance_norm_backward(const float *x, const float *dy, const float *mean, const float *rstd, float *dx,
                            int batch, long hw, int channels);

#endif
