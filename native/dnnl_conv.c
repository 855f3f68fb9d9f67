/*
 * NHWC convolutions (forward, input gradient, filter gradient) on oneDNN's primitives. Activations stay in
 * tfjs's NHWC; weights are reordered between tfjs's HWIO and the layout each primitive picks (format `any`):
 * with HWIO as it is, oneDNN 2.6 falls back to a slower gemm kernel, and the reorder of a few thousand
 * floats costs less than that (measured: issue 21's table). A plan (primitive, reorder, memories) is made
 * once per geometry and kept for the Node environment's life: creating a primitive JIT-compiles it
 * (0.3–0.9 ms), as much as running it. The scratchpad is the caller's, one per environment, so that
 * environments (worker threads) never share mutable state.
 */
#include "dnnl_conv.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef HAVE_DNNL

DnnlState *dnnl_state_create(void) { return NULL; }
void dnnl_state_free(DnnlState *s) { (void)s; }
void dnnl_state_enable(DnnlState *s, int on) { (void)s; (void)on; }
int dnnl_state_enabled(const DnnlState *s) { (void)s; return 0; }
void dnnl_set_threads(DnnlState *s, int n) { (void)s, (void)n; }
const char *dnnl_describe(DnnlState *s) { (void)s; return NULL; }
int dnnl_conv(DnnlState *s, int kind, const float *a, const float *b, float *out, const Geom *g, float *bias,
              int relu) {
  (void)s, (void)kind, (void)a, (void)b, (void)out, (void)g, (void)bias, (void)relu;
  return 0;
}
int dnnl_resample(DnnlState *s, int kind, const float *in, float *out, int batch, int inH, int inW, int channels,
                  int outH, int outW) {
  (void)s, (void)kind, (void)in, (void)out, (void)batch, (void)inH, (void)inW, (void)channels, (void)outH, (void)outW;
  return 0;
}

#else

#include "dnnl_plan.h"
#include "work_threads.h"
#include <omp.h>
#include <stdio.h>

DnnlState *dnnl_state_create(void) {
  DnnlState *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  if (dnnl_engine_create(&s->engine, dnnl_cpu, 0) != dnnl_success ||
      dnnl_stream_create(&s->stream, s->engine, dnnl_stream_default_flags) != dnnl_success) {
    if (s->engine) dnnl_engine_destroy(s->engine);
    free(s);
    return NULL;
  }
  s->enabled = 1;
  s->share = omp_get_max_threads();
  return s;
}

void plan_free(Plan *p) {
  dnnl_memory_t mems[] = {p->user_w, p->prim_w, p->m_a, p->m_b, p->m_out, p->m_bias, p->m_scratch, p->m_mean, p->m_var};
  for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
    if (mems[i]) dnnl_memory_destroy(mems[i]);
  if (p->prim) dnnl_primitive_destroy(p->prim);
  if (p->reorder) dnnl_primitive_destroy(p->reorder);
  free(p->packed);
}

void dnnl_state_free(DnnlState *s) {
  if (!s) return;
  for (size_t i = 0; i < s->count; i++) plan_free(&s->plans[i]);
  free(s->plans);
  free(s->scratch);
  free(s->staging);
  dnnl_stream_destroy(s->stream);
  dnnl_engine_destroy(s->engine);
  free(s);
}

void dnnl_state_enable(DnnlState *s, int on) {
  if (s) s->enabled = on;
}

int dnnl_state_enabled(const DnnlState *s) { return s && s->enabled; }

void dnnl_set_threads(DnnlState *s, int n) {
  if (!s) return;
  s->share = n;
}

/* A plan's threads by its work: multiply-adds of a convolution, elements of the others. */
static int plan_threads(const PlanKey *k) {
  const Geom *g = &k->g;
  if (k->kind < DNNL_RESAMPLE_FIRST) {
    const double macs = (double)g->batch * g->outH * g->outW * g->outC * g->inC * g->fH * g->fW;
    const double per_thread = k->kind == DNNL_CONV_BACKWARD_WEIGHTS ? CONV_WEIGHTS_MACS_PER_THREAD : CONV_MACS_PER_THREAD;
    return work_threads(macs, per_thread, k->share);
  }
  const double in = (double)g->batch * g->inH * g->inW * g->inC, out = (double)g->batch * g->outH * g->outW * g->outC;
  return work_threads(in > out ? in : out, ELEMENTS_PER_THREAD, k->share);
}

const char *dnnl_describe(DnnlState *s) {
  if (!s) return NULL;
  const dnnl_version_t *v = dnnl_version();
  const char *impl = "";
  for (size_t i = s->count; i-- > 0;)
    if (s->plans[i].ok && s->plans[i].key.kind == DNNL_CONV_FORWARD) {
      impl = s->plans[i].impl;
      break;
    }
  snprintf(s->describe, sizeof s->describe, "oneDNN %d.%d.%d%s%s", v->major, v->minor, v->patch, *impl ? " " : "", impl);
  return s->describe;
}

/* ---------- making a plan ---------- */

#define OK(call) \
  if ((call) != dnnl_success) goto refused

static int same_md(const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b) { return dnnl_memory_desc_equal(a, b); }

static int make_mem(dnnl_memory_t *m, const dnnl_memory_desc_t *md, dnnl_engine_t e) {
  return dnnl_memory_create(m, md, e, DNNL_MEMORY_NONE) == dnnl_success;
}

void plan_refuse(Plan *p) {
  plan_free(p);
  memset((char *)p + sizeof p->key, 0, sizeof *p - sizeof p->key);
  p->ok = 0;
}

int plan_scratchpad(Plan *p, dnnl_engine_t e, const_dnnl_primitive_desc_t pd) {
  const dnnl_memory_desc_t *sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  p->scratch_bytes = sp ? dnnl_memory_desc_get_size(sp) : 0;
  return !p->scratch_bytes || make_mem(&p->m_scratch, sp, e);
}

/* Weights in the primitive's layout `prim_md`, reordered from (to_prim) or to HWIO `user_md`. */
static int plan_weights(Plan *p, dnnl_engine_t e, const dnnl_memory_desc_t *user_md, const dnnl_memory_desc_t *prim_md,
                        int to_prim) {
  if (!make_mem(&p->user_w, user_md, e)) return 0;
  if (same_md(user_md, prim_md)) return 1;
  p->packed = malloc(dnnl_memory_desc_get_size(prim_md));
  if (!p->packed || dnnl_memory_create(&p->prim_w, prim_md, e, p->packed) != dnnl_success) return 0;
  dnnl_primitive_desc_t rpd = NULL;
  const dnnl_memory_desc_t *from = to_prim ? user_md : prim_md, *to = to_prim ? prim_md : user_md;
  if (dnnl_reorder_primitive_desc_create(&rpd, from, e, to, e, NULL) != dnnl_success) return 0;
  const int ok = dnnl_primitive_create(&p->reorder, rpd) == dnnl_success;
  dnnl_primitive_desc_destroy(rpd);
  return ok;
}

static void make_plan(DnnlState *s, Plan *p) {
  const Geom *g = &p->key.g;
  dnnl_engine_t e = s->engine;
  const dnnl_dims_t src_dims = {g->batch, g->inC, g->inH, g->inW};
  const dnnl_dims_t dst_dims = {g->batch, g->outC, g->outH, g->outW};
  const dnnl_dims_t w_dims = {g->outC, g->inC, g->fH, g->fW};
  const dnnl_dims_t b_dims = {g->outC};
  const dnnl_dims_t strides = {g->strideH, g->strideW};
  const dnnl_dims_t dilates = {g->dilH - 1, g->dilW - 1};
  const dnnl_dims_t pad_l = {g->padTop, g->padLeft};
  /* tfjs gives the top and left padding; the far side's follows from the output size. */
  const dnnl_dims_t pad_r = {(long)(g->outH - 1) * g->strideH + (long)(g->fH - 1) * g->dilH + 1 - g->inH - g->padTop,
                             (long)(g->outW - 1) * g->strideW + (long)(g->fW - 1) * g->dilW + 1 - g->inW - g->padLeft};
  dnnl_memory_desc_t src_md, dst_md, w_any, w_user, b_md;
  dnnl_primitive_desc_t fwd_pd = NULL, pd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_post_ops_t ops = NULL;
  if (pad_r[0] < 0 || pad_r[1] < 0) goto refused;
  OK(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_f32, dnnl_nhwc));
  OK(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_f32, dnnl_nhwc));
  OK(dnnl_memory_desc_init_by_tag(&w_any, 4, w_dims, dnnl_f32, dnnl_format_tag_any));
  OK(dnnl_memory_desc_init_by_tag(&w_user, 4, w_dims, dnnl_f32, dnnl_hwio));
  OK(dnnl_memory_desc_init_by_tag(&b_md, 1, b_dims, dnnl_f32, dnnl_x));
  OK(dnnl_primitive_attr_create(&attr));
  OK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));

  const int forward = p->key.kind == DNNL_CONV_FORWARD;
  dnnl_convolution_desc_t fwd_desc;
  OK(dnnl_dilated_convolution_forward_desc_init(&fwd_desc, forward ? dnnl_forward_inference : dnnl_forward_training,
                                                dnnl_convolution_direct, &src_md, &w_any,
                                                forward && p->key.bias ? &b_md : NULL, &dst_md, strides, dilates,
                                                pad_l, pad_r));
  if (forward && p->key.relu) {
    OK(dnnl_post_ops_create(&ops));
    OK(dnnl_post_ops_append_eltwise(ops, 1.f, dnnl_eltwise_relu, 0.f, 0.f));
    OK(dnnl_primitive_attr_set_post_ops(attr, ops));
  }
  OK(dnnl_primitive_desc_create(&fwd_pd, &fwd_desc, forward ? attr : NULL, e, NULL));
  if (forward) {
    pd = fwd_pd;
    fwd_pd = NULL;
  } else {
    dnnl_convolution_desc_t bwd_desc;
    if (p->key.kind == DNNL_CONV_BACKWARD_DATA) {
      OK(dnnl_dilated_convolution_backward_data_desc_init(&bwd_desc, dnnl_convolution_direct, &src_md, &w_any, &dst_md,
                                                          strides, dilates, pad_l, pad_r));
    } else {
      OK(dnnl_dilated_convolution_backward_weights_desc_init(&bwd_desc, dnnl_convolution_direct, &src_md, &w_any,
                                                             p->key.bias ? &b_md : NULL, &dst_md, strides, dilates,
                                                             pad_l, pad_r));
    }
    OK(dnnl_primitive_desc_create(&pd, &bwd_desc, attr, e, fwd_pd));
  }
  OK(dnnl_primitive_create(&p->prim, pd));

  const dnnl_query_t wq = p->key.kind == DNNL_CONV_BACKWARD_WEIGHTS ? dnnl_query_diff_weights_md : dnnl_query_weights_md;
  if (!plan_weights(p, e, &w_user, dnnl_primitive_desc_query_md(pd, wq, 0), p->key.kind != DNNL_CONV_BACKWARD_WEIGHTS))
    goto refused;
  const dnnl_memory_desc_t *a_md = p->key.kind == DNNL_CONV_BACKWARD_DATA ? &dst_md : &src_md;
  const dnnl_memory_desc_t *b_md2 = p->key.kind == DNNL_CONV_BACKWARD_WEIGHTS ? &dst_md : NULL;
  const dnnl_memory_desc_t *out_md = p->key.kind == DNNL_CONV_FORWARD ? &dst_md
                                     : p->key.kind == DNNL_CONV_BACKWARD_DATA ? &src_md
                                                                              : NULL;
  if (!make_mem(&p->m_a, a_md, e) || (b_md2 && !make_mem(&p->m_b, b_md2, e)) || (out_md && !make_mem(&p->m_out, out_md, e)) ||
      (p->key.bias && !make_mem(&p->m_bias, &b_md, e)))
    goto refused;
  if (!plan_scratchpad(p, e, pd)) goto refused;
  const char *impl = NULL;
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl)
    snprintf(p->impl, sizeof p->impl, "%s", impl);
  p->ok = 1;
  goto done;
refused:
  plan_refuse(p);
done:
  if (ops) dnnl_post_ops_destroy(ops);
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (fwd_pd) dnnl_primitive_desc_destroy(fwd_pd);
  if (pd) dnnl_primitive_desc_destroy(pd);
}

/* A run sees a few dozen geometries, so a linear search is cheap. */
Plan *plan_for(DnnlState *s, const PlanKey *wanted) {
  PlanKey k = *wanted;
  k.share = s->share;
  const PlanKey *key = &k;
  for (size_t i = 0; i < s->count; i++)
    if (memcmp(&s->plans[i].key, key, sizeof *key) == 0) return &s->plans[i];
  if (s->count == s->cap) {
    const size_t cap = s->cap ? 2 * s->cap : 32;
    Plan *grown = realloc(s->plans, cap * sizeof *grown);
    if (!grown) return NULL;
    s->plans = grown;
    s->cap = cap;
  }
  Plan *p = &s->plans[s->count++];
  memset(p, 0, sizeof *p);
  p->key = *key;
  p->threads = plan_threads(key);
  /* oneDNN fixes a primitive's thread split when it makes it: made and run with the same count. */
  omp_set_num_threads(p->threads);
  if (key->kind >= DNNL_NORM_FIRST) make_norm_plan(s->engine, p);
  else if (key->kind >= DNNL_RESAMPLE_FIRST) make_resample_plan(s->engine, p);
  else make_plan(s, p);
  omp_set_num_threads(s->share);
  return p;
}

int execute_plan(DnnlState *s, Plan *p, dnnl_primitive_t prim, int n, const dnnl_exec_arg_t *args) {
  omp_set_num_threads(p->threads);
  const int ok = dnnl_primitive_execute(prim, s->stream, n, args) == dnnl_success && dnnl_stream_wait(s->stream) == dnnl_success;
  omp_set_num_threads(s->share);
  return ok;
}

static int set(dnnl_memory_t m, const void *data) { return dnnl_memory_set_data_handle(m, (void *)data) == dnnl_success; }

/* An environment's buffer grown to `bytes`, 64-byte aligned (see run_plan); NULL when out of memory. */
static void *grown(void **buf, size_t *cap, size_t bytes) {
  if (bytes > *cap) {
    free(*buf);
    const size_t rounded = (bytes + 63) / 64 * 64;
    *buf = aligned_alloc(64, rounded);
    *cap = *buf ? rounded : 0;
  }
  return *buf;
}

int use_scratch(DnnlState *s, Plan *p) {
  if (!grown(&s->scratch, &s->scratch_cap, p->scratch_bytes) && p->scratch_bytes) return 0;
  return !p->m_scratch || set(p->m_scratch, s->scratch);
}

/*
 * oneDNN's resampling kernels store with non-temporal writes (vmovntps) once their data outgrow its
 * estimate of the cache, and such a write to an address that is not 64-byte aligned faults: on a Zen 4 the default
 * job's first 16 -> 32 linear upsampling of a large batch crashed the process (SIGSEGV). A JavaScript array's data
 * is 16-byte aligned at best, so an output that is not 64-byte aligned is computed in an aligned buffer of the
 * environment's and copied out: one copy of the output, small beside the kernel's own traffic.
 */
int run_plan(DnnlState *s, Plan *p, int arg_a, const void *a, int arg_out, void *out) {
  const dnnl_memory_desc_t *out_md = NULL;
  if (dnnl_memory_get_memory_desc(p->m_out, &out_md) != dnnl_success) return 0;
  const size_t bytes = dnnl_memory_desc_get_size(out_md);
  void *target = ((uintptr_t)out & 63) ? grown(&s->staging, &s->staging_cap, bytes) : out;
  if (!target || !use_scratch(s, p) || !set(p->m_a, a) || !set(p->m_out, target)) return 0;
  dnnl_exec_arg_t args[3] = {{arg_a, p->m_a}, {arg_out, p->m_out}, {DNNL_ARG_SCRATCHPAD, p->m_scratch}};
  if (!execute_plan(s, p, p->prim, p->m_scratch ? 3 : 2, args)) return 0;
  if (target != out) memcpy(out, target, bytes);
  return 1;
}

int dnnl_resample(DnnlState *s, int kind, const float *in, float *out, int batch, int inH, int inW, int channels,
                  int outH, int outW) {
  if (!s || !s->enabled) return 0;
  PlanKey key;
  memset(&key, 0, sizeof key);
  key.kind = kind;
  key.g = (Geom){batch, inH, inW, channels, outH, outW, channels, 0, 0, 0, 0, 0, 0, 0, 0};
  Plan *p = plan_for(s, &key);
  if (!p || !p->ok) return 0;
  const int backward = kind == DNNL_NEAREST_BACKWARD || kind == DNNL_LINEAR_BACKWARD;
  return run_plan(s, p, backward ? DNNL_ARG_DIFF_DST : DNNL_ARG_SRC, in, backward ? DNNL_ARG_DIFF_SRC : DNNL_ARG_DST, out);
}

int dnnl_conv(DnnlState *s, int kind, const float *a, const float *b, float *out, const Geom *g, float *bias,
              int relu) {
  if (!s || !s->enabled) return 0;
  PlanKey key;
  memset(&key, 0, sizeof key); /* padding bytes take part in the memcmp */
  key.kind = kind;
  key.bias = bias != NULL;
  key.relu = relu;
  key.g = *g;
  Plan *p = plan_for(s, &key);
  if (!p || !p->ok || !use_scratch(s, p)) return 0;
  dnnl_memory_t w = p->prim_w ? p->prim_w : p->user_w;
  dnnl_exec_arg_t args[5];
  int n = 0;
  if (kind != DNNL_CONV_BACKWARD_WEIGHTS) {
    /* b is the HWIO filter: packed into the primitive's layout first where it has one of its own. */
    if (!set(p->user_w, b)) return 0;
    if (p->reorder) {
      const dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, p->user_w}, {DNNL_ARG_TO, p->prim_w}};
      if (!execute_plan(s, p, p->reorder, 2, r)) return 0;
    }
    if (!set(p->m_a, a) || !set(p->m_out, out)) return 0;
    args[n++] = (dnnl_exec_arg_t){kind == DNNL_CONV_FORWARD ? DNNL_ARG_SRC : DNNL_ARG_DIFF_DST, p->m_a};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, w};
    args[n++] = (dnnl_exec_arg_t){kind == DNNL_CONV_FORWARD ? DNNL_ARG_DST : DNNL_ARG_DIFF_SRC, p->m_out};
    if (p->m_bias) {
      if (!set(p->m_bias, bias)) return 0;
      args[n++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, p->m_bias};
    }
  } else {
    if (!set(p->m_a, a) || !set(p->m_b, b) || !set(p->user_w, out)) return 0;
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_SRC, p->m_a};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, p->m_b};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_WEIGHTS, w};
    if (p->m_bias) {
      if (!set(p->m_bias, bias)) return 0;
      args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_BIAS, p->m_bias};
    }
  }
  if (p->m_scratch) args[n++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, p->m_scratch};
  if (!execute_plan(s, p, p->prim, n, args)) return 0;
  if (kind == DNNL_CONV_BACKWARD_WEIGHTS && p->reorder) {
    const dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, p->prim_w}, {DNNL_ARG_TO, p->user_w}};
    if (!execute_plan(s, p, p->reorder, 2, r)) return 0;
  }
  return 1;
}

#endif
