#!/usr/bin/env bash
# Lints the generated OpenAPI document with Redocly CLI's recommended ruleset: any error fails.
# Redocly comes with the catalog tooling in catalog-site/ (installed here if it is not yet).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x catalog-site/node_modules/.bin/redocly ] || npm ci --prefix catalog-site --no-audit --no-fund
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  catalog-site/node_modules/.bin/redocly lint --extends=recommended docs/generated/openapi.json
