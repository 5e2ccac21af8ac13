"""`mammocad dicom-serve` beside a real PACS: Debian's Orthanc, run here on loopback ports with
a generated configuration. Generated MG images go into Orthanc (REST POST /instances), Orthanc
sends them to mammocad (POST /modalities/mammocad/store), and the Mammography CAD SR that
mammocad sends back must arrive in Orthanc, in the image's study, referencing the image, with
the findings `mammocad detect` reports for the same file. Prints the round-trip time per image
(store request sent → the report in Orthanc's REST API). Also: C-ECHO, a refused AE, and
corrupt and oversized images that do not stop the node."""
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import numpy as np
import pydicom
import requests
from pydicom.encaps import encapsulate
from pydicom.uid import JPEG2000Lossless

from server_fixture import BIN, free_port, synthetic_mammogram
from test_dicom import mg_dicom
from test_sr import MAMMOGRAPHY_CAD_SR, findings_in_report, mg_with_identity, v2_boxes

ORTHANC = shutil.which("Orthanc") or "/usr/sbin/Orthanc"
MAX_IMAGE_MB = 3  # the node's --max-image-mb: a 1024x1024 16-bit image (2 MiB) fits, 2048x1024 not
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def secondary_capture(seed):
    """The same kind of image as a secondary capture object (a digitised film, say)."""
    ds = pydicom.dcmread(io.BytesIO(mg_with_identity(seed=seed)))
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = SECONDARY_CAPTURE
    ds.Modality = "OT"
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def dicom_echo(port, calling_ae, called_ae="MAMMOCAD"):
    """DCMTK's echoscu against the node: its exit code."""
    return subprocess.run(["echoscu", "-aet", calling_ae, "-aec", called_ae, "127.0.0.1",
                           str(port)], capture_output=True, timeout=30).returncode


def require_tools(*tools):
    """The tools install-deps.sh brings; missing is a failure, not a skip, so the round trip
    runs wherever the tests do."""
    for tool in tools:
        if not (shutil.which(tool) or os.path.exists(tool)):
            raise AssertionError(f"{tool} missing: run scripts/install-deps.sh (orthanc, dcmtk)")


class OrthancRoundTripTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tools(ORTHANC, "echoscu")
        cls.dir = tempfile.mkdtemp(prefix="mammocad-orthanc-")
        cls.http_port, cls.orthanc_dicom_port, cls.node_port = free_port(), free_port(), free_port()
        cls.node_http_port = free_port()
        cls.url = f"http://127.0.0.1:{cls.http_port}"
        config = {
            "Name": "mammocad-test", "StorageDirectory": os.path.join(cls.dir, "db"),
            "IndexDirectory": os.path.join(cls.dir, "db"), "Plugins": [],
            "HttpPort": cls.http_port, "DicomPort": cls.orthanc_dicom_port, "DicomAet": "ORTHANC",
            "RemoteAccessAllowed": False, "AuthenticationEnabled": False,
            "HttpServerEnabled": True, "DicomServerEnabled": True,
            "DicomModalities": {
                "mammocad": ["MAMMOCAD", "127.0.0.1", cls.node_port],
                # The node answers to its own AE title only.
                "wrongtitle": ["NOTMAMMOCAD", "127.0.0.1", cls.node_port],
            },
        }
        config_path = os.path.join(cls.dir, "orthanc.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        cls.orthanc_log = open(os.path.join(cls.dir, "orthanc.log"), "w+")
        cls.orthanc = subprocess.Popen([ORTHANC, config_path], stdout=cls.orthanc_log,
                                       stderr=subprocess.STDOUT)
        cls.node_log = open(os.path.join(cls.dir, "node.log"), "w+")
        cls.node = subprocess.Popen(
            [BIN, "dicom-serve", "--aet", "MAMMOCAD", "--port", str(cls.node_port),
             "--dest-aet", "ORTHANC", "--dest-host", "127.0.0.1",
             "--dest-port", str(cls.orthanc_dicom_port), "--allow-aet", "ORTHANC",
             "--allow-aet", "TESTSCU", "--operating-point", "all",
             "--max-image-mb", str(MAX_IMAGE_MB), "--http-port", str(cls.node_http_port)],
            stdout=cls.node_log, stderr=subprocess.STDOUT)

        def orthanc_up():
            try:
                return requests.get(cls.url + "/system", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False
        wait_for(orthanc_up, 30, "Orthanc's REST API")
        wait_for(lambda: dicom_echo(cls.node_port, "TESTSCU") == 0, 15, "the node's C-ECHO")

    @classmethod
    def tearDownClass(cls):
        alive = cls.node.poll() is None
        cls.node.send_signal(signal.SIGTERM)
        try:
            code = cls.node.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cls.node.kill()
            code = "killed"
        cls.orthanc.terminate()
        try:
            cls.orthanc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cls.orthanc.kill()
        cls.orthanc_log.close()
        cls.node_log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert alive, "the DICOM node died during the tests"
        assert code == 0, f"node exit code after SIGTERM: {code}"

    def node_log_text(self):
        self.node_log.flush()
        with open(self.node_log.name) as f:
            return f.read()

    def upload(self, data):
        reply = requests.post(self.url + "/instances", data=data, timeout=30)
        self.assertEqual(reply.status_code, 200, reply.text)
        return reply.json()["ID"]

    def reports_referencing(self, study_id, sop_instance_uid):
        """The Mammography CAD SRs in Orthanc's study that reference the image."""
        found = []
        for series in requests.get(f"{self.url}/studies/{study_id}/series", timeout=10).json():
            if series["MainDicomTags"].get("Modality") != "SR":
                continue
            for instance_id in series["Instances"]:
                data = requests.get(f"{self.url}/instances/{instance_id}/file", timeout=10).content
                report = pydicom.dcmread(io.BytesIO(data))
                evidence = report.CurrentRequestedProcedureEvidenceSequence[0]
                referenced = evidence.ReferencedSeriesSequence[0].ReferencedSOPSequence[0]
                if (report.SOPClassUID == MAMMOGRAPHY_CAD_SR
                        and referenced.ReferencedSOPInstanceUID == sop_instance_uid):
                    found.append(report)
        return found

    def expected_findings(self, data):
        path = os.path.join(self.dir, "expected.dcm")
        with open(path, "wb") as f:
            f.write(data)
        result = subprocess.run([BIN, "detect", "--format", "v2", "--operating-point", "all",
                                 path], capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        return v2_boxes(json.loads(result.stdout))

    def round_trip(self, data):
        """Stores `data` in Orthanc, has Orthanc send it to the node, waits for the report;
        returns the report and the seconds from the store request to the report's arrival."""
        instance_id = self.upload(data)
        info = requests.get(f"{self.url}/instances/{instance_id}", timeout=10).json()
        study_id = requests.get(f"{self.url}/instances/{instance_id}/study", timeout=10).json()["ID"]
        sop_instance_uid = info["MainDicomTags"]["SOPInstanceUID"]
        started = time.monotonic()
        stored = requests.post(f"{self.url}/modalities/mammocad/store", data=instance_id,
                               timeout=60)
        self.assertEqual(stored.status_code, 200, stored.text)
        reports = wait_for(lambda: self.reports_referencing(study_id, sop_instance_uid), 60,
                           "the CAD report in Orthanc")
        return reports, time.monotonic() - started

    def test_a_report_per_image_arrives_in_orthanc_with_the_findings(self):
        images = [mg_with_identity(seed=seed) for seed in (7, 11, 13)]
        images.append(mg_with_identity(seed=5, with_cluster=False))
        images.append(secondary_capture(seed=17))
        for number, data in enumerate(images, start=1):
            reports, seconds = self.round_trip(data)
            print(f"\nround trip through Orthanc, image {number}: {seconds * 1000:.0f} ms")
            self.assertEqual(len(reports), 1)
            report, source = reports[0], pydicom.dcmread(io.BytesIO(data))
            self.assertEqual(report.StudyInstanceUID, source.StudyInstanceUID)
            self.assertEqual(report.PatientID, source.PatientID)
            expected = self.expected_findings(data)
            found = findings_in_report(report)
            self.assertEqual([f["box"] for f in found], [e["box"] for e in expected])
            for f, e in zip(found, expected):
                self.assertAlmostEqual(f["score"], e["score"], places=3)
            if number != 4:  # the images with the synthetic cluster
                self.assertTrue(any(f["kind"] == "Calcification Cluster" for f in found))

    def test_echo_from_orthanc_and_refused_titles(self):
        echo = requests.post(f"{self.url}/modalities/mammocad/echo", data="{}", timeout=30)
        self.assertEqual(echo.status_code, 200, echo.text)
        wrong = requests.post(f"{self.url}/modalities/wrongtitle/echo", data="{}", timeout=30)
        self.assertNotEqual(wrong.status_code, 200, "the node must refuse another called AE")
        self.assertNotEqual(dicom_echo(self.node_port, "STRANGER"), 0,
                            "a calling AE outside --allow-aet must be refused")
        log = self.node_log_text()
        self.assertIn("calling_ae=STRANGER calling AE title not allowed", log)
        self.assertIn("C-ECHO /dicom -> 200", log)
        # The HTTP server's metrics, with the node's counters (--http-port).
        metrics = requests.get(f"http://127.0.0.1:{self.node_http_port}/metrics", timeout=10).text
        self.assertIn('mammocad_http_requests_total{route="dicom:C-ECHO",status="200"}', metrics)
        self.assertIn('mammocad_http_requests_total{route="dicom:A-ASSOCIATE",status="401"}',
                      metrics)

    def test_corrupt_and_oversized_images_do_not_stop_the_node(self):
        pixels = np.asarray(synthetic_mammogram(bits=16), dtype=np.uint16)
        # Valid DICOM with JPEG 2000 pixel data that are garbage: received, fails to decode.
        corrupt = pydicom.dcmread(io.BytesIO(mg_with_identity()))
        corrupt.PixelData = encapsulate([b"\xff\x4f\xff\x51" + b"\x00garbage" * 64])
        corrupt.file_meta.TransferSyntaxUID = JPEG2000Lossless
        corrupt.is_implicit_VR, corrupt.is_little_endian = False, True
        out = io.BytesIO()
        corrupt.save_as(out, write_like_original=False)
        stored = requests.post(f"{self.url}/modalities/mammocad/store",
                               data=self.upload(out.getvalue()), timeout=60)
        self.assertEqual(stored.status_code, 200, "the node takes the object, then fails it")
        wait_for(lambda: "error=corrupt_image" in self.node_log_text(), 30,
                 "the corrupt image's log line")
        # Over --max-image-mb: the association is dropped while the object arrives.
        big = mg_dicom(np.concatenate([pixels, pixels]))
        big_dataset = pydicom.dcmread(io.BytesIO(big))
        big_dataset.StudyInstanceUID = pydicom.uid.generate_uid()
        big_dataset.SeriesInstanceUID = pydicom.uid.generate_uid()
        out = io.BytesIO()
        big_dataset.save_as(out, write_like_original=False)
        self.assertGreater(len(out.getvalue()), MAX_IMAGE_MB << 20)
        refused = requests.post(f"{self.url}/modalities/mammocad/store",
                                data=self.upload(out.getvalue()), timeout=60)
        self.assertNotEqual(refused.status_code, 200)
        # Orthanc may hear of the dropped association before the node has logged it.
        wait_for(lambda: "C-STORE /dicom -> 413" in self.node_log_text(), 10,
                 "the oversized image's log line")
        # Still serving: an echo and a full round trip.
        self.assertIsNone(self.node.poll(), "the node died")
        self.assertEqual(dicom_echo(self.node_port, "TESTSCU"), 0)
        reports, _ = self.round_trip(mg_with_identity(seed=3))
        self.assertEqual(len(reports), 1)


class NodeQueueTest(unittest.TestCase):
    """A full queue answers C-STORE with A700 (out of resources) and the node goes on; DCMTK's
    storescp stands in for the PACS that receives the reports."""

    def test_a_full_queue_refuses_with_out_of_resources(self):
        require_tools("storescp", "storescu", "echoscu")
        work = tempfile.mkdtemp(prefix="mammocad-queue-")
        try:
            dest_port, node_port = free_port(), free_port()
            received = os.path.join(work, "received")
            os.mkdir(received)
            dest = subprocess.Popen(["storescp", "-aet", "DEST", "-od", received, str(dest_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            log = open(os.path.join(work, "node.log"), "w+")
            node = subprocess.Popen(
                [BIN, "dicom-serve", "--port", str(node_port), "--dest-aet", "DEST",
                 "--dest-host", "127.0.0.1", "--dest-port", str(dest_port), "--threads", "1",
                 "--max-queue", "1", "--operating-point", "all"],
                stdout=log, stderr=subprocess.STDOUT)
            try:
                wait_for(lambda: dicom_echo(node_port, "TESTSCU") == 0, 15, "the node")
                files = []
                for seed in range(6):
                    path = os.path.join(work, f"image{seed}.dcm")
                    with open(path, "wb") as f:
                        f.write(mg_with_identity(seed=seed))
                    files.append(path)
                # One association, six images back to back: each takes ~10 ms to arrive and
                # over 100 ms to analyse, so with one worker and one waiting place some must
                # find the queue full.
                sent = subprocess.run(["storescu", "-v", "--no-halt", "-aet", "TESTSCU", "-aec", "MAMMOCAD",
                                       "127.0.0.1", str(node_port), *files],
                                      capture_output=True, text=True, timeout=60)
                self.assertRegex(sent.stdout + sent.stderr, "A700|OutOfResources|Out of Resources")
                log.flush()
                wait_for(lambda: open(log.name).read().count("sr=sent") >= 2, 60,
                         "the reports of the queued images")
                text = open(log.name).read()
                self.assertIn("-> 503", text)
                self.assertIn("queue=full", text)
                self.assertIsNone(node.poll())
                self.assertEqual(dicom_echo(node_port, "TESTSCU"), 0)
                # Every accepted image's report reaches the destination (refused ones: none).
                accepted = 6 - text.count("queue=full")
                wait_for(lambda: len(os.listdir(received)) == accepted, 30,
                         f"{accepted} reports at the destination")
            finally:
                node.send_signal(signal.SIGTERM)
                self.assertEqual(node.wait(timeout=30), 0)
                dest.terminate()
                dest.wait(timeout=10)
                log.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
