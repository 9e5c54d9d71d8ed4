#!/usr/bin/env bash
# The whole check: lint, types, then every test (real engines, real models, the virtual sound card).
# Expects an installed dev environment (scripts/setup.sh install-dev). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

"$VENV/bin/ruff" check src tests scripts bench
"$VENV/bin/mypy"
scripts/vsound.sh start
eval "$(scripts/vsound.sh env)"
"$VENV/bin/pytest" "$@"
