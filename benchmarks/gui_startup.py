"""Time from process start to the sign-in window shown, against a bare PySide6 window.

    .venv/bin/python benchmarks/gui_startup.py [--runs 5]

Each measurement is a fresh process (imports included).  "shown" is the first
paint of the window; "ready" is the sign-in form on screen with the store open
(migrations checked) — what a person can type into.  Uses a temporary SQLite
store with a key file, so no keyring is needed.  Target: shown / bare <= 1.3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
import sys, time
start = float(sys.argv[1])
from PySide6.QtCore import QObject, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Sign in"))
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("shown", time.time() - start, flush=True)
            print("ready", time.time() - start, flush=True)
            app.quit()
        return False
f = Painted(); window.installEventFilter(f)
window.show()
app.exec()
"""

OURS = """
import sys, time
start = float(sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QObject, QEvent, QTimer
from desktop_auth.config import Config
from desktop_auth.gui.app import start as start_app
folder = Path(sys.argv[2])
config = Config(database_url=f"sqlite:///{folder / 'store.sqlite3'}", data_key_file=folder / "key")
# What `desktop-auth` runs before its event loop (gui.app.run): the window is
# shown and opens the store (the core loads in that worker) once it has painted.
# Qt paints only from the event loop, so the filter below sees the first paint.
app, window, _demo = start_app(config, language="en")
class Painted(QObject):
    shown = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.shown:
            self.shown = True
            print("shown", time.time() - start, flush=True)
        return False
f = Painted(); window.installEventFilter(f)
def ready():
    if window.service is not None and window.stack.currentWidget() is not window.start_page:
        print("ready", time.time() - start, flush=True)
        app.quit()
poll = QTimer(); poll.timeout.connect(ready); poll.start(1)
app.exec()
"""


def measure(script: str, folder: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", script, repr(start), folder],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    times = {}
    for line in done.stdout.splitlines():
        name, value = line.split()
        times[name] = float(value)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(OURS, folder)  # first run makes the store; later runs find it, as every day
        bare, shown, ready = [], [], []
        for _ in range(args.runs):
            bare.append(measure(BARE, folder)["shown"])
            ours = measure(OURS, folder)
            shown.append(ours["shown"])
            ready.append(ours["ready"])
    b, s, r = (statistics.median(x) for x in (bare, shown, ready))
    print(f"bare PySide6 window shown:   {b * 1000:7.0f} ms (median of {args.runs})")
    print(f"sign-in window shown:        {s * 1000:7.0f} ms   ratio {s / b:.2f}")
    print(f"sign-in form ready (store):  {r * 1000:7.0f} ms   ratio {r / b:.2f}")
    print("target: shown / bare <= 1.3")


if __name__ == "__main__":
    main()
