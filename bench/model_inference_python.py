"""bench/model_inference_python.py — the Python sides of bench/model_inference.sh, run with Debian's
/usr/bin/python3 (python3-torch 1.13, python3-torchvision 0.14, python3-pil).

  export MODELS_FOLDER              resnet18.pt and resnet50.pt: torchvision models with random weights,
                                    eval(), torch.jit.script, saved (skipped when already there)
  dataloader MODEL FOLDER [BATCH]   (b) the usual Python way: a torch DataLoader (num_workers = cores)
                                    over the folder's JPEGs, Pillow decode + torchvision transforms
                                    (Resize(256), CenterCrop(224), ToTensor, Normalize), batch 16, the
                                    TorchScript model in the main process under inference_mode
  per_row MODEL FOLDER COUNT        (c) the seed article's UDF: a function called once per row that
                                    loads the model, preprocesses one picture and runs it; on the first
                                    COUNT files (sorted)

Each measurement prints one line `RESULT <images> <seconds> <images/s>`.
"""
import os
import sys
import time

import torch
import torchvision
from PIL import Image
from torchvision import transforms

PREPROCESS = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])


def jpeg_files(folder):
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".jpg"))


def export(folder):
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    for name in ("resnet18", "resnet50"):
        path = os.path.join(folder, f"{name}.pt")
        if os.path.exists(path):
            continue
        model = getattr(torchvision.models, name)().eval()  # random weights: speed only
        torch.jit.script(model).save(path + ".tmp")
        os.replace(path + ".tmp", path)
    print(folder)


class Photos(torch.utils.data.Dataset):
    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def __getitem__(self, index):
        with Image.open(self.files[index]) as image:
            return PREPROCESS(image.convert("RGB"))


def dataloader(model_path, folder, batch_size=16):
    files = jpeg_files(folder)
    cores = os.cpu_count()
    model = torch.jit.load(model_path).eval()
    with torch.inference_mode():
        model(torch.zeros(batch_size, 3, 224, 224))  # warm-up (the JIT's profiling runs)
    start = time.perf_counter()
    loader = torch.utils.data.DataLoader(Photos(files), batch_size=batch_size, num_workers=cores)
    images = 0
    with torch.inference_mode():
        for batch in loader:
            top5 = torch.topk(torch.softmax(model(batch), dim=1), 5)
            images += top5.indices.shape[0]
    seconds = time.perf_counter() - start
    print(f"RESULT {images} {seconds:.3f} {images / seconds:.2f}")


def per_row(model_path, folder, count):
    files = jpeg_files(folder)[:count]

    def predict(path):  # what the seed registers as a UDF: everything on every call
        model = torch.jit.load(model_path).eval()
        with Image.open(path) as image:
            batch = PREPROCESS(image.convert("RGB")).unsqueeze(0)
        with torch.no_grad():
            probabilities = torch.softmax(model(batch), dim=1)
        return torch.topk(probabilities, 5).indices[0].tolist()

    start = time.perf_counter()
    results = [predict(path) for path in files]
    seconds = time.perf_counter() - start
    print(f"RESULT {len(results)} {seconds:.3f} {len(results) / seconds:.2f}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "export":
        export(sys.argv[2])
    elif command == "dataloader":
        dataloader(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 16)
    elif command == "per_row":
        per_row(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(f"unknown command {command}")
