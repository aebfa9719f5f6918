#!/usr/bin/env bash
# Runs `slogate run` (a scenario against a target) or `slogate check` (k6
# results made elsewhere) for the GitHub Action, in the current (working)
# directory, and keeps slogate's exit code instead of failing, so the reports
# are uploaded whatever the verdict; the action's last step exits with it.
#
# Reads SLOGATE_SCENARIO, SLOGATE_TARGET, SLOGATE_PROFILE, SLOGATE_REQUIRE,
# SLOGATE_RATE, SLOGATE_TIME_SCALE, SLOGATE_K6_RESULTS, SLOGATE_K6_EXIT_CODE,
# SLOGATE_BASELINE, SLOGATE_BASELINE_ADVISORY, SLOGATE_ARGS and
# SLOGATE_REPORTS_DIR (the action's inputs). Writes to
# $GITHUB_OUTPUT: exit-code, verdict, report-dir (absolute, empty when slogate
# wrote no reports) and artifact-name.
#
# slogate appends its Markdown verdict to $GITHUB_STEP_SUMMARY itself; this
# script adds a line there only when slogate ended without writing one (a
# mistake in the inputs, a k6 that would not start), so the summary is never
# silent about a red job.
set -euo pipefail

output() { printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }

summary_size() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -f "$GITHUB_STEP_SUMMARY" ]]; then
    wc -c <"$GITHUB_STEP_SUMMARY" | tr -d ' '
  else
    echo 0
  fi
}

# Ends the step green with the outcome in the outputs; the action's last step
# turns the code into the job's result.
finish() {
  local code="$1" verdict="$2" report_dir="$3" artifact="$4"
  output exit-code "$code"
  output verdict "$verdict"
  output report-dir "$report_dir"
  output artifact-name "$artifact"
  exit 0
}

# A mistake in the action's inputs: one line naming the input, exit 3 as
# slogate exits for a usage error.
usage_error() {
  printf '::error title=slogate::%s\n' "$1" >&2
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    printf '### slogate: error (exit 3)\n\n%s\n\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
  finish 3 error "" ""
}

scenario="${SLOGATE_SCENARIO:-}"
results="${SLOGATE_K6_RESULTS:-}"
reports_dir="${SLOGATE_REPORTS_DIR:-reports}"
[[ -n "$reports_dir" ]] || reports_dir=reports

# Whitespace-separated paths with globs, expanded; a pattern matching nothing stays as given
# (slogate then names the missing file).
expand_paths() {
  local patterns pattern matches
  read -r -d '' -a patterns <<<"$1" || true
  expanded=()
  shopt -s nullglob
  for pattern in "${patterns[@]}"; do
    # Unquoted on purpose: a glob such as results/runner-*.ndjson expands here.
    # shellcheck disable=SC2206
    matches=($pattern)
    if ((${#matches[@]} > 0)); then expanded+=("${matches[@]}"); else expanded+=("$pattern"); fi
  done
  shopt -u nullglob
}

args=()
if [[ -n "$results" ]]; then
  [[ -z "$scenario" ]] ||
    usage_error "inputs scenario and k6-results both set: give scenario (with target) to run k6, or k6-results to judge existing results"
  expand_paths "$results"
  files=("${expanded[@]}")
  stamp="$(date -u +%Y%m%d-%H%M%S)-check-$(printf '%04x' $((RANDOM % 65536)))"
  out_dir="$reports_dir/$stamp"
  args=(check --k6 "${files[@]}" --out "$out_dir")
  [[ -z "${SLOGATE_K6_EXIT_CODE:-}" ]] || args+=(--k6-exit-code "$SLOGATE_K6_EXIT_CODE")
  label=check
else
  [[ -n "$scenario" ]] ||
    usage_error "input scenario is empty: set it to a bundled scenario (smoke, load, …) or a path to your .ts/.js scenario, or set k6-results to judge existing results"
  [[ -n "${SLOGATE_TARGET:-}" ]] ||
    usage_error "input target is empty: set it to the base URL of the service under test (e.g. http://127.0.0.1:8080)"
  args=(run "$scenario" --target "$SLOGATE_TARGET" --reports-dir "$reports_dir")
  [[ -z "${SLOGATE_RATE:-}" ]] || args+=(--rate "$SLOGATE_RATE")
  [[ -z "${SLOGATE_TIME_SCALE:-}" ]] || args+=(--time-scale "$SLOGATE_TIME_SCALE")
  label="$(basename "$scenario")"
  label="${label%.*}"
fi
[[ -z "${SLOGATE_PROFILE:-}" ]] || args+=(--profile "$SLOGATE_PROFILE")
[[ -z "${SLOGATE_REQUIRE:-}" ]] || args+=(--require "$SLOGATE_REQUIRE")
if [[ -n "${SLOGATE_BASELINE:-}" ]]; then
  expand_paths "$SLOGATE_BASELINE"
  args+=(--baseline "${expanded[@]}")
  [[ "${SLOGATE_BASELINE_ADVISORY:-false}" != true ]] || args+=(--baseline-advisory)
elif [[ "${SLOGATE_BASELINE_ADVISORY:-false}" == true ]]; then
  usage_error "input baseline-advisory is true but baseline is empty: set baseline to an evidence.json, a run directory or k6 NDJSON"
fi
if [[ -n "${SLOGATE_ARGS:-}" ]]; then
  read -r -d '' -a extra <<<"$SLOGATE_ARGS" || true
  args+=("${extra[@]}")
fi

# The run directory is the one slogate creates under reports_dir: note what is there first.
# (A newline-separated list, not an associative array: macOS ships bash 3.2.)
existed=""
if [[ -d "$reports_dir" ]]; then
  for dir in "$reports_dir"/*/; do [[ ! -d "$dir" ]] || existed+="$dir"$'\n'; done
fi
summary_before="$(summary_size)"
stderr_log="$(mktemp)"
trap 'rm -f "$stderr_log"' EXIT

# Not the arguments: a target may carry credentials; slogate redacts what it prints.
if [[ "${args[0]}" == check ]]; then echo "slogate: check ${#files[@]} file(s)"; else echo "slogate: run ${scenario}"; fi
set +e
# stderr goes to the log as well as the job's log; stdout stays as it is.
{ npx --no -- slogate "${args[@]}" 2>&1 1>&3 3>&- | tee "$stderr_log" >&2; } 3>&1
code="${PIPESTATUS[0]}"
set -e

report_dir=""
if [[ -n "${out_dir:-}" ]]; then
  if [[ -d "$out_dir" ]]; then report_dir="$out_dir"; fi
elif [[ -d "$reports_dir" ]]; then
  for dir in "$reports_dir"/*/; do
    # Run ids start with the UTC time, so the last new one is this run's.
    [[ -d "$dir" ]] || continue
    grep -Fxq -- "$dir" <<<"$existed" || report_dir="${dir%/}"
  done
fi
if [[ -n "$report_dir" ]]; then
  report_dir="$(cd "$report_dir" && pwd)"
fi

verdict=""
# A signal ended the run: whatever verdict it wrote about the part that ran, the run was interrupted.
if [[ "$code" == 130 || "$code" == 143 ]]; then
  verdict=interrupted
elif [[ -n "$report_dir" && -f "$report_dir/verdict.json" ]]; then
  verdict="$(node -p 'require(process.argv[1]).verdict' "$report_dir/verdict.json" 2>/dev/null || true)"
fi
if [[ -z "$verdict" ]]; then
  case "$code" in
    0) verdict=pass ;;
    1) verdict=fail ;;
    2) verdict=inconclusive ;;
    *) verdict=error ;;
  esac
fi

if [[ -n "${GITHUB_STEP_SUMMARY:-}" && "$(summary_size)" == "$summary_before" && "$code" != 0 ]]; then
  # slogate's own one-line reason (credentials already redacted by slogate).
  reason="$(grep '^slogate: ' "$stderr_log" | tail -n 1 || true)"
  # shellcheck disable=SC2016 # the backticks are Markdown, not a command
  {
    printf '### slogate: %s (exit %s)\n\n' "$verdict" "$code"
    [[ -z "$reason" ]] || printf '```\n%s\n```\n' "$reason"
    [[ -z "$report_dir" ]] || printf '\nReports: `%s`\n' "$report_dir"
    printf '\n'
  } >>"$GITHUB_STEP_SUMMARY"
fi

if [[ -n "$report_dir" ]]; then
  artifact="slogate-$(basename "$report_dir")"
else
  artifact="slogate-${GITHUB_JOB:-job}-${label}"
fi
echo "slogate: exit ${code} (${verdict})${report_dir:+; reports in ${report_dir}}"
finish "$code" "$verdict" "$report_dir" "$artifact"
