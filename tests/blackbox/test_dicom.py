"""DICOM through the HTTP API: written here with pydicom (independent of the C++ writer),
recognised by content, scale and descriptors reported in v2, same findings as a PNG."""
import io
import unittest

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from server_fixture import CLUSTER_CENTRE, ServerTestCase, encode, synthetic_mammogram

V2 = "/v2/detection/BreastCalcify"
DIGITAL_MG_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"


def mg_dicom(pixels16, photometric="MONOCHROME2", imager_spacing=0.1, magnification=None,
             number_of_frames=None):
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
    ds.PatientName = "Secret^Patient"
    ds.PatientID = "PID-0042-SECRET"
    ds.PatientBirthDate = "19500101"
    ds.ImageLaterality = "L"
    ds.ViewPosition = "CC"
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ImagerPixelSpacing = [imager_spacing, imager_spacing]
    if magnification:
        ds.EstimatedRadiographicMagnificationFactor = magnification
    ds.Rows, ds.Columns = pixels16.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    if number_of_frames:
        ds.NumberOfFrames = number_of_frames
        pixels16 = np.concatenate([pixels16] * number_of_frames)
    ds.PixelData = pixels16.astype("<u2").tobytes()
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


class DicomTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pixels = np.asarray(synthetic_mammogram(bits=16), dtype=np.uint16)

    def v2(self, data, name="img.dcm", **form):
        response = self.post(V2, files=[("images", (name, data, "application/octet-stream"))],
                             data=form)
        return response

    def test_dicom_is_read_with_its_scale_and_descriptors(self):
        response = self.v2(mg_dicom(self.pixels, magnification=1.25, imager_spacing=0.125),
                           name="noextension")
        self.assertEqual(response.status_code, 200, response.text)
        image = response.json()["images"][0]
        self.assertEqual(image["format"], "dicom")
        self.assertAlmostEqual(image["pixel_spacing_mm"], 0.1, places=6)
        self.assertEqual(image["pixel_spacing_source"], "imager_pixel_spacing")
        self.assertEqual(image["laterality"], "L")
        self.assertEqual(image["view"], "CC")
        top = image["findings"][0]["box"]
        self.assertTrue(top["x"] <= CLUSTER_CENTRE[0] <= top["x"] + top["w"])
        self.assertTrue(top["y"] <= CLUSTER_CENTRE[1] <= top["y"] + top["h"])

    def test_same_findings_as_png(self):
        from_dicom = self.v2(mg_dicom(self.pixels)).json()["images"][0]["findings"]
        from_png = self.v2(encode(synthetic_mammogram(bits=16), "PNG"), name="a.png",
                           pixel_spacing="0.1").json()["images"][0]["findings"]
        self.assertEqual(len(from_dicom), len(from_png))
        for a, b in zip(from_dicom, from_png):
            self.assertAlmostEqual(a["score"], b["score"], delta=0.05)
            self.assertLessEqual(abs(a["box"]["x"] - b["box"]["x"]), 2)
            self.assertLessEqual(abs(a["box"]["y"] - b["box"]["y"]), 2)

    def test_monochrome1_is_inverted(self):
        inverted = (65535 - self.pixels.astype(np.int64)).astype(np.uint16)
        image = self.v2(mg_dicom(inverted, photometric="MONOCHROME1")).json()["images"][0]
        top = image["findings"][0]["box"]
        self.assertTrue(top["x"] <= CLUSTER_CENTRE[0] <= top["x"] + top["w"])

    def test_form_spacing_overrides_the_file(self):
        image = self.v2(mg_dicom(self.pixels), pixel_spacing="0.07").json()["images"][0]
        self.assertEqual(image["pixel_spacing_mm"], 0.07)
        self.assertEqual(image["pixel_spacing_source"], "request")

    def test_multi_frame_is_refused_without_patient_data(self):
        response = self.v2(mg_dicom(self.pixels[:64, :64], number_of_frames=3))
        self.assertEqual(response.status_code, 422, response.text)
        self.assertEqual(response.json()["error"]["name"], "not_a_single_image")
        for secret in ("Secret", "PID-0042", "19500101"):
            self.assertNotIn(secret, response.text)
        self.assertNotIn("Secret", self.server.read_log())

    def test_legacy_route_and_debug_accept_dicom(self):
        response = self.post("/detection/BreastCalcify?debug",
                             files=[("images", ("x", mg_dicom(self.pixels)))])
        self.assertEqual(response.headers["Content-Type"], "image/jpeg")


if __name__ == "__main__":
    unittest.main()
