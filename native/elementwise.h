/* Elementwise loops of the addon (elementwise.c), added to its exports by blas.c. */
#define NAPI_VERSION 8
#include <node_api.h>

void define_elementwise(napi_env env, napi_value exports);

/* dx = dy where the ReLU's output y is positive, else 0 (tfjs's ReLU gradient), over n floats; dx may be dy. */
void relu_grad(const float *dy, const float *y, float *dx, long n);
