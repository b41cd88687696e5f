#!/usr/bin/env bash
# Why: shipshape's own tests can only check what its authors thought of. This judges
# rendered manifests with two outside oracles, so "production-grade" is checked by
# tools we did not write:
#   a. kubernetes-validate --strict: every object matches the real Kubernetes schema
#      (KUBE_VERSION, default 1.33.0) with no unknown fields. It knows no custom
#      resources: those of a kind whose CRD is shipped in schemas/crds/ go to (c);
#      any other schema-less object fails.
#   b. checkov --framework kubernetes: security best practices. Checks are skipped ONLY
#      through scripts/oracles/checkov-skips.txt ("CHECK_ID  reason" lines); checkov
#      config files, CKV_* env vars and in-manifest checkov.io/skip annotations can't.
#   c. scripts/oracles/custom_resources.py: every custom resource matches the
#      openAPIV3Schema of its kind's published CRD (schemas/crds/, sources in its
#      README), unknown fields included; a custom resource without a shipped CRD fails.
# Usage: scripts/oracles/run.sh DIR...   (each DIR holds rendered *.yaml files)
# Needs scripts/oracles/install.sh to have run. Exits nonzero on any finding.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/.venv-oracles
skips_file=$root/scripts/oracles/checkov-skips.txt
kube_version=${KUBE_VERSION:-1.33.0}

die() { echo "oracles: $*" >&2; exit 1; }

(($#)) || die "usage: scripts/oracles/run.sh DIR..."
[[ -x $venv/bin/checkov && -x $venv/bin/kubernetes-validate ]] ||
  die "tools missing: run scripts/oracles/install.sh first"
"$venv/bin/python" -c 'import sys, kubernetes_validate.utils as u
sys.exit(sys.argv[1] not in u.all_versions())' "$kube_version" ||
  die "KUBE_VERSION=$kube_version is not shipped by kubernetes-validate; pick one of: $(
    "$venv/bin/python" -c 'import kubernetes_validate.utils as u; print(*sorted(set(u.all_versions()), key=u.Version))')"

# The skip list: "CHECK_ID  reason", '#' starts a comment line. A reason is mandatory.
skip_ids=()
n=0
while IFS= read -r line || [[ -n $line ]]; do
  n=$((n + 1))
  line=${line%$'\r'}
  [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
  [[ $line =~ ^[[:space:]]*(CKV2?_[A-Z0-9]+_[0-9]+)[[:space:]]+[^[:space:]] ]] ||
    die "scripts/oracles/checkov-skips.txt:$n: want 'CHECK_ID  reason', got: $line"
  skip_ids+=("${BASH_REMATCH[1]}")
done <"$skips_file"
skip_csv=$(IFS=,; echo "${skip_ids[*]}")

# Custom resources (kind@apiVersion) with a shipped CRD: kubernetes-validate has no
# schema for them, and (c) judges them instead.
crds=" $("$venv/bin/python" "$root/scripts/oracles/custom_resources.py" --kinds) " ||
  die "cannot read the CRDs in schemas/crds/"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passes=0 fails=0

for dir in "$@"; do
  [[ -d $dir ]] || { echo "oracles: $dir: not a directory" >&2; fails=$((fails + 1)); continue; }
  mapfile -t files < <(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' \) | LC_ALL=C sort)
  ((${#files[@]})) || { echo "oracles: $dir: no *.yaml files" >&2; fails=$((fails + 1)); continue; }
  failed=0

  # a. kubernetes-validate: accept only "passed" lines, and custom resources with a CRD.
  kv_rc=0
  kv_out=$("$venv/bin/kubernetes-validate" --strict -k "$kube_version" "${files[@]}" 2>&1) || kv_rc=$?
  ok=0 bad=()
  while IFS= read -r line; do
    if [[ $line =~ ^INFO\ .*\ passed\ for\ resource\  ]]; then
      ok=$((ok + 1))
    elif [[ $line =~ ^WARN\ .*\ find\ schema\ for\ kind\ ([^ ]+)\ with\ api\ version\ ([^ ]+)\  &&
            $crds == *[[:space:]]"${BASH_REMATCH[1]}@${BASH_REMATCH[2]}"[[:space:]]* ]]; then
      : # judged by (c)
    elif [[ -n $line ]]; then
      bad+=("$line")
    fi
  done <<<"$kv_out"
  if ((kv_rc != 0 || ${#bad[@]})); then
    failed=1
    echo "oracles: $dir: kubernetes-validate (strict, $kube_version) failed (exit $kv_rc):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    [[ ${bad[*]} != *"find schema"* ]] || echo "  (no schema: wrong kind/apiVersion," \
      "or a custom resource whose CRD is not in schemas/crds/)" >&2
  fi
  kv_summary="kubernetes-validate $ok objects ok"

  # c. custom resources against their CRDs.
  if ! cr_summary=$("$venv/bin/python" "$root/scripts/oracles/custom_resources.py" "${files[@]}"); then
    failed=1
    echo "oracles: $dir: custom resources do not match their CRDs (see above)" >&2
  fi

  # b. checkov on exactly these files, run from an empty cwd and HOME so no .checkov.yaml
  #    is read, without the env vars that could skip checks or phone home.
  abs_files=()
  for f in "${files[@]}"; do abs_files+=("$(realpath "$f")"); done
  (cd "$tmp" && env -u BC_API_KEY -u CKV_SKIP_CHECK -u CKV_POLICY_METADATA_FILTER \
      -u CKV_POLICY_METADATA_FILTER_EXCEPTION -u HELM_NAMESPACE \
      HOME="$tmp" CKV_SKIP_PACKAGE_UPDATE_CHECK=true \
      "$venv/bin/checkov" --framework kubernetes --skip-download -o json \
      ${skip_csv:+--skip-check "$skip_csv"} -f "${abs_files[@]}") \
    >"$tmp/checkov.json" 2>"$tmp/checkov.err" || true
  if ! ck_summary=$("$venv/bin/python" - "$tmp/checkov" "$dir" "$(realpath "$dir")" \
      "${skip_ids[@]}" <<'PY'
import json, os, sys
out, shown, absdir, *allowed = sys.argv[1:]
def where(c):
    return os.path.join(shown, os.path.relpath(c.get("file_abs_path", ""), absdir))
try:
    data = json.load(open(out + ".json"))
except ValueError:
    sys.exit(open(out + ".err").read()[-3000:] + "checkov crashed: no JSON report")
passed = failed = skipped = 0
problems = []
for r in data if isinstance(data, list) else [data]:
    res = r.get("results", {})
    passed += len(res.get("passed_checks", []))
    for c in res.get("failed_checks", []):
        failed += 1
        problems.append(f'{c["check_id"]} {c["resource"]} in {where(c)}: {c["check_name"]}')
    for c in res.get("skipped_checks", []):
        skipped += 1
        if c["check_id"] not in allowed:
            problems.append(f'{c["check_id"]} {c["resource"]} in {where(c)}: skipped outside '
                            f'checkov-skips.txt ({c.get("check_result", {}).get("suppress_comment")})')
    for f in res.get("parsing_errors", []):
        problems.append(f"checkov could not parse {f}")
    if r.get("summary", {}).get("parsing_errors") and not res.get("parsing_errors"):
        problems.append("checkov reported parsing errors")
for p in problems:
    print("  " + p, file=sys.stderr)
print(f"checkov {passed} passed {failed} failed" + (f" {skipped} skipped" if skipped else ""))
sys.exit(1 if problems else 0)
PY
  ); then
    failed=1
    echo "oracles: $dir: checkov failed (see above)" >&2
  fi

  [[ -z $ck_summary || ${#skip_ids[@]} == 0 ]] ||
    ck_summary+=" (${#skip_ids[@]} check ids skipped by list)"
  echo "oracles: $dir: $kv_summary, ${cr_summary:-custom resources not checked}," \
    "${ck_summary:-checkov did not report}"
  ((failed == 0)) && passes=$((passes + 1)) || fails=$((fails + 1))
done
echo "oracles: $passes passed, $fails failed"
((fails == 0))
