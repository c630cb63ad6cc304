"""Waiting for a key to be plugged in (issue 19): found once it is there, given up on
after the wait or at once on cancel; never a busy loop."""

from __future__ import annotations

import threading
import time

from desktop_auth.devices.ctap import SecurityKeyClient
from desktop_auth.devices.soft import SoftAuthenticator

ORIGIN = "https://salariszaken.nl"


def test_a_key_plugged_in_while_waiting_is_found() -> None:
    ports: list[SoftAuthenticator] = []
    looked = 0

    def devices() -> list[SoftAuthenticator]:
        nonlocal looked
        looked += 1
        if looked == 3:  # plugged in between the second and the third look
            ports.append(SoftAuthenticator())
        return list(ports)

    client = SecurityKeyClient(ORIGIN, devices=devices)
    assert client.wait_for_key(threading.Event(), seconds=10)
    assert looked == 3


def test_no_key_within_the_wait_gives_up() -> None:
    started = time.monotonic()
    assert not SecurityKeyClient(ORIGIN, devices=list).wait_for_key(threading.Event(), 0.3)
    assert 0.3 <= time.monotonic() - started < 10


def test_cancel_stops_the_wait_at_once() -> None:
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    assert not SecurityKeyClient(ORIGIN, devices=list).wait_for_key(cancel, seconds=30)
    assert time.monotonic() - started < 10  # of the 30 s it would wait
