#!/usr/bin/env bash
# Packs Multiproc and the multiproc tool, installs the tool from the local package into a
# temporary tool path, and runs it as a user would: keygen, serve in the background, inspect --json
# and top --once against it, then SIGTERM. Fails (non-zero) on any step that does not do what
# docs/cli.md says. Run by .ci/run after the tests; runnable by hand from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d /tmp/multiproc-packages-XXXXXX)"
serve_pid=""
cleanup() {
    if [[ -n "$serve_pid" ]] && kill -0 "$serve_pid" 2>/dev/null; then kill -KILL "$serve_pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-packages: $*" >&2; exit 1; }

dotnet pack src/Multiproc -c Release -o "$work/packages" --nologo -v quiet
dotnet pack src/Multiproc.Cli -c Release -o "$work/packages" --nologo -v quiet
dotnet pack src/Multiproc.Extensions.Hosting -c Release -o "$work/packages" --nologo -v quiet
dotnet pack src/Multiproc.Orleans -c Release -o "$work/packages" --nologo -v quiet
ls "$work/packages"/Multiproc.Orleans.*.nupkg >/dev/null || fail "Multiproc.Orleans was not packed"
ls "$work/packages"/Multiproc.Extensions.Hosting.*.nupkg >/dev/null || fail "Multiproc.Extensions.Hosting was not packed"
ls "$work/packages"/Multiproc.*.nupkg >/dev/null || fail "Multiproc was not packed"
ls "$work/packages"/Multiproc.Cli.*.nupkg >/dev/null || fail "Multiproc.Cli was not packed"
# Each package: licence expression, repository commit, README, symbols; the libraries' XML docs.
python3 - "$work/packages" <<'PY'
import glob, os, re, sys, zipfile
folder = sys.argv[1]
for package in ("Multiproc", "Multiproc.Extensions.Hosting", "Multiproc.Orleans", "Multiproc.Cli"):
    [path] = [p for p in glob.glob(os.path.join(folder, package + ".*.nupkg")) if re.fullmatch(re.escape(package) + r"\.\d[^/]*\.nupkg", os.path.basename(p))]
    assert os.path.exists(path[:-len(".nupkg")] + ".snupkg"), f"{package}: no symbol package"
    with zipfile.ZipFile(path) as z:
        nuspec = z.read(package + ".nuspec").decode("utf-8-sig")
        names = z.namelist()
    assert '<license type="expression">' in nuspec, f"{package}: no licence expression"
    assert re.search(r'<repository type="git"[^>]* commit="[0-9a-f]{40}"', nuspec), f"{package}: no repository commit"
    assert "<readme>README.md</readme>" in nuspec and "README.md" in names, f"{package}: no README"
    if package != "Multiproc.Cli":
        assert any(n.endswith(package + ".xml") for n in names), f"{package}: no XML docs"
PY
version="$(basename "$(ls "$work/packages"/Multiproc.Cli.*.nupkg | grep -v '\.snupkg$' | head -1)" .nupkg)"
version="${version#Multiproc.Cli.}"
# Its own package cache: a tool package of the same version from an earlier run is never reused.
NUGET_PACKAGES="$work/nuget" dotnet tool install Multiproc.Cli --version "$version" --tool-path "$work/tools" --add-source "$work/packages" >/dev/null
tool="$work/tools/multiproc"
[[ -x "$tool" ]] || fail "the tool is not installed as 'multiproc'"

"$tool" keygen "$work/key" >/dev/null
[[ "$(stat -c %a "$work/key")" == "600" ]] || fail "keygen's file is not mode 600"

"$tool" serve --key-file "$work/key" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 1 300); do
    grep -q '^address: ' "$work/serve.out" 2>/dev/null && break
    kill -0 "$serve_pid" 2>/dev/null || fail "serve exited: $(cat "$work/serve.err")"
    sleep 0.1
done
address="$(sed -n 's/^address: //p' "$work/serve.out")"
[[ -n "$address" ]] || fail "serve printed no address"

"$tool" inspect "$address" --key-file "$work/key" --json >"$work/inspect.json"
python3 - "$work/inspect.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
expected = {"startedAt", "uptimeSeconds", "workingSetBytes", "managedHeapBytes", "objectsByType",
            "names", "connections", "members", "busiestObjects", "latency"}
assert set(doc) == expected, f"inspect --json fields: {sorted(doc)}"
assert doc["connections"], "inspect saw no connection"
assert set(doc["connections"][0]) == {"id", "processId", "endpoint", "referencesOwned", "callsInFlight", "locksHeld", "permitsHeld"}
PY

"$tool" top "$address" --key-file "$work/key" --once >"$work/top.out"
grep -q 'calls/s' "$work/top.out" || fail "top --once printed no calls/s: $(cat "$work/top.out")"
grep -q 'connections' "$work/top.out" || fail "top --once printed no connections"

socket_dir="$(dirname "${address#unix:}")"
kill -TERM "$serve_pid"
code=0
timeout 5 tail --pid="$serve_pid" -f /dev/null || fail "serve did not exit within 5 s of SIGTERM"
wait "$serve_pid" || code=$?
serve_pid=""
[[ "$code" == "0" ]] || fail "serve exited with $code after SIGTERM"
[[ ! -e "$socket_dir" ]] || fail "serve left its socket directory $socket_dir"
echo "packages: Multiproc, Multiproc.Extensions.Hosting and Multiproc.Cli $version packed (licence, repository commit, README, symbols, XML docs); the multiproc tool installed and ran keygen, serve, inspect --json, top --once and stopped on SIGTERM"
