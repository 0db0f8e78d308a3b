#!/usr/bin/env bash
# Makes a Debian 12 arm64 sysroot on an x86_64 Debian: what cross-compiling the OpenCV shim links
# against and what running the arm64 package under qemu-aarch64-static needs.
#
#   tools/arm64-sysroot.sh <sysroot>                  resolve, download, verify and unpack (./build.sh publish)
#   tools/arm64-sysroot.sh packages                   print the packages the sysroot is made from
#   tools/arm64-sysroot.sh assemble <sysroot> <deb>... unpack .deb files into a sysroot and fix it up
#
# Packages: Debian's arm64 OpenCV dev packages (headers and link libraries) and the run-time
# packages deploy/install.sh installs on a box, with their whole dependency closure. apt resolves the
# closure itself, for arch arm64 against an empty package status, with its own state under
# .deps/arm64/apt: the machine's dpkg and apt configuration stay untouched (no dpkg
# --add-architecture; the arm64 OpenCV packages cannot be installed beside the amd64 ones anyway:
# their gdal chain is not multi-arch). apt checks every download against the SHA-256 in the package
# index, whose hash is in the release file signed with Debian's archive key (the Signed-By keyring of
# the machine's sources); cached .deb files are checked against the same index before each unpack.
# The packages are unpacked with dpkg-deb -x (no maintainer scripts run), so the links those scripts
# would make are made here: absolute symbolic links point into the sysroot, and the
# libblas.so.3/liblapack.so.3 alternatives exist.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.deps/arm64/apt"
triplet=aarch64-linux-gnu

# Headers and link libraries of the three OpenCV modules and the FFmpeg libraries the shim uses (src/native/edgegate_cv).
build_packages=(libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev)

die() { printf 'arm64-sysroot: %s\n' "$*" >&2; exit 1; }

# What a box gets from deploy/install.sh: its runtime_packages list, read from the script itself so
# the sysroot the package is checked on cannot drift from what an installation has.
runtime_packages() {
  local line
  line=$(grep -m1 '^runtime_packages=(' "$root/deploy/install.sh") \
    || die "deploy/install.sh has no 'runtime_packages=(...)' line to read the box's run-time packages from"
  line=${line#runtime_packages=(}
  line=${line%%)*}
  [ -n "${line// /}" ] || die "deploy/install.sh lists no run-time packages"
  echo "$line"
}

packages() {
  local runtime
  runtime=$(runtime_packages)
  # shellcheck disable=SC2086 # one word per package
  printf '%s\n' "${build_packages[@]}" $runtime
}

# apt for arch arm64 with its own lists, cache and an empty dpkg status; the machine's sources,
# keyrings and proxy settings apply.
arm64_apt() {
  local tool="$1"
  shift
  "$tool" -o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
    -o Dir::State="$state/state" -o Dir::State::status="$state/state/status" -o Dir::Cache="$state/cache" \
    -o Acquire::ForceHash=SHA256 -o Acquire::Languages=none -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false \
    -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false \
    -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false \
    -o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false \
    "$@"
}

# assemble <sysroot> <deb>...: unpack into an empty sysroot, then make the links maintainer scripts make.
assemble() {
  local sysroot="$1"
  shift
  rm -rf "$sysroot"
  mkdir -p "$sysroot"
  printf '%s\0' "$@" | xargs -0 -n 16 -P 2 sh -c 'for deb; do dpkg-deb -x "$deb" "$0" || exit 255; done' "$sysroot" \
    || die "could not unpack the packages into $sysroot"
  # Debian links across top-level folders with absolute paths (usr/lib/.../libm.so -> /lib/...):
  # inside a sysroot they must stay inside it, for the cross linker and for qemu alike.
  local link target
  while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m -s --relative-to="$(dirname "$link")" "$sysroot$target")" "$link"
  done < <(find "$sysroot" -type l -lname '/*' -print0)
  # update-alternatives would point these at the reference BLAS/LAPACK (or another implementation).
  local library candidates
  for library in libblas.so.3 liblapack.so.3; do
    [ -e "$sysroot/usr/lib/$triplet/$library" ] && continue
    candidates=("$sysroot/usr/lib/$triplet"/*/"$library")
    [ -e "${candidates[0]}" ] || die "no package in the sysroot provides $library"
    ln -sfn "$(realpath -m -s --relative-to="$sysroot/usr/lib/$triplet" "${candidates[0]}")" "$sysroot/usr/lib/$triplet/$library"
  done
  [ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || die "the sysroot has no arm64 dynamic loader (lib/ld-linux-aarch64.so.1)"
}

make_sysroot() {
  local sysroot="$1"
  local archives="$state/cache/archives" listing="$state/download-list"
  mkdir -p "$state/state/lists/partial" "$archives/partial" "$state/empty-archives/partial"
  : > "$state/state/status"
  local list
  list=$(packages)
  mapfile -t roots <<< "$list"

  if ! arm64_apt apt-get update -qq; then
    # A cached run may go on offline with the indexes of the last update (still signature-checked then).
    compgen -G "$state/state/lists/*_Packages*" >/dev/null \
      || die "apt-get update for arm64 failed: check the network and the Debian sources in /etc/apt"
    echo "arm64-sysroot: apt-get update failed; using the package indexes of the last update" >&2
  fi
  # The whole closure with file names and SHA-256 values, listed against an empty archive folder so
  # that already cached packages are listed too.
  arm64_apt apt-get install -qq --print-uris --no-install-recommends \
      -o Dir::Cache::Archives="$state/empty-archives" "${roots[@]}" > "$listing.new" \
    || die "apt cannot resolve the arm64 packages ${roots[*]}"
  awk '{ sub(/^SHA256:/, "", $4); print $4 "  " $2 }' "$listing.new" | sort -k2 > "$listing"
  local megabytes
  megabytes=$(awk '{ bytes += $3 } END { printf "%d", bytes / 1000000 }' "$listing.new")
  rm -f "$listing.new"
  grep -q . "$listing" || die "apt listed no arm64 packages for ${roots[*]}"
  if grep -qv '^[0-9a-f]\{64\}  ' "$listing"; then
    die "apt listed a package without a SHA-256 value: $(grep -v '^[0-9a-f]\{64\}  ' "$listing" | head -1)"
  fi

  if ! (cd "$archives" && sha256sum --quiet --check --strict "$listing" >/dev/null 2>&1); then
    arm64_apt apt-get install -qq -y --download-only --no-install-recommends "${roots[@]}" >/dev/null \
      || die "downloading the arm64 packages failed (apt-get install --download-only); run again, or check the network"
    (cd "$archives" && sha256sum --quiet --check --strict "$listing" >&2) \
      || die "cached arm64 packages in $archives do not match the signed package index; delete that folder and run again"
  fi
  # Packages no longer in the closure (older versions) leave the cache.
  comm -23 <(cd "$archives" && find . -maxdepth 1 -name '*.deb' -printf '%f\n' | sort) <(awk '{ print $2 }' "$listing" | sort) \
    | while IFS= read -r stale; do rm -f "$archives/$stale"; done

  local summary
  summary="$(wc -l < "$listing") Debian packages ($megabytes MB), SHA-256 checked against the signed package index"
  if [ -f "$sysroot/.packages" ] && cmp -s "$listing" "$sysroot/.packages"; then
    echo "arm64 sysroot: $summary, unchanged in $sysroot"
    return 0
  fi
  mapfile -t debs < <(awk -v dir="$archives" '{ print dir "/" $2 }' "$listing")
  assemble "$sysroot" "${debs[@]}"
  cp "$listing" "$sysroot/.packages"
  echo "arm64 sysroot: $summary, unpacked into $sysroot"
}

case "${1:-}" in
  packages) packages ;;
  assemble)
    [ $# -ge 3 ] || die "usage: $0 assemble <sysroot> <deb>..."
    shift
    assemble "$@"
    ;;
  ''|-*) die "usage: $0 <sysroot> | packages | assemble <sysroot> <deb>..." ;;
  *) make_sysroot "$1" ;;
esac
