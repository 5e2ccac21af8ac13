"""The old service's own Python client, exactly as its users wrote it (requests + PIL)."""
import json
import os
import tempfile
import unittest
from io import BytesIO

import requests
from PIL import Image

from server_fixture import ServerTestCase, encode, synthetic_mammogram


class LegacyClientTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp()
        cls.picture = os.path.join(cls.folder, "pic1.jpg")
        with open(cls.picture, "wb") as f:
            f.write(encode(synthetic_mammogram(), "JPEG", quality=95))

    def test_client_reads_result(self):
        url = self.url + "/detection/BreastCalcify"
        with open(self.picture, "rb") as f:
            response = requests.post(url, files=[('images', ('pic1', f, 'image/jpeg'))])
        text = response.text
        reply = json.loads(text)
        self.assertEqual(reply["state"], 0)
        boxes = json.loads(reply["result"])
        self.assertIsInstance(boxes, list)
        for score, x, y, w, h in boxes:
            self.assertTrue(0 <= score <= 1)

    def test_client_opens_debug_image(self):
        url = self.url + "/detection/BreastCalcify?debug"
        with open(self.picture, "rb") as f:
            response = requests.post(url, files=[('images', ('pic1', f, 'image/jpeg'))])
        image = Image.open(BytesIO(response.content))
        image.load()
        self.assertEqual(image.size, (1024, 1024))


if __name__ == "__main__":
    unittest.main()
