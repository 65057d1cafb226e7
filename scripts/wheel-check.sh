#!/usr/bin/env bash
# The wheel is the whole app: build it, install it in a clean virtual environment OUTSIDE
# the checkout, and run it from there, as a clinic would after `pipx install`:
#   - exactly one OpenCV distribution is installed;
#   - `facequest watch` finds the astronaut's face and prints nothing on stderr;
#   - a headless session plays and stores trials, and its stderr has no third-party lines;
#   - `facequest report` writes that child's report from the packaged template;
#   - `facequest bench` runs (no scikit-image in the base install);
#   - `facequest doctor --no-camera --no-display` finds the models, fonts and voice pack.
# Prints the installed size (site-packages). Run by `make test`; needs the package index
# (or pip's cache) for the dependencies. PYTHON picks the interpreter (default python3).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/facequest-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "wheel-check: $*" >&2; exit 1; }

# Build from a copy of the working tree, so that no stale build/ folder leaks into the wheel.
mkdir "$work/src"
(cd "$repo" && tar --exclude=__pycache__ --exclude='*.pyc' -cf - \
    game levels assets models pyproject.toml setup.py MANIFEST.in README.md) \
  | tar -xf - -C "$work/src"
# The clean environment (Debian's python3 has venv and ensurepip, maybe no pip of its own):
"$python" -m venv "$work/venv"
bin="$work/venv/bin"
"$bin/python" -m pip wheel --no-deps -v -w "$work/dist" "$work/src" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "the wheel did not build"; }
if grep -i "deprecat" "$work/build.log"; then fail "the build printed deprecation warnings"; fi
wheel=$(ls "$work"/dist/facequest-*-py3-none-any.whl)
echo "wheel-check: built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

"$bin/python" -m pip install -q "$wheel" || fail "the wheel did not install"
site=$("$bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "wheel-check: installed, site-packages $(du -sm "$site" | cut -f1) MiB"

opencv=$("$bin/python" -m pip list --format=freeze | grep -ci '^opencv' || true)
[ "$opencv" = 1 ] || fail "$opencv OpenCV distributions installed (want exactly 1)"

cd "$work"  # nothing of the checkout is reachable from here
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
face=$("$bin/python" -c 'from game.vision.bench import BENCH_FACE_PATH as p; print(p)')
case "$face" in "$repo"/*) fail "the installed FaceQuest reads the checkout ($face)";; esac

"$bin/facequest" watch --source "$face" --target happy >watch.out 2>watch.err \
  || { cat watch.out watch.err >&2; fail "watch failed"; }
grep -q "looks happy" watch.out || { cat watch.out >&2; fail "watch found no happy face"; }
[ ! -s watch.err ] || { cat watch.err >&2; fail "watch printed on stderr"; }
echo "wheel-check: watch: $(head -c 120 watch.out)"

"$bin/facequest" play --headless --source "$face" --profile Wheel --data-dir data \
    --max-seconds 20 >play.out 2>play.err || { cat play.out play.err >&2; fail "play failed"; }
if grep -E '^(W0000|I0000|INFO: |ALSA lib |WARNING: Logging before)' play.err; then
  fail "the headless session printed third-party log lines"
fi
"$bin/python" - <<'EOF' || fail "the headless session stored no trial"
from pathlib import Path
from game.records.store import open_store
with open_store(Path("data"), read_only=True) as store:
    (profile,) = store.find_profiles("Wheel")
    (session,) = store.sessions_for(profile.profile_id)
    trials = list(store.trials_in(session.session_id))
    assert trials, "no trial"
    print(f"wheel-check: play: {len(trials)} trial(s) stored, ended: {session.end_reason}")
EOF

"$bin/facequest" report Wheel --data-dir data --out report.html >report.out 2>&1 \
  || { cat report.out >&2; fail "report failed"; }
grep -q '<title>FaceQuest progress: Wheel</title>' report.html \
  && grep -q 'print-color-adjust' report.html \
  || fail "the report lacks its title or its style sheet"
echo "wheel-check: report: $(du -k report.html | cut -f1) KiB"

"$bin/facequest" bench --json --frames 10 --seconds 0.5 >bench.out 2>bench.err \
  || { cat bench.out bench.err >&2; fail "bench failed"; }
echo "wheel-check: bench: $(tail -n 1 bench.out | head -c 100)"

"$bin/facequest" doctor --no-camera --no-display >doctor.out 2>&1 \
  || { cat doctor.out >&2; fail "doctor found problems in the installed wheel"; }
echo "wheel-check: doctor: $(tail -n 1 doctor.out)"
echo "wheel-check: ok"
