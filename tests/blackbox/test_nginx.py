"""deploy/nginx/mammocad.conf in front of three real instances on loopback (Debian's nginx).

The shipped file is used as it is, with only its four ports and its access-log path replaced,
inside a generated main config that keeps everything nginx writes in a temporary directory
(no systemd, no /etc/nginx, no /var/lib/nginx). An instance killed (or stopped) under load
must not cost a single request: nginx resends what the dead instance had accepted.
"""
import collections
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import requests

from server_fixture import RunningServer, encode, free_port, synthetic_mammogram

NGINX = "/usr/sbin/nginx"
SHIPPED = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "deploy", "nginx", "mammocad.conf")
PATH = "/detection/BreastCalcify"
SHIPPED_PORTS = {"listen": 9100, "upstream": [9101, 9102, 9103]}

MAIN_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log info;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/mammocad.conf;
}}
"""


def site_config(text, listen_port, upstream_ports, access_log):
    """The shipped site with its ports and access log replaced; fails if they moved."""
    listen = f"listen 127.0.0.1:{SHIPPED_PORTS['listen']};"
    assert text.count(listen) == 1, "the shipped file no longer listens on 127.0.0.1:9100"
    text = text.replace(listen, f"listen 127.0.0.1:{listen_port};")
    for shipped, port in zip(SHIPPED_PORTS["upstream"], upstream_ports):
        server = f"server 127.0.0.1:{shipped} "
        assert text.count(server) == 2, f"127.0.0.1:{shipped} is not a server and a backup"
        text = text.replace(server, f"server 127.0.0.1:{port} ")
    log = "access_log /var/log/nginx/mammocad.access.log mammocad;"
    assert text.count(log) == 1, "the shipped access_log line changed"
    return text.replace(log, f"access_log {access_log} mammocad;")


def served_200s(server):
    """200s of the detection route an instance counted (its own /metrics)."""
    text = requests.get(server.url + "/metrics", timeout=10).text
    match = re.search(r'mammocad_http_requests_total\{route="/detection/BreastCalcify",'
                      r'status="200"\} (\d+)', text)
    return int(match.group(1)) if match else 0


def busy(server):
    """Requests an instance holds right now: computing plus waiting in its queue."""
    text = requests.get(server.url + "/metrics", timeout=10).text
    values = [int(float(v)) for v in
              re.findall(r"^mammocad_(?:in_flight|queue_depth) (\S+)$", text, re.M)]
    return sum(values)


NEEDS_NGINX = unittest.skipUnless(
    os.access(NGINX, os.X_OK),
    f"{NGINX} is absent: apt-get install nginx-light (scripts/install-deps.sh)")


class NginxFixture(unittest.TestCase):
    """Three instances and nginx with the shipped site in front of them."""
    # The quick hand-made score: the tests are about routing, not about the network.
    # One worker each, so a busy instance holds queued requests as well.
    INSTANCE_ARGS = ("--threads", "1", "--scorer", "handmade")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mammocad-nginx-")
        self.instances = [RunningServer(*self.INSTANCE_ARGS) for _ in range(3)]
        self.port = free_port()
        self.access_log = os.path.join(self.tmp, "access.log")
        with open(SHIPPED) as f:
            site = site_config(f.read(), self.port, [s.port for s in self.instances],
                               self.access_log)
        with open(os.path.join(self.tmp, "mammocad.conf"), "w") as f:
            f.write(site)
        user = "user root root;" if os.geteuid() == 0 else ""  # workers write self.tmp
        with open(os.path.join(self.tmp, "nginx.conf"), "w") as f:
            f.write(MAIN_CONF.format(tmp=self.tmp, user=user))
        self.nginx = subprocess.Popen(
            [NGINX, "-p", self.tmp, "-c", os.path.join(self.tmp, "nginx.conf"),
             "-e", os.path.join(self.tmp, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while True:
            if self.nginx.poll() is not None:
                self.fail(f"nginx exited with {self.nginx.returncode}: {self.error_log()}")
            try:
                requests.get(self.url + "/healthz", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    self.fail("nginx did not listen within 10 s: " + self.error_log())
                time.sleep(0.05)
        self.image = encode(synthetic_mammogram(width=512, height=512), "PNG")

    def tearDown(self):
        self.nginx.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            self.nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.nginx.kill()
            self.nginx.wait()
        for server in self.instances:
            if server.process.poll() is None:
                server.stop()
            else:
                server.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def error_log(self):
        try:
            with open(os.path.join(self.tmp, "error.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return "(no error log)"



@NEEDS_NGINX
class NginxBalancerTest(NginxFixture):
    CLIENTS = 6

    def run_load(self, disrupt):
        """CLIENTS threads post detections through nginx until stopped; disrupt(done) runs in
        the main thread once 30 have finished. Returns every (status, body) seen."""
        results, lock, stop = [], threading.Lock(), threading.Event()

        def client(number):
            session = requests.Session()
            i = 0
            while not stop.is_set():
                i += 1
                rid = f"nginx-test-{number}-{i}"
                try:
                    r = session.post(self.url + PATH, files=[("images", ("p.png", self.image))],
                                     headers={"X-Request-Id": rid}, timeout=60)
                    outcome = (r.status_code, r.text, r.headers.get("X-Request-Id"), rid)
                except requests.RequestException as e:
                    outcome = ("error", type(e).__name__, None, rid)
                with lock:
                    results.append(outcome)
            session.close()

        def done():
            with lock:
                return len(results)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(self.CLIENTS)]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 30
            while done() < 30 and time.monotonic() < deadline:
                time.sleep(0.02)
            self.assertGreaterEqual(done(), 30, "the load did not start")
            disrupt(done)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=70)
        return results

    def kill_mid_load(self, sig):
        victim, survivors = self.instances[0], self.instances[1:]
        before = {}

        def disrupt(done):
            self.assertGreater(served_200s(victim), 0, "nginx sent the victim nothing")
            # Strike while the victim holds requests, so some die with it.
            deadline = time.monotonic() + 10
            while busy(victim) == 0 and time.monotonic() < deadline:
                time.sleep(0.002)
            victim.process.send_signal(sig)
            before.update({s.port: served_200s(s) for s in survivors})
            before["done"] = done()
            # The stream goes on: 60 more replies on two instances.
            deadline = time.monotonic() + 30
            while done() < before["done"] + 60 and time.monotonic() < deadline:
                time.sleep(0.05)

        results = self.run_load(disrupt)
        failed = [r[:2] for r in results if r[0] != 200 or '"state":0' not in r[1]]
        self.assertEqual(failed, [], f"{len(failed)} of {len(results)} requests lost; nginx: "
                         + self.error_log()[-1500:])
        self.assertGreaterEqual(len(results), before["done"] + 60, "the stream stalled")
        # Every reply is the answer to its own request (ids kept through nginx).
        self.assertEqual([r for r in results if r[2] != r[3]], [])
        for s in survivors:
            self.assertGreater(served_200s(s), before[s.port],
                               f"instance {s.port} got nothing after the kill")
        return victim

    def retried_lines(self, victim):
        """Access lines of requests nginx tried on the victim first and then elsewhere."""
        with open(self.access_log) as f:
            return [line for line in f
                    if re.search(rf"upstream=127\.0\.0\.1:{victim.port}, 127\.0\.0\.1:\d+", line)]

    def test_sigkill_mid_load_loses_no_request(self):
        victim = self.kill_mid_load(signal.SIGKILL)
        self.assertEqual(victim.process.wait(timeout=10), -signal.SIGKILL)
        # Some requests were resent from the dead instance to a live one.
        self.assertNotEqual(self.retried_lines(victim), [])

    def test_sigterm_mid_load_loses_no_request_and_drains(self):
        victim = self.kill_mid_load(signal.SIGTERM)
        self.assertEqual(victim.process.wait(timeout=40), 0)

    def test_limits_and_refusals_at_the_proxy(self):
        # Over --max-request-mb (128): nginx answers 413 itself; no instance sees the body.
        big = b"x" * (129 * 1024 * 1024)
        r = requests.post(self.url + PATH, data=big, timeout=60,
                          headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(r.status_code, 413)
        self.assertEqual(requests.get(self.url + "/metrics", timeout=10).status_code, 404)
        self.assertEqual(requests.get(self.url + "/healthz", timeout=10).status_code, 200)
        # A request id made by nginx when the client sends none: 32 hex digits.
        r = requests.post(self.url + PATH, files=[("images", ("p.png", self.image))], timeout=60)
        self.assertEqual(r.status_code, 200)
        self.assertRegex(r.headers.get("X-Request-Id", ""), r"^[0-9a-f]{32}$")


@NEEDS_NGINX
class NginxOverloadTest(NginxFixture):
    INSTANCE_ARGS = ("--threads", "1", "--max-queue", "1", "--retry-after", "3",
                     "--scorer", "handmade")

    def test_all_instances_full_gives_their_503_not_a_502(self):
        # 30 clients at once on 3 workers with a queue of 1 each: most are refused. Their 503s
        # mark the three servers down; the backups must still hand the client the instances'
        # own 503 + Retry-After (or a 200), never nginx's 502 "no live upstreams".
        image = encode(synthetic_mammogram(width=1536, height=1536), "JPEG")

        def post(_):
            r = requests.post(self.url + PATH, files=[("images", ("p.jpg", image))], timeout=60)
            return r.status_code, r.headers.get("Retry-After"), r.text

        with concurrent.futures.ThreadPoolExecutor(30) as pool:
            results = [result for _ in range(3) for result in pool.map(post, range(60))]
        statuses = collections.Counter(status for status, _, _ in results)
        self.assertEqual(set(statuses) - {200, 503}, set(), statuses)
        self.assertIn(503, statuses, "no overload reached the client: not a test")
        for status, retry_after, body in results:
            if status == 503:
                self.assertEqual(retry_after, "3")
                self.assertIn('"state":15', body)
            else:
                self.assertIn('"state":0', body)


if __name__ == "__main__":
    unittest.main()
