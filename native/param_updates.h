/* Per-parameter updates of a training step (param_updates.c), added to the addon's exports by blas.c. */
#define NAPI_VERSION 8
#include <node_api.h>

void define_param_updates(napi_env env, napi_value exports);
