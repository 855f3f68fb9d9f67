/* Argument helpers shared by the addon's files: every failure throws a JS TypeError and returns 0. */
#ifndef NAPI_ARGS_H
#define NAPI_ARGS_H
#define NAPI_VERSION 8
#include <node_api.h>

static inline int fail(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return 0;
}

static inline int get_array(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  bool is;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return fail(env, "expected a typed array");
  napi_get_typedarray_info(env, v, &type, len, data, NULL, NULL);
  if (type != want) return fail(env, want == napi_float32_array ? "expected a Float32Array" : "expected a Float64Array");
  return 1;
}

static inline int get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  return get_array(env, v, napi_float32_array, (void **)data, len);
}

static inline napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

#endif
