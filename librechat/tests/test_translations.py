"""The Russian catalogue is complete: every marked string is in it, translated, not fuzzy, and compiles."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
IGNORED = shutil.ignore_patterns(".git", ".venv", "node_modules", "var", "staticfiles", "artifacts", "__pycache__")
IGNORE_ARGS = ["--ignore=.venv", "--ignore=node_modules", "--ignore=static/dist", "--ignore=staticfiles"]


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def msgids(po: Path) -> set[str]:
    """The message ids of a catalogue, as gettext sees them (joined continuation lines)."""
    result = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", str(po)], capture_output=True, text=True, check=True
    )
    ids = set()
    for match in re.finditer(r'^msgid "(.*)"$', result.stdout, flags=re.MULTILINE):
        if match.group(1):
            ids.add(match.group(1))
    return ids


def test_catalogues_exist_for_russian():
    names = {po.name for po in (LOCALE / "ru" / "LC_MESSAGES").glob("*.po")}
    assert {"django.po", "djangojs.po"} <= names


@pytest.mark.parametrize("po", catalogues(), ids=lambda po: f"{po.parts[-3]}/{po.name}")
def test_no_untranslated_or_fuzzy_entries(po):
    untranslated = subprocess.run(["msgattrib", "--untranslated", str(po)], capture_output=True, text=True, check=True)
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(po)], capture_output=True, text=True, check=True)
    assert untranslated.stdout.strip() == "", f"untranslated entries in {po}:\n{untranslated.stdout[:2000]}"
    assert fuzzy.stdout.strip() == "", f"fuzzy entries in {po}:\n{fuzzy.stdout[:2000]}"


@pytest.mark.parametrize("po", catalogues(), ids=lambda po: f"{po.parts[-3]}/{po.name}")
def test_catalogue_compiles_cleanly(po, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the sources and compare with the shipped catalogue."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "ru", "-d", domain, "--no-location", *IGNORE_ARGS],
            cwd=copy, check=True, capture_output=True,
        )
        extracted = msgids(copy / "locale" / "ru" / "LC_MESSAGES" / f"{domain}.po")
        shipped = msgids(LOCALE / "ru" / "LC_MESSAGES" / f"{domain}.po")
        missing = sorted(extracted - shipped)
        assert not missing, f"{domain}.po lacks {len(missing)} strings; run `make messages`: {missing[:20]}"
