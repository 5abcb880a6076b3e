#!/usr/bin/python3
"""Makes the demo's video and PDFs into DATA_FOLDER (examples/make_demo_corpus.sh calls it).

video/slideshow.mp4: the demo's photos, one a second at 10 fps (H.264, by the ffmpeg command). pdf/report.pdf: two pages with a text layer (reportlab).
pdf/scans.pdf: three rendered document pages as pictures only, as a scanner makes them (Pillow).
Usage: make_demo_documents.py DATA_FOLDER
"""
import glob
import os
import subprocess
import sys

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def main():
    data = sys.argv[1]
    video = os.path.join(data, "video")
    pdf = os.path.join(data, "pdf")
    slides = os.path.join(video, "slides")
    for folder in (video, pdf, slides):
        os.makedirs(folder, exist_ok=True)
    pictures = sorted(glob.glob(os.path.join(data, "photos", "kind=photo", "*.jpg")))
    pages = sorted(glob.glob(os.path.join(data, "documents", "*.png")))[:3]
    for index, path in enumerate(pictures):
        picture = Image.open(path).convert("RGB")
        picture.thumbnail((320, 240))
        slide = Image.new("RGB", (320, 240), "black")
        slide.paste(picture, ((320 - picture.width) // 2, (240 - picture.height) // 2))
        slide.save(os.path.join(slides, "slide_%02d.png" % index))
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-framerate", "1", "-i",
                    os.path.join(slides, "slide_%02d.png"), "-vf", "fps=10", "-c:v", "libx264", "-g", "10",
                    "-pix_fmt", "yuv420p", os.path.join(video, "slideshow.mp4")], check=True)
    for path in glob.glob(os.path.join(slides, "*.png")):
        os.remove(path)
    os.rmdir(slides)

    report = canvas.Canvas(os.path.join(pdf, "report.pdf"), pagesize=A4)
    for lines in (["Quarterly report", "Granite sales rose by 12 percent."],
                  ["Outlook", "The new quarry opens in March."]):
        report.setFont("Helvetica-Bold", 20)
        report.drawString(72, 760, lines[0])
        report.setFont("Helvetica", 12)
        report.drawString(72, 730, lines[1])
        report.showPage()
    report.save()

    scans = [Image.open(path).convert("RGB") for path in pages]
    scans[0].save(os.path.join(pdf, "scans.pdf"), save_all=True, append_images=scans[1:], resolution=100)


if __name__ == "__main__":
    main()
