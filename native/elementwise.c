/*
 * Strided elementwise loops for the cpu-blas backend's broadcasting binary ops, ReLU/Step and sums
 * (src/backend/blas/elementwise.ts plans the walk: merged dimensions, a stride per operand). In C the
 * innermost loops vectorise and ReLU/Step compile without branches; the same loops in JS cost 5-10x more
 * and dominated a GAN step once the convolutions were native. Results equal the JS loops bit for bit:
 * +, -, ·, / on float32 operands round alike in float and double, and squares and sums are taken in double.
 * Where the addon is built with OpenMP (detect-openmp.sh), a long loop is split over the calling thread's share of the
 * cores (work_threads.h); every element is computed alike on any split, so results do not depend on it.
 */
#include "elementwise.h"
#include "napi_args.h"
#include <math.h>
#ifdef _OPENMP
#include "work_threads.h"
#include <omp.h>
#endif

#define MAX_RANK 6

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQDIFF };

typedef struct {
  int rank;
  long shape[MAX_RANK];
  long stride[3][MAX_RANK]; /* per operand: binary a, b, y; sum x, out */
} Walk;

/* walk = [rank, shape[rank], then `operands` stride lists of length rank]; each operand's reach is checked. */
static int get_walk(napi_env env, napi_value v, int operands, const size_t *lens, Walk *w) {
  bool is;
  napi_typedarray_type type;
  size_t len;
  int32_t *d;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return fail(env, "expected an Int32Array walk");
  napi_get_typedarray_info(env, v, &type, &len, (void **)&d, NULL, NULL);
  if (type != napi_int32_array || len < 1) return fail(env, "expected an Int32Array walk");
  w->rank = d[0];
  if (w->rank < 1 || w->rank > MAX_RANK || len != (size_t)(1 + w->rank * (1 + operands))) return fail(env, "bad walk length");
  for (int i = 0; i < w->rank; i++) {
    w->shape[i] = d[1 + i];
    if (w->shape[i] < 1) return fail(env, "bad walk shape");
  }
  for (int k = 0; k < operands; k++) {
    long reach = 0;
    for (int i = 0; i < w->rank; i++) {
      w->stride[k][i] = d[1 + w->rank * (1 + k) + i];
      if (w->stride[k][i] < 0) return fail(env, "negative stride");
      reach += (w->shape[i] - 1) * w->stride[k][i];
    }
    if ((size_t)reach >= lens[k]) return fail(env, "walk reaches past an array");
  }
  return 1;
}

/* Runs part(ctx, i0, i1) over [0, n) split in as many parts as `elements` of work warrant. */
static void split(long n, double elements, void (*part)(void *ctx, long i0, long i1), void *ctx) {
#ifdef _OPENMP
  const int t = work_threads(elements, ELEMENTS_PER_THREAD, omp_get_max_threads());
  if (t > 1 && n > 1) {
#pragma omp parallel num_threads(t)
    {
      const long id = omp_get_thread_num(), nt = omp_get_num_threads();
      part(ctx, n * id / nt, n * (id + 1) / nt);
    }
    return;
  }
#else
  (void)elements;
#endif
  part(ctx, 0, n);
}

/* One innermost row; a loop per op and stride case so that each is a plain, vectorisable loop. */
static void binary_row(int op, const float *a, const float *b, float *y, long n, long sa, long sb, long sy) {
#define ROW(EXPR)                                                                                            \
  if (sa == 1 && sb == 1 && sy == 1) {                                                                       \
    for (long i = 0; i < n; i++) { const float x = a[i], z = b[i]; y[i] = (EXPR); }                          \
  } else if (sa == 1 && sb == 0 && sy == 1) {                                                                \
    const float z = b[0];                                                                                    \
    for (long i = 0; i < n; i++) { const float x = a[i]; y[i] = (EXPR); }                                    \
  } else if (sa == 0 && sb == 1 && sy == 1) {                                                                \
    const float x = a[0];                                                                                    \
    for (long i = 0; i < n; i++) { const float z = b[i]; y[i] = (EXPR); }                                    \
  } else {                                                                                                   \
    for (long i = 0; i < n; i++) { const float x = a[i * sa], z = b[i * sb]; y[i * sy] = (EXPR); }           \
  }
  switch (op) {
    case OP_ADD: ROW(x + z) break;
    case OP_SUB: ROW(x - z) break;
    case OP_MUL: ROW(x * z) break;
    case OP_DIV: ROW(x / z) break;
    case OP_SQDIFF: ROW((float)(((double)x - z) * ((double)x - z))) break;
  }
#undef ROW
}

typedef struct {
  int op;
  float *p[3];
  const Walk *w;
} BinaryJob;

/* Indices [i0, i1) of the walk's outermost dimension (of its only one: a range of the row). */
static void binary_part(void *ctx, long i0, long i1) {
  const BinaryJob *j = ctx;
  const Walk *w = j->w;
  const int last = w->rank - 1;
  if (last == 0) {
    binary_row(j->op, j->p[0] + i0 * w->stride[0][0], j->p[1] + i0 * w->stride[1][0], j->p[2] + i0 * w->stride[2][0],
               i1 - i0, w->stride[0][0], w->stride[1][0], w->stride[2][0]);
    return;
  }
  for (long i = i0; i < i1; i++) {
    long idx[MAX_RANK] = {0}, off[3];
    for (int k = 0; k < 3; k++) off[k] = i * w->stride[k][0];
    for (;;) {
      binary_row(j->op, j->p[0] + off[0], j->p[1] + off[1], j->p[2] + off[2], w->shape[last], w->stride[0][last],
                 w->stride[1][last], w->stride[2][last]);
      int d = last - 1;
      for (; d >= 1; d--) {
        for (int k = 0; k < 3; k++) off[k] += w->stride[k][d];
        if (++idx[d] < w->shape[d]) break;
        for (int k = 0; k < 3; k++) off[k] -= w->stride[k][d] * w->shape[d];
        idx[d] = 0;
      }
      if (d < 1) break;
    }
  }
}

/* binary(op, a, b, y, walk): y[walk] = a[walk] op b[walk], operands in the order a, b, y. */
static napi_value binary(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t op;
  float *p[3];
  size_t lens[3];
  Walk w;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 5 || napi_get_value_int32(env, argv[0], &op) != napi_ok || op < OP_ADD || op > OP_SQDIFF)
    return fail(env, "expected (op, a, b, y, walk)"), NULL;
  for (int k = 0; k < 3; k++)
    if (!get_array(env, argv[1 + k], napi_float32_array, (void **)&p[k], &lens[k])) return NULL;
  if (!get_walk(env, argv[4], 3, lens, &w)) return NULL;
  double elements = 1;
  for (int i = 0; i < w.rank; i++) elements *= w.shape[i];
  BinaryJob job = {op, {p[0], p[1], p[2]}, &w};
  split(w.shape[0], elements, binary_part, &job);
  return undefined(env);
}

/* sum(x, acc, walk): acc[walk] += x[walk] in double, operands x, acc; rows into one slot add up first. */
static napi_value sum(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  float *x;
  double *acc;
  size_t lens[2];
  Walk w;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3) return fail(env, "expected (x, acc, walk)"), NULL;
  if (!get_array(env, argv[0], napi_float32_array, (void **)&x, &lens[0]) ||
      !get_array(env, argv[1], napi_float64_array, (void **)&acc, &lens[1]) || !get_walk(env, argv[2], 2, lens, &w))
    return NULL;
  const int r = w.rank, last = r - 1;
  const long n = w.shape[last], sx = w.stride[0][last], so = w.stride[1][last];
  long idx[MAX_RANK] = {0}, off[2] = {0, 0};
  for (;;) {
    const float *xs = x + off[0];
    double *o = acc + off[1];
    if (so == 0) {
      double t = 0;
      for (long i = 0; i < n; i++) t += xs[i * sx];
      *o += t;
    } else {
      for (long i = 0; i < n; i++) o[i * so] += xs[i * sx];
    }
    int d = last - 1;
    for (; d >= 0; d--) {
      for (int k = 0; k < 2; k++) off[k] += w.stride[k][d];
      if (++idx[d] < w.shape[d]) break;
      for (int k = 0; k < 2; k++) off[k] -= w.stride[k][d] * w.shape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  return undefined(env);
}

enum { UNARY_RELU, UNARY_STEP, UNARY_TANH };

typedef struct {
  int op;
  float a;
  const float *x;
  float *y;
} UnaryJob;

/* tanh(x) within 2 ulp of tanhf, in selects and a polynomial so that the loop vectorises: glibc's tanhf is a call per
   element (24 ns, the G's output tanh of 32 K floats took 0.78 ms). Cephes's split: an odd polynomial below 0.625,
   (1 - e)/(1 + e) with e = exp(-2|x|) above, where e <= 0.29 leaves no cancellation; |x| >= 9 gives 1 (tanh(9) is
   1 in float). exp by 2^n · e^r, n = round(y / ln 2), |r| <= ln 2 / 2, the exponent bits built directly. */
static inline float tanh_lanes(float x) {
  const float m = fabsf(x), a = m < 9.f ? m : 9.f; /* not fminf: a call per element, which stops vectorising */
  const float z = a * a;
  const float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
                       3.33332819422e-1f) * z * a + a;
  const float y = -2.f * a;
  const int n = (int)(y * 1.44269504089f - 0.5f); /* y <= 0: truncation of t - 0.5 rounds t to nearest */
  const float r = (y - n * 0.693359375f) + n * 2.12194440e-4f;
  const float p = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
                    1.6666665459e-1f) * r + 5.0000001201e-1f) * r * r + r + 1.f;
  union { int i; float f; } scale = {.i = (n + 127) << 23};
  const float e = p * scale.f;
  const float large = (1.f - e) / (1.f + e);
  const float t = copysignf(a < 0.625f ? small : large, x);
  return x != x ? x : t;
}

static void unary_part(void *ctx, long i0, long i1) {
  const UnaryJob *j = ctx;
  const float a = j->a;
  /* Bitwise | rather than || and selects rather than branches: the loops vectorise, whatever the signs. */
  const float *restrict xs = j->x;
  float *restrict ys = j->y;
  switch (j->op) {
    case UNARY_STEP:
      for (long i = i0; i < i1; i++) {
        const float v = xs[i];
        const float low = (v != v) ? v : a;
        ys[i] = (v > 0) ? 1.f : low;
      }
      break;
    case UNARY_RELU:
      for (long i = i0; i < i1; i++) {
        const float v = xs[i];
        ys[i] = ((v > 0) | (v != v)) ? v : 0.f;
      }
      break;
    case UNARY_TANH:
      for (long i = i0; i < i1; i++) ys[i] = tanh_lanes(xs[i]);
      break;
  }
}

/* relu(x, y) as Math.max(0, x) (NaN kept, −0 → 0); step(x, y, alpha): 1 above 0, NaN for NaN, else alpha;
   tanh(x, y). y may be x. */
static napi_value unary(napi_env env, napi_callback_info info, int op) {
  size_t argc = 3;
  napi_value argv[3];
  float *x, *y;
  size_t lx, ly;
  double alpha = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || !get_array(env, argv[0], napi_float32_array, (void **)&x, &lx) ||
      !get_array(env, argv[1], napi_float32_array, (void **)&y, &ly))
    return NULL;
  if (lx != ly) return fail(env, "x and y differ in length"), NULL;
  if (op == UNARY_STEP && (argc != 3 || napi_get_value_double(env, argv[2], &alpha) != napi_ok)) return fail(env, "expected alpha"), NULL;
  UnaryJob job = {op, (float)alpha, x, y};
  split((long)lx, (double)lx, unary_part, &job);
  return undefined(env);
}

static napi_value relu(napi_env env, napi_callback_info info) { return unary(env, info, UNARY_RELU); }
static napi_value step(napi_env env, napi_callback_info info) { return unary(env, info, UNARY_STEP); }
static napi_value tanh_js(napi_env env, napi_callback_info info) { return unary(env, info, UNARY_TANH); }

enum { GRAD_RELU, GRAD_TANH };

typedef struct {
  int kind;
  const float *dy, *y;
  float *dx;
} GradJob;

void relu_grad(const float *dy, const float *y, float *dx, long n) {
  /* dy is loaded whatever y says: loaded under the condition, the loop took a branch per element, mispredicted
     half the time (0.3 ms for 65 K floats against 0.01 ms vectorised; 7 ms for 1 M against 0.5 ms). */
  for (long i = 0; i < n; i++) {
    const float g = dy[i];
    dx[i] = y[i] > 0 ? g : 0.f;
  }
}

static void grad_part(void *ctx, long i0, long i1) {
  const GradJob *j = ctx;
  const float *restrict dy = j->dy, *restrict y = j->y;
  float *restrict dx = j->dx;
  if (j->kind == GRAD_RELU) {
    relu_grad(dy + i0, y + i0, dx + i0, i1 - i0);
  } else {
    for (long i = i0; i < i1; i++) {
      const float one_minus = 1.f - y[i] * y[i];
      dx[i] = one_minus * dy[i];
    }
  }
}

/* activationGrad(kind, dy, y, dx): dL/d(pre-activation) from dL/dy and the activation's output y; kind 0 ReLU
   (dy where y > 0, else 0), 1 tanh (dy·(1 − y²)). */
static napi_value activation_grad(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t kind;
  float *p[3];
  size_t lens[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4 || napi_get_value_int32(env, argv[0], &kind) != napi_ok || (kind != GRAD_RELU && kind != GRAD_TANH))
    return fail(env, "expected (kind, dy, y, dx)"), NULL;
  for (int k = 0; k < 3; k++)
    if (!get_array(env, argv[1 + k], napi_float32_array, (void **)&p[k], &lens[k])) return NULL;
  if (lens[0] != lens[1] || lens[0] != lens[2]) return fail(env, "dy, y and dx differ in length"), NULL;
  GradJob job = {kind, p[0], p[1], p[2]};
  split((long)lens[0], (double)lens[0], grad_part, &job);
  return undefined(env);
}

void define_elementwise(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sum", NULL, sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"relu", NULL, relu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"step", NULL, step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tanh", NULL, tanh_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"activationGrad", NULL, activation_grad, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
}
