"""Access (issue 16, item 5): bearer-token authentication, answered at the headers; TLS with a
certificate made here by the openssl CLI, and client certificates; the startup refusals of
files that cannot be used. The probes stay open to orchestrators without credentials."""
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


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def self_signed(directory, name, subject, ip=None):
    """A self-signed certificate and its unencrypted key: (cert path, key path)."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    extra = ["-addext", f"subjectAltName=IP:{ip}"] if ip else []
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-days", "1",
            "-keyout", key, "-out", cert, *extra)
    return cert, key


def signed_by(directory, name, subject, ca_cert, ca_key):
    """A client certificate that `ca_cert` signed: (cert path, key path)."""
    csr, cert, key = (os.path.join(directory, name + ext) for ext in (".csr", ".pem", ".key"))
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key,
            "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "1", "-out", cert)
    return cert, key


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        cls.cert, cls.key = self_signed(d, "server", "/CN=127.0.0.1", ip="127.0.0.1")
        cls.ca_cert, cls.ca_key = self_signed(d, "client-ca", "/CN=mammocad test client CA")
        cls.client = signed_by(d, "client", "/CN=pacs-gateway", cls.ca_cert, cls.ca_key)
        cls.stranger = self_signed(d, "stranger", "/CN=not signed by the CA")
        cls.jpeg = encode(synthetic_mammogram(512, 512))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def serve(self, *args):
        server = RunningServer("--tls-cert", self.cert, "--tls-key", self.key, *args,
                               ca_file=self.cert)
        self.addCleanup(lambda: self.assertEqual(server.stop(), 0))
        return server

    def detect(self, server, **kwargs):
        return requests.post(server.url + LEGACY, files={"images": ("m.jpg", self.jpeg)},
                             verify=self.cert, timeout=60, **kwargs)

    def test_https_serves_and_plain_http_is_refused(self):
        server = self.serve()
        reply = requests.get(server.url + "/healthz", verify=self.cert, timeout=10)
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(self.detect(server).json()["state"], 0)
        with self.assertRaises(requests.RequestException):
            requests.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5)
        self.assertEqual(self.detect(server).status_code, 200, "still serving after plain HTTP")

    def test_client_certificates_signed_by_the_ca_are_required(self):
        server = self.serve("--tls-client-ca", self.ca_cert)
        self.assertEqual(self.detect(server, cert=self.client).status_code, 200)
        for name, cert in (("no certificate", None), ("another CA's", self.stranger)):
            with self.subTest(name):
                reply = self.detect(server, cert=cert)
                self.assertEqual(reply.status_code, 401, reply.text[:300])
                self.assertEqual(reply.json()["state"], 17)
        probe = requests.get(server.url + "/readyz", verify=self.cert, timeout=10)
        self.assertEqual(probe.status_code, 200, "probes need no client certificate")

    def test_token_and_tls_together(self):
        token_file = write_file(self.dir.name, "tokens", TOKEN + "\n")
        server = self.serve("--auth-token-file", token_file)
        self.assertEqual(self.detect(server).status_code, 401)
        reply = self.detect(server, headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(reply.status_code, 200)


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

    def test_unusable_tls_files_stop_the_start(self):
        with tempfile.TemporaryDirectory() as d:
            cert, key = self_signed(d, "server", "/CN=127.0.0.1")
            self.refused("both --tls-cert and --tls-key", "--tls-cert", cert)
            self.refused("cannot read the TLS key file",
                         "--tls-cert", cert, "--tls-key", os.path.join(d, "absent.key"))
            self.refused("holds no PEM private key", "--tls-cert", cert, "--tls-key", cert)
            self.refused("needs TLS", "--tls-client-ca", cert)


if __name__ == "__main__":
    unittest.main()
