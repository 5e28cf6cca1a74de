#!/usr/bin/env bash
# Packs every SpinalNet package (the core, the optional packages and the spinalnet tool) into a local NuGet feed, by
# default nupkg/ at the root of the clone: what `dotnet add package` and `dotnet tool install` read until the packages
# are on nuget.org (README "Install"). Prints each package's size. Usage: bash build/pack-local.sh [FEED]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$(mkdir -p "${1:-$here/nupkg}" && cd "${1:-$here/nupkg}" && pwd)"
for project in SpinalNet SpinalNet.Onnx SpinalNet.Pretrained SpinalNet.Distributed SpinalNet.Charts SpinalNet.Runs SpinalNet.ML \
               SpinalNet.Cli; do
  dotnet pack "$here/src/$project/$project.csproj" -c Release -o "$feed" -v q -nologo >/dev/null
done
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$here/Directory.Build.props")"
echo "packed into $feed:"
for package in "$feed"/*."$version".nupkg; do
  printf '  %-40s %12s bytes\n' "$(basename "$package")" "$(stat -c %s "$package")"
done
