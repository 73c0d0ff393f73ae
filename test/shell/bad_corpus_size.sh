#!/usr/bin/env bash
# The bad-manifest corpus (test/manifests/bad, run by sql/bad_manifests.sql)
# has at least 50 files, each named NN-short-description.EXT and starting
# with a "# expect: SQLSTATE text" line.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
check_corpus test/manifests/bad 50
