"""docs/security.md is the project's own list of security requirements, and it stays complete.

Every requirement id the code, the tests, the README or the docs cite must have an entry in
docs/security.md, and every entry that says it is built must name enforcing modules and tests
that exist.  How an id is cited is defined below (``citations_in``) and in docs/security.md
("How the code cites an id").
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "docs" / "security.md"

#: The letters of the checklist's id families: P(asswords), T(hrottling), M (second factors),
#: W(ebAuthn), S(essions), C(rypto), L(ogging), B(oundary), A(ttestation), V(ault),
#: I(nput).
FAMILIES = "PTMWSCLBAVI"
#: Words of an id's shape that are not requirements, and why.
NOT_REQUIREMENTS = {"A4": "the ISO 216 paper size of the recovery sheet"}
#: Every id of the checklist the project started from (SECURITY.md in the design notes, not in
#: this repository): each must have an entry, built or not, so the list is complete.
CHECKLIST = "P1-P9 T1-T4 M1-M10 W1-W6 S1-S2 C1-C4 L1-L3 B1-B5 A1-A3 V1-V3"
STATUSES = ("built", "partly built", "not yet built")
FIELDS = ("Status", "Requires", "Enforced in", "Tested in", "Missing", "Today", "Note", "Issue")

_ID = rf"[{FAMILIES}][1-9][0-9]?"
#: An id standing alone as a word, or a range of two ("W1-W6", "P1–P5").  Not inside a longer
#: word or number ("SHA256", "ES256", "AAL2", "P-256"), nor the start of a decimal ("P1.5").
_CITATION = re.compile(rf"(?<![\w.])({_ID})(?:\s*[-\u2013]\s*({_ID}))?(?![\w]|\.\d)")
#: Whatever follows "SECURITY.md" is a citation, of any letter: a new family must be listed.
_SECURITY_MD = re.compile(r"SECURITY\.md\s+([A-Z][1-9][0-9]?)(?![\w])")
#: "ASVS V7" names a chapter of the ASVS, not a requirement of ours.
_ASVS_BEFORE = re.compile(r"ASVS\s+$")
#: A test named after what it proves: ``test_m5_s1_remove_…`` cites M5 and S1.
_TEST_NAME = re.compile(rf"test_((?:[{FAMILIES.lower()}][1-9][0-9]?(?:_|$))+)")

_HEADING = re.compile(r"^### (?P<id>\S+) \u2014 (?P<title>\S.*)$")
_FIELD = re.compile(r"^- \*\*(?P<name>[A-Za-z ]+):\*\* ?(?P<value>.*)$")
_REPO_PATH = re.compile(r"`((?:desktop_auth|tests)/[^`]*)`")


@dataclass(frozen=True)
class Citation:
    requirement: str
    path: str
    line: int
    #: "prose" (a comment, string or Markdown text) or "test name".
    form: str = "prose"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.requirement}"


@dataclass
class Entry:
    requirement: str
    title: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)

    def paths(self, name: str) -> list[str]:
        return _REPO_PATH.findall(self.fields.get(name, ""))


# --- reading docs/security.md ------------------------------------------------------------


def parse_requirements(text: str) -> list[Entry]:
    """One entry per ``### <id> — <title>`` heading, with its ``- **Field:** value`` lines
    (a value goes on over the indented lines below it)."""
    entries: list[Entry] = []
    current: Entry | None = None
    open_field: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            heading = _HEADING.match(line)
            current = None if heading is None else Entry(heading["id"], heading["title"], number)
            if current is not None:
                entries.append(current)
            open_field = None
            continue
        if current is None:
            continue
        found = _FIELD.match(line)
        if found is not None:
            open_field = found["name"]
            assert open_field not in current.fields, (
                f"docs/security.md:{number}: {open_field} twice"
            )
            current.fields[open_field] = found["value"]
        elif open_field is not None and line.startswith("  ") and line.strip():
            current.fields[open_field] += " " + line.strip()
        else:
            open_field = None
    return entries


def defined_requirements() -> dict[str, Entry]:
    entries = parse_requirements(REQUIREMENTS.read_text(encoding="utf-8"))
    return {entry.requirement: entry for entry in entries}


# --- finding citations -------------------------------------------------------------------


def citations_in(text: str, path: str, first_line: int = 1) -> Iterator[Citation]:
    """The ids ``text`` cites as prose; ``first_line`` is the line ``text`` starts on."""

    def at(offset: int) -> int:
        return first_line + text.count("\n", 0, offset)

    for match in _CITATION.finditer(text):
        if _ASVS_BEFORE.search(text, 0, match.start()):
            continue
        first, last = match[1], match[2]
        cited = [first] if last is None else [first, last]
        if last is not None and first[0] == last[0] and int(first[1:]) < int(last[1:]):
            cited = [f"{first[0]}{n}" for n in range(int(first[1:]), int(last[1:]) + 1)]
        for requirement in cited:
            if requirement not in NOT_REQUIREMENTS:
                yield Citation(requirement, path, at(match.start()))
    for match in _SECURITY_MD.finditer(text):
        if match[1][0] not in FAMILIES:
            yield Citation(match[1], path, at(match.start(1)))


def citations_in_python(source: str, path: str) -> Iterator[Citation]:
    """Citations in the comments and strings of a Python file, and in its test names.

    Code is no prose: names and attributes outside strings (``PageSizeId.A4``, ``L1 = …``)
    cite nothing.
    """
    prose = {tokenize.COMMENT, tokenize.STRING}
    if hasattr(tokenize, "FSTRING_MIDDLE"):  # Python 3.12 splits f-strings into pieces
        prose.add(tokenize.FSTRING_MIDDLE)
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in prose:
            yield from citations_in(token.string, path, token.start[0])
        elif token.type == tokenize.NAME and previous == "def":
            named = _TEST_NAME.match(token.string)
            if named is not None:
                for requirement in named[1].strip("_").split("_"):
                    yield Citation(requirement.upper(), path, token.start[0], "test name")
        if token.type == tokenize.NAME:
            previous = token.string


def scanned_files() -> list[Path]:
    python = [
        *sorted((ROOT / "desktop_auth").rglob("*.py")),
        *sorted((ROOT / "tests").rglob("*.py")),
    ]
    return [*python, ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def citations_in_file(path: Path) -> Iterator[Citation]:
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        yield from citations_in_python(text, name)
    else:
        yield from citations_in(text, name)


def unresolved(files: list[Path], defined: set[str]) -> list[Citation]:
    return [c for path in files for c in citations_in_file(path) if c.requirement not in defined]


def report(citations: list[Citation]) -> str:
    lines = "\n".join(f"  {c}" for c in citations)
    return f"cited but not defined in docs/security.md:\n{lines}"


# --- the list itself -----------------------------------------------------------------------


def test_the_list_has_one_well_formed_entry_per_checklist_requirement() -> None:
    entries = parse_requirements(REQUIREMENTS.read_text(encoding="utf-8"))
    ids = [entry.requirement for entry in entries]
    assert len(ids) == len(set(ids)), f"defined twice: {sorted(i for i in ids if ids.count(i) > 1)}"
    checklist = {c.requirement for c in citations_in(CHECKLIST, "CHECKLIST")}
    assert len(checklist) == 49
    assert not checklist - set(ids), f"no entry for {sorted(checklist - set(ids))}"
    for entry in entries:
        where = f"docs/security.md:{entry.line}: {entry.requirement}"
        assert re.fullmatch(_ID, entry.requirement), f"{where}: not an id of {FAMILIES}"
        assert entry.requirement not in NOT_REQUIREMENTS, f"{where}: listed as no requirement"
        assert set(entry.fields) <= set(FIELDS), f"{where}: unknown field"
        assert entry.fields.get("Status") in STATUSES, f"{where}: status not one of {STATUSES}"
        assert entry.fields.get("Requires"), f"{where}: says not what it requires"


def test_each_built_requirement_names_existing_code_and_tests() -> None:
    problems = []
    for entry in defined_requirements().values():
        where = f"docs/security.md:{entry.line}: {entry.requirement}"
        status = entry.fields["Status"]
        enforced, tested = entry.paths("Enforced in"), entry.paths("Tested in")
        if status != "not yet built":
            if not any(p.startswith("desktop_auth/") for p in enforced):
                problems.append(f"{where}: {status}, but no enforcing module under desktop_auth/")
            if not any(p.startswith("tests/") for p in tested):
                problems.append(f"{where}: {status}, but no test under tests/")
        if status == "partly built" and not entry.fields.get("Missing"):
            problems.append(f"{where}: partly built, but not what is missing")
        for name in FIELDS:
            for cited in entry.paths(name):
                problem = _missing(cited)
                if problem:
                    problems.append(f"{where}: {name}: {problem}")
    assert not problems, "\n".join(problems)


def _missing(cited: str) -> str | None:
    """Why ``path`` or ``path::test_name`` names nothing that exists, or None."""
    path, _, test = cited.partition("::")
    target = ROOT / path
    if not target.exists():
        return f"{path} does not exist"
    if test:
        tree = ast.parse(target.read_text(encoding="utf-8"))
        defined = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        names = {node.name for node in ast.walk(tree) if isinstance(node, defined)}
        if test not in names:
            return f"{path} defines no {test}"
    return None


# --- citations -----------------------------------------------------------------------------


def test_every_cited_requirement_is_defined() -> None:
    files = scanned_files()
    cited = [c for path in files for c in citations_in_file(path)]
    # The scan finds what this tree is known to cite, in both forms: a scan that found
    # nothing would pass and prove nothing.
    assert {c.form for c in cited} == {"prose", "test name"}
    assert {c.requirement for c in cited} >= {"P1", "T3", "M8", "W1", "S1", "C4", "L2"}
    defined = set(defined_requirements())
    missing = [c for c in cited if c.requirement not in defined]
    assert not missing, report(missing)


#: Ids built from pieces, so this file cites none that is not defined.
UNDEFINED = "W" + "9"
NEW_FAMILY = "R" + "1"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"""Recovery codes (SECURITY.md M1, M3, M8)."""\n', ["M1", "M3", "M8"]),
        ("x = 1  # exact match only (W6)\n", ["W6"]),
        ('def f() -> None:\n    """T3: the second factor has its own lock."""\n', ["T3"]),
        ('"""SECURITY.md W1-W3, and P1\u2013P2."""\n', ["W1", "W2", "W3", "P1", "P2"]),
        ('"""M2-style entropy check."""\n', ["M2"]),
        ("def test_m5_s1_remove_a_lost_method() -> None: ...\n", ["M5", "S1"]),
        ("def test_t3_t4() -> None: ...\n", ["T3", "T4"]),
        (f'"""A docstring that cites {UNDEFINED}."""\n', [UNDEFINED]),
        (f'"""As SECURITY.md {NEW_FAMILY} asks."""\n', [NEW_FAMILY]),
        ('"""SHA256, ES256, P256, P-256, AES-256, AAL2, 0xC1, RFC 9106, v1.2."""\n', []),
        ('"""ASVS V7 and ASVS V16 are chapters."""\n', []),
        ("L1 = PageSizeId.A4\n", []),
        ('assert "A4" in info  # an A4 page\n', []),
        ("def test_x11_idle() -> None: ...\ndef test_a_local_admin() -> None: ...\n", []),
        ("def helper_m1() -> None: ...\n", []),
    ],
)
def test_what_counts_as_a_citation(source: str, expected: list[str]) -> None:
    assert [c.requirement for c in citations_in_python(source, "example.py")] == expected


def test_a_citation_of_an_undefined_id_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(f'"""Fine (SECURITY.md W1).\n\nBut this needs {UNDEFINED}."""\n')
    notes = tmp_path / "notes.md"
    notes.write_text(f"Line one.\nSee {UNDEFINED} and T3.\n")
    found = unresolved([module, notes], set(defined_requirements()))
    assert [str(c) for c in found] == [
        f"{module}:3: {UNDEFINED}",
        f"{notes}:2: {UNDEFINED}",
    ]
