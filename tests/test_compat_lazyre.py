"""Patterns compiled on first use (briefgen.compat.lazyre) and the import-time patterns and modules of
ReportLab, PyYAML and pikepdf left for first use by the command line (their compat modules' install())."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from briefgen.compat import reportlab_import as rl_compat
from briefgen.compat.lazyre import LazyPattern, lazy_patterns


def test_a_named_pattern_is_lazy_and_behaves_as_compiled():
    with lazy_patterns([("a+(b)", 0), ("x", int(re.I))]):
        lazy = re.compile("a+(b)")
        other = re.compile("c+")
        case = re.compile("x", re.I)
    assert isinstance(lazy, LazyPattern) and isinstance(case, LazyPattern)
    assert isinstance(other, re.Pattern)
    assert lazy._compiled is None  # nothing compiled until used
    assert lazy.match("aab").group(1) == "b"
    assert lazy.sub("-", "xaaby") == "x-y"
    assert lazy.pattern == "a+(b)"
    assert case.fullmatch("X") is not None


def test_flags_must_match_too():
    with lazy_patterns([("x", 0)]):
        assert isinstance(re.compile("x", re.I), re.Pattern)
        assert isinstance(re.compile("x"), LazyPattern)


def test_re_compile_is_put_back_even_on_error():
    real = re.compile
    with pytest.raises(RuntimeError), lazy_patterns([("x", 0)]):
        raise RuntimeError("import failed")
    assert re.compile is real


@pytest.mark.skipif(not rl_compat.VERSION_OK, reason="outside the ReportLab range the import is plain")
def test_reportlabs_patterns_are_the_ones_named_and_split_urls_as_before():
    """In a fresh process, after install() importing briefgen.layout leaves both ReportLab patterns
    lazy (so a ReportLab that rewrote them fails here, not silently), and a URL splits as with the
    compiled pattern."""
    code = (
        "import re\n"
        "from briefgen.compat import reportlab_import\n"
        "reportlab_import.install()\n"
        "import briefgen.layout\n"
        "from briefgen.compat.lazyre import LazyPattern\n"
        "from reportlab.lib import textsplit\n"
        "from reportlab.platypus import paragraph\n"
        "print(type(paragraph.uri_pat).__name__, type(textsplit.rx).__name__)\n"
        "url = 'https://www.example.org/reports/2025/peru/chancay-port.html'\n"
        "lazy = paragraph._uri_split_pairs(url)\n"
        "paragraph.uri_pat = re.compile(paragraph.uri_pat.pattern, paragraph.uri_pat.flags)\n"
        "print(lazy == paragraph._uri_split_pairs(url), lazy[-1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "LazyPattern LazyPattern"
    assert out[1] == "True ('https://', 'www.example.org/reports/2025/peru/chancay-port.html')"


def test_pyyaml_and_pikepdf_patterns_are_lazy_and_still_work():
    """After install(), PyYAML's reader pattern (imported through briefgen.load) and pikepdf's XML
    pattern (imported by a PDF build's stages) are lazy, and both still do their job when used."""
    code = (
        "from briefgen.compat import pikepdf, pyyaml\n"
        "pyyaml.install(), pikepdf.install()\n"
        "import briefgen.load\n"
        "from briefgen.pipeline.stages import import_stages\n"
        "import_stages(('pdf',))\n"
        "import yaml, yaml.reader\n"
        "from pikepdf.models.metadata import _constants\n"
        "print(type(yaml.reader.Reader.NON_PRINTABLE).__name__, type(_constants.re_xml_illegal_chars).__name__)\n"
        "print(_constants.clean('TLP\\x01:AMBER'))\n"
        "try:\n"
        "    yaml.load('title: a\\x07b', Loader=yaml.SafeLoader)\n"
        "except yaml.reader.ReaderError as exc:\n"
        "    print(exc.character, exc.position)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["LazyPattern LazyPattern", "TLP:AMBER", "7 8"]


@pytest.mark.skipif(not rl_compat.VERSION_OK, reason="outside the ReportLab range the import is plain")
def test_pillow_runs_only_when_reportlab_reads_a_bitmap(tmp_path):
    """After install() and ``import briefgen.layout`` Pillow's image module has not run (ReportLab
    imported it lazily); reading a PNG through ReportLab runs it and gives the image's size and pixels."""
    code = (
        "import struct, sys, zlib\n"
        "from briefgen.compat import reportlab_import\n"
        "reportlab_import.install()\n"
        "import briefgen.layout\n"
        "print('PIL._imaging' in sys.modules)\n"
        "def chunk(kind, data):\n"
        "    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))\n"
        "rows = b''.join(b'\\x00' + bytes([200, 30, 30]) * 3 for _ in range(2))\n"
        "png = (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 3, 2, 8, 2, 0, 0, 0))\n"
        "       + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))\n"
        f"open({str(tmp_path / 'red.png')!r}, 'wb').write(png)\n"
        "from reportlab.lib.utils import ImageReader\n"
        f"reader = ImageReader({str(tmp_path / 'red.png')!r})\n"
        "print(reader.getSize(), reader.getRGBData()[:3] == bytes([200, 30, 30]), 'PIL._imaging' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["False", "(3, 2) True True"]



def test_a_library_import_is_left_alone_and_the_command_line_installs():
    """Without install() (a program importing briefgen) ReportLab compiles its patterns as usual;
    the command line's launcher installs the finder before anything imports ReportLab."""
    plain = subprocess.run([sys.executable, "-c", "import re, briefgen.layout\n"
                            "from reportlab.platypus import paragraph\n"
                            "print(isinstance(paragraph.uri_pat, re.Pattern))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert plain == "True"
    launcher = subprocess.run([sys.executable, "-c", "import sys\n"
                               "sys.argv = ['briefgen', '--version']\n"
                               "import briefgen.cli.launch as launch, briefgen.compat.lazyre as lazyre\n"
                               "import briefgen.cli.app\n"
                               "hooks = lambda: (f for f in sys.meta_path if type(f).__name__ == '_PatternsOnImport')\n"
                               "briefgen.cli.app.main = lambda: print(sorted(n for f in hooks() for n in f.wanted))\n"
                               "launch.main()"],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert launcher == ("['pikepdf.models.metadata._constants', 'reportlab.lib.textsplit', "
                        "'reportlab.platypus.paragraph', 'yaml.reader']")
