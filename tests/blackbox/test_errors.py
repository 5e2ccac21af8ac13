"""Every error case: the right HTTP status, a non-zero state from the documented table and a
message naming the problem; the server keeps serving afterwards."""
import socket
import threading
import unittest

import requests

from server_fixture import ServerTestCase, encode, synthetic_mammogram

PATH = "/detection/BreastCalcify"

# The documented table (docs/api.md): name -> (state, HTTP status).
STATES = {
    "no_images": (1, 400), "empty_file": (2, 400), "bad_parameter": (3, 400),
    "payload_too_large": (4, 413), "too_many_pixels": (5, 413), "unsupported_format": (6, 415),
    "corrupt_image": (8, 422), "not_found": (10, 404), "method_not_allowed": (11, 405),
}


class ErrorTest(ServerTestCase):
    # Small limits so the size errors are cheap to provoke.
    server_args = ("--max-image-mb", "2", "--max-request-mb", "4", "--max-pixels", "2000000",
                   "--max-images", "4")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jpeg = encode(synthetic_mammogram(width=512, height=512), "JPEG")

    def assert_error(self, response, name, *words):
        state, http = STATES[name]
        self.assertEqual(response.status_code, http, response.text)
        reply = response.json()
        self.assertEqual(reply["state"], state, reply)
        self.assertIsInstance(reply["result"], str)
        for word in words:
            self.assertIn(word, reply["result"])
        return reply

    def tearDown(self):
        # After every error the server still answers a good request.
        ok = self.post(PATH, files=[("images", ("pic", self.jpeg, "image/jpeg"))])
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.json()["state"], 0)

    def test_no_images_field(self):
        self.assert_error(self.post(PATH, files=[("image", ("pic", self.jpeg))]), "no_images",
                          "images")

    def test_form_without_files(self):
        self.assert_error(self.post(PATH, files={"level": (None, "cluster")}), "no_images")

    def test_not_multipart(self):
        self.assert_error(requests.post(self.url + PATH, data=b"raw", timeout=10), "no_images",
                          "multipart")

    def test_post_without_body_is_answered_at_once(self):
        self.assert_error(requests.post(self.url + PATH, timeout=5), "no_images")

    def test_empty_file(self):
        self.assert_error(self.post(PATH, files=[("images", ("pic1", b""))]), "empty_file",
                          "pic1", "empty")

    def test_bytes_that_are_no_image(self):
        self.assert_error(self.post(PATH, files=[("images", ("notes.txt", b"hello " * 100))]),
                          "unsupported_format", "notes.txt", "not an image")

    def test_truncated_jpeg(self):
        self.assert_error(self.post(PATH, files=[("images", ("cut.jpg", self.jpeg[:600]))]),
                          "corrupt_image", "cut.jpg")

    def test_second_image_bad_names_it(self):
        reply = self.assert_error(
            self.post(PATH, files=[("images", ("good", self.jpeg)), ("images", ("bad", b"x"))]),
            "unsupported_format", "image 2", "bad")
        self.assertNotIn("image 1", reply["result"])

    def test_file_over_byte_limit(self):
        big = b"\xff\xd8\xff" + b"\0" * (3 << 20)
        self.assert_error(self.post(PATH, files=[("images", ("big.jpg", big))]),
                          "payload_too_large", "limit")

    def test_request_over_byte_limit(self):
        big = b"\0" * (5 << 20)
        response = self.post(PATH, files=[("images", ("big.jpg", big))])
        self.assert_error(response, "payload_too_large")

    def test_image_over_pixel_limit(self):
        wide = encode(synthetic_mammogram(width=2000, height=1100), "PNG")
        self.assert_error(self.post(PATH, files=[("images", ("wide.png", wide))]),
                          "too_many_pixels", "2000x1100")

    def test_too_many_images(self):
        files = [("images", (f"p{i}", self.jpeg)) for i in range(5)]
        self.assert_error(self.post(PATH, files=files), "payload_too_large", "4 images")

    def test_bad_form_values(self):
        files = [("images", ("pic", self.jpeg))]
        for field, value in [("min_score", "abc"), ("min_score", "1.5"), ("pixel_spacing", "-1"),
                             ("pixel_spacing", "nan"), ("level", "lesion")]:
            with self.subTest(field=field, value=value):
                self.assert_error(self.post(PATH, files=files, data={field: value}),
                                  "bad_parameter", field)

    def test_wrong_method(self):
        response = requests.get(self.url + PATH, timeout=5)
        self.assert_error(response, "method_not_allowed", "GET")
        self.assertEqual(response.headers["Allow"], "POST")
        self.assert_error(requests.delete(self.url + "/healthz", timeout=5),
                          "method_not_allowed")

    def test_unknown_path(self):
        self.assert_error(requests.post(self.url + "/detection/Other",
                                        files=[("images", ("pic", self.jpeg))], timeout=5),
                          "not_found", "/detection/Other")

    def test_v2_errors_use_the_same_table(self):
        response = self.post("/v2" + PATH, files=[("images", ("pic1", b""))])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], STATES["empty_file"][0])

    def test_garbage_and_stalled_clients_do_not_block_others(self):
        # A client that sends half a request and stalls, and one that sends garbage.
        stalled = socket.create_connection(("127.0.0.1", self.server.port))
        stalled.sendall(b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Length: 100000\r\nContent-Type: multipart/form-data; "
                        b"boundary=zz\r\n\r\n--zz\r\n")
        garbage = socket.create_connection(("127.0.0.1", self.server.port))
        garbage.sendall(b"\x00\x01\x02 nonsense \r\n\r\n")
        results = []

        def good_request():
            r = self.post(PATH, files=[("images", ("pic", self.jpeg))])
            results.append(r.status_code)

        threads = [threading.Thread(target=good_request) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        stalled.close()
        garbage.close()
        self.assertEqual(results, [200] * 4)


if __name__ == "__main__":
    unittest.main()
