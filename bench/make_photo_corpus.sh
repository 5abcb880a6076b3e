#!/usr/bin/env bash
# bench/make_photo_corpus.sh COUNT [FOLDER] — a folder of COUNT real JPEG photos for the benchmarks.
# The photos Debian packages ship (darknet's sample pictures, dlib's example photos and video frames:
# 227 JPEGs; `apt-get download` + `dpkg -x`, nothing installed) are each written in several variants
# (crops, then scaled to 640-2048 pixels wide, as camera photos are; qualities 70-95; made with Pillow)
# until COUNT files exist. Deterministic. Most sources are small (320x240 video frames), so most
# variants are upscaled: smoother than real photos, hence somewhat cheaper to decode.
# Default FOLDER: bench/.cache/photos-COUNT. Prints the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:?usage: make_photo_corpus.sh COUNT [FOLDER]}
folder=${2:-$root/bench/.cache/photos-$count}
sources="$root/bench/.cache/debian-photos"
if [ ! -f "$sources/.complete" ]; then
  mkdir -p "$sources/debs"
  (cd "$sources/debs" && apt-get download darknet libdlib19.1 >/dev/null)
  for deb in "$sources"/debs/*.deb; do dpkg -x "$deb" "$sources/unpacked"; done
  find "$sources/unpacked" -iname '*.jpg' | sort >"$sources/list.txt"
  touch "$sources/.complete"
fi
if [ ! -f "$folder/.complete" ]; then
  rm -rf "$folder"
  mkdir -p "$folder"
  /usr/bin/python3 - "$sources/list.txt" "$folder" "$count" <<'PY'
import random, sys
from PIL import Image
sources = [line.strip() for line in open(sys.argv[1]) if line.strip()]
folder, count = sys.argv[2], int(sys.argv[3])
random.seed(42)
for index in range(count):
    source = sources[index % len(sources)]
    image = Image.open(source).convert("RGB")
    if index >= len(sources):  # variants after the first round of originals
        width, height = image.size
        left, top = random.randint(0, width // 8), random.randint(0, height // 8)
        image = image.crop((left, top, width - random.randint(0, width // 8), height - random.randint(0, height // 8)))
        scale = random.uniform(640, 2048) / image.width
        image = image.resize((int(image.width * scale), max(32, int(image.height * scale))), Image.BILINEAR)
    image.save(f"{folder}/photo_{index:05d}.jpg", quality=random.randint(70, 95))
PY
  touch "$folder/.complete"
fi
echo "$folder"
