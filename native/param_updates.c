/*
 * The small per-parameter passes of a training step: Adam's update, the generator's moving average, and spectral
 * norm's power iteration, W/σ and its gradient. Each is one pass over a parameter; as JS loops they cost ~15 ms of
 * a 55 ms step at 8 px (gf/df 32), here ~1 ms. Results equal the JS loops of src/backend/param-loops.ts bit for bit:
 * float32 +, −, ·, / and √ round alike whether taken in float or in double and then rounded (the addon is built
 * without FMA contraction), and the sums run in double in the same order.
 */
#include "param_updates.h"
#include "napi_args.h"
#include <math.h>
#include <stdlib.h>

#define MAX_ARGS 8

/* A call's arguments: float arrays with their lengths, and numbers, by position. */
typedef struct {
  void *a[MAX_ARGS];
  size_t len[MAX_ARGS];
  double num[MAX_ARGS];
} Args;

/* Reads the arguments, a Float32Array where kinds[i] is 'f' and a number where it is 'd'; false (thrown) otherwise. */
static int read_args(napi_env env, napi_callback_info info, const char *kinds, Args *args) {
  size_t want = 0;
  while (kinds[want]) want++;
  size_t argc = MAX_ARGS;
  napi_value argv[MAX_ARGS];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != want) return fail(env, "wrong number of arguments");
  for (size_t i = 0; i < want; i++) {
    if (kinds[i] == 'd') {
      if (napi_get_value_double(env, argv[i], &args->num[i]) != napi_ok) return fail(env, "expected a number");
    } else if (!get_f32(env, argv[i], (float **)&args->a[i], &args->len[i])) {
      return 0;
    }
  }
  return 1;
}

static int same_lengths(napi_env env, const size_t *lens, int from, int to) {
  for (int i = from + 1; i < to; i++)
    if (lens[i] != lens[from]) return fail(env, "arrays differ in length");
  return 1;
}

/* adamUpdate(p, m, v, g, pOut, mOut, vOut, constants [β₁, 1−β₁, β₂, 1−β₂, stepSize, vCorrection, ε]). */
static napi_value adam_update(napi_env env, napi_callback_info info) {
  Args args;
  void **a = args.a;
  const size_t *len = args.len;
  if (!read_args(env, info, "ffffffff", &args) || !same_lengths(env, len, 0, 7)) return NULL;
  if (len[7] != 7) return fail(env, "expected 7 constants"), NULL;
  const float *p = a[0], *m = a[1], *v = a[2], *g = a[3], *c = a[7];
  float *p2 = a[4], *m2 = a[5], *v2 = a[6];
  const float b1 = c[0], c1 = c[1], b2 = c[2], c2 = c[3], step = c[4], vc = c[5], eps = c[6];
  for (size_t i = 0; i < len[0]; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * c1;
    const float vi = v[i] * b2 + (gi * gi) * c2;
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = p[i] - (mi * step) / (sqrtf(vi / vc) + eps);
  }
  return undefined(env);
}

/* emaUpdate(avg, param, out, constants [decay, 1 − decay]): out = decay·avg + (1 − decay)·param. */
static napi_value ema_update(napi_env env, napi_callback_info info) {
  Args args;
  void **a = args.a;
  const size_t *len = args.len;
  if (!read_args(env, info, "ffff", &args) || !same_lengths(env, len, 0, 3)) return NULL;
  if (len[3] != 2) return fail(env, "expected 2 constants"), NULL;
  const float *s = a[0], *p = a[1], *c = a[3];
  float *out = a[2];
  const float d = c[0], e = c[1];
  for (size_t i = 0; i < len[0]; i++) out[i] = s[i] * d + p[i] * e;
  return undefined(env);
}

/* x / (‖x‖ + 1e-12) into out, the norm in double. */
static void normalize(const double *x, float *out, long n) {
  double sq = 0;
  for (long i = 0; i < n; i++) sq += x[i] * x[i];
  const double scale = 1 / (sqrt(sq) + 1e-12);
  for (long i = 0; i < n; i++) out[i] = (float)(x[i] * scale);
}

static int matrix_args(napi_env env, const size_t *len, int w, int u, int v) {
  if (len[u] == 0 || len[v] == 0 || len[w] != len[u] * len[v]) return fail(env, "W is not rows × cols of v and u");
  return 1;
}

/* powerIterate(W, u, vOut, uOut): v = normalize(W u), u = normalize(Wᵀ v), W viewed as [rows = |v|, cols = |u|]. */
static napi_value power_iterate(napi_env env, napi_callback_info info) {
  Args args;
  void **a = args.a;
  const size_t *len = args.len;
  if (!read_args(env, info, "ffff", &args) || !matrix_args(env, len, 0, 1, 2)) return NULL;
  if (len[3] != len[1]) return fail(env, "uOut differs from u in length"), NULL;
  const float *w = a[0], *u = a[1];
  float *v_out = a[2], *u_out = a[3];
  const long rows = (long)len[2], cols = (long)len[1];
  double *acc = malloc(sizeof(double) * (size_t)(rows > cols ? rows : cols));
  if (!acc) return fail(env, "out of memory"), NULL;
  for (long r = 0; r < rows; r++) {
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += (double)w[r * cols + c] * u[c];
    acc[r] = sum;
  }
  normalize(acc, v_out, rows);
  for (long c = 0; c < cols; c++) acc[c] = 0;
  for (long r = 0; r < rows; r++) {
    const double vr = v_out[r];
    for (long c = 0; c < cols; c++) acc[c] += (double)w[r * cols + c] * vr;
  }
  normalize(acc, u_out, cols);
  free(acc);
  return undefined(env);
}

/* spectralNormalize(W, u, v, y) → σ = vᵀ W u; y = W / σ. */
static napi_value spectral_normalize(napi_env env, napi_callback_info info) {
  Args args;
  void **a = args.a;
  const size_t *len = args.len;
  if (!read_args(env, info, "ffff", &args) || !matrix_args(env, len, 0, 1, 2)) return NULL;
  if (len[3] != len[0]) return fail(env, "y differs from W in length"), NULL;
  const float *w = a[0], *u = a[1], *v = a[2];
  float *y = a[3];
  const long rows = (long)len[2], cols = (long)len[1];
  double sigma = 0;
  for (long r = 0; r < rows; r++) {
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += (double)w[r * cols + c] * u[c];
    sigma += (double)v[r] * sum;
  }
  for (size_t i = 0; i < len[0]; i++) y[i] = (float)(w[i] / sigma);
  napi_value out;
  napi_create_double(env, sigma, &out);
  return out;
}

/* spectralNormalizeGrad(dy, W, u, v, σ, dW): dW = dy/σ − (Σ dy·W)/σ² · v uᵀ. */
static napi_value spectral_normalize_grad(napi_env env, napi_callback_info info) {
  Args args;
  void **a = args.a;
  const size_t *len = args.len;
  if (!read_args(env, info, "ffffdf", &args) || !matrix_args(env, len, 1, 2, 3)) return NULL;
  if (len[0] != len[1] || len[5] != len[1]) return fail(env, "dy and dW must be W's length"), NULL;
  const float *d = a[0], *w = a[1], *u = a[2], *v = a[3];
  float *dw = a[5];
  const double sigma = args.num[4];
  const long rows = (long)len[3], cols = (long)len[2];
  double dot = 0;
  for (size_t i = 0; i < len[0]; i++) dot += (double)d[i] * w[i];
  const double k = dot / (sigma * sigma);
  for (long r = 0; r < rows; r++) {
    const double kv = k * v[r];
    for (long c = 0; c < cols; c++) dw[r * cols + c] = (float)(d[r * cols + c] / sigma - kv * u[c]);
  }
  return undefined(env);
}

void define_param_updates(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
      {"adamUpdate", NULL, adam_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"emaUpdate", NULL, ema_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"powerIterate", NULL, power_iterate, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spectralNormalize", NULL, spectral_normalize, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spectralNormalizeGrad", NULL, spectral_normalize_grad, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
}
