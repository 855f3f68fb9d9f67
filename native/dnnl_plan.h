/* The plan cache behind dnnl_conv.c and dnnl_resample.c (built with oneDNN only). */
#ifndef DNNL_PLAN_H
#define DNNL_PLAN_H
#include "dnnl_conv.h"
#include <dnnl.h>


typedef struct {
  int kind, bias, relu;
  Geom g;
  float eps;  /* normalisations' */
  int share;  /* the calling thread's share of the cores when the plan was made (dnnl_set_threads) */
} PlanKey;

typedef struct {
  PlanKey key;
  int ok; /* 0: oneDNN refused this geometry; the caller takes the OpenBLAS path */
  int threads; /* of the share, by the work (work_threads.h): the primitive is made and run with this many */
  dnnl_primitive_t prim;
  /* The weights in the primitive's layout and the reorder to it (forward, input gradient) or from it (filter
     gradient); no reorder when the primitive took HWIO itself. */
  dnnl_primitive_t reorder;
  float *packed;
  dnnl_memory_t user_w, prim_w;
  dnnl_memory_t m_a, m_b, m_out, m_bias, m_scratch;
  dnnl_memory_t m_mean, m_var; /* a normalisation's statistics */
  size_t scratch_bytes;
  char impl[64];
} Plan;

struct DnnlState {
  int enabled;
  int share; /* the OpenMP threads this environment's kernels may take (dnnl_set_threads) */
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  Plan *plans;
  size_t count, cap;
  void *scratch;
  size_t scratch_cap;
  void *staging; /* 64-byte aligned: where run_plan computes an output whose own address is not */
  size_t staging_cap;
  char describe[160];
};

/* Fills p's primitive and memories for a resampling kind (dnnl_resample.c); p->ok tells. */
void make_resample_plan(dnnl_engine_t engine, Plan *p);
void plan_free(Plan *p);
/* A plan oneDNN refused: freed, its key kept, `ok` 0, so that the caller takes its own path from then on. */
void plan_refuse(Plan *p);
/* The scratchpad primitive `pd` needs, as p's memory (the environment's buffer is set at each run); 0 on failure. */
int plan_scratchpad(Plan *p, dnnl_engine_t e, const_dnnl_primitive_desc_t pd);
/* Fills p's primitive and memories for a normalisation kind (dnnl_norm.c); p->ok tells. */
void make_norm_plan(dnnl_engine_t engine, Plan *p);
/* The plan for a key (at the environment's share of the cores), made on first use; NULL when out of memory. */
Plan *plan_for(DnnlState *s, const PlanKey *key);
/* Runs p's primitive with these arguments on p's threads, and waits for it; 0 on failure. */
int execute_plan(DnnlState *s, Plan *p, dnnl_primitive_t prim, int n, const dnnl_exec_arg_t *args);
/* Points p's scratchpad at the environment's buffer, grown to p's need; 0 when out of memory. */
int use_scratch(DnnlState *s, Plan *p);
/* Runs p's primitive with these handles (a: input, out: output) and the environment's scratchpad; an output that
   is not 64-byte aligned is computed in the environment's staging buffer and copied out. */
int run_plan(DnnlState *s, Plan *p, int arg_a, const void *a, int arg_out, void *out);

#endif
