#!/usr/bin/env bash
# The packages as a user gets them: `dotnet pack` into a local folder, `dotnet tool install` of the
# meanfield tool from it, a short check through the installed tool, then the C# example solver
# (examples/csharp-solver) built against the MeanField.Core package from that folder and verified
# through `--solver assembly:...`. Everything goes into a temporary folder, removed at the end.
#
#   bash ci/package-test.sh      exit 0 when every step passes; .ci/run runs it after the tests
#
# A unique prerelease version per run, and a restore folder of its own for the example (falling back
# to the user's NuGet cache for everything else), so an earlier pack cached under the same version is
# never what gets tested.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version="0.1.0-local.$(date +%s).$$"
step() { echo "package-test: $*"; }

step "dotnet pack (version $version) into $work/packages"
dotnet pack Verify.sln -c Release -nologo -v quiet -p:PackageVersion="$version" -p:PackageOutputPath="$work/packages"
for id in MeanField.Core MeanField.Verification meanfield; do
  test -f "$work/packages/$id.$version.nupkg" || { echo "package-test: FAILED: no package $id $version"; exit 1; }
done

step "dotnet tool install meanfield from the local folder"
dotnet tool install --tool-path "$work/tool" --add-source "$work/packages" meanfield --version "$version"
tool="$work/tool/meanfield"
printed=$("$tool" --version)
step "meanfield --version: $printed"
case "$printed" in 0.1.0*) ;; *) echo "package-test: FAILED: --version printed '$printed'"; exit 1 ;; esac

# From a folder outside the clone, as a user would run it.
cd "$work"
step "meanfield verify --check fournier-guillin-d1 (installed tool)"
"$tool" verify --check fournier-guillin-d1 --out "$work/fg" --quiet

step "the C# example solver (a copy, outside the clone) against the MeanField.Core package"
cp -r "$OLDPWD/examples/csharp-solver" "$work/example-src"
dotnet build "$work/example-src" -c Release -nologo -v quiet \
  -p:MeanFieldVersion="$version" -p:MeanFieldPackages="$work/packages" \
  -p:RestorePackagesPath="$work/nuget" -p:RestoreFallbackFolders="$HOME/.nuget/packages" -o "$work/example"
step "meanfield verify --solver assembly:...CSharpSolver.dll:Example.SubstepSolver"
# Every code check of the quick suite (each term of (P) in d = 1, 2, 3; alignment alone; the closed forms), and a theorem check.
codechecks=()
for id in convergence-d1 convergence-d2 convergence-d3 convergence-alignment-d1 convergence-alignment-d2 convergence-alignment-d3 \
  closed-form-d1 closed-form-d2 closed-form-d3 momentum-d2 field-independence-d2 mean-field-d1-t1; do codechecks+=(--check "$id"); done
"$tool" verify --solver "assembly:$work/example/CSharpSolver.dll:Example.SubstepSolver" \
  "${codechecks[@]}" --out "$work/example-report" --quiet
grep -q '"kind": "assembly"' "$work/example-report/results.json" \
  || { echo "package-test: FAILED: the report does not name the assembly solver"; exit 1; }
step "passed"
