"""The suite stands on its own: no test names a file outside the repository (CI clones it elsewhere)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_test_names_an_existing_file_outside_the_repository() -> None:
    outside = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for value in _string_constants(path):
            if not value.startswith(("/", "../", "~/")) or "\n" in value or len(value) > 300:
                continue
            target = (path.parent / Path(value).expanduser()).resolve()  # an absolute value stays as it is
            if len(target.parts) > 2 and target.exists() and target != ROOT and ROOT not in target.parents:
                outside.append(f"{path.relative_to(ROOT)}: {value}")
    assert outside == [], "copy what a test needs into tests/fixtures/ instead"


def test_every_benchmark_script_still_imports() -> None:
    """The benchmarks reuse the tests' seeding helpers; a rename there must not silently break them."""
    import importlib

    names = sorted(path.stem for path in (ROOT / "benchmarks").glob("bench_*.py"))
    assert names
    for name in names:
        importlib.import_module(f"benchmarks.{name}")
