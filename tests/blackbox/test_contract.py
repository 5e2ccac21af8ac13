"""The BreastCalcify contract of the old service, driven over HTTP against the real binary."""
import io
import json
import unittest

import requests
from PIL import Image

from server_fixture import (CLUSTER_CENTRE, SPACING_MM, ServerTestCase, encode, mias_image,
                            synthetic_mammogram)

PATH = "/detection/BreastCalcify"


def box_contains(finding, point):
    _, x, y, w, h = finding
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def iou(a, b):
    ax, ay, aw, ah = a[1:]
    bx, by, bw, bh = b[1:]
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / float(aw * ah + bw * bh - inter)


class ContractTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.with_cluster = encode(synthetic_mammogram(), "PNG")
        cls.without_cluster = encode(synthetic_mammogram(with_cluster=False), "PNG")

    def detect(self, *images, **form):
        files = [("images", (f"pic{i + 1}", data, "application/octet-stream"))
                 for i, data in enumerate(images)]
        form.setdefault("pixel_spacing", str(SPACING_MM))
        response = self.post(PATH, files=files, data=form)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        reply = response.json()
        self.assertEqual(set(reply), {"state", "result"})
        self.assertEqual(reply["state"], 0)
        self.assertIsInstance(reply["result"], str, "result must be a JSON *string*")
        return json.loads(reply["result"])

    def assert_well_formed(self, findings):
        for finding in findings:
            self.assertEqual(len(finding), 5)
            score, x, y, w, h = finding
            self.assertTrue(0.0 <= score <= 1.0)
            for v in (x, y, w, h):
                self.assertIsInstance(v, int)
            self.assertGreater(w, 0)
            self.assertGreater(h, 0)
        scores = [f[0] for f in findings]
        self.assertEqual(scores, sorted(scores, reverse=True), "highest score first")

    def test_finds_the_inserted_cluster(self):
        findings = self.detect(self.with_cluster)
        self.assert_well_formed(findings)
        self.assertTrue(findings, "the inserted cluster was not found")
        self.assertTrue(box_contains(findings[0], CLUSTER_CENTRE),
                        f"top finding {findings[0]} does not hold {CLUSTER_CENTRE}")
        self.assertGreater(findings[0][0], 0.5)

    def test_no_cluster_no_finding(self):
        self.assertEqual(self.detect(self.without_cluster), [])

    def test_several_images_give_one_list_each_in_upload_order(self):
        result = self.detect(self.without_cluster, self.with_cluster, self.without_cluster)
        self.assertEqual(len(result), 3)
        self.assertEqual(result[0], [])
        self.assertEqual(result[2], [])
        self.assertTrue(any(box_contains(f, CLUSTER_CENTRE) for f in result[1]))

    def test_min_score_drops_weaker_findings(self):
        findings = self.detect(self.with_cluster, level="calcification")
        self.assertGreaterEqual(len(findings), 5)
        cut = findings[len(findings) // 2][0]
        kept = self.detect(self.with_cluster, level="calcification", min_score=str(cut))
        self.assertTrue(all(f[0] >= cut for f in kept))
        self.assertLess(len(kept), len(findings) + 1)
        everything = self.detect(self.with_cluster, level="calcification")
        self.assertEqual(self.detect(self.with_cluster, level="calcification", min_score="0.5"),
                         [f for f in everything if f[0] >= 0.5])

    def test_calcification_level_marks_the_spots(self):
        findings = self.detect(self.with_cluster, level="calcification")
        self.assert_well_formed(findings)
        near = [f for f in findings
                if abs(f[1] + f[3] / 2 - CLUSTER_CENTRE[0]) < 40
                and abs(f[2] + f[4] / 2 - CLUSTER_CENTRE[1]) < 40]
        self.assertGreaterEqual(len(near), 5, findings)

    def test_formats_agree(self):
        """JPEG (grey and CMYK), 16-bit PNG, TIFF and PGM of the same picture give the same top
        finding. (CMYK: libjpeg has no grey for it, the decoder leaves it to OpenCV.)"""
        reference = self.detect(self.with_cluster)[0]
        for fmt, data in [("JPEG", encode(synthetic_mammogram(), "JPEG", quality=95)),
                          ("JPEG CMYK", encode(synthetic_mammogram().convert("CMYK"), "JPEG",
                                               quality=95)),
                          ("PNG16", encode(synthetic_mammogram(bits=16), "PNG")),
                          ("TIFF", encode(synthetic_mammogram(), "TIFF")),
                          ("PGM", encode(synthetic_mammogram(), "PPM"))]:
            with self.subTest(fmt=fmt):
                top = self.detect(data)[0]
                self.assertGreater(iou(top, reference), 0.5, (fmt, top, reference))
                self.assertAlmostEqual(top[0], reference[0], delta=0.1)

    def test_debug_returns_the_marked_image(self):
        response = self.post(PATH + "?debug", files=[("images", ("pic1", self.with_cluster))],
                             data={"pixel_spacing": str(SPACING_MM)})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/jpeg")
        picture = Image.open(io.BytesIO(response.content))
        self.assertEqual(picture.format, "JPEG")
        self.assertEqual(picture.size, (1024, 1024))
        # The cluster is outlined in red a few pixels outside its box, never on the specks.
        rgb = picture.convert("RGB")
        findings = self.detect(self.with_cluster)
        _, x, y, w, h = findings[0]
        def is_red(pixel):
            r, g, b = pixel
            return r > 150 and g < 110 and b < 110
        above = [rgb.getpixel((x + w // 2, y - d)) for d in range(1, 13)]
        self.assertTrue(any(map(is_red, above)), above)
        on_box = [rgb.getpixel((x + i, y)) for i in range(0, w, 2)]
        self.assertFalse(any(map(is_red, on_box)), on_box[:5])

    def test_debug_equals_one_and_several_images_side_by_side(self):
        response = self.post(PATH, params={"debug": "1"},
                             files=[("images", ("a", self.with_cluster)),
                                    ("images", ("b", self.without_cluster))])
        self.assertEqual(response.headers["Content-Type"], "image/jpeg")
        # Two labelled panels: a caption strip above each, a gap between them.
        width, height = Image.open(io.BytesIO(response.content)).size
        self.assertGreater(width, 2048)
        self.assertLess(width, 2048 + 64)
        self.assertGreater(height, 1024)
        self.assertLess(height, 1024 + 64)

    def test_debug_zero_means_json(self):
        response = self.post(PATH, params={"debug": "0"},
                             files=[("images", ("a", self.with_cluster))])
        self.assertEqual(response.headers["Content-Type"], "application/json")

    def test_mini_mias_image_loads(self):
        path = mias_image("mdb209.pgm")
        if path is None:
            self.skipTest("mini-MIAS data not found under ../shared/data: skipping")
        with open(path, "rb") as f:
            result = self.detect(f.read(), pixel_spacing="0.2")
        self.assert_well_formed(result)

    def test_health(self):
        response = requests.get(self.url + "/healthz", timeout=5)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")


if __name__ == "__main__":
    unittest.main()
