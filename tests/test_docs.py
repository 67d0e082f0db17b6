"""The README and docs/ stand alone: their links resolve inside the repository, nothing points at
files a user does not have, and the README's example commands leave the repository as it was."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", page.read_text(), re.M)}


def test_the_docs_exist_and_the_readme_links_them():
    text = README.read_text()
    for page in ("docs/semantics.md", "docs/api.md"):
        assert (ROOT / page).is_file()
        assert f"]({page})" in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_nothing_points_outside_the_repository(page):
    text = page.read_text()
    assert "../shared" not in text and "/work/" not in text and "spec/golden" not in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_resolves(page):
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        assert dest.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        assert dest.exists(), f"{page.name}: {target} does not exist"
        if anchor:
            assert anchor in anchors(dest), f"{page.name}: no heading for #{anchor} in {dest.name}"


def test_the_readme_names_the_linux_qt_library():
    assert "libxcb-cursor0" in README.read_text()


def repository_files() -> set[Path]:
    skip = {".git", "__pycache__", ".pytest_cache", ".hypothesis"}
    return {p for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts)}


def readme_commands() -> list[str]:
    """The README's `python -m rnnstudio ...` lines whose files ship with the repository."""
    lines = re.findall(r"^    (python -m rnnstudio .+?)(?:\s+#.*)?$", README.read_text(), re.M)
    return [line for line in lines
            if all((ROOT / w).exists() for w in line.split() if w.endswith((".json", ".csv"))
                   and not w.startswith("~"))]


def test_the_readme_commands_do_not_write_into_the_repository(tmp_path):
    commands = readme_commands()
    assert any(" train " in c for c in commands)
    before = repository_files()
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    for line in commands:
        argv = [str(tmp_path) + w[1:] if w.startswith("~/") else w for w in shlex.split(line)]
        argv[0] = sys.executable
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
    assert repository_files() == before
