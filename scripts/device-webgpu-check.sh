#!/usr/bin/env bash
# The WebGPU backend on a real GPU, through the `device` tool (a machine with no npm registry and
# no Node): conformance (random models and the op graphs against the tfjs-cpu dense reference
# within 1e-5, the shipped LeNet files against the cpu backend) and timing of the shipped files,
# alone and side by side with tfjs-backend-webgpu's dense network, in Node + Dawn on Vulkan.
#
#   bash scripts/device-webgpu-check.sh prepare   # here, in the checkout the device tool sends:
#                                                 # builds .device-webgpu/ (Node, Dawn, the bundled
#                                                 # check) and .gl/ (the Vulkan loader), both ignored
#   bash scripts/device-webgpu-check.sh run       # there: run with carry [".device-webgpu", ".gl"],
#                                                 # timeout_s 540; writes $OUT/device-webgpu.json
#
# The check: the conformance cases, the shipped LeNet files and the Fashion-MNIST example's ResNet
# and MobileNet against the cpu backend, then their timing (batch 1 to 10,000). Its JSON, wrapped
# with the command, date and load, is packages/sparse-runtime/figures/webgpu-device.json.
#
# Headless Chromium cannot go there: Debian's chromium and its libraries are about 300 MB
# installed, beyond the 64 MiB a call may carry, and the machine has no package registry. Dawn is
# Chromium's WebGPU implementation, so the same WGSL runs on the same stack below the browser.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=.device-webgpu

prepare() {
  local exclude
  exclude="$(git rev-parse --git-common-dir)/info/exclude"
  grep -qx "/$DIR/" "$exclude" 2>/dev/null || echo "/$DIR/" >>"$exclude"
  grep -qx '/.gl/' "$exclude" 2>/dev/null || echo '/.gl/' >>"$exclude"
  mkdir -p "$DIR/node_modules/webgpu/dist/linux-x64"
  # Node itself (stripped, xz: about 22 MB of the 64 MiB a call may carry).
  [ -f "$DIR/node.xz" ] || strip -o "$DIR/node" "$(readlink -f "$(command -v node)")"
  [ -f "$DIR/node.xz" ] || xz -T0 -6 "$DIR/node"
  # Dawn for Node: the package's loader and its linux-x64 binary only.
  local webgpu
  webgpu="$(dirname "$(node -e "console.log(require.resolve('webgpu/package.json', { paths: ['packages/sparse-runtime'] }))")")"
  cp "$webgpu/package.json" "$webgpu/index.js" "$DIR/node_modules/webgpu/"
  [ -f "$DIR/node_modules/webgpu/dist/linux-x64/dawn.node.xz" ] || xz -T0 -6 -c "$webgpu/dist/linux-x64/dawn.node" >"$DIR/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
  # The check and everything it imports (tfjs included) in one ES module; `webgpu` stays outside.
  (cd packages/sparse-runtime && node --import tsx test-device/bundle.ts "../../$DIR/check.mjs")
  # The Vulkan loader and GLVND, as the device tool's README says: the NVIDIA driver brings its
  # own ICD, libGLX_nvidia, which yields no Vulkan instance without GLVND's dispatch libraries.
  if [ ! -f .gl/libglvnd0_*.deb ]; then
    mkdir -p .gl /tmp/amd64/partial
    local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    # shellcheck disable=SC2086
    apt-get $o update >/dev/null && (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  fi
  du -sh "$DIR" .gl
}

run() {
  for f in .gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" /; done
  ldconfig
  # The NVIDIA driver's Vulkan ICD: where the device machine mounts it, else where Debian puts it.
  local icd
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json ''; do
    [ -f "$icd" ] && break
  done
  [ -n "$icd" ] && export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"
  echo "Vulkan driver: ${VK_ICD_FILENAMES:-none found}"
  local bin=/tmp/dc-node
  mkdir -p "$bin"
  xz -dc "$DIR/node.xz" >"$bin/node"
  chmod +x "$bin/node"
  [ -f "$DIR/node_modules/webgpu/dist/linux-x64/dawn.node" ] || xz -dk "$DIR/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm --format=csv,noheader || true
  "$bin/node" --version
  "$bin/node" "$DIR/check.mjs" "${OUT:-.}/device-webgpu.json"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare | run" >&2; exit 2 ;;
esac
