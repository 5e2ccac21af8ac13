#!/usr/bin/python3
"""Tests of check_layers.py (ctest `layers_selftest`): each rule fires on a small fake tree,
and the clean tree passes."""

import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_layers  # noqa: E402

# A tiny project: core <- dicom <- dicom_writer, core <- detector <- service; a test binary
# for detector, one for dicom (with testing), and a bench binary linking detector only.
FILES = {
    'include/mammocad/image.h': '#pragma once\n',
    'include/mammocad/dicom.h': '#pragma once\n#include "mammocad/image.h"\n',
    'include/mammocad/detector.h': '#pragma once\n#include "mammocad/image.h"\n',
    'src/core/CMakeLists.txt':
        'mammocad_module(NAME core SOURCES image.cc OWNS mammocad/image.h)\n',
    'src/core/image.cc': '#include "mammocad/image.h"\n#include <vector>\n',
    'src/dicom/CMakeLists.txt':
        '# Two modules in one folder, named through a function as the real one does.\n'
        'set(READER_SOURCES reader.cc)\n'
        'function(dicom_libraries suffix)\n'
        '  mammocad_module(NAME dicom${suffix} SOURCES ${READER_SOURCES}\n'
        '    OWNS mammocad/dicom.h DEPENDS mammocad_core)\n'
        '  mammocad_module(NAME dicom_writer${suffix} SOURCES writer.cc\n'
        '    INTERFACE dicom/writer.h DEPENDS mammocad_dicom${suffix})\n'
        'endfunction()\n'
        'dicom_libraries("")\n'
        'dicom_libraries("_asan")\n'
        'mammocad_tests(NAME dicom LABEL unit SOURCES reader_test.cc\n'
        '  LINKS mammocad_dicom mammocad_testing)\n',
    'src/dicom/reader.cc':
        '#include "mammocad/dicom.h"\n#include "dicom/tables.h"\n'
        '#include <dcmtk/dcmdata/dctk.h>\n#include <openjpeg.h>\n',
    'src/dicom/tables.h': '#pragma once\n',
    'src/dicom/writer.h': '#pragma once\n#include "dicom/tables.h"\n',
    'src/dicom/writer.cc': '#include "dicom/writer.h"\n#include "mammocad/dicom.h"\n',
    'src/dicom/reader_test.cc':
        '#include "dicom/writer.h"\n#include "testing/fixture.h"\n#include <gtest/gtest.h>\n',
    'src/testing/CMakeLists.txt': 'add_library(mammocad_testing INTERFACE)\n',
    'src/testing/fixture.h': '#pragma once\n#include "dicom/writer.h"\n',
    'src/detector/CMakeLists.txt':
        'mammocad_module(NAME detector SOURCES detector.cc random_forest.cc\n'
        '  INTERFACE detector/features.h OWNS mammocad/detector.h DEPENDS mammocad_core)\n'
        'mammocad_tests(NAME detector LABEL unit SOURCES detector_test.cc\n'
        '  LINKS mammocad_detector)\n',
    'src/detector/detector.cc':
        '#include "mammocad/detector.h"\n#include "detector/stages.h"\n'
        '#include "detector/features.h"\n',
    'src/detector/random_forest.cc': '#include <opencv2/ml.hpp>\n',
    'src/detector/stages.h': '#pragma once\n',
    'src/detector/features.h': '#pragma once\n#include "mammocad/image.h"\n',
    'src/detector/detector_test.cc':
        '#include "detector/stages.h"\n#include "mammocad/detector.h"\n'
        '#include <nlohmann/json.hpp>\n',
    'src/service/CMakeLists.txt':
        'mammocad_module(NAME service SOURCES replies.cc DEPENDS mammocad_detector)\n',
    'src/service/replies.cc':
        '#include "detector/features.h"\n#include "mammocad/detector.h"\n'
        '#include <nlohmann/json.hpp>\n',
    'bench/CMakeLists.txt':
        'add_executable(detector_bench detector_bench.cc)\n'
        'target_link_libraries(detector_bench PRIVATE mammocad_detector benchmark::benchmark)\n'
        'add_test(NAME smoke COMMAND detector_bench --benchmark_filter=\\(a|b\\)/)\n',
    'bench/detector_bench.cc': '#include "mammocad/detector.h"\n#include "detector/features.h"\n',
}

# What configuring writes for the tree above (cmake/MammocadModule.cmake).
RECORDS = {
    'core': ('src/core', '', '', 'mammocad/image.h'),
    'dicom': ('src/dicom', 'core', '', 'mammocad/dicom.h'),
    'dicom_asan': ('src/dicom', 'core', '', 'mammocad/dicom.h'),
    'dicom_writer': ('src/dicom', 'dicom', 'dicom/writer.h', ''),
    'dicom_writer_asan': ('src/dicom', 'dicom_asan', 'dicom/writer.h', ''),
    'dicom_tests': ('src/dicom', 'dicom testing', '', ''),
    'testing': ('src/testing', 'dicom_writer', 'testing/fixture.h', ''),
    'detector': ('src/detector', 'core', 'detector/features.h', 'mammocad/detector.h'),
    'detector_tests': ('src/detector', 'detector', '', ''),
    'service': ('src/service', 'detector', '', ''),
}


class CheckLayersTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix='check_layers_test.')
        self.source = os.path.join(self.root, 'tree')
        self.modules = os.path.join(self.root, 'modules')
        for path, text in FILES.items():
            self.write(path, text)
        os.makedirs(self.modules)
        for name, record in RECORDS.items():
            self.write_record(name, *record)

    def tearDown(self):
        shutil.rmtree(self.root)

    def write(self, path, text):
        full = os.path.join(self.source, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w', encoding='utf-8') as f:
            f.write(text)

    def append(self, path, text):
        with open(os.path.join(self.source, path), 'a', encoding='utf-8') as f:
            f.write(text)

    def write_record(self, name, dir_, deps, interface, owns):
        with open(os.path.join(self.modules, name + '.txt'), 'w', encoding='utf-8') as f:
            f.write('dir %s\ndeps %s\ninterface %s\nowns %s\n' % (dir_, deps, interface, owns))

    def violations(self):
        checker = check_layers.check(self.source, self.modules)
        return ['%s:%d: %s' % v for v in checker.violations]

    def assert_one(self, where, *words):
        found = self.violations()
        self.assertEqual(len(found), 1, found)
        self.assertTrue(found[0].startswith(where + ': '), found)
        for word in words:
            self.assertIn(word, found[0])

    def test_clean_tree_passes(self):
        self.assertEqual(self.violations(), [])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = check_layers.main(['--source', self.source, '--modules', self.modules])
        self.assertEqual(rc, 0, out.getvalue())
        self.assertIn('OK', out.getvalue())

    def test_main_prints_violations_and_fails(self):
        self.append('src/core/image.cc', '#include "mammocad/detector.h"\n')
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = check_layers.main(['--source', self.source, '--modules', self.modules])
        self.assertEqual(rc, 1)
        self.assertIn('src/core/image.cc:3: mammocad/detector.h belongs to module detector',
                      out.getvalue())

    # Rules 1, 2 and 4 (third-party bridges): each case adds one include and expects one
    # violation: (what it shows, the file, the include, where the violation is reported,
    # words of its message). The tree is fresh for each.
    INCLUDE_CASES = [
        ('public_header_of_a_module_not_linked', 'src/core/image.cc', '"mammocad/detector.h"',
         'src/core/image.cc:3', ('mammocad/detector.h', 'detector', 'core')),
        ('test_file_uses_its_binary_links', 'src/detector/detector_test.cc', '"mammocad/dicom.h"',
         'src/detector/detector_test.cc:4', ('mammocad/dicom.h', 'detector_tests')),
        ('public_header_that_does_not_exist', 'src/core/image.cc', '"mammocad/nothing.h"',
         'src/core/image.cc:3', ('does not exist',)),
        ('private_header_of_another_module', 'src/service/replies.cc', '"detector/stages.h"',
         'src/service/replies.cc:4', ('detector/stages.h', 'private')),
        ('interface_header_of_a_module_not_linked', 'src/core/image.cc', '"detector/features.h"',
         'src/core/image.cc:3', ('detector/features.h', 'detector')),
        ('interface_of_another_module_in_the_same_folder', 'src/dicom/reader.cc', '"dicom/writer.h"',
         'src/dicom/reader.cc:5', ('dicom/writer.h', 'dicom_writer')),
        ('test_helpers_only_in_tests', 'src/service/replies.cc', '"testing/fixture.h"',
         'src/service/replies.cc:4', ('testing/fixture.h', 'testing')),
        ('bench_uses_its_target_links', 'bench/detector_bench.cc', '"mammocad/dicom.h"',
         'bench/detector_bench.cc:3', ('mammocad/dicom.h', 'detector_bench')),
        ('bench_never_includes_private_headers', 'bench/detector_bench.cc', '"detector/stages.h"',
         'bench/detector_bench.cc:3', ('private',)),
        ('parent_directory_includes', 'src/service/replies.cc', '"../detector/stages.h"',
         'src/service/replies.cc:4', ('..',)),
        ('bridge_dcmtk_dcmdata_dctk_h', 'src/core/image.cc', '<dcmtk/dcmdata/dctk.h>',
         'src/core/image.cc:3', ('src/dicom/',)),
        ('bridge_openjpeg_h', 'src/detector/detector.cc', '"openjpeg.h"',
         'src/detector/detector.cc:4', ('openjpeg.h',)),
        ('bridge_microhttpd_h', 'src/service/replies.cc', '<microhttpd.h>',
         'src/service/replies.cc:4', ('microhttpd.h',)),
        ('bridge_gnutls_gnutls_h', 'src/service/replies.cc', '<gnutls/gnutls.h>',
         'src/service/replies.cc:4', ('gnutls/gnutls.h', 'tls_bridge.cc')),
        ('bridge_nlohmann_json_hpp', 'src/detector/detector.cc', '<nlohmann/json.hpp>',
         'src/detector/detector.cc:4', ('nlohmann/json.hpp',)),
        ('bridge_opencv2_ml_hpp', 'src/detector/detector.cc', '<opencv2/ml.hpp>',
         'src/detector/detector.cc:4', ('opencv2/ml.hpp',)),
        ('bridge_CLI_CLI_hpp', 'src/service/replies.cc', '<CLI/CLI.hpp>',
         'src/service/replies.cc:4', ('CLI/CLI.hpp',)),
    ]

    def test_each_forbidden_include_is_one_violation(self):
        for name, path, header, where, words in self.INCLUDE_CASES:
            with self.subTest(name):
                self.tearDown()
                self.setUp()
                self.append(path, '#include %s\n' % header)
                self.assert_one(where, *words)

    def test_public_header_through_transitive_deps_is_fine(self):
        self.append('src/service/replies.cc', '#include "mammocad/image.h"\n')
        self.assertEqual(self.violations(), [])

    # Rule 3: ownership and interface lists.
    def test_public_header_owned_by_no_module(self):
        self.write('include/mammocad/orphan.h', '#pragma once\n')
        self.assert_one('include/mammocad/orphan.h:1', 'no module')

    def test_public_header_owned_twice(self):
        self.write_record('synth', 'src/core', 'core', '', 'mammocad/image.h')
        self.assert_one('include/mammocad/image.h:1', 'several', 'core', 'synth')

    def test_sanitizer_variant_is_not_a_second_owner(self):
        self.assertIn('dicom_asan', check_layers.load_records(self.modules))
        self.assertEqual(self.violations(), [])

    def test_interface_entry_that_does_not_exist(self):
        self.write_record('detector', 'src/detector', 'core',
                          'detector/features.h detector/gone.h', 'mammocad/detector.h')
        self.assert_one('src/detector/CMakeLists.txt:1', 'detector/gone.h', 'does not exist')

    def test_owns_entry_that_does_not_exist(self):
        self.write_record('core', 'src/core', '', '', 'mammocad/image.h mammocad/gone.h')
        self.assert_one('src/core/CMakeLists.txt:1', 'mammocad/gone.h', 'does not exist')

    # Rule 5: file length.
    def test_long_file(self):
        self.append('src/core/image.cc', '// filler\n' * 700)
        self.assert_one('src/core/image.cc:702', '702 lines')

    def test_file_just_over_600_lines_only_warns(self):
        self.append('src/core/image.cc', '// filler\n' * 620)
        checker = check_layers.check(self.source, self.modules)
        self.assertEqual(checker.violations, [])
        self.assertEqual(len(checker.warnings), 1)

    def test_folder_without_module(self):
        self.write('src/stray/stray.cc', '#include "mammocad/image.h"\n')
        self.assert_one('src/stray/stray.cc:1', 'no module record')


if __name__ == '__main__':
    unittest.main()
