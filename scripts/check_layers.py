#!/usr/bin/python3
"""The layering test (ctest `layers`): every #include in src/ and bench/ respects the modules.

Reads the module records that configuring writes (build/modules/<name>.txt, see
cmake/MammocadModule.cmake):
    dir src/detector
    deps core                      direct mammocad module dependencies
    interface detector/x.h ...     headers under src/ other modules may include
    owns mammocad/detector.h ...   public headers under include/ the module implements
and the CMakeLists.txt files (which sources each module, test binary and bench binary compiles).

Rules, for every .cc/.h under src/ and bench/:
  1. "mammocad/h": the module owning it is the file's own module or one it (transitively)
     depends on; for test files, one the test binary links.
  2. "<m>/h" from another directory: h is in a module's `interface` and that module is
     (transitively) linked. Within one directory any header may be included, except another
     module's interface header (src/dicom holds dicom and dicom_writer: the reader must not
     include the writer).
  3. Every header in include/mammocad/ is owned by exactly one module; every `owns` and
     `interface` entry exists.
  4. Third-party bridges: DCMTK/OpenJPEG/zlib only in src/dicom/,
     libjpeg only in src/decode/jpeg_decode.cc, libmicrohttpd only in
     src/server/http_server.cc and src/server/tls_bridge.cc (its TLS half), GnuTLS only in
     src/server/tls_bridge.cc, nlohmann/json only in src/service/replies.cc, src/cli/ and
     tests, opencv2/ml.hpp only in src/detector/random_forest.cc, CLI11 only in src/cli/.
  5. No source file over about 600 lines (fails above 650, warns above 600).
Bench binaries are checked against the links of their target in bench/CMakeLists.txt.

Prints `file:line: message` per violation and exits 1, or a one-line summary and exits 0.
Standard library only.
"""

import argparse
import os
import re
import sys

LINE_WARN = 600
LINE_LIMIT = 650
SOURCE_EXTENSIONS = ('.cc', '.h')
# Records named <base>_<suffix> in <base>'s directory are the same sources rebuilt (the
# AddressSanitizer DICOM libraries): they are neither owners nor contexts of their own.
VARIANT_SUFFIXES = ('_asan', '_tsan', '_msan', '_ubsan')

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


class Record:
    def __init__(self, name, dir_, deps, interface, owns):
        self.name = name
        self.dir = dir_
        self.deps = deps
        self.interface = interface
        self.owns = owns
        self.is_test = name.endswith('_tests')
        self.variant_of = None


class Context:
    """What one compilation of a file may use: a module, a test binary or a bench binary."""

    def __init__(self, name, closure, any_interface=False):
        self.name = name
        self.closure = closure          # module names it is allowed to use
        self.any_interface = any_interface


# --------------------------------------------------------------------------------------------
# Module records

def load_records(modules_dir):
    records = {}
    for entry in sorted(os.listdir(modules_dir)):
        if not entry.endswith('.txt'):
            continue
        fields = {'dir': '', 'deps': [], 'interface': [], 'owns': []}
        with open(os.path.join(modules_dir, entry), encoding='utf-8') as f:
            for line in f:
                key, _, rest = line.strip().partition(' ')
                if key == 'dir':
                    fields['dir'] = rest.strip()
                elif key in fields:
                    fields[key] = rest.split()
        name = entry[:-4]
        records[name] = Record(name, fields['dir'], fields['deps'], fields['interface'],
                               fields['owns'])
    for rec in records.values():
        for suffix in VARIANT_SUFFIXES:
            base = records.get(rec.name[:-len(suffix)]) if rec.name.endswith(suffix) else None
            if base is not None and base.dir == rec.dir and not base.is_test:
                rec.variant_of = base.name
    return records


def canonical(records, name):
    rec = records.get(name)
    return rec.variant_of if rec is not None and rec.variant_of else name


def closure_of(records, names):
    seen = set()
    stack = [canonical(records, n) for n in names]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        rec = records.get(name)
        if rec is not None:
            stack.extend(canonical(records, d) for d in rec.deps)
    return seen


# --------------------------------------------------------------------------------------------
# A small reader of CMake calls: enough for SOURCES and LINKS lists, with set() variables.

def _strip_cmake_comments(text):
    out = []
    i, n, in_quote = 0, len(text), False
    while i < n:
        c = text[i]
        if c == '\\' and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if c == '"':
            in_quote = not in_quote
        elif c == '#' and not in_quote:
            m = re.match(r'#\[(=*)\[', text[i:])
            if m:
                end = text.find(']' + m.group(1) + ']', i)
                end = n if end < 0 else end + len(m.group(1)) + 2
                out.append('\n' * text.count('\n', i, end))
                i = end
                continue
            end = text.find('\n', i)
            i = n if end < 0 else end
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def parse_cmake_calls(text):
    """Yields (command, [raw argument tokens], line)."""
    text = _strip_cmake_comments(text)
    pos = 0
    call_re = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*\(')
    while True:
        m = call_re.search(text, pos)
        if not m:
            return
        start = m.end()
        i, depth, in_quote = start, 1, False
        while i < len(text) and depth:
            c = text[i]
            if c == '\\':
                i += 2
                continue
            if c == '"':
                in_quote = not in_quote
            elif not in_quote and c == '(':
                depth += 1
            elif not in_quote and c == ')':
                depth -= 1
            i += 1
        body = text[start:i - 1]
        tokens = re.findall(r'"(?:\\.|[^"\\])*"|[^\s"]+', body)
        tokens = [t[1:-1] if t.startswith('"') else t for t in tokens]
        yield m.group(1).lower(), tokens, text.count('\n', 0, m.start()) + 1
        pos = i


def _expand(token, variables):
    value = re.sub(r'\$\{([A-Za-z0-9_]+)\}', lambda m: variables.get(m.group(1), ''), token)
    return [v for v in value.split(';') if v]


def _sections(args, keywords):
    out, current = {}, None
    for a in args:
        if a in keywords:
            current = a
            out.setdefault(a, [])
        elif current is not None:
            out[current].append(a)
    return out


class BuildFiles:
    """Which target compiles which file, and what the non-module targets link."""

    def __init__(self):
        self.units = {}   # source path relative to the tree -> set of record/target names
        self.links = {}   # target name -> [link names]


def read_build_files(source):
    build = BuildFiles()
    lists = []
    for top in ('src', 'bench'):
        for root, dirs, files in os.walk(os.path.join(source, top)):
            dirs.sort()
            if 'CMakeLists.txt' in files:
                lists.append(os.path.join(root, 'CMakeLists.txt'))
    for path in lists:
        here = os.path.dirname(path)
        variables = {'CMAKE_CURRENT_SOURCE_DIR': here, 'CMAKE_CURRENT_LIST_DIR': here,
                     'PROJECT_SOURCE_DIR': source, 'CMAKE_SOURCE_DIR': source}
        with open(path, encoding='utf-8') as f:
            text = f.read()

        def add_sources(unit, sources):
            for s in sources:
                full = os.path.normpath(s if os.path.isabs(s) else os.path.join(here, s))
                rel = os.path.relpath(full, source)
                build.units.setdefault(rel, set()).add(unit)

        for command, raw, _ in parse_cmake_calls(text):
            args = [v for t in raw for v in _expand(t, variables)]
            if command == 'set' and raw:
                values = args[1:]
                for stop in ('CACHE', 'PARENT_SCOPE'):
                    if stop in values:
                        values = values[:values.index(stop)]
                variables[raw[0]] = ';'.join(values)
            elif command == 'mammocad_module':
                s = _sections(args, {'NAME', 'SOURCES', 'INTERFACE', 'OWNS', 'DEPENDS',
                                     'PRIVATE_DEPENDS'})
                if s.get('NAME'):
                    add_sources(s['NAME'][0], s.get('SOURCES', []))
            elif command == 'mammocad_tests':
                s = _sections(args, {'NAME', 'LABEL', 'SOURCES', 'LINKS', 'DATA'})
                if s.get('NAME'):
                    add_sources(s['NAME'][0] + '_tests', s.get('SOURCES', []))
            elif command in ('add_executable', 'add_library') and args:
                rest = args[1:]
                if any(k in rest for k in ('IMPORTED', 'ALIAS')):
                    continue
                rest = [a for a in rest if a not in (
                    'WIN32', 'MACOSX_BUNDLE', 'EXCLUDE_FROM_ALL', 'STATIC', 'SHARED', 'MODULE',
                    'OBJECT', 'INTERFACE')]
                add_sources('target:' + args[0], rest)
            elif command == 'target_sources' and args:
                add_sources('target:' + args[0], [a for a in args[1:] if a not in (
                    'PRIVATE', 'PUBLIC', 'INTERFACE')])
            elif command == 'target_link_libraries' and args:
                build.links.setdefault(args[0], []).extend(
                    a for a in args[1:] if a not in ('PRIVATE', 'PUBLIC', 'INTERFACE'))
    return build


def _mammocad_links(links):
    return [l[len('mammocad_'):] for l in links
            if l.startswith('mammocad_') and l != 'mammocad_opencv']


# --------------------------------------------------------------------------------------------
# The checks

class Checker:
    def __init__(self, source, records, build):
        self.source = source
        self.records = records
        self.build = build
        self.violations = []   # (path, line, message)
        self.warnings = []
        self.files = 0
        self.includes = 0
        real = [r for r in records.values() if r.variant_of is None]
        self.owners = {}       # mammocad/x.h -> [module]
        self.providers = {}    # dir/x.h -> [module]
        for rec in real:
            if rec.is_test:
                continue
            for h in rec.owns:
                self.owners.setdefault(h, []).append(rec.name)
            for h in rec.interface:
                self.providers.setdefault(h, []).append(rec.name)
        self.by_dir = {}
        for rec in real:
            self.by_dir.setdefault(rec.dir, []).append(rec)

    def fail(self, path, line, message):
        self.violations.append((path, line, message))

    def module_dir(self, directory):
        """The folder of the module that `directory` belongs to: a module's folder holds its
        subfolders too (src/service/tasks/<task>/ is the service module's). '' when none."""
        while directory and directory not in self.by_dir:
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        return directory if directory in self.by_dir else ''

    # ---- rule 3
    def _cmake_line(self, rec, entry):
        path = os.path.join(rec.dir, 'CMakeLists.txt')
        try:
            with open(os.path.join(self.source, path), encoding='utf-8') as f:
                for number, line in enumerate(f, 1):
                    if entry in line:
                        return path, number
        except OSError:
            pass
        return path, 1

    def check_records(self):
        include_dir = os.path.join(self.source, 'include')
        public = []
        for root, dirs, files in os.walk(os.path.join(include_dir, 'mammocad')):
            dirs.sort()
            public += [os.path.relpath(os.path.join(root, f), include_dir)
                       for f in sorted(files) if f.endswith(('.h', '.hpp'))]
        for h in public:
            owners = self.owners.get(h, [])
            if len(owners) != 1:
                self.fail(os.path.join('include', h), 1,
                          'public header owned by no module (add it to a module\'s OWNS)'
                          if not owners else
                          'public header owned by several modules: ' + ', '.join(sorted(owners)))
        for rec in sorted(self.records.values(), key=lambda r: r.name):
            if rec.variant_of:
                continue
            for h in rec.owns:
                if not os.path.isfile(os.path.join(include_dir, h)):
                    self.fail(*self._cmake_line(rec, h),
                              'module %s OWNS %s, which does not exist under include/'
                              % (rec.name, h))
            for h in rec.interface:
                if not os.path.isfile(os.path.join(self.source, 'src', h)):
                    self.fail(*self._cmake_line(rec, h),
                              'module %s lists INTERFACE %s, which does not exist under src/'
                              % (rec.name, h))
                elif os.path.join('src', os.path.dirname(h)) != rec.dir:
                    self.fail(*self._cmake_line(rec, h),
                              'module %s lists INTERFACE %s, which is not in its directory %s'
                              % (rec.name, h, rec.dir))

    # ---- which compilations a file belongs to
    def is_test(self, rel):
        if os.path.basename(rel).endswith(('_test.cc', '_test.h')):
            return True
        return any(u.endswith('_tests') for u in self.build.units.get(rel, ()))

    def contexts(self, rel):
        units = self.build.units.get(rel, set())
        if rel.startswith('bench' + os.sep):
            out = []
            for unit in sorted(units):
                if unit.startswith('target:'):
                    target = unit[len('target:'):]
                    deps = _mammocad_links(self.build.links.get(target, []))
                    out.append(Context(target, closure_of(self.records, deps)))
            if not out:   # a bench header or unlisted file: any module's interface
                out.append(Context('bench', set(), any_interface=True))
            return out
        test = self.is_test(rel)
        named = []
        for unit in sorted(units):
            name = unit[len('target:'):] if unit.startswith('target:') else unit
            for candidate in (name, name[len('mammocad_'):] if name.startswith('mammocad_')
                              else None):
                rec = self.records.get(candidate) if candidate else None
                if rec is not None and rec.variant_of is None:
                    named.append(rec)
                    break
        if not named and rel.endswith('.h') and not test:
            named = [self.records[n] for n in self.providers.get(rel[len('src/'):], [])]
        if not named:
            in_dir = self.by_dir.get(self.module_dir(os.path.dirname(rel)), [])
            named = [r for r in in_dir if r.is_test == test] or \
                [r for r in in_dir if not r.is_test]
        out = []
        for rec in named:
            names = rec.deps if rec.is_test else [rec.name]
            out.append(Context(rec.name, closure_of(self.records, names)))
        return out

    # ---- rule 4
    def check_third_party(self, rel, line, path):
        def only(allowed, what):
            if not allowed:
                self.fail(rel, line, '%s may only be included %s' % (path, what))
        posix = rel.replace(os.sep, '/')
        if path.startswith('dcmtk/') or path == 'openjpeg.h' or path.startswith('openjp2'):
            only(posix.startswith('src/dicom/'), 'in src/dicom/ (the DICOM bridge)')
        elif path == 'zlib.h':
            only(posix.startswith('src/dicom/'), 'in src/dicom/ (deflated DICOM)')
        elif path == 'jpeglib.h':
            only(posix == 'src/decode/jpeg_decode.cc', 'in src/decode/jpeg_decode.cc')
        elif path == 'microhttpd.h':
            only(posix in ('src/server/http_server.cc', 'src/server/tls_bridge.cc'),
                 'in src/server/http_server.cc and src/server/tls_bridge.cc')
        elif path.startswith('gnutls/'):
            only(posix == 'src/server/tls_bridge.cc', 'in src/server/tls_bridge.cc')
        elif path.startswith('nlohmann/'):
            only(posix == 'src/service/replies.cc' or posix.startswith('src/cli/')
                 or self.is_test(rel), 'in src/service/replies.cc, src/cli/ and tests')
        elif path == 'opencv2/ml.hpp' or path.startswith('opencv2/ml/'):
            only(posix == 'src/detector/random_forest.cc', 'in src/detector/random_forest.cc')
        elif path.startswith('CLI/'):
            only(posix.startswith('src/cli/'), 'in src/cli/')

    # ---- rules 1 and 2
    def check_project_include(self, rel, line, path, contexts):
        names = ', '.join(c.name for c in contexts)
        if path.startswith('mammocad/'):
            if not os.path.isfile(os.path.join(self.source, 'include', path)):
                self.fail(rel, line, '%s does not exist under include/' % path)
                return
            owners = self.owners.get(path, [])
            if not owners:
                self.fail(rel, line, '%s is owned by no module' % path)
                return
            if not any(c.any_interface or set(owners) & c.closure for c in contexts):
                self.fail(rel, line, '%s belongs to module %s, which %s does not depend on'
                          % (path, '/'.join(owners), names))
            return
        header_dir = os.path.dirname(path)
        if not header_dir or not os.path.isdir(os.path.join(self.source, 'src', header_dir)):
            return   # not a module path (a third-party header, or a same-folder include)
        if not os.path.isfile(os.path.join(self.source, 'src', path)):
            self.fail(rel, line, '%s does not exist under src/' % path)
            return
        providers = self.providers.get(path, [])
        own_dir = self.module_dir(os.path.dirname(rel))
        same_dir = bool(own_dir) and own_dir == self.module_dir(os.path.join('src', header_dir))
        if same_dir:
            # Private headers of the folder are free; another module's interface is not.
            if providers and not any(c.any_interface or set(providers) & c.closure
                                     for c in contexts):
                self.fail(rel, line, '%s is the interface of module %s, which %s does not '
                          'depend on' % (path, '/'.join(providers), names))
            return
        if not providers:
            self.fail(rel, line, '%s is private to src/%s (no module lists it as INTERFACE)'
                      % (path, header_dir))
            return
        if not any(c.any_interface or set(providers) & c.closure for c in contexts):
            self.fail(rel, line, '%s belongs to module %s, which %s does not depend on'
                      % (path, '/'.join(providers), names))

    def check_file(self, rel):
        self.files += 1
        with open(os.path.join(self.source, rel), encoding='utf-8', errors='replace') as f:
            lines = f.read().splitlines()
        if len(lines) > LINE_LIMIT:
            self.fail(rel, len(lines), 'file is %d lines long (the rule is about %d; fails '
                      'above %d): split it' % (len(lines), LINE_WARN, LINE_LIMIT))
        elif len(lines) > LINE_WARN:
            self.warnings.append((rel, len(lines), 'warning: file is %d lines long (about %d '
                                  'is the rule)' % (len(lines), LINE_WARN)))
        contexts = None
        for number, text in enumerate(lines, 1):
            m = INCLUDE_RE.match(text)
            if not m:
                continue
            self.includes += 1
            path = m.group(2).strip()
            self.check_third_party(rel, number, path)
            if '..' in path.split('/'):
                self.fail(rel, number, 'include project headers by their path from src/ or '
                          'include/, not with ..: %s' % path)
                continue
            if contexts is None:
                contexts = self.contexts(rel)
                if not contexts:
                    self.fail(rel, 1, 'no module record for %s (is it a mammocad_module?)'
                              % os.path.dirname(rel))
                    contexts = []
            if contexts:
                self.check_project_include(rel, number, path, contexts)

    def run(self):
        self.check_records()
        for top in ('src', 'bench'):
            for root, dirs, files in os.walk(os.path.join(self.source, top)):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(SOURCE_EXTENSIONS):
                        self.check_file(os.path.relpath(os.path.join(root, name), self.source))
        return self.violations


def check(source, modules_dir):
    """Returns the Checker after running every rule on the tree."""
    source = os.path.abspath(source)
    checker = Checker(source, load_records(modules_dir), read_build_files(source))
    checker.run()
    return checker


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--source', default=os.path.dirname(here), help='the source tree')
    parser.add_argument('--modules', default=None,
                        help='the module records (default: <source>/build/modules)')
    args = parser.parse_args(argv)
    modules = args.modules or os.path.join(args.source, 'build', 'modules')
    if not os.path.isdir(modules) or not any(f.endswith('.txt') for f in os.listdir(modules)):
        print('check_layers: no module records in %s (configure with cmake first)' % modules)
        return 1
    checker = check(args.source, modules)
    for path, line, message in checker.warnings + checker.violations:
        print('%s:%d: %s' % (path, line, message))
    if checker.violations:
        print('check_layers: %d violation(s) in %d files (%d includes)'
              % (len(checker.violations), checker.files, checker.includes))
        return 1
    print('check_layers: OK: %d files, %d includes, %d module records checked'
          % (checker.files, checker.includes, len(checker.records)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
