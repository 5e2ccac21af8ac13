"""`mammocad eval`: FROC on synthetic images and on a folder with CSV ground truth.

The floors below sit under the figures measured when they were set (see
docs/detection-quality.md), with a margin, so that a real regression fails but seed-level
noise does not."""
import csv
import os
import re
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

from server_fixture import BIN, CLUSTER_CENTRE, encode, synthetic_mammogram


def run(*args):
    return subprocess.run([BIN, "eval", *args], capture_output=True, text=True, timeout=120)


def froc_rows(stdout):
    """{'cluster': [s@0.25, s@0.5, s@1, s@2], ...} from the printed table."""
    rows = {}
    for line in stdout.splitlines():
        match = re.match(r"^(cluster|calcification)\s+(\d+)\s+(\d+)((?:\s+[0-9.]+){4})", line)
        if match:
            rows[match.group(1)] = [float(v) for v in match.group(4).split()]
            rows[match.group(1) + "_lesions"] = int(match.group(2))
            rows[match.group(1) + "_images"] = int(match.group(3))
    return rows


def read_curve(path):
    with open(path, newline="") as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


class SyntheticEvalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp()
        cls.done = run("--synthetic", "10", "--seed", "1", "--spacing", "0.07", "--size", "1024",
                       "--threads", "2", "--out", cls.out)

    def test_figures_above_the_floors(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        rows = froc_rows(self.done.stdout)
        self.assertEqual(rows["cluster_images"], 10)
        self.assertGreaterEqual(rows["cluster_lesions"], 10)
        # Measured (neural scorer, the default): clusters 1.00 at every rate; calcifications
        # 0.79 at 0.5, 0.82 at 1 FP/image (hand-made: 1.00; 0.77, 0.78).
        self.assertGreaterEqual(rows["cluster"][1], 0.90)
        self.assertGreaterEqual(rows["calcification"][1], 0.65)
        self.assertIn("0 cluster findings outside the breast", self.done.stdout)

    def test_curves_and_plot_written(self):
        for name in ("froc-cluster.csv", "froc-calcification.csv"):
            curve = read_curve(os.path.join(self.out, name))
            self.assertGreater(len(curve), 1)
            fps = [p["fp_per_image"] for p in curve]
            sens = [p["sensitivity"] for p in curve]
            self.assertEqual(fps, sorted(fps))
            self.assertEqual(sens, sorted(sens))
        svg = ElementTree.parse(os.path.join(self.out, "froc.svg")).getroot()
        self.assertTrue(svg.tag.endswith("svg"))
        texts = " ".join(t.text or "" for t in svg.iter() if t.tag.endswith("text"))
        self.assertIn("false-positive findings per image", texts)
        self.assertIn("calcifications", texts)

    def test_progress_on_stderr_without_a_terminal(self):
        self.assertIn("10/10 images", self.done.stderr)

    def test_same_seed_same_figures(self):
        again = run("--synthetic", "10", "--seed", "1", "--spacing", "0.07", "--threads", "1",
                    "--out", tempfile.mkdtemp())
        self.assertEqual(froc_rows(again.stdout), froc_rows(self.done.stdout))


class ScorerOptionsTest(unittest.TestCase):
    """With --scorer learned, a missing model fails clearly unless fallback is asked."""

    def test_missing_model_fails_with_its_name(self):
        for command in (["eval", "--synthetic", "1"], ["detect", "x.png"]):
            done = subprocess.run([BIN, *command, "--scorer", "learned",
                                   "--model", "/nonexistent/calc.yml"],
                                  capture_output=True, text=True, timeout=60)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("/nonexistent/calc.yml", done.stderr)

    def test_explicit_fallback_uses_the_handmade_score(self):
        out = tempfile.mkdtemp()
        done = run("--synthetic", "2", "--size", "512", "--scorer", "learned",
                   "--model", "/nonexistent/calc.yml", "--model-fallback", "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("falling back to the hand-made score", done.stderr)
        handmade = run("--synthetic", "2", "--size", "512", "--scorer", "handmade", "--out", out)
        self.assertEqual(froc_rows(done.stdout), froc_rows(handmade.stdout))

    def test_corrupt_model_fails(self):
        folder = tempfile.mkdtemp()
        model = os.path.join(folder, "broken.yml")
        with open(model, "w") as f:
            f.write("%YAML:1.0\n---\nkind: mammocad-candidate-scorer\nformat: 1\nfeatures: [x]\n")
        done = run("--synthetic", "1", "--scorer", "learned", "--model", model, "--out", folder)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("broken.yml", done.stderr)


    def test_shipped_model_on_synthetic_images(self):
        done = run("--synthetic", "10", "--seed", "1", "--spacing", "0.07", "--size", "1024",
                   "--scorer", "learned", "--out", tempfile.mkdtemp())
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = froc_rows(done.stdout)
        # Measured with models/calc-v3.yml: see the closing figures in docs/learned-scoring.md.
        self.assertGreaterEqual(rows["cluster"][1], 0.90)
        self.assertGreaterEqual(rows["calcification"][1], 0.70)


class BenignEvalTest(unittest.TestCase):
    """Issue 15's CI check: realistic synthetic images with benign calcifications (vascular,
    round, rim, popcorn, skin) and artefacts (dust, lines, scratches, film edges, labels)
    inserted, scored by the served default (the neural scorer). Measured when set (seed 2 and
    3, 100 um, 1024 px): 6 of 6 clusters at 0.25 false clusters per image; on the benign-only
    images 18 false clusters in 8 images, the highest scoring 0.10. The hand-made score fails
    the benign floor (10 benign clusters, 2 of them scoring 0.5 or more)."""

    def test_clusters_found_and_benign_findings_scored_low(self):
        out = tempfile.mkdtemp()
        done = run("--synthetic", "8", "--seed", "2", "--spacing", "0.1", "--size", "1024",
                   "--realistic", "--benign", "--threads", "2", "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = froc_rows(done.stdout)
        self.assertGreaterEqual(rows["cluster_lesions"], 5)
        self.assertGreaterEqual(rows["cluster"][0], 0.83)  # at 0.25 false clusters per image

        out = tempfile.mkdtemp()
        done = run("--synthetic", "8", "--seed", "3", "--spacing", "0.1", "--size", "1024",
                   "--realistic", "--benign-only", "--threads", "2", "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(froc_rows(done.stdout)["cluster_lesions"], 0)
        with open(os.path.join(out, "findings.csv"), newline="") as f:
            scores = [float(row["score"]) for row in csv.DictReader(f)]
        # Every finding here is false: at most 0.1 per image scoring 0.5 or more, or at the
        # served `balanced` point (0.17 in models/calc-nn-v4.yml) or more.
        self.assertLessEqual(sum(score >= 0.5 for score in scores), 0.1 * 8, scores)
        self.assertLessEqual(sum(score >= 0.17 for score in scores), 0.1 * 8, scores)


class FolderEvalTest(unittest.TestCase):
    def test_csv_truth(self):
        folder = tempfile.mkdtemp()
        with open(os.path.join(folder, "with.png"), "wb") as f:
            f.write(encode(synthetic_mammogram(), "PNG"))
        with open(os.path.join(folder, "normal.png"), "wb") as f:
            f.write(encode(synthetic_mammogram(with_cluster=False, seed=3), "PNG"))
        truth = os.path.join(folder, "truth.csv")
        with open(truth, "w") as f:
            f.write("image,x,y,radius\nwith.png,%d,%d,40\n" % CLUSTER_CENTRE)
        out = os.path.join(folder, "out")
        done = run("--images", folder, "--truth", truth, "--pixel-spacing", "0.1", "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = froc_rows(done.stdout)
        self.assertEqual(rows["cluster_lesions"], 1)
        self.assertEqual(rows["cluster_images"], 2)
        self.assertEqual(rows["cluster"], [1.0, 1.0, 1.0, 1.0])
        self.assertTrue(os.path.exists(os.path.join(out, "froc.svg")))

    def test_bad_truth_is_an_error(self):
        folder = tempfile.mkdtemp()
        truth = os.path.join(folder, "truth.csv")
        with open(truth, "w") as f:
            f.write("a.png,1,2\n")
        done = run("--images", folder, "--truth", truth)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("line 1", done.stderr)

    def test_needs_images_or_synthetic(self):
        done = run()
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("--synthetic", done.stderr)


class TrainCrossValidationTest(unittest.TestCase):
    """`mammocad train --annotated DIR --cv-folds K`: a MIAS-style folder, each fold evaluated
    with a model trained without it, one pooled FROC."""

    def test_pooled_froc_over_a_mias_folder(self):
        folder = tempfile.mkdtemp()
        rows = []
        for i in range(4):
            name = "mdb%03d" % (i + 1)
            with_cluster = i % 2 == 0
            with open(os.path.join(folder, name + ".png"), "wb") as f:  # rows name the stem
                f.write(encode(synthetic_mammogram(with_cluster=with_cluster, seed=10 + i), "PNG"))
            if with_cluster:  # MIAS rows count y from the bottom of the 1024-row film
                x, y = CLUSTER_CENTRE
                rows.append("%s F CALC B %d %d 40" % (name, x, 1024 - y))
            else:
                rows.append("%s F NORM" % name)
        with open(os.path.join(folder, "annotations.txt"), "w") as f:
            f.write("\n".join(rows) + "\n")
        out = os.path.join(folder, "cv")
        done = subprocess.run([BIN, "train", "--annotated", folder, "--images", "4",
                               "--max-side", "512", "--cv-folds", "2", "--cv-out", out],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("2-fold cross-validation", done.stdout)
        table = froc_rows(done.stdout)
        self.assertEqual(table["cluster_lesions"], 2)
        self.assertEqual(table["cluster_images"], 4)
        # Clear clusters: found by the model that never saw them (measured: both, 0 FP).
        self.assertGreaterEqual(table["cluster"][2], 0.5)
        self.assertTrue(os.path.exists(os.path.join(out, "froc.svg")))
        self.assertFalse(os.path.exists(os.path.join(folder, "models")))  # no model is written

    def test_cross_validation_needs_annotated_films(self):
        done = subprocess.run([BIN, "train", "--cv-folds", "2"], capture_output=True, text=True,
                              timeout=60)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("--annotated", done.stderr)


if __name__ == "__main__":
    unittest.main()
