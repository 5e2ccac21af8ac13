"""`mammocad detect FILE...`: the same JSON as the server, for files on disk."""
import json
import os
import subprocess
import tempfile
import unittest

from PIL import Image

from server_fixture import BIN, CLUSTER_CENTRE, RunningServer, encode, synthetic_mammogram

import requests


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp()
        cls.with_cluster = os.path.join(cls.folder, "left.png")
        cls.without = os.path.join(cls.folder, "right.jpg")
        with open(cls.with_cluster, "wb") as f:
            f.write(encode(synthetic_mammogram(), "PNG"))
        with open(cls.without, "wb") as f:
            f.write(encode(synthetic_mammogram(with_cluster=False), "JPEG"))

    def test_same_json_as_the_server(self):
        done = run("detect", "--pixel-spacing", "0.1", self.with_cluster, self.without)
        self.assertEqual(done.returncode, 0, done.stderr)
        cli_reply = json.loads(done.stdout)
        server = RunningServer()
        try:
            with open(self.with_cluster, "rb") as a, open(self.without, "rb") as b:
                http_reply = requests.post(
                    server.url + "/detection/BreastCalcify",
                    files=[("images", ("left.png", a)), ("images", ("right.jpg", b))],
                    data={"pixel_spacing": "0.1"}, timeout=60).json()
        finally:
            self.assertEqual(server.stop(), 0)
        self.assertEqual(cli_reply, http_reply)
        per_image = json.loads(cli_reply["result"])
        self.assertEqual(len(per_image), 2)
        self.assertTrue(per_image[0])

    def test_v2_and_debug_out(self):
        out = os.path.join(self.folder, "marked")
        done = run("detect", "--format", "v2", "--pixel-spacing", "0.1", "--debug-out", out,
                   self.with_cluster)
        self.assertEqual(done.returncode, 0, done.stderr)
        reply = json.loads(done.stdout)
        box = reply["images"][0]["findings"][0]["box"]
        self.assertTrue(box["x"] <= CLUSTER_CENTRE[0] <= box["x"] + box["w"])
        marked = Image.open(os.path.join(out, "left.debug.jpg"))
        self.assertEqual(marked.size, (1024, 1024))

    def test_errors_exit_non_zero_with_a_message(self):
        done = run("detect", os.path.join(self.folder, "missing.png"))
        self.assertNotEqual(done.returncode, 0)
        reply = json.loads(done.stdout)
        self.assertNotEqual(reply["state"], 0)
        self.assertIn("missing.png", reply["result"])
        bad = run("detect", "--level", "lesion", self.with_cluster)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("level", json.loads(bad.stdout)["result"])


if __name__ == "__main__":
    unittest.main()
