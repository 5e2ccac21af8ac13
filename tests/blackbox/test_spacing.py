"""Scale and format honesty: `serve --default-pixel-spacing`, the v2 fields
`pixel_spacing_guessed` and `lossy`, the request log line, and a legacy reply that does not
change. Driven over HTTP (and the CLI) against the real binary."""
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

import numpy as np

from server_fixture import (BIN, CLUSTER_CENTRE, ServerTestCase, encode,
                            synthetic_mammogram)
from test_dicom import mg_dicom

V2 = "/v2/detection/BreastCalcify"
LEGACY = "/detection/BreastCalcify"
# The old service's reply, as mammocad writes it: nothing but result (a string) and state.
LEGACY_SHAPE = re.compile(r'\{"result":"\[.*\]","state":0\}', re.S)


class Images:
    png = encode(synthetic_mammogram(), "PNG")  # 1024 px at 0.1 mm, no spacing in the file
    jpeg = encode(synthetic_mammogram(), "JPEG", quality=95)


def log_lines_with(server, text, timeout=10):
    """The server log's lines holding `text`, once there is one: a request's line is written
    after its reply has gone out, so it may lag behind the reply."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in server.read_log().splitlines() if text in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def v2_images(case, *files, **form):
    response = case.post(V2, files=[("images", f) for f in files], data=form)
    case.assertEqual(response.status_code, 200, response.text)
    return response.json()["images"]


class WithServerDefaultTest(ServerTestCase):
    server_args = ("--default-pixel-spacing", "0.1")

    def test_an_image_without_spacing_uses_the_server_default_not_a_guess(self):
        image, = v2_images(self, ("left.png", Images.png))
        self.assertEqual(image["pixel_spacing_source"], "server_default")
        self.assertEqual(image["pixel_spacing_mm"], 0.1)
        self.assertIs(image["pixel_spacing_guessed"], False)
        self.assertIs(image["lossy"], False)
        # At its true scale the inserted cluster is found.
        box = image["findings"][0]["box"]
        self.assertTrue(box["x"] <= CLUSTER_CENTRE[0] <= box["x"] + box["w"])

    def test_the_request_and_the_file_come_before_the_server_default(self):
        image, = v2_images(self, ("left.png", Images.png), pixel_spacing="0.07")
        self.assertEqual(image["pixel_spacing_source"], "request")
        self.assertIs(image["pixel_spacing_guessed"], False)
        pixels = np.asarray(synthetic_mammogram(bits=16), dtype=np.uint16)
        image, = v2_images(self, ("mg.dcm", mg_dicom(pixels, imager_spacing=0.085)))
        self.assertEqual(image["pixel_spacing_source"], "imager_pixel_spacing")
        self.assertEqual(image["pixel_spacing_mm"], 0.085)
        self.assertIs(image["lossy"], False)  # explicit VR little endian

    def test_the_legacy_reply_keeps_its_shape_byte_for_byte(self):
        files = [("images", ("pic1", Images.png))]
        by_default = self.post(LEGACY, files=files)
        by_request = self.post(LEGACY, files=files, data={"pixel_spacing": "0.1"})
        self.assertEqual(by_default.status_code, 200, by_default.text)
        self.assertRegex(by_default.text, LEGACY_SHAPE)
        # The same spacing from the server as from the request: the same bytes.
        self.assertEqual(by_default.content, by_request.content)
        reply = by_default.json()
        self.assertEqual(set(reply), {"state", "result"})
        for finding in json.loads(reply["result"]):
            self.assertEqual(len(finding), 5)

    def test_the_log_line_names_the_source(self):
        v2_images(self, ("Secret^Name.png", Images.png))
        lines = log_lines_with(self.server, "images=1 spacing=server_default lossy=0")
        self.assertTrue(lines, self.server.read_log())
        self.assertIn(f"POST {V2} -> 200", lines[0])
        self.assertNotIn("Secret", self.server.read_log())


class WithoutServerDefaultTest(ServerTestCase):
    def test_an_image_without_spacing_says_the_spacing_was_guessed(self):
        image, = v2_images(self, ("left.png", Images.png))
        self.assertEqual(image["pixel_spacing_source"], "default")
        self.assertAlmostEqual(image["pixel_spacing_mm"], 240.0 / 1024)
        self.assertIs(image["pixel_spacing_guessed"], True)

    def test_jpeg_is_lossy_and_png_is_not(self):
        png, jpeg = v2_images(self, ("a.png", Images.png), ("b.jpg", Images.jpeg))
        self.assertEqual((png["format"], jpeg["format"]), ("png", "jpeg"))
        self.assertIs(png["lossy"], False)
        self.assertIs(jpeg["lossy"], True)

    def test_the_log_line_says_guessed_and_lossy_per_image(self):
        # Three images: no other test of this class sends three.
        v2_images(self, ("a.png", Images.png), ("b.jpg", Images.jpeg), ("c.png", Images.png),
                  min_score="0.31")
        lines = log_lines_with(self.server, "images=3")
        self.assertEqual(len(lines), 1, self.server.read_log())
        self.assertIn(f" info POST {V2} -> 200 (", lines[0])  # one line per request
        self.assertTrue(lines[0].endswith(
            " images=3 spacing=default(guessed),default(guessed),default(guessed) lossy=0,1,0"),
            lines[0])
        self.assertNotIn("0.31", lines[0])  # form values stay out
        self.assertNotIn("b.jpg", self.server.read_log())  # and file names

    def test_the_legacy_reply_has_no_new_fields(self):
        response = self.post(LEGACY, files=[("images", ("pic1", Images.jpeg))])
        self.assertEqual(response.status_code, 200, response.text)
        self.assertRegex(response.text, LEGACY_SHAPE)
        self.assertNotIn("lossy", response.text)
        self.assertNotIn("guessed", response.text)


class DefaultSpacingFlagTest(unittest.TestCase):
    def test_an_out_of_range_default_stops_the_server_at_startup(self):
        for value in ("5", "0", "0.001"):
            done = subprocess.run([BIN, "serve", "--port", "0", "--default-pixel-spacing", value],
                                  capture_output=True, text=True, timeout=30)
            self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
            self.assertIn("default-pixel-spacing must be the mm per pixel, from 0.02 to 1.00",
                          done.stdout + done.stderr)

    def test_detect_takes_the_same_flag(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "left.png")
            with open(path, "wb") as f:
                f.write(Images.png)
            done = subprocess.run([BIN, "detect", "--format", "v2", "--default-pixel-spacing",
                                   "0.1", path], capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        image, = json.loads(done.stdout)["images"]
        self.assertEqual(image["pixel_spacing_source"], "server_default")
        self.assertIs(image["pixel_spacing_guessed"], False)


if __name__ == "__main__":
    unittest.main()
