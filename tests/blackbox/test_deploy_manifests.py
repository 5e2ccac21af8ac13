"""deploy/k8s/*.yaml and deploy/nginx/mammocad.conf agree with the server and the measurements.

No cluster is involved: the manifests are parsed (python3-yaml) and checked against what the
binary accepts (`mammocad serve --help`), the metric names it exports (src/server/metrics.cc),
the shipped config's limits (deploy/mammocad.conf) and the peak memory in bench/README.md.
"""
import os
import re
import subprocess
import unittest

from server_fixture import BIN

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh)
    yaml = None

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


def mebibytes(quantity):
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()
    return int(number) * (1024 if unit == "Gi" else 1)


@unittest.skipIf(yaml is None, "python3-yaml is absent: apt-get install python3-yaml")
class KubernetesManifestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = {}
        for name in ("deployment", "service", "hpa"):
            documents = list(yaml.safe_load_all(read("deploy", "k8s", name + ".yaml")))
            assert len(documents) == 1, name
            cls.docs[name] = documents[0]
        cls.deployment = cls.docs["deployment"]
        cls.pod = cls.deployment["spec"]["template"]["spec"]
        cls.container = cls.pod["containers"][0]
        cls.args = dict(a.lstrip("-").split("=", 1) for a in cls.container["args"] if "=" in a)

    def test_kinds_and_api_versions(self):
        self.assertEqual((self.deployment["apiVersion"], self.deployment["kind"]),
                         ("apps/v1", "Deployment"))
        self.assertEqual((self.docs["service"]["apiVersion"], self.docs["service"]["kind"]),
                         ("v1", "Service"))
        self.assertEqual((self.docs["hpa"]["apiVersion"], self.docs["hpa"]["kind"]),
                         ("autoscaling/v2", "HorizontalPodAutoscaler"))

    def test_container_runs_serve_with_flags_the_binary_accepts(self):
        self.assertEqual(self.container["args"][0], "serve")
        self.assertEqual(self.args["host"], "0.0.0.0")
        self.assertEqual(self.args["port"], "9001")
        help_text = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True,
                                   timeout=30).stdout
        for flag in self.args:
            self.assertRegex(help_text, rf"--{re.escape(flag)}(?![\w-])",
                             f"serve has no --{flag}")

    def test_probes(self):
        port_names = {p["name"]: p["containerPort"] for p in self.container["ports"]}
        self.assertEqual(port_names["http"], int(self.args["port"]))
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"),
                            ("startupProbe", "/healthz")):
            get = self.container[probe]["httpGet"]
            self.assertEqual(get["path"], path, probe)
            self.assertIn(get["port"], ("http", 9001), probe)

    def test_grace_period_covers_prestop_and_drain(self):
        pre_stop = self.container["lifecycle"]["preStop"]["exec"]["command"]
        self.assertEqual(pre_stop[0], "sleep")
        drain = int(self.args["drain-timeout"])
        self.assertGreater(self.pod["terminationGracePeriodSeconds"], int(pre_stop[1]) + drain)

    def test_one_worker_per_cpu_and_memory_from_the_measurements(self):
        resources = self.container["resources"]
        cpus = int(resources["limits"]["cpu"])
        self.assertEqual(int(self.args["threads"]), cpus)
        self.assertEqual(int(resources["requests"]["cpu"]), cpus)
        # Peak RSS figures of bench/README.md's tables (2 workers, the machine measured).
        bench = read("bench", "README.md")
        peaks = [int(mb) for mb in re.findall(r"\| \**(\d+) MB\** \|$", bench, re.M)]
        self.assertGreater(len(peaks), 5, "bench/README.md's peak RSS column not found")
        # Before the overload section: 1 and 8 clients, 60 s and 600 s (the steady state).
        steady = max(int(mb) for mb in re.findall(r"\| \**(\d+) MB\** \|$",
                                                  bench.split("## Overload")[0], re.M))
        self.assertGreaterEqual(steady, 300)
        self.assertGreaterEqual(mebibytes(resources["requests"]["memory"]) * 1.048576, steady)
        self.assertGreater(mebibytes(resources["limits"]["memory"]) * 1.048576, max(peaks))

    def test_service_selects_the_pods(self):
        service = self.docs["service"]["spec"]
        labels = self.deployment["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(self.deployment["spec"]["selector"]["matchLabels"], labels)
        self.assertTrue(service["selector"].items() <= labels.items())
        self.assertEqual(service["ports"][0]["targetPort"], "http")

    def test_hpa_scales_the_deployment_on_the_queue_depth_metric(self):
        hpa = self.docs["hpa"]["spec"]
        self.assertEqual(hpa["scaleTargetRef"]["kind"], "Deployment")
        self.assertEqual(hpa["scaleTargetRef"]["name"], self.deployment["metadata"]["name"])
        (metric,) = hpa["metrics"]
        self.assertEqual(metric["type"], "Pods")
        name = metric["pods"]["metric"]["name"]
        self.assertEqual(name, "mammocad_queue_depth")
        self.assertIn(f'"{name}"', read("src", "server", "metrics.cc"))
        target = float(metric["pods"]["target"]["averageValue"])
        self.assertTrue(0 < target < int(self.args["max-queue"]))
        self.assertGreaterEqual(hpa["minReplicas"], 2)
        self.assertIn("prometheus-adapter", read("deploy", "k8s", "hpa.yaml"))


@unittest.skipIf(yaml is None, "python3-yaml is absent: apt-get install python3-yaml")
class BatchJobManifestTest(unittest.TestCase):
    """deploy/k8s/batch-job.yaml: an Indexed Job whose index is the --shard of `batch`."""

    @classmethod
    def setUpClass(cls):
        (cls.job,) = list(yaml.safe_load_all(read("deploy", "k8s", "batch-job.yaml")))
        cls.pod = cls.job["spec"]["template"]["spec"]
        cls.container = cls.pod["containers"][0]
        cls.args = dict(a.lstrip("-").split("=", 1) for a in cls.container["args"] if "=" in a)

    def test_an_indexed_job_running_batch(self):
        self.assertEqual((self.job["apiVersion"], self.job["kind"]), ("batch/v1", "Job"))
        self.assertEqual(self.job["spec"]["completionMode"], "Indexed")
        self.assertEqual(self.container["args"][0], "batch")
        self.assertLessEqual(self.job["spec"]["parallelism"], self.job["spec"]["completions"])

    def test_the_completion_index_is_the_shard_of_as_many_shards_as_completions(self):
        completions = self.job["spec"]["completions"]
        self.assertEqual(self.args["shard"], f"$(JOB_COMPLETION_INDEX)/{completions}")
        (env,) = [e for e in self.container["env"] if e["name"] == "JOB_COMPLETION_INDEX"]
        self.assertEqual(env["valueFrom"]["fieldRef"]["fieldPath"],
                         "metadata.annotations['batch.kubernetes.io/job-completion-index']")

    def test_flags_the_binary_accepts_and_jobs_equal_to_the_cpu_limit(self):
        help_text = subprocess.run([BIN, "batch", "--help"], capture_output=True, text=True,
                                   timeout=30).stdout
        flags = [a.lstrip("-").split("=", 1)[0] for a in self.container["args"]
                 if a.startswith("--")]
        for flag in flags:
            self.assertRegex(help_text, rf"--{re.escape(flag)}(?![\w-])",
                             f"batch has no --{flag}")
        self.assertEqual(int(self.args["jobs"]), int(self.container["resources"]["limits"]["cpu"]))
        mounts = {m["mountPath"]: m for m in self.container["volumeMounts"]}
        self.assertTrue(mounts[self.container["args"][1]]["readOnly"])
        self.assertIn(self.args["out"], mounts)


class NginxConfigTest(unittest.TestCase):
    def setUp(self):
        # Without comments: only the directives count.
        self.conf = re.sub(r"#.*", "", read("deploy", "nginx", "mammocad.conf"))

    def test_body_limit_matches_the_servers(self):
        server_mb = re.search(r"^max-request-mb = (\d+)$", read("deploy", "mammocad.conf"),
                              re.M).group(1)
        self.assertRegex(self.conf, rf"client_max_body_size {server_mb}m;")
        self.assertRegex(self.conf, r"client_body_buffer_size \d+m;")

    def test_retries_cover_every_instance_and_post(self):
        servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ max_fails=\d+ fail_timeout=\d+s;",
                             self.conf, re.M)
        self.assertEqual(len(servers), 3)
        main = re.search(r"location / \{(.*?)\n    \}", self.conf, re.S).group(1)
        self.assertRegex(main, r"proxy_next_upstream error timeout http_503 non_idempotent;")
        self.assertRegex(main, rf"proxy_next_upstream_tries {len(servers)};")
        self.assertRegex(main, r"proxy_set_header Host \$host;")
        self.assertRegex(main, r"proxy_set_header X-Request-Id \$mammocad_request_id;")


if __name__ == "__main__":
    unittest.main()
