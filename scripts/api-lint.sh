#!/usr/bin/env bash
# Lints the API documents with their own tools; any error fails:
# - the generated OpenAPI document, with Redocly CLI's recommended ruleset;
# - the generated AsyncAPI document and each service's own (as the catalog export writes them), with
#   the AsyncAPI CLI's `validate`.
# Both tools come with the catalog tooling in catalog-site/ (installed here if it is not yet), whose
# Node (24, which the AsyncAPI CLI needs) goes first on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
tooling=catalog-site/node_modules/.bin
[ -x "$tooling/redocly" ] && [ -x "$tooling/asyncapi" ] || npm ci --prefix catalog-site --no-audit --no-fund
export PATH="$PWD/$tooling:$PATH"

REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  redocly lint --extends=recommended docs/generated/openapi.json

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The AsyncAPI CLI sends usage metrics unless its settings file says not to.
echo '{"analyticsEnabled":"false","infoMessageShown":"true","userID":"api-lint"}' > "$work/asyncapi-analytics.json"
npx tsx scripts/catalog.ts --out "$work/catalog" > /dev/null
for document in docs/generated/asyncapi.json "$work"/catalog/services/*/asyncapi.json; do
  ASYNCAPI_METRICS_CONFIG_PATH="$work/asyncapi-analytics.json" SUPPRESS_NO_CONFIG_WARNING=true \
    asyncapi validate --fail-severity error "$document"
done
