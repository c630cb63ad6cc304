"""A PySide6 program that lets people in only after desktop-auth's sign-in.

Run it from the project's environment (after `python3 tasks.py run` made .venv):

    .venv/bin/python examples/embed_sign_in.py            # the configured store
    .venv/bin/python examples/embed_sign_in.py --demo     # a throw-away demo store

The dialog is the employee app's own sign-in: password, second step (security
key, authenticator app, recovery or backup code), setup where it is needed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from desktop_auth import AuthService, load_config
from desktop_auth.gui import sign_in
from desktop_auth.gui.demo import demo_config, prepare_demo


def main() -> int:
    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        if "--demo" in sys.argv:
            service = AuthService.open(demo_config(Path(folder)), demo=True)
            prepare_demo(service)  # jan@demo.example / "groene appel boven de rivier"
        else:
            service = AuthService.open(load_config())
        session = sign_in(service=service)
        if session is None:
            return 1  # the person closed the dialog: the program does not start
        window = QMainWindow()
        window.setWindowTitle("Salary administration")
        window.setCentralWidget(
            QLabel(f"Welcome, {session.display_name} ({session.assurance.value}).")
        )
        window.show()
        status = app.exec()
        service.close()
        return status


if __name__ == "__main__":
    sys.exit(main())
