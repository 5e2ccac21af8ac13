"""Hostile files through the HTTP API (issue 16): each is answered with a 4xx error reply that
names the problem, the server stays alive, and its peak memory (VmHWM from /proc) stays within
a bound far below what the file would have cost before. The files are made here, in Python,
independently of the C++ fixture writers."""
import io
import struct
import zlib
import unittest

import numpy as np
import requests
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from server_fixture import ServerTestCase, encode, synthetic_mammogram

PATH = "/detection/BreastCalcify"
DEFLATED = "1.2.840.10008.1.2.1.99"
# Peak resident memory the server may reach over all these tests: it idles at about 80 MB, and
# the deflate bomb may take the inflated-size cap (96 MB at the default 40 Mpx) twice over.
# Before the fixes the bomb alone took 2 GB.
MAX_PEAK_RSS_MB = 600


def small_mg_dataset(transfer_syntax=ExplicitVRLittleEndian):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = transfer_syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "MG"
    ds.Rows, ds.Columns = 64, 64
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = (np.arange(64 * 64, dtype="<u2") % 4096).tobytes()
    return ds


def dicom_bytes(ds):
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def meta_end(data):
    """Offset of the dataset: 132 + the meta group, whose length (0002,0000) comes first."""
    assert data[128:132] == b"DICM" and data[132:136] == b"\x02\x00\x00\x00"
    return 132 + 12 + struct.unpack("<I", data[140:144])[0]


def nested_sequences_dicom(depth):
    """A valid file with `depth` nested sequences of undefined length (36 bytes a level)
    spliced in at the start of its dataset."""
    sq = struct.pack("<HH2sHI", 0x0008, 0x1115, b"SQ", 0, 0xFFFFFFFF)
    item = struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF)
    ends = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    data = dicom_bytes(small_mg_dataset())
    at = meta_end(data)
    return data[:at] + (sq + item) * depth + ends * depth + data[at:]


def deflate_bomb_dicom(padding):
    """A valid deflated file whose dataset ends in `padding` zero bytes of Data Set Trailing
    Padding (FFFC,FFFC): about 1/1000 of that on the wire."""
    plain = dicom_bytes(small_mg_dataset())
    dataset = plain[meta_end(plain):] + struct.pack("<HH2sHI", 0xFFFC, 0xFFFC, b"OB", 0, padding)
    ds = small_mg_dataset(DEFLATED)
    header = dicom_bytes(ds)[:meta_end(dicom_bytes(ds))]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [header, compressor.compress(dataset)]
    block = bytes(64 << 20)
    for _ in range(padding // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(bytes(padding % len(block))))
    parts.append(compressor.flush())
    return b"".join(parts)


def tiff_with_sizes(width_tags, height_tags, width=64, height=48):
    """An uncompressed 8-bit greyscale TIFF whose IFD lists the given ImageWidth and
    ImageLength values (LONG), e.g. the same tag twice with different sizes."""
    entries = [(256, w) for w in width_tags] + [(257, h) for h in height_tags]
    count = len(entries) + 7
    pixels_at = 8 + 2 + 12 * count + 4
    entries += [(258, 8), (259, 1), (262, 1), (273, pixels_at), (277, 1), (278, height),
                (279, width * height)]
    ifd = struct.pack("<H", count) + b"".join(struct.pack("<HHII", tag, 4, 1, value)
                                              for tag, value in entries) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + bytes(i * 7 % 256 for i in range(width * height))


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


class HostileInputTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = encode(synthetic_mammogram(width=256, height=256), "JPEG")

    def post_file(self, data, name="upload"):
        return self.post(PATH, files=[("images", (name, data, "application/octet-stream"))])

    def assert_refused(self, response, http, state, *words):
        self.assertEqual(response.status_code, http, response.text[:500])
        reply = response.json()
        self.assertEqual(reply["state"], state, reply)
        for word in words:
            self.assertIn(word, reply["result"])

    def tearDown(self):
        # Alive, still answering, and the memory stayed bounded.
        self.assertIsNone(self.server.process.poll(), "the server died")
        ok = self.post_file(self.good, "pic.jpg")
        self.assertEqual(ok.status_code, 200, ok.text[:500])
        peak = peak_rss_mb(self.server.process.pid)
        self.assertLess(peak, MAX_PEAK_RSS_MB, f"peak RSS {peak:.0f} MB")

    def test_nested_sequences_are_refused_not_a_crash(self):
        # 10,000 levels, 360 KB: the stack of an HTTP worker thread overflowed in DCMTK.
        response = self.post_file(nested_sequences_dicom(10_000), "nested.dcm")
        self.assert_refused(response, 422, 8, "sequences nested deeper than 32 levels")

    def test_deflate_bomb_is_refused_at_its_inflated_size(self):
        bomb = deflate_bomb_dicom(2 << 30)  # 2 GiB of padding in about 2 MB
        self.assertLess(len(bomb), 4 << 20)
        response = self.post_file(bomb, "bomb.dcm")
        self.assert_refused(response, 413, 4, "deflated data set inflates to more than")

    def test_tiff_with_two_different_widths_is_refused(self):
        for widths in ([20000, 64], [64, 20000]):
            response = self.post_file(tiff_with_sizes(widths, [48]), "dup.tiff")
            self.assert_refused(response, 422, 8, "ImageWidth twice")
        # The same file with one width decodes.
        one = self.post_file(tiff_with_sizes([640], [480], 640, 480), "one.tiff")
        self.assertEqual(one.status_code, 200, one.text[:500])

    def test_corrupt_jpeg_data_are_a_422_not_a_grey_image(self):
        jpeg = encode(synthetic_mammogram(width=512, height=512), "JPEG", quality=92)
        cut = jpeg[: len(jpeg) // 2] + b"\xff\xd9"  # the end marker kept: looks complete
        response = self.post_file(cut, "cut.jpg")
        self.assert_refused(response, 422, 8, "jpeg data are damaged",
                            "premature end of data segment")


if __name__ == "__main__":
    unittest.main()
