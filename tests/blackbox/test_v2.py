"""POST /v2/detection/BreastCalcify: structured JSON, no string-in-string."""
import unittest

from server_fixture import CLUSTER_CENTRE, ServerTestCase, encode, synthetic_mammogram

PATH = "/v2/detection/BreastCalcify"


class V2Test(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.image = encode(synthetic_mammogram(), "PNG")

    def test_structure(self):
        response = self.post(PATH, files=[("images", ("left_cc.png", self.image)),
                                          ("images", ("empty.png", encode(
                                              synthetic_mammogram(with_cluster=False), "PNG")))],
                             data={"pixel_spacing": "0.1"})
        self.assertEqual(response.status_code, 200, response.text)
        reply = response.json()
        self.assertEqual(reply["state"], 0)
        self.assertGreater(reply["total_ms"], 0)
        first, second = reply["images"]
        self.assertEqual(first["name"], "left_cc.png")
        self.assertEqual(second["name"], "empty.png")
        self.assertEqual((first["width"], first["height"]), (1024, 1024))
        self.assertEqual(first["format"], "png")
        self.assertEqual(first["pixel_spacing_mm"], 0.1)
        self.assertEqual(first["pixel_spacing_source"], "request")
        for key in ("decode_ms", "detect_ms", "enhance_ms"):
            self.assertIn(key, first["timings"])
        self.assertEqual(second["findings"], [])
        top = first["findings"][0]
        self.assertEqual(top["kind"], "cluster")
        box = top["box"]
        self.assertTrue(box["x"] <= CLUSTER_CENTRE[0] <= box["x"] + box["w"])
        self.assertTrue(box["y"] <= CLUSTER_CENTRE[1] <= box["y"] + box["h"])
        members = top["calcifications"]
        self.assertGreaterEqual(len(members), 3)
        for m in members:
            self.assertTrue(0 <= m["score"] <= 1)
            self.assertGreater(m["diameter_mm"], 0)
            c = m["centre"]
            self.assertTrue(box["x"] <= c["x"] <= box["x"] + box["w"])

    def test_default_spacing_is_reported(self):
        reply = self.post(PATH, files=[("images", ("a.png", self.image))]).json()
        image = reply["images"][0]
        self.assertEqual(image["pixel_spacing_source"], "default")
        self.assertGreater(image["pixel_spacing_mm"], 0)

    def test_calcification_level(self):
        reply = self.post(PATH, files=[("images", ("a.png", self.image))],
                          data={"pixel_spacing": "0.1", "level": "calcification"}).json()
        findings = reply["images"][0]["findings"]
        self.assertTrue(findings)
        self.assertTrue(all(f["kind"] == "calcification" for f in findings))
        self.assertTrue(all("calcifications" not in f for f in findings))

    def test_errors_are_structured(self):
        response = self.post(PATH, files=[("images", ("a.txt", b"not an image"))])
        self.assertEqual(response.status_code, 415)
        error = response.json()["error"]
        self.assertEqual(error["name"], "unsupported_format")
        self.assertNotEqual(error["code"], 0)
        self.assertIn("a.txt", error["message"])


if __name__ == "__main__":
    unittest.main()
