#!/usr/bin/env bash
# The bad-contract corpus (test/contracts/bad, run by sql/bad_contracts.sql)
# has at least 40 files, each named NN-short-description.EXT and starting
# with a "# expect: SQLSTATE text" line.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=test/contracts/bad
min=40

[ -d "$dir" ] || { echo "FAIL: $dir does not exist"; exit 1; }
errors=0
n=0
for f in "$dir"/*; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    name=$(basename "$f")
    if ! [[ $name =~ ^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\.(yaml|json|txt|sql)$ ]]; then
        echo "FAIL: $name: not named NN-short-description.(yaml|json|txt|sql)"
        errors=$((errors + 1))
    fi
    if ! head -n 1 "$f" | LC_ALL=C grep -qE '^# expect: [0-9A-Z]{5} [^[:space:]].*$'; then
        echo "FAIL: $name: first line is not \"# expect: SQLSTATE text\""
        errors=$((errors + 1))
    fi
done
dups=$(for f in "$dir"/*; do basename "$f" | cut -c1-2; done | sort | uniq -d | tr '\n' ' ')
if [ -n "$dups" ]; then
    echo "FAIL: numbers used by more than one file: $dups"
    errors=$((errors + 1))
fi
if [ "$n" -lt "$min" ]; then
    echo "FAIL: $n corpus files, at least $min expected"
    errors=$((errors + 1))
fi
[ "$errors" -eq 0 ] || exit 1
echo "ok: $n corpus files with valid headers"
