#!/usr/bin/env bash
# Mutation check of the independent roster checker (scheduler/roster/src/check.rs).
#
# Why: check_roster is the pass/fail oracle of every roster test, so a rule it silently stopped
# checking would let every test pass. For each rule name the checker reports, this script switches
# that one rule off (a guard at the top of the single `push` closure that every violation goes
# through), runs scheduler/tests/roster_checker.rs, and records whether the tests noticed
# ("caught") or not ("SURVIVED"). It exits non-zero if any mutant survived or did not build.
#
# check.rs is backed up first and restored on exit (trap), whatever happens short of SIGKILL.
# Usage: scripts/mutate-checker.sh        (from anywhere in the repository; ~1 build per rule)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CHECK=scheduler/roster/src/check.rs
TEST=(cargo test -p rota-roster --test roster_checker --quiet)
CLOSURE="let mut push = |rule: &'static str, agent: Option<&str>, message: String| {"
export CARGO_TERM_COLOR=never

if grep -q 'if rule == "' "$CHECK"; then
    echo "error: $CHECK already holds a mutant guard (an interrupted run?); restore it first" >&2
    exit 2
fi
if [ "$(grep -cF "$CLOSURE" "$CHECK")" != 1 ]; then
    echo "error: cannot find the single push closure in $CHECK:" >&2
    echo "  $CLOSURE" >&2
    exit 2
fi

WORK=$(mktemp -d)
cp "$CHECK" "$WORK/check.rs.orig"
# plain cp (not -p): the restored file gets a new mtime, so cargo rebuilds the unmutated checker
trap 'cp "$WORK/check.rs.orig" "$CHECK"; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# rule names: the string literal that is the first argument of each push(...) call
mapfile -t RULES < <(grep -Pzo 'push\(\s*"\K[a-z_]+(?=")' "$CHECK" | tr '\0' '\n' | awk 'NF && !seen[$0]++')
if [ "${#RULES[@]}" -eq 0 ]; then
    echo "error: no rule names found in $CHECK" >&2
    exit 2
fi

# summary of one test run: "N failed" from libtest's result line
failed_count() {
    grep -Eo 'test result: FAILED\. [0-9]+ passed; [0-9]+ failed' "$1" | grep -Eo '[0-9]+ failed$' | tail -n1
}

echo "baseline: ${TEST[*]}"
if ! "${TEST[@]}" >"$WORK/baseline.log" 2>&1; then
    cat "$WORK/baseline.log" >&2
    echo "error: the tests fail on the unmutated checker; fix that first" >&2
    exit 2
fi

declare -a RESULT DETAIL
status=0
for i in "${!RULES[@]}"; do
    rule=${RULES[$i]}
    cp "$WORK/check.rs.orig" "$CHECK"
    awk -v closure="$CLOSURE" -v rule="$rule" '
        { print }
        index($0, closure) { print "        if rule == \"" rule "\" { return; }" }
    ' "$WORK/check.rs.orig" >"$CHECK"
    grep -qF "if rule == \"$rule\" { return; }" "$CHECK" || { echo "error: patch failed for $rule" >&2; exit 2; }
    echo "mutant $((i + 1))/${#RULES[@]}: rule \"$rule\" disabled"
    log="$WORK/$rule.log"
    if "${TEST[@]}" >"$log" 2>&1; then
        RESULT[$i]=SURVIVED
        DETAIL[$i]="all tests passed"
        status=1
    elif n=$(failed_count "$log") && [ -n "$n" ]; then
        RESULT[$i]=caught
        DETAIL[$i]="$n"
    else
        RESULT[$i]=ERROR
        DETAIL[$i]="did not build or run; see below"
        sed -n '1,40p' "$log" >&2
        status=1
    fi
done

echo
printf '%-18s %-9s %s\n' RULE RESULT TESTS
printf '%-18s %-9s %s\n' ------------------ --------- ----------------
for i in "${!RULES[@]}"; do
    printf '%-18s %-9s %s\n' "${RULES[$i]}" "${RESULT[$i]}" "${DETAIL[$i]}"
done
survived=0
for r in "${RESULT[@]}"; do [ "$r" = caught ] || survived=$((survived + 1)); done
echo
echo "${#RULES[@]} mutants, $((${#RULES[@]} - survived)) caught, $survived not caught"
exit "$status"
