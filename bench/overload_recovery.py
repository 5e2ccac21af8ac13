#!/usr/bin/python3
"""Recovery after overload: a storm of wrk clients (bench/load/breast_calcify.lua) against a
fresh `mammocad serve`, then the time until /readyz answers 200 and one detection request is
back to its unloaded latency (within 2x). Prints key=value lines. Loopback only.

  bench/overload_recovery.py [--clients 200] [--seconds 20] [--image FILE] [--build-dir build]
"""
import argparse
import os
import socket
import subprocess
import tempfile
import time

import requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--image", default="")
    parser.add_argument("--build-dir", default="build")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    work = tempfile.mkdtemp()
    image = args.image
    if not image:
        subprocess.run(["/usr/bin/python3", os.path.join(root, "bench/make_images.py"), work],
                       check=True, stdout=subprocess.DEVNULL)
        image = os.path.join(work, "synthetic_3328x4096.jpg")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([os.path.join(root, args.build_dir, "src/mammocad"), "serve",
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        with open(image, "rb") as f:
            files = [("images", ("pic1", f.read()))]

        def one_request():
            start = time.monotonic()
            status = requests.post(url + "/detection/BreastCalcify", files=files,
                                   timeout=120).status_code
            return status, time.monotonic() - start

        baseline = min(one_request()[1] for _ in range(3))
        env = dict(os.environ, MAMMOCAD_LOAD_IMAGE=image, MAMMOCAD_LOAD_ALLOW_503="1")
        subprocess.run(["wrk", "-t", "2", "-c", str(args.clients), "-d", f"{args.seconds}s",
                        "--timeout", "30s", "-s", os.path.join(root, "bench/load/breast_calcify.lua"),
                        url], env=env, check=True, stdout=subprocess.DEVNULL)
        storm_end = time.monotonic()
        ready_after = None
        while ready_after is None:
            if requests.get(url + "/readyz", timeout=10).status_code == 200:
                ready_after = time.monotonic() - storm_end
            else:
                time.sleep(0.05)
        while True:
            status, latency = one_request()
            if status == 200 and latency <= 2 * baseline:
                break
        normal_after = time.monotonic() - storm_end
        print(f"clients={args.clients} storm_seconds={args.seconds} image={os.path.basename(image)}")
        print(f"baseline_ms={baseline * 1000:.0f}")
        print(f"ready_after_s={ready_after:.2f}")
        print(f"normal_latency_after_s={normal_after:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
