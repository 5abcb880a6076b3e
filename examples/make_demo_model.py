#!/usr/bin/python3
"""Trains the demo's own model: a small CNN that tells photographs from documents, in a few seconds.

Usage: make_demo_model.py DATA_FOLDER. Reads the photos in DATA_FOLDER/photos/kind=photo, renders
documents (reports and receipts in DejaVu fonts on paper-coloured pages) into DATA_FOLDER/documents, trains on random crops of
both at 64x64 with the same preprocessing quarry applies ('torchvision': RGB, /255, ImageNet mean/std),
and saves DATA_FOLDER/models/photo_or_document.pt (TorchScript), photo_or_document.onnx (the same model
exported with torch.onnx.export) and labels.txt. Deterministic: fixed
seeds, one thread. Run with Debian's /usr/bin/python3 (torch, PIL, numpy).
"""
import glob
import os
import random
import sys

import numpy
import torch
from PIL import Image, ImageDraw, ImageFont

WORDS = ("invoice total amount due date quarry report page summary table figure the of and to in for "
         "with account number order payment customer address receipt item price tax").split()
MEAN = numpy.array([0.485, 0.456, 0.406], numpy.float32)
STD = numpy.array([0.229, 0.224, 0.225], numpy.float32)


FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"]
ITEMS = ["coffee", "bagel", "tea", "salad", "soup", "bread", "juice", "cake"]


def report_lines(rng):
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))) for _ in range(rng.randint(6, 12))]


def receipt_lines(rng, number):
    """A receipt: items with prices and the total, the numbers the demo's queries read back."""
    items = [(rng.choice(ITEMS), rng.randint(150, 990) / 100) for _ in range(rng.randint(2, 5))]
    lines = [f"RECEIPT {number}"] + [f"{name} {price:.2f}" for name, price in items]
    return lines + [f"TOTAL {sum(price for _, price in items):.2f}"]


def render_document(path, rng, index):
    """A page of text, half of them receipts, in Debian's DejaVu fonts on paper-coloured backgrounds."""
    width, height = rng.choice([(850, 1100), (1100, 850), (600, 800)])
    paper = tuple(rng.randint(235, 255) for _ in range(3))
    page = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(rng.choice(FONTS), rng.randint(22, 32))
    lines = receipt_lines(rng, 100 + index) if index % 2 == 0 else report_lines(rng)
    y = rng.randint(40, 90)
    for line in lines:
        if y > height - 60:
            break
        draw.text((rng.randint(40, 90), y), line, fill=(rng.randint(0, 60),) * 3, font=font)
        y += int(font.size * rng.uniform(1.6, 2.2))
    page.save(path)


def to_tensor(image):
    pixels = (numpy.asarray(image.convert("RGB").resize((64, 64), Image.BILINEAR), numpy.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(pixels.transpose(2, 0, 1).copy())


def random_crop(image, rng):
    width, height = image.size
    side = rng.randint(min(width, height) // 2, min(width, height))
    left, top = rng.randint(0, width - side), rng.randint(0, height - side)
    return image.crop((left, top, left + side, top + side))


def main():
    data = sys.argv[1]
    rng = random.Random(3)
    torch.manual_seed(3)
    torch.set_num_threads(1)
    documents = os.path.join(data, "documents")
    models = os.path.join(data, "models")
    os.makedirs(documents, exist_ok=True)
    os.makedirs(models, exist_ok=True)
    for index in range(12):
        render_document(os.path.join(documents, f"page_{index:02d}.png"), rng, index)

    photos = [Image.open(path).convert("RGB") for path in sorted(glob.glob(os.path.join(data, "photos/kind=photo/*.jpg")))]
    pages = [Image.open(path).convert("RGB") for path in sorted(glob.glob(os.path.join(documents, "*.png")))]
    samples = [(to_tensor(random_crop(image, rng)), 1) for image in photos for _ in range(24)]
    samples += [(to_tensor(random_crop(image, rng)), 0) for image in pages for _ in range(20)]
    samples += [(to_tensor(image), 1) for image in photos] + [(to_tensor(image), 0) for image in pages]
    inputs = torch.stack([sample for sample, _ in samples])
    targets = torch.tensor([label for _, label in samples])

    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, stride=2, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 16, 3, stride=2, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(60):
        order = torch.randperm(len(samples))
        for start in range(0, len(samples), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(inputs).argmax(1) == targets).float().mean().item()
    torch.jit.script(model).save(os.path.join(models, "photo_or_document.pt"))
    torch.onnx.export(model, torch.rand(1, 3, 64, 64), os.path.join(models, "photo_or_document.onnx"),
                      opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(models, "labels.txt"), "w") as out:
        out.write("document\nphoto\n")
    print(f"trained photo_or_document.pt on {len(samples)} crops: training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
