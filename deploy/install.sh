#!/usr/bin/env bash
# Installs a published EdgeGate package on a gate box (deploy/install.sh --help says how).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy/install.sh --package DIR [--config FILE] [--destdir DIR] [--no-apt] [--no-systemd]

Installs a published EdgeGate package (./build.sh publish makes artifacts/edgegate-linux-x64 and
artifacts/edgegate-linux-arm64) on this box: the Debian packages it needs at run time (OpenCV 4.6,
libmosquitto), the `edgegate` system user, the files below, and the systemd unit, enabled but not
started. Run it as root. A package built for another architecture is refused.

Options:
  --package DIR   the published package folder for this box's architecture (required)
  --config FILE   the configuration to install as /etc/edgegate/edgegate.json
                  (examples: deploy/config/*.json); an existing edgegate.json is kept
  --destdir DIR   lay the same tree out under DIR instead of /: no root, apt, user or systemctl
                  (packaging, tests)
  --no-apt        do not apt-get install the run-time packages
  --no-systemd    do not run systemctl daemon-reload / enable
  -h, --help      print this help and exit

Creates:
  /opt/edgegate/                     the program, its native libraries, models and documents
  /etc/edgegate/edgegate.json        the configuration (0640, with --config)
  /etc/edgegate/credentials/         keys and secrets (0700, owned by edgegate)
  /var/lib/edgegate/                 database and snapshots (0750)
  /var/log/edgegate/                 rolling JSON logs (0750)
  /etc/systemd/system/edgegate.service
  /etc/udev/rules.d/99-edgegate-serial.rules.example   stable names for relay boards and readers

Then: edgegate provision (the box's identity and platform), edgegate doctor --config
/etc/edgegate/edgegate.json, systemctl start edgegate.

Documents (also in the package): /opt/edgegate/README.md (installing, commands),
/opt/edgegate/docs/configuration.md (every configuration key), /opt/edgegate/docs/api.md (local HTTP
API), /opt/edgegate/docs/protocol.md (platform protocol).
USAGE
}
# needs_value <option> <remaining argument count>: an option given without its value is a usage error.
needs_value() {
  [ "$2" -ge 2 ] || { echo "install.sh: $1 needs a value" >&2; usage >&2; exit 2; }
}

package="" config="" destdir="" apt=1 systemd=1
while [ $# -gt 0 ]; do
  case "$1" in
    --package) needs_value "$1" $#; package="$2"; shift 2 ;;
    --config) needs_value "$1" $#; config="$2"; shift 2 ;;
    --destdir) needs_value "$1" $#; destdir="$2"; shift 2 ;;
    --no-apt) apt=0; shift ;;
    --no-systemd) systemd=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
[ -n "$package" ] || { echo "install.sh: --package <published folder> is required (./build.sh publish makes one)" >&2; exit 2; }
[ -x "$package/edgegate" ] || { echo "install.sh: $package/edgegate not found or not executable" >&2; exit 1; }
[ -f "$package/libonnxruntime.so" ] || { echo "install.sh: $package lacks libonnxruntime.so (ONNX Runtime, published for this box's architecture)" >&2; exit 1; }
[ -f "$package/models/manifest.json" ] || { echo "install.sh: $package lacks models/manifest.json" >&2; exit 1; }

# The package must be built for this box: an x64 package on an arm64 board would install and then
# fail at its first start. The ELF header's e_machine (bytes 18-19) says which it is.
elf_machine() { od -An -t x1 -j 18 -N 2 "$1" | tr -d ' \n'; }
package_arch() { case "$(elf_machine "$1")" in 3e00) echo x86_64 ;; b700) echo aarch64 ;; *) echo unknown ;; esac; }
if [ -z "$destdir" ] && [ "$(package_arch "$package/edgegate")" != "$(uname -m)" ]; then
  echo "install.sh: $package is built for $(package_arch "$package/edgegate"), this box is $(uname -m): use the edgegate-linux-$( [ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64) package" >&2
  exit 1
fi

staging=0
if [ -n "$destdir" ]; then
  staging=1
  mkdir -p "$destdir"
  destdir="$(cd "$destdir" && pwd)"
fi

# Runtime libraries only: the OpenCV modules and FFmpeg libraries the shim links (MQTT is managed code, in the package).
runtime_packages=(libopencv-core406 libopencv-imgproc406 libopencv-imgcodecs406 libavformat59 libavcodec59 libavutil57 libswscale6 ca-certificates)
if [ $staging -eq 0 ] && [ $apt -eq 1 ]; then
  missing=()
  for p in "${runtime_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

if [ $staging -eq 0 ] && ! id edgegate >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/edgegate --shell /usr/sbin/nologin --groups dialout,video edgegate
fi

owner() { # owner <path>: hand a path to the service user (skipped when staging)
  [ $staging -eq 1 ] || chown -R edgegate:edgegate "$1"
}

install -d -m 0755 "$destdir/opt/edgegate"
cp -a "$package/." "$destdir/opt/edgegate/"
install -d -m 0755 "$destdir/etc/edgegate"
install -d -m 0700 "$destdir/etc/edgegate/credentials"
owner "$destdir/etc/edgegate/credentials"
install -d -m 0750 "$destdir/var/lib/edgegate" "$destdir/var/log/edgegate"
owner "$destdir/var/lib/edgegate"
owner "$destdir/var/log/edgegate"

if [ -n "$config" ] && [ ! -f "$destdir/etc/edgegate/edgegate.json" ]; then
  install -m 0640 "$config" "$destdir/etc/edgegate/edgegate.json"
  [ $staging -eq 1 ] || chgrp edgegate "$destdir/etc/edgegate/edgegate.json"
fi

install -d -m 0755 "$destdir/etc/systemd/system" "$destdir/etc/udev/rules.d"
install -m 0644 "$here/edgegate.service" "$destdir/etc/systemd/system/edgegate.service"
install -m 0644 "$here/99-edgegate-serial.rules" "$destdir/etc/udev/rules.d/99-edgegate-serial.rules.example"

if [ $staging -eq 0 ] && [ $systemd -eq 1 ] && command -v systemctl >/dev/null; then
  systemctl daemon-reload
  systemctl enable edgegate.service
  echo "install.sh: installed. Give the box its identity with:"
  echo "  /opt/edgegate/edgegate provision --site <id> --gateway <id> --broker <host:port> --ca <platform CA> --username <user> --password-file <file>"
  echo "  (a box without a platform: /opt/edgegate/edgegate provision --site <id> --gateway <id> --standalone)"
  echo "install.sh: check the box with: /opt/edgegate/edgegate doctor --config /etc/edgegate/edgegate.json"
  echo "install.sh: then start it with: systemctl start edgegate"
else
  echo "install.sh: installed into ${destdir:-/}"
fi
