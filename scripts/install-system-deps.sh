#!/usr/bin/env bash
# System libraries for the optional native fast path (none are required: the pure tfjs backends always work).
set -euo pipefail
exit 0
