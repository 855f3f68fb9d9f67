/*
 * Plans for oneDNN's resampling primitives (nearest, linear) on NHWC tensors, forward and backward: the generator's
 * upsampling by factors other than 2 (resample2x.c takes 2×, and the discriminator's 2×2 pooling). oneDNN's linear
 * resampling samples the input at (i + 0.5)·in/out − 0.5 with the edges clamped: PyTorch's align_corners=False,
 * which the reference's bilinear upsampling uses, and what the other backends' interpolation matrices compute
 * (ops.ts).
 */
#ifdef HAVE_DNNL
#include "dnnl_plan.h"
#include <string.h>

#define OK(call) \
  if ((call) != dnnl_success) goto refused

void make_resample_plan(dnnl_engine_t e, Plan *p) {
  const Geom *g = &p->key.g;
  const int kind = p->key.kind;
  const int forward = kind == DNNL_NEAREST_FORWARD || kind == DNNL_LINEAR_FORWARD;
  const dnnl_alg_kind_t alg =
      kind == DNNL_NEAREST_FORWARD || kind == DNNL_NEAREST_BACKWARD ? dnnl_resampling_nearest : dnnl_resampling_linear;
  const dnnl_dims_t src_dims = {g->batch, g->inC, g->inH, g->inW};
  const dnnl_dims_t dst_dims = {g->batch, g->outC, g->outH, g->outW};
  dnnl_memory_desc_t src_md, dst_md;
  dnnl_primitive_desc_t fwd_pd = NULL, pd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  OK(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_f32, dnnl_nhwc));
  OK(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_f32, dnnl_nhwc));
  OK(dnnl_primitive_attr_create(&attr));
  OK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
  dnnl_resampling_desc_t fd, bd;
  OK(dnnl_resampling_forward_desc_init(&fd, forward ? dnnl_forward_inference : dnnl_forward_training, alg, NULL,
                                       &src_md, &dst_md));
  OK(dnnl_primitive_desc_create(&fwd_pd, &fd, forward ? attr : NULL, e, NULL));
  if (!forward) {
    OK(dnnl_resampling_backward_desc_init(&bd, alg, NULL, &src_md, &dst_md));
    OK(dnnl_primitive_desc_create(&pd, &bd, attr, e, fwd_pd));
  }
  if (forward) {
    pd = fwd_pd;
    fwd_pd = NULL;
  }
  OK(dnnl_primitive_create(&p->prim, pd));
  /* m_a is what the primitive reads (src, or diff_dst backward), m_out what it writes. */
  OK(dnnl_memory_create(&p->m_a, forward ? &src_md : &dst_md, e, DNNL_MEMORY_NONE));
  OK(dnnl_memory_create(&p->m_out, forward ? &dst_md : &src_md, e, DNNL_MEMORY_NONE));
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
#endif
