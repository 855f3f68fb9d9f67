/*
 * Heavy tfjs kernels: NHWC convolution (forward and both gradients) on oneDNN where it takes them, else as
 * im2col + a matrix product (gemm.c: OpenBLAS's sgemm, or the addon's own loops without it), and batched matMul.
 * The tfjs cpu backend keeps tensors in plain Float32Arrays, so every function reads its inputs and writes a
 * caller-allocated output in place: no copies cross the boundary.
 *
 * Convolution geometry is an Int32Array, in the order of `Geom` below; filters are [fH, fW, inC, outC],
 * so a filter is already the [K = fH·fW·inC, outC] matrix that the patch rows multiply.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include "elementwise.h"
#include "gemm.h"
#include "napi_args.h"
#include "conv_geom.h"
#include "dnnl_conv.h"
#include "instance_norm.h"
#include "param_updates.h"
#include "resample2x.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "work_threads.h"

/*
 * Patch rows are built this many floats at a time (1 MiB, half an L2), but at least MIN_CHUNK_ROWS rows: the
 * patches are still in cache when sgemm reads them, and the sgemms stay tall enough to run at speed when OpenBLAS
 * splits their rows between threads (AVX-512 sgemm, 2 threads, K 288, N 32: 55 GFLOP/s at 256 rows, 73 at 4,096).
 * On one thread 1 MiB / 1,024 rows and 256 KiB / 256 rows measured alike within a loaded machine's noise
 * (44-61 against 47-53 GFLOP/s per CPU-second on the GAN's 32-channel convs); 4 MiB / 4,096 rows was worse (33).
 */
#define CHUNK_FLOATS (256L * 1024)
#define MIN_CHUNK_ROWS 1024L

/* One Node environment's (main thread's or worker's) state: a patch buffer grown on demand and the oneDNN
   plans, freed with the environment. */
typedef struct {
  float *buf;
  size_t cap;
  DnnlState *dnnl;
} Scratch;

static void free_scratch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Scratch *s = data;
  free(s->buf);
  dnnl_state_free(s->dnnl);
  free(s);
}

static Scratch *state(napi_env env) {
  Scratch *s = NULL;
  napi_get_instance_data(env, (void **)&s);
  return s;
}

static float *scratch(napi_env env, size_t n) {
  Scratch *s = state(env);
  if (s->cap < n) {
    free(s->buf);
    s->buf = malloc(n * sizeof(float));
    s->cap = s->buf ? n : 0;
  }
  return s->buf;
}

/* ---------- argument helpers: every failure throws a JS TypeError and returns 0 ---------- */

static int get_ints(napi_env env, napi_value v, int *out, size_t n) {
  bool is;
  napi_typedarray_type type;
  size_t len;
  int32_t *data;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return fail(env, "expected an Int32Array");
  napi_get_typedarray_info(env, v, &type, &len, (void **)&data, NULL, NULL);
  if (type != napi_int32_array || len != n) return fail(env, "expected an Int32Array of the right length");
  for (size_t i = 0; i < n; i++) {
    if (data[i] < 0) return fail(env, "negative size");
    out[i] = data[i];
  }
  return 1;
}

/* (a, b, c, geometry[, bias, relu]) with sizes checked against the geometry; the forward conv takes an optional
   bias (a Float32Array of outC, or null) and ReLU flag, which land in *bias and *relu, and the filter gradient an
   optional array of outC for the bias's gradient, in *bias. */
static int conv_args(napi_env env, napi_callback_info info, float **a, float **b, float **c, Geom *g,
                     int which, float **bias, int *relu) {
  size_t argc = 6;
  napi_value argv[6];
  size_t la, lb, lc;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4 || argc > (which == 0 ? 6u : which == 2 ? 5u : 4u)) return fail(env, "wrong number of arguments");
  if (!get_f32(env, argv[0], a, &la) || !get_f32(env, argv[1], b, &lb) || !get_f32(env, argv[2], c, &lc) ||
      !get_ints(env, argv[3], (int *)g, GEOM_LEN))
    return 0;
  if (g->strideH < 1 || g->strideW < 1 || g->dilH < 1 || g->dilW < 1) return fail(env, "bad strides");
  size_t x = (size_t)g->batch * g->inH * g->inW * g->inC;
  size_t y = (size_t)g->batch * g->outH * g->outW * g->outC;
  size_t w = (size_t)g->fH * g->fW * g->inC * g->outC;
  /* which: 0 forward (x, w, y), 1 input gradient (dy, w, dx), 2 filter gradient (x, dy, dw) */
  size_t need[3][3] = {{x, w, y}, {y, w, x}, {x, y, w}};
  if (la != need[which][0] || lb != need[which][1] || lc != need[which][2])
    return fail(env, "array length does not match the convolution geometry");
  if (which == 1) return 1;
  /* the forward's bias, or the filter gradient's bias gradient (written) */
  *bias = NULL;
  napi_valuetype t = napi_undefined;
  if (argc > 4) napi_typeof(env, argv[4], &t);
  if (t != napi_undefined && t != napi_null) {
    size_t lbias;
    if (!get_f32(env, argv[4], bias, &lbias)) return 0;
    if (lbias != (size_t)g->outC) return fail(env, "bias length does not match the output channels");
  }
  if (which == 2) return 1;
  *relu = 0;
  if (argc > 5) {
    bool on = false;
    if (napi_get_value_bool(env, argv[5], &on) != napi_ok) return fail(env, "expected a boolean ReLU flag");
    *relu = on;
  }
  return 1;
}

/* ---------- im2col / col2im over output rows [r0, r1): row r is output pixel (b, oy, ox) ---------- */

/*
 * Patch rows [r0, r1) over the filter's taps [t0, t1) (tap t = ky·fW + kx): row r − r0 holds (t1 − t0)·inC floats.
 * Taps along a filter row at undilated stride 1 read neighbouring pixels: one copy for those inside the image.
 */
static void im2col_taps(const float *x, const Geom *g, long r0, long r1, int t0, int t1, float *col) {
  const long hw = (long)g->outH * g->outW, C = g->inC, len = (long)(t1 - t0) * C;
  const size_t bytes = (size_t)C * sizeof(float);
  for (long r = r0; r < r1; r++) {
    const long b = r / hw, oy = (r % hw) / g->outW, ox = r % g->outW;
    float *dst = col + (r - r0) * len;
    const long ix0 = ox * g->strideW - g->padLeft;
    for (int ky = t0 / g->fW; ky * g->fW < t1; ky++) {
      /* this filter row's taps kx in [k0, k1) */
      const long k0 = ky * g->fW < t0 ? t0 - ky * g->fW : 0, k1 = (ky + 1) * g->fW > t1 ? t1 - ky * g->fW : g->fW;
      const long iy = oy * g->strideH - g->padTop + (long)ky * g->dilH;
      if (iy < 0 || iy >= g->inH) {
        memset(dst, 0, bytes * (k1 - k0));
      } else if (g->dilW == 1) {
        const float *row = x + (b * g->inH + iy) * g->inW * C;
        const long first = -ix0 > k0 ? -ix0 : k0, end = g->inW - ix0 < k1 ? g->inW - ix0 : k1;
        if (end <= first) {
          memset(dst, 0, bytes * (k1 - k0));
        } else {
          memset(dst, 0, bytes * (first - k0));
          memcpy(dst + (first - k0) * C, row + (ix0 + first) * C, bytes * (end - first));
          memset(dst + (end - k0) * C, 0, bytes * (k1 - end));
        }
      } else {
        const float *row = x + (b * g->inH + iy) * g->inW * C;
        for (long kx = k0; kx < k1; kx++) {
          const long ix = ix0 + kx * g->dilW;
          if (ix < 0 || ix >= g->inW)
            memset(dst + (kx - k0) * C, 0, bytes);
          else
            memcpy(dst + (kx - k0) * C, row + ix * C, bytes);
        }
      }
      dst += (k1 - k0) * C;
    }
  }
}

static void im2col(const float *x, const Geom *g, long r0, long r1, float *col) {
  im2col_taps(x, g, r0, r1, 0, g->fH * g->fW, col);
}

static void col2im_add(const float *col, const Geom *g, long r0, long r1, float *dx) {
  const long K = (long)g->fH * g->fW * g->inC, hw = (long)g->outH * g->outW;
  for (long r = r0; r < r1; r++) {
    const long b = r / hw, oy = (r % hw) / g->outW, ox = r % g->outW;
    const float *src = col + (r - r0) * K;
    for (int ky = 0; ky < g->fH; ky++) {
      const long iy = oy * g->strideH - g->padTop + (long)ky * g->dilH;
      for (int kx = 0; kx < g->fW; kx++, src += g->inC) {
        const long ix = ox * g->strideW - g->padLeft + (long)kx * g->dilW;
        if (iy < 0 || iy >= g->inH || ix < 0 || ix >= g->inW) continue;
        float *d = dx + ((b * g->inH + iy) * g->inW + ix) * g->inC;
        for (int c = 0; c < g->inC; c++) d[c] += src[c];
      }
    }
  }
}

/* A 1×1, stride-1, unpadded conv's patch matrix is the input itself. */
static int is_pointwise(const Geom *g) {
  return g->fH == 1 && g->fW == 1 && g->strideH == 1 && g->strideW == 1 && g->padTop == 0 &&
         g->padLeft == 0 && g->outH == g->inH && g->outW == g->inW;
}

/* Rows per chunk, split evenly so the last chunk is not a sliver. */
static long chunk_rows(long M, long K) {
  long rows = CHUNK_FLOATS / (K > 0 ? K : 1);
  if (rows < MIN_CHUNK_ROWS) rows = MIN_CHUNK_ROWS;
  const long chunks = M > rows ? (M + rows - 1) / rows : 1;
  return (M + chunks - 1) / chunks;
}

/* y = conv(x, w); false when out of memory. Chunks of output rows are independent (patches, then their product):
   they are shared out over the team, each thread building its patches in its own part of the scratch; each chunk
   is computed alike on any number of threads. */
static int conv_forward(napi_env env, const float *x, const float *w, float *y, const Geom *g) {
  const long M = (long)g->batch * g->outH * g->outW, K = (long)g->fH * g->fW * g->inC, N = g->outC;
  if (M == 0 || N == 0) return 1;
  if (is_pointwise(g)) return gemm(0, 0, M, N, K, 1.f, x, K, w, N, 0.f, y, N);
  const long rows = chunk_rows(M, K), chunks = (M + rows - 1) / rows;
  const int threads = team_for((double)M * N * K, PRODUCT_MACS_PER_THREAD, chunks);
  float *col = scratch(env, (size_t)threads * rows * K);
  if (!col) return 0;
  const int library = gemm_on_library();
  int ok = 1;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static) reduction(&& : ok)
#endif
  for (long c = 0; c < chunks; c++) {
    float *mine = col + (size_t)team_member() * rows * K;
    const long r0 = c * rows, r1 = r0 + rows < M ? r0 + rows : M;
    im2col(x, g, r0, r1, mine);
    ok = gemm_on(library, 0, 0, r1 - r0, N, K, 1.f, mine, K, w, N, 0.f, y + r0 * N, N) && ok;
  }
  return ok;
}

/* y = max(y + bias, 0) over [rows, n], the epilogue of the OpenBLAS path's fused conv. */
static void bias_relu(float *y, long rows, long n, const float *bias, int relu) {
  for (long r = 0; r < rows; r++, y += n) {
    if (bias)
      for (long j = 0; j < n; j++) y[j] += bias[j];
    if (relu)
      for (long j = 0; j < n; j++) y[j] = y[j] > 0.f ? y[j] : 0.f;
  }
}

/* conv2d(x, w, y, geom[, bias, relu]): y = conv(x, w) (+ bias, then ReLU), on oneDNN where it takes it. */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  float *x, *w, *y, *bias;
  int relu;
  Geom g;
  if (!conv_args(env, info, &x, &w, &y, &g, 0, &bias, &relu)) return NULL;
  if (dnnl_conv(state(env)->dnnl, DNNL_CONV_FORWARD, x, w, y, &g, bias, relu)) return undefined(env);
  if (!conv_forward(env, x, w, y, &g)) return napi_throw_error(env, NULL, "out of memory for conv patches"), NULL;
  if (bias || relu) bias_relu(y, (long)g.batch * g.outH * g.outW, g.outC, bias, relu);
  return undefined(env);
}

/*
 * With stride 1 the input gradient is itself a stride-1 conv: of dy, by the filter rotated 180° with its
 * channel axes swapped, padded by f − 1 − pad. Its patches are plain copies, where col2im would scatter-add.
 */
static int backprop_input_as_conv(napi_env env, const float *dy, const float *w, float *dx, const Geom *g) {
  const Geom t = {g->batch, g->outH, g->outW, g->outC, g->inH, g->inW, g->inC, g->fH, g->fW, 1, 1, 1, 1,
                  g->fH - 1 - g->padTop, g->fW - 1 - g->padLeft};
  const long taps = (long)g->fH * g->fW;
  float *wt = malloc((size_t)taps * g->inC * g->outC * sizeof(float));
  if (!wt) return 0;
  for (long k = 0; k < taps; k++) {
    const float *src = w + k * g->inC * g->outC;         /* [inC, outC] at tap k */
    float *dst = wt + (taps - 1 - k) * g->inC * g->outC; /* [outC, inC] at the rotated tap */
    for (int i = 0; i < g->inC; i++)
      for (int o = 0; o < g->outC; o++) dst[(long)o * g->inC + i] = src[(long)i * g->outC + o];
  }
  const int ok = conv_forward(env, dy, wt, dx, &t);
  free(wt);
  return ok;
}

/* conv2dBackpropInput(dy, w, dx, geom): dx = col2im(dy · wᵀ), on oneDNN where it takes it. */
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  float *dy, *w, *dx;
  Geom g;
  if (!conv_args(env, info, &dy, &w, &dx, &g, 1, NULL, NULL)) return NULL;
  if (dnnl_conv(state(env)->dnnl, DNNL_CONV_BACKWARD_DATA, dy, w, dx, &g, NULL, 0)) return undefined(env);
  const long M = (long)g.batch * g.outH * g.outW, K = (long)g.fH * g.fW * g.inC, N = g.outC;
  if (is_pointwise(&g)) {
    if (!gemm(0, 1, M, K, N, 1.f, dy, N, w, N, 0.f, dx, K)) return napi_throw_error(env, NULL, "out of memory for a matrix product"), NULL;
    return undefined(env);
  }
  if (g.strideH == 1 && g.strideW == 1 && g.dilH == 1 && g.dilW == 1) {
    if (!backprop_input_as_conv(env, dy, w, dx, &g)) return napi_throw_error(env, NULL, "out of memory for conv patches"), NULL;
    return undefined(env);
  }
  memset(dx, 0, (size_t)g.batch * g.inH * g.inW * g.inC * sizeof(float));
  if (M == 0 || K == 0) return undefined(env);
  const long rows = chunk_rows(M, K);
  float *col = scratch(env, (size_t)rows * K);
  if (!col) return napi_throw_error(env, NULL, "out of memory for conv patches"), NULL;
  for (long r0 = 0; r0 < M; r0 += rows) {
    const long r1 = r0 + rows < M ? r0 + rows : M;
    if (!gemm(0, 1, r1 - r0, K, N, 1.f, dy + r0 * N, N, w, N, 0.f, col, K))
      return napi_throw_error(env, NULL, "out of memory for a matrix product"), NULL;
    col2im_add(col, &g, r0, r1, dx);
  }
  return undefined(env);
}

/* The bias's gradient: dy summed over its rows (every output pixel), in double; false when out of memory. */
static int bias_grad(const float *dy, long rows, long channels, float *db) {
  double *acc = calloc((size_t)channels, sizeof(double));
  if (!acc) return 0;
  for (long r = 0; r < rows; r++)
    for (long c = 0; c < channels; c++) acc[c] += dy[r * channels + c];
  for (long c = 0; c < channels; c++) db[c] = (float)acc[c];
  free(acc);
  return 1;
}

/* conv2dBackpropFilter(x, dy, dw, geometry[, db]): dw = im2col(x)ᵀ · dy, accumulated over row chunks, and the bias's
   gradient into db where given; on oneDNN where it takes it (one primitive computes both). */
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  float *x, *dy, *dw, *db;
  Geom g;
  if (!conv_args(env, info, &x, &dy, &dw, &g, 2, &db, NULL)) return NULL;
  if (dnnl_conv(state(env)->dnnl, DNNL_CONV_BACKWARD_WEIGHTS, x, dy, dw, &g, db, 0)) return undefined(env);
  const long M = (long)g.batch * g.outH * g.outW, K = (long)g.fH * g.fW * g.inC, N = g.outC;
  if (db && !bias_grad(dy, M, N, db)) return napi_throw_error(env, NULL, "out of memory for the bias's gradient"), NULL;
  if (M == 0) {
    memset(dw, 0, (size_t)K * N * sizeof(float));
    return undefined(env);
  }
  if (is_pointwise(&g)) {
    if (!gemm(1, 0, K, N, M, 1.f, x, K, dy, N, 0.f, dw, N)) return napi_throw_error(env, NULL, "out of memory for a matrix product"), NULL;
    return undefined(env);
  }
  /* The taps are shared out over the team: each thread builds the patches of its own taps and sums its rows of dw
     over every chunk, with no waiting on the others; each element of dw is the same sum over the same chunks on
     any number of threads. */
  const int taps = g.fH * g.fW;
  const long rows = chunk_rows(M, K);
  const int threads = team_for((double)M * N * K, PRODUCT_MACS_PER_THREAD, taps);
  float *col = scratch(env, (size_t)rows * K);
  if (!col) return napi_throw_error(env, NULL, "out of memory for conv patches"), NULL;
  const int library = gemm_on_library();
  int ok = 1;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(&& : ok)
#else
  (void)threads;
#endif
  {
    const int p = team_member(), team = team_size();
    const int t0 = taps * p / team, t1 = taps * (p + 1) / team;
    const long part = (long)(t1 - t0) * g.inC;
    float *mine = col + rows * t0 * g.inC;
    for (long r0 = 0; r0 < M && ok; r0 += rows) {
      const long r1 = r0 + rows < M ? r0 + rows : M;
      im2col_taps(x, &g, r0, r1, t0, t1, mine);
      ok = gemm_on(library, 1, 0, part, N, r1 - r0, 1.f, mine, part, dy + r0 * N, N, r0 == 0 ? 0.f : 1.f, dw + t0 * g.inC * N, N);
    }
  }
  if (!ok) return napi_throw_error(env, NULL, "out of memory for a matrix product"), NULL;
  return undefined(env);
}

/*
 * batchMatMul(a, b, c, dims) with dims = [batchA, batchB, M, N, K, transA, transB]: c[i] = op(a[i % batchA]) ·
 * op(b[i % batchB]) for i < max(batchA, batchB), as tfjs's cpu kernel broadcasts.
 */
static napi_value batch_mat_mul(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  float *a, *b, *c;
  size_t la, lb, lc;
  int d[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4) return fail(env, "expected 4 arguments"), NULL;
  if (!get_f32(env, argv[0], &a, &la) || !get_f32(env, argv[1], &b, &lb) || !get_f32(env, argv[2], &c, &lc) ||
      !get_ints(env, argv[3], d, 7))
    return NULL;
  const long bA = d[0], bB = d[1], M = d[2], N = d[3], K = d[4];
  const int tA = d[5], tB = d[6];
  const long batch = bA > bB ? bA : bB;
  if (bA < 1 || bB < 1 || la != (size_t)(bA * M * K) || lb != (size_t)(bB * K * N) || lc != (size_t)(batch * M * N))
    return fail(env, "array length does not match the matMul dimensions"), NULL;
  if (M == 0 || N == 0) return undefined(env);
  for (long i = 0; i < batch; i++)
    if (!gemm(tA, tB, M, N, K, 1.f, a + (i % bA) * M * K, tA ? M : K, b + (i % bB) * K * N, tB ? K : N, 0.f, c + i * M * N, N))
      return napi_throw_error(env, NULL, "out of memory for a matrix product"), NULL;
  return undefined(env);
}

/* The one argument of setThreads and setDnnlThreads: a thread count >= 1; 0 after throwing. */
static int32_t thread_count_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) return fail(env, "expected a thread count >= 1");
  return n;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  const int32_t n = thread_count_arg(env, info);
  if (!n) return NULL;
  gemm_set_threads(n);
  return undefined(env);
}

static napi_value threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int32(env, gemm_threads(), &v);
  return v;
}

/*
 * resample(mode, backward, input, output, dims): mode 0 nearest, 1 linear upsampling, 2 average pooling; dims
 * [batch, inH, inW, C, outH, outW] of the forward map. 2× upsampling and 2×2 pooling run on the addon's own loops
 * (resample2x.c), upsampling by other factors on oneDNN. Returns false where neither computed it (other pooling, no
 * oneDNN, switched off, refused): the caller then takes its own path.
 */
static napi_value resample(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t mode = -1;
  bool backward = false;
  float *in, *out;
  size_t lin, lout;
  int d[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 5 || napi_get_value_int32(env, argv[0], &mode) != napi_ok || mode < 0 || mode > 2 ||
      napi_get_value_bool(env, argv[1], &backward) != napi_ok)
    return fail(env, "expected (mode 0-2, backward, input, output, dims)"), NULL;
  if (!get_f32(env, argv[2], &in, &lin) || !get_f32(env, argv[3], &out, &lout) || !get_ints(env, argv[4], d, 6)) return NULL;
  const size_t fwd_in = (size_t)d[0] * d[1] * d[2] * d[3], fwd_out = (size_t)d[0] * d[4] * d[5] * d[3];
  if (lin != (backward ? fwd_out : fwd_in) || lout != (backward ? fwd_in : fwd_out))
    return fail(env, "array length does not match the resampling dims"), NULL;
  const int up2 = mode < 2 && d[4] == 2 * d[1] && d[5] == 2 * d[2], pool2 = mode == 2 && d[1] == 2 * d[4] && d[2] == 2 * d[5];
  if (up2 || pool2) {
    if (!resample2x(mode, backward, in, out, d[0], up2 ? d[1] : d[4], up2 ? d[2] : d[5], d[3]))
      return napi_throw_error(env, NULL, "out of memory for resampling"), NULL;
    napi_value v;
    napi_get_boolean(env, true, &v);
    return v;
  }
  const int kinds[2][2] = {{DNNL_NEAREST_FORWARD, DNNL_NEAREST_BACKWARD}, {DNNL_LINEAR_FORWARD, DNNL_LINEAR_BACKWARD}};
  napi_value v;
  napi_get_boolean(env, mode < 2 && dnnl_resample(state(env)->dnnl, kinds[mode][backward], in, out, d[0], d[1], d[2], d[3], d[4], d[5]), &v);
  return v;
}

/*
 * The normalisations' arguments: Float32Arrays, then dims [batch, H, W, C] (an Int32Array), then eps and a ReLU
 * flag where they are asked for. `sizes` gives each array's length by a letter: 'x' an activation (batch·H·W·C),
 * 'c' one value per channel, 's' one per image and channel; 'y' an activation or null (a NULL pointer).
 */
static int norm_args(napi_env env, napi_callback_info info, const char *sizes, float **data, int d[4], float *eps,
                     int *relu) {
  const size_t arrays = strlen(sizes), want_argc = arrays + 1 + (eps != NULL) + (relu != NULL);
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != want_argc) return fail(env, "wrong number of arguments");
  if (!get_ints(env, argv[arrays], d, 4)) return 0;
  const size_t x = (size_t)d[0] * d[1] * d[2] * d[3], c = d[3], s = (size_t)d[0] * d[3];
  for (size_t i = 0; i < arrays; i++) {
    napi_valuetype t = napi_undefined;
    napi_typeof(env, argv[i], &t);
    data[i] = NULL;
    if (sizes[i] == 'y' && t == napi_null) continue;
    size_t len;
    if (!get_f32(env, argv[i], &data[i], &len)) return 0;
    if (len != (sizes[i] == 'c' ? c : sizes[i] == 's' ? s : x)) return fail(env, "array length does not match the dims");
  }
  size_t next = arrays + 1;
  if (eps) {
    double e = 0;
    if (napi_get_value_double(env, argv[next++], &e) != napi_ok || !(e > 0)) return fail(env, "expected eps > 0");
    *eps = (float)e;
  }
  if (relu) {
    bool on = false;
    if (napi_get_value_bool(env, argv[next], &on) != napi_ok) return fail(env, "expected a boolean ReLU flag");
    *relu = on;
  }
  return 1;
}

static napi_value boolean(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

/*
 * The gradient at a norm's output when a ReLU followed it inside the kernel (relu_grad), written to dx, which the
 * norm's backward then reads and overwrites.
 */
static const float *through_relu(const float *dy, const float *y, float *dx, size_t n) {
  if (!y) return dy;
  relu_grad(dy, y, dx, (long)n);
  return dx;
}

static size_t activation_size(const int d[4]) { return (size_t)d[0] * d[1] * d[2] * d[3]; }

/*
 * batchNorm(x, gamma, beta, y, mean, variance, dims, eps, relu): batch norm in training mode on oneDNN
 * (dnnl_conv.h), then ReLU where asked; false where oneDNN did not compute it (no oneDNN, switched off, refused).
 */
static napi_value batch_norm(napi_env env, napi_callback_info info) {
  float *a[6], eps;
  int d[4], relu;
  if (!norm_args(env, info, "xccxcc", a, d, &eps, &relu)) return NULL;
  if (!dnnl_batch_norm(state(env)->dnnl, a[0], a[1], a[2], a[3], a[4], a[5], d[0], d[1], d[2], d[3], eps)) return boolean(env, 0);
  if (relu) bias_relu(a[3], 1, (long)activation_size(d), NULL, 1); /* one row: the loop over it vectorises */
  return boolean(env, 1);
}

/* batchNormGrad(x, dy, mean, variance, gamma, y, dx, dgamma, dbeta, dims, eps): its backward, likewise; y is the
   forward's output where a ReLU followed, else null. */
static napi_value batch_norm_grad(napi_env env, napi_callback_info info) {
  float *a[9], eps;
  int d[4];
  if (!norm_args(env, info, "xxcccyxcc", a, d, &eps, NULL)) return NULL;
  const float *dy = through_relu(a[1], a[5], a[6], activation_size(d));
  return boolean(env, dnnl_batch_norm_backward(state(env)->dnnl, a[0], dy, a[2], a[3], a[4], a[6], a[7], a[8], d[0],
                                               d[1], d[2], d[3], eps));
}

/* instanceNorm(x, y, mean, rstd, dims, eps, relu): instance norm without affine parameters (instance_norm.h). */
static napi_value instance_norm_js(napi_env env, napi_callback_info info) {
  float *a[4], eps;
  int d[4], relu;
  if (!norm_args(env, info, "xxss", a, d, &eps, &relu)) return NULL;
  instance_norm(a[0], a[1], a[2], a[3], d[0], (long)d[1] * d[2], d[3], eps, relu);
  return undefined(env);
}

/* instanceNormGrad(x, dy, mean, rstd, y, dx, dims): its backward; y as batchNormGrad's. */
static napi_value instance_norm_grad(napi_env env, napi_callback_info info) {
  float *a[6];
  int d[4];
  if (!norm_args(env, info, "xxssyx", a, d, NULL, NULL)) return NULL;
  const float *dy = through_relu(a[1], a[4], a[5], activation_size(d));
  instance_norm_backward(a[0], dy, a[2], a[3], a[5], d[0], (long)d[1] * d[2], d[3]);
  return undefined(env);
}

/* The one argument of useDnnl and useOpenBlas into *on; false after throwing. */
static bool switch_arg(napi_env env, napi_callback_info info, bool *on) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || napi_get_value_bool(env, argv[0], on) != napi_ok) return fail(env, "expected a boolean"), false;
  return true;
}

/* useDnnl(on): whether this environment's convolutions run on oneDNN (where the addon has it). */
static napi_value use_dnnl(napi_env env, napi_callback_info info) {
  bool on = false;
  if (!switch_arg(env, info, &on)) return NULL;
  dnnl_state_enable(state(env)->dnnl, on);
  return undefined(env);
}

/* useOpenBlas(on): whether this environment's matrix products run on OpenBLAS (where the addon has it). */
static napi_value use_openblas(napi_env env, napi_callback_info info) {
  bool on = false;
  if (!switch_arg(env, info, &on)) return NULL;
  gemm_use_library(on);
  return undefined(env);
}

/* openBlas(): whether this environment's matrix products run on OpenBLAS. */
static napi_value open_blas(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_get_boolean(env, gemm_on_library(), &v);
  return v;
}

/* dnnl(): "oneDNN x.y.z <kernel>" while this environment's convolutions run on oneDNN, else null. */
static napi_value dnnl(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  DnnlState *d = state(env)->dnnl;
  if (!dnnl_state_enabled(d)) napi_get_null(env, &v);
  else napi_create_string_utf8(env, dnnl_describe(d), NAPI_AUTO_LENGTH, &v);
  return v;
}

/* setKernelThreads(n): the calling thread's OpenMP team for oneDNN's primitives and the addon's own loops. */
static napi_value set_kernel_threads(napi_env env, napi_callback_info info) {
  const int32_t n = thread_count_arg(env, info);
  if (!n) return NULL;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  dnnl_set_threads(state(env)->dnnl, n);
  return undefined(env);
}

/* kernelThreads(): that team's size; 1 where the addon is built without OpenMP. */
static napi_value kernel_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
#ifdef _OPENMP
  napi_create_int32(env, omp_get_max_threads(), &v);
#else
  napi_create_int32(env, 1, &v);
#endif
  return v;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_string_utf8(env, gemm_describe(), NAPI_AUTO_LENGTH, &v);
  return v;
}

/*
 * tfjs allocates a fresh typed array for every kernel output. glibc serves such sizes with mmap and returns
 * them on free, so every output's pages fault in anew; on a sandboxed host that cost 14 ms per 4 MiB, ten
 * times the kernel's own work. Kept in the heap (up to glibc's 32 MiB mmap ceiling, trimmed only past 1 GiB
 * free), freed arrays are reused warm.
 */
static void keep_freed_memory(void) {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  mallopt(M_TOP_PAD, 64 * 1024 * 1024);
#endif
}

NAPI_MODULE_INIT() {
  keep_freed_memory();
  Scratch *s = calloc(1, sizeof(Scratch));
  if (s) s->dnnl = dnnl_state_create();
  if (!s || napi_set_instance_data(env, s, free_scratch, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "cannot allocate the addon's state");
    return NULL;
  }
  const napi_property_descriptor fns[] = {
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchMatMul", NULL, batch_mat_mul, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threads", NULL, threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_enumerable, NULL},
      {"resample", NULL, resample, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormGrad", NULL, batch_norm_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"instanceNorm", NULL, instance_norm_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"instanceNormGrad", NULL, instance_norm_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"useOpenBlas", NULL, use_openblas, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openBlas", NULL, open_blas, NULL, NULL, NULL, napi_enumerable, NULL},
      {"useDnnl", NULL, use_dnnl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dnnl", NULL, dnnl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setKernelThreads", NULL, set_kernel_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kernelThreads", NULL, kernel_threads, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
  define_elementwise(env, exports);
  define_param_updates(env, exports);
  return exports;
}
