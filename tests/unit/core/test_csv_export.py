"""C5: every export opens in a spreadsheet as text, never as a formula."""

from __future__ import annotations

import csv
import io

from desktop_auth.core.service import Actor, AuthService

FORMULA_ADDRESS = "=cmd|'/Ccalc'!A0@example.nl"


def test_c5_imported_passwords_and_the_audit_export_escape_formulas(
    service: AuthService, admin: Actor
) -> None:
    report = service.rollout.import_users(
        actor=admin, csv_text=f"email,name\n{FORMULA_ADDRESS},+Kees\n"
    )
    assert report.ok, report.rows
    passwords = io.StringIO()
    assert report.write_passwords_csv(passwords) == 1
    [header, row] = list(csv.reader(io.StringIO(passwords.getvalue())))
    assert header == ["email", "temporary_password"]
    assert row[0] == "'" + FORMULA_ADDRESS
    assert row[1] == report.created[0].temporary_password  # a passphrase: words, no formula

    exported = io.StringIO()
    service.audit.export_csv(exported, actor=admin)
    cells = [cell for row in csv.reader(io.StringIO(exported.getvalue())) for cell in row]
    assert "'" + FORMULA_ADDRESS in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
