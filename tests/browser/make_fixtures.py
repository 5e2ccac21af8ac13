"""Writes the browser test's input files into the folder given as argument:
left_cc.dcm and left_mlo.dcm (12-bit MG DICOM, laterality L, with a VOI window, the
black-box tests' synthetic mammogram with one calcification cluster) and corrupt.png (a PNG
cut short). Written with pydicom, independent of the C++ code."""
import io
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "blackbox"))
from server_fixture import encode, synthetic_mammogram  # noqa: E402

DIGITAL_MG_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
WINDOW_CENTER, WINDOW_WIDTH = 1900, 1400  # in 12-bit stored values


def mg_dicom(pixels12, view, seed):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DIGITAL_MG_FOR_PRESENTATION
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = DIGITAL_MG_FOR_PRESENTATION
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "MG"
    ds.ImageLaterality = "L"
    ds.ViewPosition = view
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ImagerPixelSpacing = [0.1, 0.1]
    ds.Rows, ds.Columns = pixels12.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = WINDOW_CENTER
    ds.WindowWidth = WINDOW_WIDTH
    ds.PixelData = pixels12.astype("<u2").tobytes()
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def main(folder):
    os.makedirs(folder, exist_ok=True)
    for view, seed in (("CC", 7), ("MLO", 11)):
        pixels = np.asarray(synthetic_mammogram(bits=16, seed=seed), dtype=np.uint16) >> 4
        with open(os.path.join(folder, f"left_{view.lower()}.dcm"), "wb") as f:
            f.write(mg_dicom(pixels, view, seed))
    png = encode(synthetic_mammogram(width=256, height=256), "PNG")
    with open(os.path.join(folder, "corrupt.png"), "wb") as f:
        f.write(png[: len(png) // 3])


if __name__ == "__main__":
    main(sys.argv[1])
