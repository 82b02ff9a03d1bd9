#!/bin/sh
# `npm test`: the type check runs beside vitest rather than before it (about 20 s of a 2-CPU run, and
# vitest's workers spend much of their time waiting on child processes). Either failing fails the
# command; vitest's closing `N passed, N failed` line stays, and a type error is printed after it.
# Arguments go to vitest (`npm test -- test/unit/x.test.ts`).
types=$(mktemp)
trap 'rm -f "$types"' EXIT
tsc --noEmit >"$types" 2>&1 &
tsc_pid=$!
vitest run "$@"
vitest_status=$?
wait "$tsc_pid"
tsc_status=$?
if [ "$tsc_status" -ne 0 ]; then
  cat "$types"
  echo "tsc --noEmit failed (exit $tsc_status): type errors above"
  exit "$tsc_status"
fi
exit "$vitest_status"
