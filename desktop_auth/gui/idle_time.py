"""How long this workstation has had no keyboard or mouse input, system-wide.

The gate's idle lock needs it for programs that are not ours: Windows tells
it (GetLastInputInfo), and X11 tells it through the screen-saver extension
(libXss).  Elsewhere the answer is None and the gate says the lock is off.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys


def system_idle_seconds() -> float | None:
    """Seconds since the last input anywhere on this workstation, or None if unknown."""
    if sys.platform == "win32":
        return _windows_idle()
    if os.environ.get("DISPLAY"):
        return _x11_idle()
    return None


def _windows_idle() -> float | None:
    class LastInputInfo(ctypes.Structure):
        _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

    info = LastInputInfo()
    info.cbSize = ctypes.sizeof(info)
    windll = getattr(ctypes, "windll", None)
    if windll is None or not windll.user32.GetLastInputInfo(ctypes.byref(info)):
        return None
    return float((windll.kernel32.GetTickCount() - info.dwTime) / 1000)


def _x11_idle() -> float | None:
    x11_path, xss_path = ctypes.util.find_library("X11"), ctypes.util.find_library("Xss")
    if not x11_path or not xss_path:
        return None

    class XScreenSaverInfo(ctypes.Structure):
        _fields_ = [
            ("window", ctypes.c_ulong),
            ("state", ctypes.c_int),
            ("kind", ctypes.c_int),
            ("til_or_since", ctypes.c_ulong),
            ("idle", ctypes.c_ulong),
            ("event_mask", ctypes.c_ulong),
        ]

    x11, xss = ctypes.cdll.LoadLibrary(x11_path), ctypes.cdll.LoadLibrary(xss_path)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(XScreenSaverInfo)
    xss.XScreenSaverQueryInfo.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.POINTER(XScreenSaverInfo),
    ]
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    try:
        info = xss.XScreenSaverAllocInfo()
        if not xss.XScreenSaverQueryInfo(display, x11.XDefaultRootWindow(display), info):
            return None
        return float(info.contents.idle / 1000)
    finally:
        x11.XCloseDisplay(display)
