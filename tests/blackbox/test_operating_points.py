"""Operating points over HTTP: `operating_point=NAME` per request (form value or query
parameter, legacy and v2 routes), `serve --operating-point NAME` as the default, and the
served default itself (the neural scorer at `balanced`; `all` keeps every finding).

The thresholds are read from the server itself: an unknown name is refused with a message
listing the scorer's points as `name (min_score X)`. With the mini-MIAS films present the
requests carry mdb082 and mdb209 (neural, mdb082: 5 clusters at or above high_specificity, 7 at or
above balanced, 18 at or above high_sensitivity, 24 in all); without them, the synthetic image.
"""
import os
import re
import subprocess
import unittest

from server_fixture import (BIN, SPACING_MM, ServerTestCase, encode, mias_image,
                            synthetic_mammogram)

LEGACY = "/detection/BreastCalcify"
V2 = "/v2/detection/BreastCalcify"
POINTS = ("high_specificity", "balanced", "high_sensitivity")
# Legacy and v2 scores have 4 decimals; a finding at the threshold may print half a unit below.
ROUNDING = 0.5e-4


def point_images():
    """[(name, bytes)], and the pixel spacing to send with them."""
    films = [mias_image("mdb082.pgm"), mias_image("mdb209.pgm")]
    if all(films):
        return [(os.path.basename(f), open(f, "rb").read()) for f in films], "0.2"
    return [("synthetic.png", encode(synthetic_mammogram(), "PNG"))], str(SPACING_MM)


class PointsCase(ServerTestCase):
    server_args = ("--operating-point", "all")  # every finding unless a request names a point

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.images, cls.spacing = point_images()
        cls.with_films = cls.images[0][0] == "mdb082.pgm"

    def reply(self, path=V2, params=None, **form):
        return self.post(path, files=[("images", image) for image in self.images],
                         data={"pixel_spacing": self.spacing, **form}, params=params)

    def findings(self, **form):
        """Per image, the (score, x, y, w, h) of each cluster finding, from the v2 reply."""
        response = self.reply(**form)
        self.assertEqual(response.status_code, 200, response.text)
        return [[(f["score"], f["box"]["x"], f["box"]["y"], f["box"]["w"], f["box"]["h"])
                 for f in image["findings"]] for image in response.json()["images"]]

    def thresholds(self):
        """{name: min_score} as the server states them when refusing an unknown name."""
        message = self.reply(operating_point="no_such_point").json()["error"]["message"]
        found = dict(re.findall(r"(\w+) \(min_score ([0-9.eE+-]+)\)", message))
        self.assertEqual(sorted(found), sorted(POINTS), message)
        return {name: float(value) for name, value in found.items()}


class RequestPointTest(PointsCase):
    def test_high_specificity_keeps_no_more_than_high_sensitivity(self):
        thresholds = self.thresholds()
        everything = self.findings()
        specific = self.findings(operating_point="high_specificity")
        sensitive = self.findings(operating_point="high_sensitivity")
        for image, (spec, sens, all_) in enumerate(zip(specific, sensitive, everything)):
            self.assertLessEqual(len(spec), len(sens), image)
            self.assertTrue(set(spec) <= set(sens), image)
            for name, kept in (("high_specificity", spec), ("high_sensitivity", sens)):
                # Exactly the findings at or above the point's threshold, none below it.
                self.assertTrue(all(f[0] >= thresholds[name] - ROUNDING for f in kept), kept)
                self.assertEqual(kept, [f for f in all_ if f[0] >= thresholds[name]], name)
        if self.with_films:  # mdb082: 6 against 10
            self.assertLess(len(specific[0]), len(sensitive[0]))

    def test_query_parameter_and_legacy_route(self):
        form = self.findings(operating_point="high_specificity")
        query = self.reply(params={"operating_point": "high_specificity"})
        self.assertEqual(query.status_code, 200, query.text)
        self.assertEqual([[(f["score"], f["box"]["x"], f["box"]["y"], f["box"]["w"], f["box"]["h"])
                           for f in image["findings"]] for image in query.json()["images"]], form)
        legacy = self.reply(LEGACY, operating_point="high_specificity").json()
        self.assertEqual(legacy["state"], 0, legacy)

    def test_min_score_and_point_the_higher_threshold_holds(self):
        thresholds = self.thresholds()
        point = self.findings(operating_point="high_specificity")
        self.assertEqual(self.findings(operating_point="high_specificity", min_score="0"), point)
        strict = self.findings(operating_point="high_sensitivity",
                               min_score=str(thresholds["high_specificity"]))
        self.assertEqual(strict, point)

    def test_unknown_point_is_state_3_naming_the_choices(self):
        for name in ("bogus", "Balanced"):
            response = self.reply(LEGACY, operating_point=name)
            self.assertEqual(response.status_code, 400, response.text)
            reply = response.json()
            self.assertEqual(reply["state"], 3)
            for part in ("operating_point", f"'{name}'") + POINTS:
                self.assertIn(part, reply["result"])
            response = self.reply(V2, params={"operating_point": name})
            self.assertEqual(response.status_code, 400, response.text)
            error = response.json()["error"]
            self.assertEqual((error["code"], error["name"]), (3, "bad_parameter"))
            for part in POINTS:
                self.assertIn(part, error["message"])


class ServedDefaultPointTest(PointsCase):
    """A server started with no --operating-point applies `balanced` to requests naming none."""
    server_args = ()

    def test_balanced_applies_to_requests_naming_none(self):
        balanced = self.thresholds()["balanced"]
        default = self.findings()
        self.assertEqual(default, self.findings(operating_point="balanced"))
        self.assertEqual(default, self.findings(min_score="0"))  # the higher threshold holds
        for kept in default:
            self.assertTrue(all(f[0] >= balanced - ROUNDING for f in kept), kept)
        # A request's own point replaces the default; `all` brings back every finding.
        specific = self.findings(operating_point="high_specificity")
        everything = self.findings(operating_point="all")
        for spec, kept, all_ in zip(specific, default, everything):
            self.assertTrue(set(spec) <= set(kept) <= set(all_))
            self.assertEqual(kept, [f for f in all_ if f[0] >= balanced])
        if self.with_films:  # mdb082: balanced keeps 7 of 24
            self.assertLess(len(default[0]), len(everything[0]))

    def test_the_default_scorer_is_the_network(self):
        message = self.reply(operating_point="no_such_point").json()["error"]["message"]
        self.assertIn("neural scorer", message)


class ServerDefaultPointTest(PointsCase):
    server_args = ("--operating-point", "high_specificity")

    def test_the_servers_point_applies_to_requests_naming_none(self):
        self.assertEqual(self.findings(), self.findings(operating_point="high_specificity"))
        self.assertLessEqual(sum(map(len, self.findings())),
                             sum(map(len, self.findings(operating_point="all"))))
        if self.with_films:
            self.assertLess(len(self.findings()[0]),
                            len(self.findings(operating_point="balanced")[0]))


class StartupTest(unittest.TestCase):
    def test_unknown_default_point_stops_the_server(self):
        result = subprocess.run([BIN, "serve", "--host", "127.0.0.1", "--port", "0",
                                 "--operating-point", "strict"],
                                capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        output = result.stdout + result.stderr
        for part in ("'strict'",) + POINTS:
            self.assertIn(part, output)

    def test_detect_takes_the_same_flag(self):
        path = mias_image("mdb082.pgm")
        if path is None:
            self.skipTest("mini-MIAS data absent: the CLI flag is tested on mdb082 only")

        def detect(*flags):
            result = subprocess.run([BIN, "detect", "--pixel-spacing", "0.2", *flags, path],
                                    capture_output=True, text=True, timeout=60)
            return result.returncode, result.stdout + result.stderr
        code, default = detect()
        self.assertEqual(code, 0, default)
        code, balanced = detect("--operating-point", "balanced")
        self.assertEqual(code, 0, balanced)
        self.assertEqual(default, balanced)  # detect's default is the server's
        code, everything = detect("--operating-point", "all")
        self.assertEqual(code, 0, everything)
        self.assertGreater(len(everything), len(balanced))  # 24 clusters against 7
        code, refused = detect("--operating-point", "bogus")
        self.assertNotEqual(code, 0)
        for part in ("bad_parameter", "'bogus'") + POINTS:  # refused as the server refuses it
            self.assertIn(part, refused)


if __name__ == "__main__":
    unittest.main()
