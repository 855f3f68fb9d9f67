/*
 * Batch norm in training mode on oneDNN's batch_normalization primitive, forward and backward, NHWC as tfjs
 * keeps activations: one pass each way where the tfjs ops took about seven kernels and their gradients. Scale and
 * shift go in packed as oneDNN's [2, C] weights (dnnl_use_scaleshift): issue 21 found the backward with separate
 * use_scale | use_shift refused on NHWC in 2.6.3 (on another machine it was taken), and the packed form is taken
 * everywhere; copying 2·C floats costs nothing beside the pass over the activations.
 */
#include "dnnl_conv.h"

#ifndef HAVE_DNNL

int dnnl_batch_norm(DnnlState *s, const float *x, const float *gamma, const float *beta, float *y, float *mean,
                    float *variance, int batch, int h, int w, int channels, float eps) {
  (void)s, (void)x, (void)gamma, (void)beta, (void)y, (void)mean, (void)variance, (void)batch, (void)h, (void)w,
      (void)channels, (void)eps;
  return 0;
}
int dnnl_batch_norm_backward(DnnlState *s, const float *x, const float *dy, const float *mean, const float *variance,
                             const float *gamma, float *dx, float *dgamma, float *dbeta, int batch, int h, int w,
                             int channels, float eps) {
  (void)s, (void)x, (void)dy, (void)mean, (void)variance, (void)gamma, (void)dx, (void)dgamma, (void)dbeta,
      (void)batch, (void)h, (void)w, (void)channels, (void)eps;
  return 0;
}

#else

#include "dnnl_plan.h"
#include <stdlib.h>
#include <string.h>

#define OK(call) \
  if ((call) != dnnl_success) goto refused

/*
 * m_a: x; m_out: y forward, dx backward; m_b: dy; m_mean, m_var: the statistics; user_w: the packed scale and
 * shift, over p->packed; prim_w (backward): their gradients, over the second half of p->packed.
 */
void make_norm_plan(dnnl_engine_t e, Plan *p) {
  const Geom *g = &p->key.g;
  const int forward = p->key.kind == DNNL_BATCH_NORM_FORWARD;
  const dnnl_dims_t dims = {g->batch, g->inC, g->inH, g->inW}, ss_dims = {2, g->inC}, stat_dims = {g->inC};
  dnnl_memory_desc_t data_md, ss_md, stat_md;
  dnnl_primitive_desc_t fwd_pd = NULL, pd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  OK(dnnl_memory_desc_init_by_tag(&data_md, 4, dims, dnnl_f32, dnnl_nhwc));
  OK(dnnl_memory_desc_init_by_tag(&ss_md, 2, ss_dims, dnnl_f32, dnnl_nc));
  OK(dnnl_memory_desc_init_by_tag(&stat_md, 1, stat_dims, dnnl_f32, dnnl_x));
  OK(dnnl_primitive_attr_create(&attr));
  OK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
  dnnl_batch_normalization_desc_t fd, bd;
  OK(dnnl_batch_normalization_forward_desc_init(&fd, dnnl_forward_training, &data_md, p->key.eps, dnnl_use_scaleshift));
  OK(dnnl_primitive_desc_create(&fwd_pd, &fd, forward ? attr : NULL, e, NULL));
  if (forward) {
    pd = fwd_pd;
    fwd_pd = NULL;
  } else {
    OK(dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, &data_md, &data_md, p->key.eps, dnnl_use_scaleshift));
    OK(dnnl_primitive_desc_create(&pd, &bd, attr, e, fwd_pd));
  }
  OK(dnnl_primitive_create(&p->prim, pd));
  p->packed = calloc((forward ? 2 : 4) * (size_t)g->inC, sizeof(float));
  if (!p->packed) goto refused;
  OK(dnnl_memory_create(&p->m_a, &data_md, e, DNNL_MEMORY_NONE));
  OK(dnnl_memory_create(&p->m_out, &data_md, e, DNNL_MEMORY_NONE));
  OK(dnnl_memory_create(&p->m_mean, &stat_md, e, DNNL_MEMORY_NONE));
  OK(dnnl_memory_create(&p->m_var, &stat_md, e, DNNL_MEMORY_NONE));
  OK(dnnl_memory_create(&p->user_w, &ss_md, e, p->packed));
  if (!forward) {
    OK(dnnl_memory_create(&p->m_b, &data_md, e, DNNL_MEMORY_NONE));
    OK(dnnl_memory_create(&p->prim_w, &ss_md, e, p->packed + 2 * g->inC));
  }
  if (!plan_scratchpad(p, e, pd)) goto refused;
  p->ok = 1;
  goto done;
refused:
  plan_refuse(p);
done:
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (fwd_pd) dnnl_primitive_desc_destroy(fwd_pd);
  if (pd) dnnl_primitive_desc_destroy(pd);
}

static Plan *norm_plan(DnnlState *s, int kind, int batch, int h, int w, int channels, float eps) {
  if (!s || !s->enabled) return NULL;
  PlanKey key;
  memset(&key, 0, sizeof key); /* padding bytes take part in the memcmp */
  key.kind = kind;
  key.g = (Geom){batch, h, w, channels, h, w, channels, 0, 0, 0, 0, 0, 0, 0, 0};
  key.eps = eps;
  Plan *p = plan_for(s, &key);
  return p && p->ok && use_scratch(s, p) ? p : NULL;
}

static int set(dnnl_memory_t m, const void *data) { return dnnl_memory_set_data_handle(m, (void *)data) == dnnl_success; }

static int execute(DnnlState *s, Plan *p, dnnl_exec_arg_t *args, int n) {
  if (p->m_scratch) args[n++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, p->m_scratch};
  return execute_plan(s, p, p->prim, n, args);
}

int dnnl_batch_norm(DnnlState *s, const float *x, const float *gamma, const float *beta, float *y, float *mean,
                    float *variance, int batch, int h, int w, int channels, float eps) {
  Plan *p = norm_plan(s, DNNL_BATCH_NORM_FORWARD, batch, h, w, channels, eps);
  if (!p || !set(p->m_a, x) || !set(p->m_out, y) || !set(p->m_mean, mean) || !set(p->m_var, variance)) return 0;
  memcpy(p->packed, gamma, channels * sizeof(float));
  memcpy(p->packed + channels, beta, channels * sizeof(float));
  dnnl_exec_arg_t args[6] = {{DNNL_ARG_SRC, p->m_a}, {DNNL_ARG_DST, p->m_out}, {DNNL_ARG_MEAN, p->m_mean},
                             {DNNL_ARG_VARIANCE, p->m_var}, {DNNL_ARG_SCALE_SHIFT, p->user_w}};
  return execute(s, p, args, 5);
}

int dnnl_batch_norm_backward(DnnlState *s, const float *x, const float *dy, const float *mean, const float *variance,
                             const float *gamma, float *dx, float *dgamma, float *dbeta, int batch, int h, int w,
                             int channels, float eps) {
  Plan *p = norm_plan(s, DNNL_BATCH_NORM_BACKWARD, batch, h, w, channels, eps);
  if (!p || !set(p->m_a, x) || !set(p->m_b, dy) || !set(p->m_out, dx) || !set(p->m_mean, mean) ||
      !set(p->m_var, variance))
    return 0;
  /* The backward reads the scale alone; the shift's half stays zero. */
  memcpy(p->packed, gamma, channels * sizeof(float));
  dnnl_exec_arg_t args[8] = {{DNNL_ARG_SRC, p->m_a},        {DNNL_ARG_DIFF_DST, p->m_b},
                             {DNNL_ARG_MEAN, p->m_mean},    {DNNL_ARG_VARIANCE, p->m_var},
                             {DNNL_ARG_SCALE_SHIFT, p->user_w}, {DNNL_ARG_DIFF_SRC, p->m_out},
                             {DNNL_ARG_DIFF_SCALE_SHIFT, p->prim_w}};
  if (!execute(s, p, args, 7)) return 0;
  memcpy(dgamma, p->packed + 2 * channels, channels * sizeof(float));
  memcpy(dbeta, p->packed + 3 * channels, channels * sizeof(float));
  return 1;
}

#endif
