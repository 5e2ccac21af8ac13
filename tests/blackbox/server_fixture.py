"""Starts the real `mammocad serve` binary on a free loopback port for black-box tests.

The binary comes from the MAMMOCAD_BIN environment variable (ctest sets it). Every test
talks to it over HTTP only; nothing here knows its internals.
"""
import io
import os
import signal
import socket
import subprocess
import time
import unittest

import numpy as np
import requests
from PIL import Image

BIN = os.environ.get("MAMMOCAD_BIN", "build/src/mammocad")
SHARED_DATA = os.environ.get("MAMMOCAD_SHARED_DATA_DIR", "../shared/data")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    """A `mammocad serve` process; stop() sends SIGTERM and returns its exit code.
    With `ca_file` (a server started with --tls-cert), it is polled over HTTPS, verified
    against that certificate."""

    def __init__(self, *extra_args, ca_file=None):
        self.port = free_port()
        self.url = f"{'https' if ca_file else 'http'}://127.0.0.1:{self.port}"
        self.log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                     f"mammocad-blackbox-{self.port}.log"), "w+")
        self.process = subprocess.Popen(
            [BIN, "serve", "--host", "127.0.0.1", "--port", str(self.port), *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early with {self.process.returncode}: "
                                   + self.read_log())
            try:
                if requests.get(self.url + "/healthz", timeout=1,
                                verify=ca_file or True).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.process.kill()
        raise RuntimeError("server did not become healthy within 15 s")

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = "killed after SIGTERM timeout"
        self.log.close()
        return code


class ServerTestCase(unittest.TestCase):
    """One server for all tests of the class; asserts it is still alive and exits cleanly."""
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = RunningServer(*cls.server_args)
        cls.url = cls.server.url

    @classmethod
    def tearDownClass(cls):
        alive = cls.server.process.poll() is None
        code = cls.server.stop()
        assert alive, "the server died during the tests"
        assert code == 0, f"server exit code after SIGTERM: {code}"

    def post(self, path, files, data=None, params=None, **kwargs):
        return requests.post(self.url + path, files=files, data=data, params=params,
                             timeout=60, **kwargs)


# --- Test images (made here, independent of the C++ code) -------------------------------

CLUSTER_CENTRE = (640, 420)  # x, y in pixels of the synthetic test image
SPACING_MM = 0.1


def synthetic_mammogram(width=1024, height=1024, with_cluster=True, seed=7, bits=8):
    """A breast-shaped smooth background with noise and (optionally) one cluster of seven
    bright 0.4 mm spots around CLUSTER_CENTRE, at 0.1 mm per pixel."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    # Half ellipse attached to the left edge: the breast.
    inside = (xx / (0.85 * width)) ** 2 + ((yy - height / 2) / (0.48 * height)) ** 2 <= 1
    tissue = 0.45 + 0.12 * np.sin(xx / 57.0) * np.cos(yy / 83.0) - 0.15 * (xx / width)
    image = np.where(inside, tissue, 0.04)
    image += rng.normal(0, 0.006, image.shape)
    if with_cluster:
        cx, cy = CLUSTER_CENTRE
        offsets = [(0, 0), (18, 6), (-14, 12), (6, -20), (-20, -10), (25, -15), (-5, 24)]
        sigma = 1.3  # pixels: about 0.4 mm FWHM spots at 0.1 mm
        for dx, dy in offsets:
            image += 0.12 * np.exp(-((xx - cx - dx) ** 2 + (yy - cy - dy) ** 2) / (2 * sigma ** 2))
    image = np.clip(image, 0, 1)
    if bits == 16:
        return Image.fromarray((image * 65535).astype(np.uint16))
    return Image.fromarray((image * 255).astype(np.uint8))


def encode(image, fmt="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def mias_image(name):
    """Path of a mini-MIAS development image, or None when ../shared is absent."""
    path = os.path.join(SHARED_DATA, "mini-mias-dev", name)
    return path if os.path.exists(path) else None
