"""`mammocad batch PATH... --out DIR` on a generated archive: nested folders, a DICOM without
extension, a DICOMDIR with its files, a corrupt file and a text file. Rows, error rows, exit
status, resume, kill -9 then resume (each image exactly once), shards that concatenate to the
whole run."""
import csv
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
from pydicom.fileset import FileSet
from pydicom.uid import generate_uid

from server_fixture import BIN, encode, synthetic_mammogram
from test_dicom import mg_dicom


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


def mg_dataset(pixels16, laterality="L", view="CC"):
    """A Digital Mammography image as a pydicom dataset, with study and series identity."""
    ds = pydicom.dcmread(io.BytesIO(mg_dicom(pixels16)))
    ds.ImageLaterality = laterality
    ds.ViewPosition = view
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20240101", "120000", "1", ""
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    return ds


def save(ds):
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def jsonl_rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read(path):
    with open(path, "rb") as f:
        return f.read()


class BatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="mammocad_batch_")
        cls.archive = os.path.join(cls.folder, "archive")
        a = cls.archive
        pixels16 = np.asarray(synthetic_mammogram(bits=16), dtype=np.uint16)
        write(os.path.join(a, "a.png"), encode(synthetic_mammogram(), "PNG"))
        write(os.path.join(a, "nested", "b.jpg"),
              encode(synthetic_mammogram(with_cluster=False), "JPEG"))
        write(os.path.join(a, "nested", "deeper", "c.png"), encode(synthetic_mammogram(seed=3),
                                                                   "PNG"))
        cls.bare = mg_dataset(pixels16, "R", "MLO")
        write(os.path.join(a, "nested", "deeper", "NOEXTENSION"), save(cls.bare))
        png = encode(synthetic_mammogram(seed=5), "PNG")
        write(os.path.join(a, "nested", "broken.png"), png[:len(png) // 2])
        write(os.path.join(a, "notes.txt"), b"not an image\n")
        # A disc: DICOMDIR + two images in the PS3.10 layout pydicom writes.
        fileset = FileSet()
        for laterality in ("L", "R"):
            fileset.add(mg_dataset(pixels16, laterality, "CC"))
        cls.disc = os.path.join(a, "disc")
        fileset.write(cls.disc)
        cls.disc_images = sorted(
            os.path.join(root, name) for root, _, names in os.walk(cls.disc)
            for name in names if name != "DICOMDIR")
        cls.images = sorted([os.path.join(a, "a.png"), os.path.join(a, "nested", "b.jpg"),
                             os.path.join(a, "nested", "deeper", "c.png"),
                             os.path.join(a, "nested", "deeper", "NOEXTENSION"),
                             os.path.join(a, "nested", "broken.png"), *cls.disc_images])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)

    def out(self, name):
        path = os.path.join(self.folder, name)
        shutil.rmtree(path, ignore_errors=True)
        return path

    def test_rows_error_rows_and_exit_status(self):
        out = self.out("rows")
        done = run("batch", self.archive, "--out", out, "--jobs", "2")
        self.assertEqual(done.returncode, 1, done.stderr)  # broken.png failed
        self.assertIn("1 failed", done.stderr)
        self.assertIn("images/s", done.stderr)
        rows = jsonl_rows(os.path.join(out, "results.jsonl"))
        self.assertEqual(sorted(r["path"] for r in rows), self.images)
        by_name = {os.path.basename(r["path"]): r for r in rows}
        broken = by_name["broken.png"]
        self.assertNotEqual(broken["state"], 0)
        self.assertEqual(broken["error"]["name"], "corrupt_image")
        self.assertIn("truncated", broken["error"]["message"])
        bare = by_name["NOEXTENSION"]
        self.assertEqual(bare["state"], 0)
        self.assertEqual(bare["format"], "dicom")
        self.assertEqual(bare["sop_instance_uid"], self.bare.SOPInstanceUID)
        self.assertEqual(bare["study_instance_uid"], self.bare.StudyInstanceUID)
        self.assertEqual((bare["laterality"], bare["view"]), ("R", "MLO"))
        self.assertEqual(bare["pixel_spacing_source"], "imager_pixel_spacing")
        self.assertGreater(len(by_name["a.png"]["findings"]), 0)
        self.assertEqual(by_name["a.png"]["pixel_spacing_source"], "default")
        # The CSV says the same, row for row.
        table = csv_rows(os.path.join(out, "results.csv"))
        self.assertEqual(sorted(r["path"] for r in table), self.images)
        by_path = {r["path"]: r for r in rows}
        for row in table:
            self.assertEqual(int(row["state"]), by_path[row["path"]]["state"])
            if row["state"] == "0":
                self.assertEqual(int(row["findings"]), len(by_path[row["path"]]["findings"]))
                self.assertEqual(row["sop_instance_uid"],
                                 by_path[row["path"]].get("sop_instance_uid", ""))
            else:
                self.assertEqual(row["error_name"], "corrupt_image")

    def test_a_run_without_failures_exits_zero(self):
        done = run("batch", self.disc, os.path.join(self.archive, "a.png"),
                   "--out", self.out("clean"))
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = jsonl_rows(os.path.join(self.folder, "clean", "results.jsonl"))
        self.assertEqual(len(rows), 3)

    def test_sr_out_writes_a_cad_report_per_dicom_image(self):
        out, reports = self.out("sr"), self.out("sr-reports")
        done = run("batch", self.disc, os.path.join(self.archive, "a.png"), "--out", out,
                   "--sr-out", reports, "--operating-point", "all")
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = {r["sop_instance_uid"]: r for r in jsonl_rows(os.path.join(out, "results.jsonl"))
                if r.get("format") == "dicom"}
        self.assertEqual(len(rows), 2)
        # One report per DICOM image, named by its SOP Instance UID; none for the PNG.
        self.assertEqual(sorted(os.listdir(reports)), sorted(u + ".sr.dcm" for u in rows))
        for uid, row in rows.items():
            sr = pydicom.dcmread(os.path.join(reports, uid + ".sr.dcm"))
            self.assertEqual(sr.Modality, "SR")
            self.assertEqual(sr.StudyInstanceUID, row["study_instance_uid"])
            referenced = {item.ReferencedSOPInstanceUID
                          for series in sr.CurrentRequestedProcedureEvidenceSequence
                          for ref in series.ReferencedSeriesSequence
                          for item in ref.ReferencedSOPSequence}
            self.assertEqual(referenced, {uid})

    def test_dicomdir_is_followed_to_its_images(self):
        out = self.out("dicomdir")
        done = run("batch", os.path.join(self.disc, "DICOMDIR"), "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = jsonl_rows(os.path.join(out, "results.jsonl"))
        self.assertEqual(sorted(r["path"] for r in rows), self.disc_images)
        self.assertEqual(sorted(r["laterality"] for r in rows), ["L", "R"])

    def test_rerun_skips_what_is_done(self):
        out = self.out("resume")
        first = run("batch", self.archive, "--out", out)
        self.assertEqual(first.returncode, 1, first.stderr)
        before = {name: read(os.path.join(out, name)) for name in os.listdir(out)}
        second = run("batch", self.archive, "--out", out)
        self.assertEqual(second.returncode, 1, second.stderr)  # the failure is still recorded
        self.assertIn("%d already done, 0 to analyse" % len(self.images), second.stderr)
        self.assertEqual({name: read(os.path.join(out, name)) for name in os.listdir(out)},
                         before)
        # For job engines that rerun a shard whose exit status is not 0 (deploy/k8s).
        self.assertEqual(run("batch", self.archive, "--out", out,
                             "--no-fail-on-file-errors").returncode, 0)

    def test_a_changed_file_is_analysed_again(self):
        folder = os.path.join(self.folder, "changing")
        shutil.rmtree(folder, ignore_errors=True)
        write(os.path.join(folder, "x.png"), encode(synthetic_mammogram(), "PNG"))
        out = self.out("changing_out")
        self.assertEqual(run("batch", folder, "--out", out).returncode, 0)
        write(os.path.join(folder, "x.png"), encode(synthetic_mammogram(seed=11), "PNG"))
        again = run("batch", folder, "--out", out)
        self.assertIn("0 already done, 1 to analyse", again.stderr)
        self.assertEqual(len(jsonl_rows(os.path.join(out, "results.jsonl"))), 2)

    def test_kill_9_mid_run_then_resume_gives_each_image_once(self):
        folder = os.path.join(self.folder, "many")
        shutil.rmtree(folder, ignore_errors=True)
        png = encode(synthetic_mammogram(), "PNG")
        count = 60
        for i in range(count):
            write(os.path.join(folder, "part%d" % (i % 3), "img%03d.png" % i), png)
        out = self.out("killed")
        journal = os.path.join(out, "results.journal")
        process = subprocess.Popen([BIN, "batch", folder, "--out", out, "--jobs", "1"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        journalled = 0
        while time.monotonic() < deadline and process.poll() is None:
            if os.path.exists(journal):
                with open(journal, "rb") as f:
                    journalled = f.read().count(b"\n")
                if journalled >= 5:
                    break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        self.assertEqual(process.returncode, -signal.SIGKILL, "the run ended before the kill")
        with open(journal, "rb") as f:
            self.assertLess(f.read().count(b"\n"), count)
        done = run("batch", folder, "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn(" 0 already done", done.stderr)
        expected = sorted(os.path.join(folder, "part%d" % (i % 3), "img%03d.png" % i)
                          for i in range(count))
        self.assertEqual(sorted(r["path"] for r in jsonl_rows(os.path.join(out, "results.jsonl"))),
                         expected)
        self.assertEqual(sorted(r["path"] for r in csv_rows(os.path.join(out, "results.csv"))),
                         expected)

    def test_shards_concatenate_to_the_whole_run(self):
        whole = self.out("whole")
        run("batch", self.archive, "--out", whole)
        shards = self.out("shards")
        for index in (0, 1):
            done = run("batch", self.archive, "--out", shards, "--shard", "%d/2" % index)
            self.assertIn(done.returncode, (0, 1), done.stderr)
        parts = [read(os.path.join(shards, "results.shard-%d-of-2.jsonl" % i)) for i in (0, 1)]
        self.assertTrue(all(parts), "a shard got no file")
        merged = b"".join(parts).splitlines()
        self.assertEqual(sorted(merged), sorted(read(os.path.join(whole, "results.jsonl"))
                                                .splitlines()))
        csv_parts = [read(os.path.join(shards, "results.shard-%d-of-2.csv" % i)).splitlines()
                     for i in (0, 1)]
        whole_csv = read(os.path.join(whole, "results.csv")).splitlines()
        self.assertEqual(csv_parts[0][0], whole_csv[0])  # each shard's CSV has the header
        self.assertEqual(sorted(csv_parts[0][1:] + csv_parts[1][1:]), sorted(whole_csv[1:]))

    def test_bad_shard_and_folder_to_detect_are_clear_errors(self):
        done = run("batch", self.archive, "--out", self.out("bad"), "--shard", "2/2")
        self.assertEqual(done.returncode, 2)
        self.assertIn("--shard takes I/N", done.stderr)
        detect = run("detect", self.archive)
        self.assertNotEqual(detect.returncode, 0)
        self.assertIn("is a folder", detect.stdout)
        self.assertIn("mammocad batch", detect.stdout)
        self.assertNotIn("empty", detect.stdout)


if __name__ == "__main__":
    unittest.main()
