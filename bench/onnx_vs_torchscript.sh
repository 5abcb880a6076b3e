#!/usr/bin/env bash
# bench/onnx_vs_torchscript.sh [BATCH] [ROUNDS] — issue 5's speed target: each architecture (resnet50,
# mobilenet_v3_large; torchvision, random weights) as ONNX on quarry's executor runs at >= 0.95x its
# frozen TorchScript speed. Exports both files once into bench/.cache/models (Debian's python3-torch),
# then runs build/quarry_onnx_bench (bench/onnx_vs_torchscript.cpp) on each pair: batch BATCH (16),
# best of ROUNDS (5) alternating rounds, all cores. Prints each model's images/s and RATIO lines.
# Needs: ninja -C build quarry_onnx_bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
batch=${1:-16}
rounds=${2:-5}
bench=$root/build/quarry_onnx_bench
[ -x "$bench" ] || { echo "missing $bench: ninja -C build quarry_onnx_bench" >&2; exit 1; }
models=$root/bench/.cache/models
mkdir -p "$models"
/usr/bin/python3 - "$models" <<'PY'
import os, sys, warnings
import torch, torchvision.models as m
warnings.filterwarnings("ignore")
out = sys.argv[1]
torch.manual_seed(0)
for name in ["resnet50", "mobilenet_v3_large"]:
    pt, onnx = os.path.join(out, name + ".pt"), os.path.join(out, name + ".onnx")
    if os.path.exists(pt) and os.path.exists(onnx):
        continue
    model = getattr(m, name)().eval()
    example = torch.rand(1, 3, 224, 224)
    torch.jit.trace(model, example).save(pt)
    torch.onnx.export(model, example, onnx, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
PY
echo "cores: $(nproc), batch $batch, best of $rounds rounds"
for name in resnet50 mobilenet_v3_large; do
  echo "== $name"
  "$bench" "$models/$name.pt" "$models/$name.onnx" "$batch" "$rounds"
done
