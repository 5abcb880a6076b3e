#!/usr/bin/python3
"""make_onnx_bench_models.py DEPS_MODELS OUT_FOLDER — the models and inputs of the ONNX executor vs ONNX
Runtime benchmark (bench/onnx_vs_onnxruntime.sh).

Exports torchvision 0.14's resnet50, mobilenet_v3_large, efficientnet_b0, convnext_tiny and swin_t with
random weights (fixed seed) to OUT_FOLDER/<name>.onnx (opset 17, dynamic batch), once. Adds the real
files quarry ships as built-in models from DEPS_MODELS (.deps/models): PP-OCRv4's detector and
recognizer and Silero VAD v5. Writes each model's inputs for batch 1 and 16 as raw little-endian files
(OUT_FOLDER/inputs/<model>-b<N>/<input>.bin) that both engines read, and OUT_FOLDER/manifest.json listing
them. An input file may hold several consecutive tensors ("chunks"): call i of an engine reads chunk
i mod chunks (Silero VAD's successive 576-sample windows, 64 of context and 512 new, of B streams of
synthetic audio at 16 kHz); "carry" maps an output to the input it feeds on the next call (the VAD's
LSTM state, zero on the first call). Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14).
"""
import json
import os
import sys
import warnings

import numpy as np
import torch
import torchvision.models as models

BATCHES = [1, 16]
VAD_WINDOWS = 16  # calls per pass over the synthetic audio


def export_torchvision(name, path):
    if os.path.exists(path):
        return
    torch.manual_seed(0)
    model = getattr(models, name)().eval()
    example = torch.rand(1, 3, 224, 224)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example, path + ".tmp", opset_version=17, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    os.replace(path + ".tmp", path)


def write_input(folder, name, array, chunks=1):
    """Writes `array` (chunks stacked on axis 0) to folder/name.bin; returns its manifest entry."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".bin")
    array = np.ascontiguousarray(array)
    if not (os.path.exists(path) and os.path.getsize(path) == array.nbytes):  # same seed: same values
        array.tofile(path)
    shape = list(array.shape[1:]) if chunks > 1 else list(array.shape)
    return {"name": name, "type": {np.float32: "float32", np.int64: "int64"}[array.dtype.type], "shape": shape,
            "file": path, "chunks": chunks}


def image_inputs(folder, name, batch, height, width, seed):
    rng = np.random.default_rng(seed)
    pixels = rng.uniform(-2.0, 2.0, size=(batch, 3, height, width)).astype(np.float32)  # normalized range
    return [write_input(folder, name, pixels)]


def vad_inputs(folder, batch, seed):
    """Synthetic 16 kHz audio of `batch` streams (tones in noise), cut into the VAD's windows."""
    rng = np.random.default_rng(seed)
    samples = VAD_WINDOWS * 512
    t = np.arange(-64, samples) / 16000.0
    streams = [0.3 * np.sin(2 * np.pi * (150 + 40 * b) * t) * (np.sin(2 * np.pi * 0.5 * t) > 0) +
               0.02 * rng.standard_normal(t.shape) for b in range(batch)]
    audio = np.stack(streams).astype(np.float32)  # [B, 64 + samples]
    windows = np.stack([audio[:, w * 512:w * 512 + 576] for w in range(VAD_WINDOWS)])  # [W, B, 576]
    return [
        write_input(folder, "input", windows, chunks=VAD_WINDOWS),
        write_input(folder, "state", np.zeros((2, batch, 128), np.float32)),
        write_input(folder, "sr", np.array(16000, np.int64)),
    ]


def main():
    deps_models, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    entries = []
    for name in ["resnet50", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "swin_t"]:
        path = os.path.join(out, name + ".onnx")
        export_torchvision(name, path)
        entries.append((name, path, lambda folder, batch: image_inputs(folder, "input", batch, 224, 224, batch), {}))
    ocr = os.path.join(deps_models, "ocr")
    entries.append(("ppocrv4_det", os.path.join(ocr, "ch_PP-OCRv4_det_infer.onnx"),
                    lambda folder, batch: image_inputs(folder, "x", batch, 640, 640, batch), {}))
    entries.append(("ppocrv4_rec", os.path.join(ocr, "ch_PP-OCRv4_rec_infer.onnx"),
                    lambda folder, batch: image_inputs(folder, "x", batch, 48, 320, batch), {}))
    entries.append(("silero_vad_v5", os.path.join(deps_models, "vad", "silero_vad_v5.onnx"),
                    lambda folder, batch: vad_inputs(folder, batch, batch), {"stateN": "state"}))
    manifest = []
    for name, path, make_inputs, carry in entries:
        if not os.path.exists(path):
            sys.exit(f"make_onnx_bench_models.py: missing {path} (run scripts/setup)")
        batches = {}
        for batch in BATCHES:
            folder = os.path.join(out, "inputs", f"{name}-b{batch}")
            batches[str(batch)] = make_inputs(folder, batch)
        manifest.append({"name": name, "file": os.path.abspath(path), "carry": carry, "batches": batches})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
