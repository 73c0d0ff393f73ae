#!/usr/bin/env bash
# The bad-contract corpus (test/contracts/bad, run by sql/bad_contracts.sql)
# has at least 40 files, each named NN-short-description.EXT and starting
# with a "# expect: SQLSTATE text" line.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
check_corpus test/contracts/bad 40
