#!/usr/bin/env bash
# Installs what Skiff needs to build and test on a fresh Debian 12 machine: Debian packages (when
# missing) and the Go modules. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# containerd, runc, the CNI plugins, iptables/nftables and iproute2 run the node agent's pods;
# busybox-static goes into the localhost/busybox image (make images).
pkgs=(git make gcc containerd runc containernetworking-plugins iptables nftables busybox-static iproute2)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
command -v go >/dev/null || { echo "Go 1.26 is required (https://go.dev/dl/); put it on PATH" >&2; exit 1; }
go mod download
