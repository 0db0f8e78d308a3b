#!/usr/bin/env bash
# Checks a published package the way an installer would find it on a box (./build.sh publish runs it):
#   1. the program and every native library in it are ELF files for the package's architecture,
#      the OpenCV shim (libedgegate_cv.so) among them;
#   2. the package's own `edgegate doctor` passes, loading its ONNX Runtime and OpenCV shim;
#   3. the package's `edgegate eval` on four photos cut from an MIT sample photo reads every photo,
#      finds one face in each and tells the two people apart; with --reference its figures must
#      match those of another package (the x64 one) within 0.001.
# A package for another architecture runs under qemu-aarch64-static with --sysroot as its root
# (tools/arm64-sysroot.sh makes it). Exit status 1 when a check fails.
#
#   tools/check-package.sh <linux-x64|linux-arm64> <package folder> [--sysroot DIR] [--reference EVAL.json] [--eval-json OUT]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

die() { printf 'check-package: %s\n' "$*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 <linux-x64|linux-arm64> <package folder> [--sysroot DIR] [--reference EVAL.json] [--eval-json OUT]"
rid="$1" package="$(cd "$2" && pwd)"
shift 2
sysroot="" reference="" eval_json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sysroot) sysroot="$(cd "$2" && pwd)"; shift 2 ;;
    --reference) reference="$2"; shift 2 ;;
    --eval-json) eval_json="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

case "$rid" in
  linux-x64) machine=x86_64 elf="x86-64" ;;
  linux-arm64) machine=aarch64 elf="ARM aarch64" ;;
  *) die "unknown package architecture $rid: linux-x64 or linux-arm64" ;;
esac
label="$rid package"

# How this machine runs the package's programs: directly, or under qemu-user with the sysroot.
run=(env -u EDGEGATE_MODELS -u EDGEGATE_CONFIG -u CREDENTIALS_DIRECTORY)
where="natively"
if [ "$(uname -m)" != "$machine" ]; then
  [ "$machine" = aarch64 ] || die "$label: this $(uname -m) machine cannot run an $machine package"
  [ -n "$sysroot" ] || die "$label: --sysroot is needed to run it under qemu-aarch64-static on $(uname -m)"
  command -v qemu-aarch64-static >/dev/null || die "qemu-aarch64-static is missing: apt-get install qemu-user-static"
  # Called directly, binfmt_misc need not be set up. The emulated CPU is a Cortex-A53, the oldest core
  # of the boards the package is for (ARMv8.0-A: no dot product, half-precision or SVE instructions),
  # not qemu's default with every extension: code that needs newer instructions fails here as on a box.
  run+=(QEMU_LD_PREFIX="$sysroot" QEMU_CPU=cortex-a53 qemu-aarch64-static)
  where="under qemu-aarch64 (Cortex-A53)"
fi

# 1. What is in the package is built for its architecture.
[ -f "$package/libedgegate_cv.so" ] || die "$label: libedgegate_cv.so (the OpenCV shim) is missing in $package"
wrong=()
for file in "$package/edgegate" "$package"/*.so; do
  file -bL "$file" | grep -q "^ELF 64-bit .*, $elf," || wrong+=("$(basename "$file"): $(file -bL "$file" | cut -d, -f1-2)")
done
[ ${#wrong[@]} -eq 0 ] || die "$label: not built for $elf: ${wrong[*]}"
echo "$label: edgegate and $(find "$package" -maxdepth 1 -name '*.so' | wc -l) native libraries are ELF $elf, the OpenCV shim among them"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 2. doctor, in an empty folder: nothing configured, the installation itself is checked.
started=$SECONDS
status=0
(cd "$work" && timeout 300 "${run[@]}" "$package/edgegate" doctor) > "$work/doctor.txt" 2>&1 || status=$?
problem=""
if [ $status -ne 0 ]; then
  problem="it exited with status $status"
elif ! grep -qF "[ OK ] OpenCV shim: " "$work/doctor.txt" || ! grep -qF "from $package/libedgegate_cv.so" "$work/doctor.txt"; then
  problem="it did not load the package's OpenCV shim"
elif ! grep -qF "(native library $package/libonnxruntime.so)" "$work/doctor.txt"; then
  problem="it did not load the package's ONNX Runtime"
fi
if [ -n "$problem" ]; then
  sed 's/^/    /' "$work/doctor.txt" >&2
  die "$label: doctor failed $where: $problem"
fi
echo "$label: doctor OK $where ($((SECONDS - started)) s)"

# 3. eval on four photos of two people, cut from sample1.jpg (three people side by side: at 384 px
# wide the left 150 px hold one face, the right 132 px another) and a mirrored, smaller copy of
# each (the same person in other pixels): 2 same-person and 4 different-person pairs.
photos="$root/.deps/package-check/photos"
sample="$root/.deps/samples/sample1.jpg"
if [ ! -f "$photos/labels.csv" ]; then
  [ -f "$sample" ] || die "$sample is missing: run ./build.sh setup (it fetches the sample photos)"
  mkdir -p "$photos"
  cut_photo() { # cut_photo <width> <crop left> <crop right> <videoflip method> <file>
    gst-launch-1.0 -q filesrc location="$sample" ! jpegdec ! videoscale \
      ! "video/x-raw,width=$1,pixel-aspect-ratio=1/1" ! videocrop left="$2" right="$3" \
      ! videoflip method="$4" ! jpegenc quality=90 ! filesink location="$photos/$5" \
      || die "gst-launch-1.0 could not cut $5 from $sample (gstreamer1.0-tools, -plugins-base and -plugins-good are needed)"
  }
  cut_photo 384 0 234 none person-a.jpg
  cut_photo 288 0 176 horizontal-flip person-a-mirrored.jpg
  cut_photo 384 252 0 none person-b.jpg
  cut_photo 288 189 0 horizontal-flip person-b-mirrored.jpg
  printf '%s\n' path,label,dup_of,multi_face \
    person-a.jpg,a,,0 person-a-mirrored.jpg,a,,0 person-b.jpg,b,,0 person-b-mirrored.jpg,b,,0 > "$photos/labels.csv.part"
  mv "$photos/labels.csv.part" "$photos/labels.csv"
fi
count=$(($(wc -l < "$photos/labels.csv") - 1))
started=$SECONDS
status=0
(cd "$work" && timeout 900 "${run[@]}" "$package/edgegate" eval --labels "$photos/labels.csv" --json) \
  > "$work/eval.json" 2> "$work/eval.log" || status=$?
if [ $status -ne 0 ]; then
  sed 's/^/    /' "$work/eval.log" >&2
  die "$label: eval failed $where: it exited with status $status"
fi
compare=()
[ -z "$reference" ] || compare=(--reference "$reference")
python3 "$root/tools/check-eval-figures.py" "$work/eval.json" --photos "$count" "${compare[@]}" > "$work/figures.txt" 2>&1 \
  || { sed 's/^/    /' "$work/figures.txt" >&2; die "$label: eval $where gave wrong figures"; }
[ -z "$eval_json" ] || cp "$work/eval.json" "$eval_json"
echo "$label: eval of $count photos OK $where: $(cat "$work/figures.txt") ($((SECONDS - started)) s)"
