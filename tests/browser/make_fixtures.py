"""Writes the browser test's input files into the folder given as argument:
left_cc.dcm and left_mlo.dcm (12-bit MG DICOM, laterality L, with a VOI window, the
black-box tests' synthetic mammogram with one calcification cluster) and corrupt.png (a PNG
cut short). Written with pydicom, independent of the C++ code."""
import io
import os
import sys

import numpy as np
import pydicom

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "blackbox"))
from server_fixture import encode, synthetic_mammogram  # noqa: E402
from test_dicom import mg_dicom as blackbox_mg_dicom  # noqa: E402

WINDOW_CENTER, WINDOW_WIDTH = 1900, 1400  # in 12-bit stored values


def mg_dicom(pixels12, view):
    """The black-box tests' MG image (test_dicom.mg_dicom), made 12-bit with a VOI window."""
    ds = pydicom.dcmread(io.BytesIO(blackbox_mg_dicom(pixels12)))
    ds.ViewPosition = view
    ds.BitsStored, ds.HighBit = 12, 11
    ds.WindowCenter, ds.WindowWidth = WINDOW_CENTER, WINDOW_WIDTH
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def main(folder):
    os.makedirs(folder, exist_ok=True)
    for view, seed in (("CC", 7), ("MLO", 11)):
        pixels = np.asarray(synthetic_mammogram(bits=16, seed=seed), dtype=np.uint16) >> 4
        with open(os.path.join(folder, f"left_{view.lower()}.dcm"), "wb") as f:
            f.write(mg_dicom(pixels, view))
    png = encode(synthetic_mammogram(width=256, height=256), "PNG")
    with open(os.path.join(folder, "corrupt.png"), "wb") as f:
        f.write(png[: len(png) // 3])


if __name__ == "__main__":
    main(sys.argv[1])
