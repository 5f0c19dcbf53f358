"""A bounded fuzzer over mutations of the real catalogue.

Every mutated file must give exit 0, 1 or 2 with a message (never a traceback) within 2 s, every
printed problem must be ``PATH:LINE: message`` on one printable line, and every file that
validates must also generate the site's Markdown. ``FUZZ_EXAMPLES`` (environment) sets the
number of inputs. The default, 100, takes about 5 s (validating the real catalogue takes
about 60 ms): every run draws new inputs (no example database), so runs add up, and a deep search
is one variable away (``FUZZ_EXAMPLES=5000``).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.catalog import load
from tools.site.generate import Layout, generate
from tools.validate import main

# The tally test reads what the fuzz test counted: both run in one process (one xdist worker).
pytestmark = pytest.mark.xdist_group("fuzz-tally")

REPO = Path(__file__).resolve().parent.parent
REAL = (REPO / "resources.yaml").read_text(encoding="utf-8")
LINES = REAL.splitlines(keepends=True)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
MAX_BUILDS = 4
SECONDS_PER_INPUT = 2.0

SNIPPETS = [
    "&a ",
    "*a",
    "<<: ",
    "{",
    "}",
    "[",
    "]",
    "- ",
    ": ",
    "? ",
    "!!python/object/apply:os.system ",
    "!!binary ",
    "!!set ",
    '"\\ud800"',
    '"\\x7f"',
    '"\\u202e"',
    "\t",
    "\x00",
    "\x7f",
    "\x1b[31m",
    "\u202e",
    "\u2028",
    "\ufeff",
    "\r",
    "<img src=x onerror=alert(1)>",
    "<img/=x src=x onerror=alert(1)>",
    "<!--",
    "&lt;script&gt;",
    "`",
    "\\`",
    "```",
    "[x](javascript:alert(1))",
    "null",
    "~",
    "2020-02-30",
    "{approx: 2019}",
    "{on_or_before: 2022-09-24}",
    "'",
    '"',
    "#",
    "|\n",
    ">\n",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "TODO",
    "x" * 3000,
]
VALUES = [
    "null",
    "1",
    "-1",
    "true",
    "[]",
    "{}",
    "''",
    "x",
    "2020-10-27",
    "2020-10-27T10:00:00",
    "{approx: 2019}",
    "{on_or_before: 2022-09-24}",
    "{on_or_after: 2030-01-01}",
    "[a, b]",
    "{ja: x, en: y}",
    "unknown",
    "1e400",
    "0x10",
    ".nan",
]

line_index = st.integers(0, len(LINES) - 1)
text_mutation = st.one_of(
    st.tuples(st.just("delete"), line_index),
    st.tuples(st.just("duplicate"), line_index),
    st.tuples(st.just("swap"), line_index, line_index),
    st.tuples(
        st.just("insert"),
        line_index,
        st.integers(0, 120),
        st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=12)),
    ),
    st.tuples(st.just("retype"), line_index, st.sampled_from(VALUES)),
)
byte_mutation = st.tuples(st.integers(0, len(REAL.encode())), st.binary(min_size=1, max_size=4))


def _mutate(mutations: list[tuple], raw: tuple[int, bytes] | None) -> bytes:
    lines = list(LINES)
    for mutation in mutations:
        kind, i = mutation[0], mutation[1] % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = mutation[2] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            column = min(mutation[2], len(lines[i]))
            lines[i] = lines[i][:column] + mutation[3] + lines[i][column:]
        elif kind == "retype" and ": " in lines[i]:
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {mutation[2]}\n"
        if not lines:
            lines = [""]
    data = "".join(lines).encode("utf-8", "surrogatepass")
    if raw is not None:
        at, junk = raw
        data = data[:at] + junk + data[at:]
    return data


BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _terminal_safe(line: str) -> bool:
    """No control character, lone surrogate, bidi control or line separator on the line."""
    return not any(
        unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in BIDI_CONTROLS for ch in line
    )


class _Tally:
    inputs = 0
    valid = 0
    builds = 0
    slowest = 0.0
    codes: dict[int, int] = {}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    mutations=st.lists(text_mutation, min_size=1, max_size=3),
    raw=st.one_of(st.none(), byte_mutation),
)
def test_mutated_catalogues_give_a_verdict_never_a_crash(tmp_path_factory, mutations, raw) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "resources.yaml"
    path.write_bytes(_mutate(mutations, raw))
    out, err = io.StringIO(), io.StringIO()
    # CPU time of this process: what an input costs, whatever else the machine is running.
    started = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(path)])
    elapsed = time.process_time() - started
    _Tally.inputs += 1
    _Tally.slowest = max(_Tally.slowest, elapsed)
    _Tally.codes[code] = _Tally.codes.get(code, 0) + 1
    assert elapsed <= SECONDS_PER_INPUT, f"{elapsed:.2f} CPU s for one input"
    assert code in (0, 1, 2)
    assert err.getvalue().strip(), "no summary or message on stderr"
    for line in out.getvalue().splitlines():
        assert line.startswith(f"{path}:") and _terminal_safe(line), line
        assert line.split(":", 2)[1].isdigit()
    if code == 1:
        assert out.getvalue(), "exit 1 without a problem printed"
    if code == 0:
        _Tally.valid += 1
        if _Tally.builds < MAX_BUILDS:
            _Tally.builds += 1
            _generate(folder, path)


def _generate(folder: Path, catalogue: Path) -> None:
    for lang in ("ja", "en"):
        (folder / "docs" / lang).mkdir(parents=True)
        shutil.copy(REPO / "docs" / lang / "_home.md", folder / "docs" / lang / "_home.md")
    layout = Layout.at(
        folder,
        catalogue=catalogue,
        linkstatus=folder / "linkstatus.json",
        renderings=REPO / "demos" / "renderings",
        demos_dir=REPO / "demos" / "gallery",
        assets=REPO / "site_assets",
    )
    report = generate(load(catalogue), layout)
    assert report.written
    page = (layout.pages("en") / "catalogue.md").read_text(encoding="utf-8")
    assert page.strip()


def test_the_fuzzer_ran(capsys) -> None:
    """Reports what the fuzzer tried (run after it; -s shows the line)."""
    if _Tally.inputs == 0:
        return  # the fuzz test was deselected
    with capsys.disabled():
        print(
            f"\nfuzzer: {_Tally.inputs} inputs, exit codes {dict(sorted(_Tally.codes.items()))}, "
            f"{_Tally.valid} valid, {_Tally.builds} built, slowest {_Tally.slowest:.2f} s"
        )
    assert _Tally.inputs >= EXAMPLES // 2
