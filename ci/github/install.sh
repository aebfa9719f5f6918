#!/usr/bin/env bash
# Installs slogate for the GitHub Action, in the current (working) directory.
#
# A project that depends on slogate gets its own locked version (npm ci, or
# nothing when node_modules already has it); any other project gets
# slogate@$SLOGATE_VERSION, or the version of this action when that is empty,
# without touching its package.json. Either way `npx --no -- slogate` then runs it.
#
# Writes to $GITHUB_OUTPUT: version (the installed slogate), package-dir (its
# folder, for tools/k6/go.mod) and cache-dir (where slogate keeps its k6
# build: $SLOGATE_CACHE_DIR, else $XDG_CACHE_HOME/slogate, else ~/.cache/slogate).
set -euo pipefail

output() { printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }
fail() {
  printf '::error title=slogate::%s\n' "$1" >&2
  exit 1
}

# The installed package (for tools/k6/go.mod, from which Go builds k6): the
# nearest node_modules/slogate up from here, as Node resolves it.
find_package_dir() {
  local dir
  dir="$(pwd)"
  while :; do
    if [[ -f "$dir/node_modules/slogate/package.json" ]]; then
      echo "$dir/node_modules/slogate"
      return 0
    fi
    [[ "$dir" != / ]] || return 1
    dir="$(dirname "$dir")"
  done
}

declared=false
if [[ -f package.json ]] &&
  node -e 'const p = require("./package.json");
    const all = { ...p.dependencies, ...p.devDependencies, ...p.optionalDependencies };
    process.exit("slogate" in all ? 0 : 1)'; then
  declared=true
fi

if [[ "$declared" == true ]]; then
  if find_package_dir >/dev/null; then
    echo "slogate: using the project's installed slogate"
  elif [[ -f package-lock.json || -f npm-shrinkwrap.json ]]; then
    npm ci --no-audit --no-fund
  elif [[ -f yarn.lock || -f pnpm-lock.yaml || -f bun.lockb || -f bun.lock ]]; then
    fail "package.json depends on slogate but node_modules lacks it: install the project's dependencies (yarn/pnpm/bun install) in a step before this action"
  else
    npm install --no-audit --no-fund
  fi
else
  requested="${SLOGATE_VERSION:-}"
  if [[ -z "$requested" ]]; then
    # The action's own package.json: slogate/slogate@v0.4.1 installs slogate 0.4.1.
    requested="$(node -p 'require(process.argv[1]).version' "${GITHUB_ACTION_PATH:?}/package.json")"
  fi
  npm install --no-save --no-audit --no-fund "slogate@${requested}"
fi

version="$(npx --no -- slogate --version)" ||
  fail "slogate did not install in $(pwd): 'npx --no -- slogate --version' failed (output above)"

package_dir="$(find_package_dir)" ||
  fail "npx runs slogate ${version} but no node_modules/slogate was found above $(pwd)"

if [[ -n "${SLOGATE_CACHE_DIR:-}" ]]; then
  # slogate resolves a relative SLOGATE_CACHE_DIR from where it runs: here.
  cache_dir="$(node -p 'require("node:path").resolve(process.argv[1])' "$SLOGATE_CACHE_DIR")"
elif [[ "${XDG_CACHE_HOME:-}" == /* ]]; then
  cache_dir="$XDG_CACHE_HOME/slogate"
else
  cache_dir="$HOME/.cache/slogate"
fi

echo "slogate ${version} in ${package_dir}; k6 build cache ${cache_dir}"
output version "$version"
output package-dir "$package_dir"
output cache-dir "$cache_dir"
