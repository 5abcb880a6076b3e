#!/usr/bin/env bash
# examples/make_demo_corpus.sh — the demo's files in examples/.data/ (git-ignored), made once:
#   photos/kind=photo/   real photos Debian's darknet and libdlib19.1 packages ship (apt-get download +
#                        dpkg -x, nothing installed): eagle, dog, horses, giraffe, ... and video frames
#   photos/kind=broken/  what real folders also hold: a truncated JPEG, an empty file, a text file
#   audio/               sentences spoken by espeak-ng, with silence around them (sox), and a broken WAV
#   notes/               text files, one of them not UTF-8
#   documents/, models/  rendered pages (reports and receipts), and a small CNN trained on them and the
#                        photos to tell a photograph from a document, as TorchScript and ONNX
#                        (examples/make_demo_model.py, a few seconds)
#   video/               the photos as a slideshow (H.264, 10 fps, a photo a second)
#   pdf/                 a report with a text layer (reportlab) and the rendered pages as a scanned PDF
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/examples/.data"
# Remade when this script or the model script changes.
stamp=$(cat "$root/examples/make_demo_corpus.sh" "$root/examples/make_demo_model.py" "$root/examples/make_demo_documents.py" \
  "$root/examples/make_demo_text_model.py" |
  sha256sum | cut -d' ' -f1)
[ -f "$data/.complete" ] && [ "$(cat "$data/.complete")" = "$stamp" ] && exit 0
rm -rf "$data"
mkdir -p "$data/debs" "$data/photos/kind=photo" "$data/photos/kind=broken" "$data/audio" "$data/notes"
(cd "$data/debs" && apt-get download darknet libdlib19.1 >/dev/null 2>&1)
for deb in "$data"/debs/*.deb; do dpkg -x "$deb" "$data/unpacked"; done
cp "$data"/unpacked/usr/share/darknet/data/{eagle,dog,horses,giraffe,kite,person,scream}.jpg "$data/photos/kind=photo/"
cp "$data"/unpacked/usr/share/doc/libdlib19.1/examples/video_frames/frame_00010{1,2,7}.jpg "$data/photos/kind=photo/"
head -c 20000 "$data/photos/kind=photo/dog.jpg" >"$data/photos/kind=broken/dog_cut_short.jpg"
: >"$data/photos/kind=broken/empty.jpg"
echo "not a picture at all" >"$data/photos/kind=broken/readme.jpg"
rm -rf "$data/debs" "$data/unpacked"

# Speech: 0.5 s of silence, the sentence, 0.5 s of silence, at 16 kHz.
say() {
  espeak-ng -w "$data/audio/raw.wav" "$2"
  sox "$data/audio/raw.wav" -r 16000 "$data/audio/$1" pad 0.5 0.5
  rm "$data/audio/raw.wav"
}
say greeting.wav "Hello, this is quarry reading audio files as a table."
say invoice.wav "Invoice number forty two is due on Friday."
say receipt.wav "Please keep the receipt. The total is thirty one dollars."
head -c 30 "$data/audio/greeting.wav" >"$data/audio/broken.wav"

printf 'Photos from the Debian packages darknet and dlib.\n' >"$data/notes/about.txt"
printf 'caf\xe9 au lait (Latin-1, not UTF-8)\n' >"$data/notes/latin1.txt"
/usr/bin/python3 "$root/examples/make_demo_model.py" "$data" >/dev/null
/usr/bin/python3 "$root/examples/make_demo_text_model.py" "$data"
/usr/bin/python3 "$root/examples/make_demo_documents.py" "$data"
echo "$stamp" >"$data/.complete"
