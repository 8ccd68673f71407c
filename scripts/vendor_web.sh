#!/usr/bin/env bash
# Re-creates learning_analytics/web/static/vendor/ from the npm registry: the pinned packages are
# fetched with `npm pack` into a temporary folder and only their browser builds and licences are
# copied. The page and GraphiQL load nothing else, and nothing from another origin at run time.
# Bump a version here, run the script, and commit the result together with VENDORED.md's table.
set -euo pipefail
cd "$(dirname "$0")/.."

CHARTJS=4.5.1
GRAPHIQL=3.9.0   # the last GraphiQL with a UMD build (4 and later ship ES modules for a bundler)
REACT=18.3.1     # GraphiQL 3 runs on React 16.8–18

dest=learning_analytics/web/static/vendor
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "chart.js@$CHARTJS" "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for tgz in "$tmp"/*.tgz; do
  name="$(basename "$tgz" .tgz)"
  mkdir -p "$tmp/$name" && tar xzf "$tgz" -C "$tmp/$name"
done

rm -rf "$dest"
mkdir -p "$dest/chartjs" "$dest/graphiql" "$dest/react"
cp "$tmp/chart.js-$CHARTJS/package/dist/chart.umd.min.js" "$dest/chartjs/chart.umd.min.js"
cp "$tmp/chart.js-$CHARTJS/package/LICENSE.md" "$dest/chartjs/LICENSE.md"
cp "$tmp/graphiql-$GRAPHIQL/package/graphiql.min.js" "$dest/graphiql/graphiql.min.js"
cp "$tmp/graphiql-$GRAPHIQL/package/graphiql.min.css" "$dest/graphiql/graphiql.min.css"
cp "$tmp/graphiql-$GRAPHIQL/package/LICENSE" "$dest/graphiql/LICENSE"
cp "$tmp/react-$REACT/package/umd/react.production.min.js" "$dest/react/react.production.min.js"
cp "$tmp/react-dom-$REACT/package/umd/react-dom.production.min.js" "$dest/react/react-dom.production.min.js"
cp "$tmp/react-$REACT/package/LICENSE" "$dest/react/LICENSE"
# The source-map comments point at files that are not shipped: drop them so browsers do not ask.
sed -i '/^\/\/# sourceMappingURL=/d; s|//# sourceMappingURL=[^ ]*$||' "$dest"/*/*.js
sed -i 's|/\*# sourceMappingURL=[^*]*\*/||' "$dest"/graphiql/*.css

(cd "$dest" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
echo "vendored chart.js $CHARTJS, graphiql $GRAPHIQL, react and react-dom $REACT into $dest"
