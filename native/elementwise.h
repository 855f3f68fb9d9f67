/* Elementwise loops of the addon (elementwise.c), added to its exports by blas.c. */
#define NAPI_VERSION 8
#include <node_api.h>

void define_elementwise(napi_env env, napi_value exports);
