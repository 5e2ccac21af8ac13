"""Access (issue 16, item 5): bearer-token authentication, answered at the headers, and the
startup refusals of token files that cannot be used. The probes stay open to orchestrators
without credentials."""
import os
import socket
import subprocess
import tempfile
import time
import unittest

import requests

from server_fixture import BIN, RunningServer, ServerTestCase, encode, free_port, \
    synthetic_mammogram

LEGACY = "/detection/BreastCalcify"
V2 = "/v2/detection/BreastCalcify"
TOKEN = "test-token-0f9a8b7c6d5e4f3a2b1c"
OTHER_TOKEN = "second-token-zyxwvutsrqponmlk"


def write_file(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def read_reply(sock, timeout):
    """Everything the server sends on `sock` until it closes or `timeout` passes."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return data


class BearerTokenTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        tokens = write_file(cls.dir.name, "tokens",
                            f"# the PACS gateway\n{TOKEN}\n\n{OTHER_TOKEN}\n")
        cls.server_args = ("--auth-token-file", tokens)
        super().setUpClass()
        cls.jpeg = encode(synthetic_mammogram(512, 512))

    @classmethod
    def tearDownClass(cls):
        log = cls.server.read_log()
        super().tearDownClass()
        cls.dir.cleanup()
        assert TOKEN not in log and OTHER_TOKEN not in log, "a token was logged"

    def detect(self, path, headers=None):
        return requests.post(self.url + path, files={"images": ("m.jpg", self.jpeg)},
                             headers=headers or {}, timeout=60)

    def assert_unauthorized(self, reply):
        self.assertEqual(reply.status_code, 401, reply.text[:300])
        self.assertTrue(reply.headers.get("WWW-Authenticate", "").startswith("Bearer"),
                        reply.headers)
        self.assertEqual(reply.json()["state"], 17)

    def test_legacy_route_without_token_is_401_in_the_legacy_shape(self):
        reply = self.detect(LEGACY)
        self.assert_unauthorized(reply)
        self.assertIsInstance(reply.json()["result"], str)

    def test_v2_route_without_token_is_401_in_the_v2_shape(self):
        reply = self.detect(V2)
        self.assert_unauthorized(reply)
        self.assertEqual(reply.json()["error"]["name"], "unauthorized")

    def test_wrong_token_and_wrong_scheme_are_401(self):
        for value in ("Bearer not-the-token-at-all-000", f"Basic {TOKEN}", TOKEN,
                      f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"):
            with self.subTest(value=value):
                reply = self.detect(LEGACY, {"Authorization": value})
                self.assert_unauthorized(reply)
                self.assertIn("invalid_token" if value.startswith("Bearer") else "Bearer",
                              reply.headers["WWW-Authenticate"])

    def test_right_tokens_get_a_detection(self):
        for token in (TOKEN, OTHER_TOKEN):
            with self.subTest(token=token[:6]):
                reply = self.detect(LEGACY, {"Authorization": f"Bearer {token}"})
                self.assertEqual(reply.status_code, 200, reply.text[:300])
                self.assertEqual(reply.json()["state"], 0)
        reply = self.detect(V2, {"Authorization": f"bearer {TOKEN}"})
        self.assertEqual(reply.status_code, 200, reply.text[:300])

    def test_probes_need_no_token_metrics_does(self):
        for probe in ("/healthz", "/readyz"):
            self.assertEqual(requests.get(self.url + probe, timeout=10).status_code, 200)
        self.assertEqual(requests.get(self.url + "/metrics", timeout=10).status_code, 401)
        metrics = requests.get(self.url + "/metrics", timeout=10,
                               headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(metrics.status_code, 200)
        self.assertIn('status="401"', metrics.text)  # refusals are counted

    def test_unknown_paths_need_the_token_too(self):
        self.assertEqual(requests.get(self.url + "/no/such", timeout=10).status_code, 401)

    def test_large_upload_without_token_is_refused_before_the_body(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as sock:
            sock.sendall((f"POST {LEGACY} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n"
                          "Content-Type: multipart/form-data; boundary=zz\r\n\r\n").encode())
            started = time.monotonic()
            reply = read_reply(sock, timeout=10)  # no body byte sent: only a refusal at the
            elapsed = time.monotonic() - started  # headers can answer (and then close)
        self.assertTrue(reply.startswith(b"HTTP/1.1 401"), reply[:300])
        self.assertIn(b'"state":17', reply)
        self.assertLess(elapsed, 5, "the server waited for the body before refusing")



class StartupRefusalTest(unittest.TestCase):
    """Access files that cannot be used stop the start: exit 1 with a message naming why."""

    def refused(self, expect_in_log, *args):
        log = subprocess.run([BIN, "serve", "--host", "127.0.0.1", "--port", str(free_port()),
                              *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(log.returncode, 1, log.stdout + log.stderr)
        self.assertIn(expect_in_log, log.stdout + log.stderr)
        return log.stdout + log.stderr

    def test_missing_empty_and_weak_token_files_stop_the_start(self):
        with tempfile.TemporaryDirectory() as d:
            self.refused("cannot read the token file",
                         "--auth-token-file", os.path.join(d, "absent"))
            self.refused("holds no token",
                         "--auth-token-file", write_file(d, "empty", "# no token yet\n\n"))
            output = self.refused("shorter than 16",
                                  "--auth-token-file", write_file(d, "weak", "hunter2\n"))
            self.assertNotIn("hunter2", output)


if __name__ == "__main__":
    unittest.main()
