#!/usr/bin/env python3
"""Writes the benchmark images: synthetic mammograms (made by the black-box tests' generator,
independent of the C++ code) as 1024x1024 and 3328x4096 JPEG and 16-bit PNG/TIFF.
Usage: make_images.py OUT_DIR"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "blackbox"))
from server_fixture import encode, synthetic_mammogram  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for width, height in [(1024, 1024), (3328, 4096)]:
    name = f"synthetic_{width}x{height}"
    image8 = synthetic_mammogram(width=width, height=height)
    with open(os.path.join(out, name + ".jpg"), "wb") as f:
        f.write(encode(image8, "JPEG", quality=92))
    image16 = synthetic_mammogram(width=width, height=height, bits=16)
    with open(os.path.join(out, name + "_16.png"), "wb") as f:
        f.write(encode(image16, "PNG"))
    with open(os.path.join(out, name + "_16.tif"), "wb") as f:
        f.write(encode(image16, "TIFF"))
print(out)
