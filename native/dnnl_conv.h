/*
 * Convolutions on oneDNN's primitives (dnnl_conv.c) where the addon is built with oneDNN (HAVE_DNNL); every
 * function returns 0 when it did not compute (no oneDNN, switched off, or a geometry oneDNN refuses), and the
 * caller then takes the OpenBLAS path.
 */
#ifndef DNNL_CONV_H
#define DNNL_CONV_H
#include "conv_geom.h"

typedef struct DnnlState DnnlState;

enum {
  DNNL_CONV_FORWARD,
  DNNL_CONV_BACKWARD_DATA,
  DNNL_CONV_BACKWARD_WEIGHTS,
  DNNL_RESAMPLE_FIRST,
  DNNL_NEAREST_FORWARD = DNNL_RESAMPLE_FIRST,
  DNNL_NEAREST_BACKWARD,
  DNNL_LINEAR_FORWARD,
  DNNL_LINEAR_BACKWARD,
  DNNL_NORM_FIRST,
  DNNL_BATCH_NORM_FORWARD = DNNL_NORM_FIRST,
  DNNL_BATCH_NORM_BACKWARD,
};

/* A Node environment's plans (primitives cached per geometry), or NULL without oneDNN. */
DnnlState *dnnl_state_create(void);
void dnnl_state_free(DnnlState *s);
/* Whether this environment computes on oneDNN (on by default where built). */
void dnnl_state_enable(DnnlState *s, int on);
int dnnl_state_enabled(const DnnlState *s);
/* Records the calling thread's share of the cores (its OpenMP team, which blas.c sets; OpenMP's count is per
   thread), which a plan's primitive is made and run within: each takes as many threads as its work warrants
   (work_threads.h). */
void dnnl_set_threads(DnnlState *s, int n);
/* The library's version and the kernel the last forward primitive picked, or NULL without oneDNN. */
const char *dnnl_describe(DnnlState *s);

/*
 * kind FORWARD: (x, w) -> y, with an optional bias (outC floats, read) and ReLU as post-ops.
 * kind BACKWARD_DATA: (dy, w) -> dx.  kind BACKWARD_WEIGHTS: (x, dy) -> dw, and the bias's gradient into `bias`
 * (outC floats, written) where it is not NULL.
 */
int dnnl_conv(DnnlState *s, int kind, const float *a, const float *b, float *out, const Geom *g, float *bias,
              int relu);

/*
 * NHWC upsampling [batch, inH, inW, C] -> [batch, outH, outW, C]: nearest or linear (half-pixel centres, edges
 * clamped); BACKWARD kinds take dy of the output's shape and write dx of the input's (the sizes still given as the
 * forward's).
 */
int dnnl_resample(DnnlState *s, int kind, const float *in, float *out, int batch, int inH, int inW, int channels,
                  int outH, int outW);

/*
 * NHWC batch norm in training mode (dnnl_norm.c): y = gamma·(x − mean)/√(variance + eps) + beta with the
 * statistics of x over batch, H, W per channel, written to mean and variance (the biased variance).
 * The backward takes the forward's statistics and writes dx, dgamma and dbeta; dy may be dx.
 */
int dnnl_batch_norm(DnnlState *s, const float *x, const float *gamma, const float *beta, float *y, float *mean,
                    float *variance, int batch, int h, int w, int channels, float eps);
int dnnl_batch_norm_backward(DnnlState *s, const float *x, const float *dy, const float *mean, const float *variance,
                             const float *gamma, float *dx, float *dgamma, float *dbeta, int batch, int h, int w,
                             int channels, float eps);

#endif
