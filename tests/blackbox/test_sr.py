"""Mammography CAD SR from the real binary: `detect --sr-out` and `POST /v2/... format=sr`.
The report is checked by tools independent of mammocad's DCMTK code path where possible:
dicom3tools' dciodvfy (zero errors), DCMTK's dsrdump (reads it), and pydicom (its outlines
equal the v2 findings, identity copied from the source)."""
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import pydicom
from pydicom.uid import generate_uid

from server_fixture import BIN, SHARED_DATA, ServerTestCase, encode, synthetic_mammogram
from test_dicom import mg_dicom

V2 = "/v2/detection/BreastCalcify"
MAMMOGRAPHY_CAD_SR = "1.2.840.10008.5.1.4.1.1.88.50"


def mg_with_identity(seed=7, with_cluster=True):
    """An MG image as a modality writes it: study, series and accession identity included."""
    pixels = np.asarray(synthetic_mammogram(bits=16, seed=seed, with_cluster=with_cluster),
                        dtype=np.uint16)
    ds = pydicom.dcmread(io.BytesIO(mg_dicom(pixels)))
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.StudyDate, ds.StudyTime = "20240101", "101010"
    ds.StudyID, ds.AccessionNumber = "S42", "ACC42"
    ds.ReferringPhysicianName = ""
    ds.PatientSex = "F"
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def content_items(dataset):
    """Every content item of an SR, depth first, as (item, its parent item)."""
    stack = [(item, dataset) for item in reversed(getattr(dataset, "ContentSequence", []))]
    while stack:
        item, parent = stack.pop()
        yield item, parent
        stack.extend((child, item) for child in reversed(getattr(item, "ContentSequence", [])))


def concept(item):
    return item.ConceptNameCodeSequence[0].CodeValue if "ConceptNameCodeSequence" in item else ""


def findings_in_report(report):
    """The report's single image findings as the v2 reply's boxes: {kind, score, box} where
    box is (x, y, w, h) from the Outline polyline, with the members of each cluster."""
    found = []
    for item, parent in content_items(report):
        if concept(item) != "111059":
            continue
        outline = next(c for c in item.ContentSequence if concept(c) == "111041")
        xs, ys = outline.GraphicData[0::2], outline.GraphicData[1::2]
        box = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        certainty = next(c for c in item.ContentSequence if concept(c) == "111012")
        score = float(certainty.MeasuredValueSequence[0].NumericValue) / 100
        kind = item.ConceptCodeSequence[0].CodeMeaning
        found.append({"kind": kind, "score": score, "box": box, "member": concept(parent) == "111059"})
    return found


def v2_boxes(reply):
    """The v2 reply's findings and member calcifications in the same shape."""
    found = []
    for finding in reply["images"][0]["findings"]:
        b = finding["box"]
        found.append({"box": (b["x"], b["y"], b["w"], b["h"]), "score": finding["score"],
                      "member": False})
        for member in finding.get("calcifications", []):
            b = member["box"]
            found.append({"box": (b["x"], b["y"], b["w"], b["h"]), "score": member["score"],
                          "member": True})
    return found


def dciodvfy(path):
    """dciodvfy's output and its error lines."""
    result = subprocess.run(["dciodvfy", path], capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    return output, [line for line in output.splitlines() if line.startswith("Error")]


class DetectSrOutTest(unittest.TestCase):
    def setUp(self):
        # Required, not skipped: the validation must run wherever the tests do.
        for tool in ("dciodvfy", "dsrdump"):
            self.assertIsNotNone(shutil.which(tool),
                                 f"{tool} missing: run scripts/install-deps.sh (dicom3tools, dcmtk)")
        self.dir = tempfile.mkdtemp()
        self.source = os.path.join(self.dir, "left_cc.dcm")
        with open(self.source, "wb") as f:
            f.write(mg_with_identity())

    def tearDown(self):
        shutil.rmtree(self.dir)

    def detect(self, *args):
        return subprocess.run([BIN, "detect", "--format", "v2", *args], capture_output=True,
                              text=True, timeout=120)

    def test_sr_validates_and_its_outlines_are_the_v2_findings(self):
        out = os.path.join(self.dir, "sr")
        result = self.detect("--sr-out", out, self.source)
        self.assertEqual(result.returncode, 0, result.stderr)
        reply = json.loads(result.stdout)
        path = os.path.join(out, "left_cc.sr.dcm")
        self.assertTrue(os.path.exists(path))

        output, errors = dciodvfy(path)
        print("\ndciodvfy " + os.path.basename(path) + ":\n" + output.strip())
        self.assertEqual(errors, [], output)
        self.assertIn("MammographyCADSR", output)
        dump = subprocess.run(["dsrdump", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(dump.returncode, 0, dump.stderr)
        self.assertIn("Mammography CAD SR Document", dump.stdout)
        self.assertIn("Calcification Cluster", dump.stdout)

        report, source = pydicom.dcmread(path), pydicom.dcmread(self.source)
        self.assertEqual(report.SOPClassUID, MAMMOGRAPHY_CAD_SR)
        for keyword in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex",
                        "StudyInstanceUID", "StudyDate", "StudyID", "AccessionNumber"):
            self.assertEqual(report.get(keyword), source.get(keyword), keyword)
        self.assertNotEqual(report.SeriesInstanceUID, source.SeriesInstanceUID)
        self.assertNotEqual(report.SOPInstanceUID, source.SOPInstanceUID)
        evidence = report.CurrentRequestedProcedureEvidenceSequence[0]
        referenced = evidence.ReferencedSeriesSequence[0].ReferencedSOPSequence[0]
        self.assertEqual(referenced.ReferencedSOPInstanceUID, source.SOPInstanceUID)

        expected = v2_boxes(reply)
        self.assertGreater(len(expected), 1, "the synthetic cluster should be found")
        found = findings_in_report(report)
        self.assertEqual([f["box"] for f in found], [e["box"] for e in expected])
        self.assertEqual([f["member"] for f in found], [e["member"] for e in expected])
        for f, e in zip(found, expected):
            self.assertAlmostEqual(f["score"], e["score"], places=3)

    def test_reports_on_real_vendor_headers_validate(self):
        """GE and Hologic headers (stub pixels, ../shared): every one the reader decodes gets
        a report that dciodvfy passes, with the vendor file's patient and study."""
        folder = os.path.join(SHARED_DATA, "dicom-mg-headers")
        if not os.path.isdir(folder):
            self.skipTest(f"{folder} is absent (the shared data set)")
        out = os.path.join(self.dir, "vendor")
        validated = 0
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".dcm"):
                continue
            source = os.path.join(folder, name)
            if self.detect("--sr-out", out, source).returncode != 0:
                continue  # refused by the reader (its own tests cover why)
            path = os.path.join(out, name[:-4] + ".sr.dcm")
            output, errors = dciodvfy(path)
            self.assertEqual(errors, [], f"{name}: {output}")
            report, image = pydicom.dcmread(path), pydicom.dcmread(source, stop_before_pixels=True)
            for keyword in ("PatientID", "StudyInstanceUID", "AccessionNumber"):
                self.assertEqual(report.get(keyword), image.get(keyword), f"{name}: {keyword}")
            validated += 1
        self.assertGreaterEqual(validated, 4)

    def test_non_dicom_files_get_no_report(self):
        png = os.path.join(self.dir, "film.png")
        with open(png, "wb") as f:
            f.write(encode(synthetic_mammogram(), "PNG"))
        out = os.path.join(self.dir, "sr")
        result = self.detect("--sr-out", out, png)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("not DICOM: no CAD report", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "film.sr.dcm")))


class HttpSrTest(ServerTestCase):
    server_args = ("--operating-point", "all")

    def post_image(self, data, name="img.dcm", **form):
        return self.post(V2, files=[("images", (name, data, "application/octet-stream"))],
                         data=form)

    def test_format_sr_returns_the_report_of_the_v2_findings(self):
        source = mg_with_identity()
        reply = self.post_image(source)
        self.assertEqual(reply.status_code, 200, reply.text)
        sr = self.post_image(source, format="sr")
        self.assertEqual(sr.status_code, 200, sr.text[:300])
        self.assertEqual(sr.headers["Content-Type"], "application/dicom")
        report = pydicom.dcmread(io.BytesIO(sr.content))
        self.assertEqual(report.SOPClassUID, MAMMOGRAPHY_CAD_SR)
        self.assertEqual(report.StudyInstanceUID, pydicom.dcmread(io.BytesIO(source)).StudyInstanceUID)
        self.assertEqual([f["box"] for f in findings_in_report(report)],
                         [e["box"] for e in v2_boxes(reply.json())])

    def test_format_sr_of_a_png_is_a_clear_400(self):
        reply = self.post_image(encode(synthetic_mammogram(), "PNG"), name="film.png",
                                format="sr")
        self.assertEqual(reply.status_code, 400, reply.text)
        error = reply.json()["error"]
        self.assertEqual(error["name"], "bad_parameter")
        self.assertIn("not DICOM", error["message"])

    def test_unknown_format_and_two_images_are_refused(self):
        reply = self.post_image(mg_with_identity(), format="xml")
        self.assertEqual(reply.status_code, 400)
        self.assertIn("format must be json or sr", reply.json()["error"]["message"])
        two = self.post(V2, files=[("images", ("a.dcm", mg_with_identity(), "x/y")),
                                   ("images", ("b.dcm", mg_with_identity(), "x/y"))],
                        data={"format": "sr"})
        self.assertEqual(two.status_code, 400)
        self.assertIn("one image per request", two.json()["error"]["message"])


if __name__ == "__main__":
    unittest.main()
