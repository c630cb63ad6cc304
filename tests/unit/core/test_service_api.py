"""The public API is small and documented: AuthService and one object per capability."""

from __future__ import annotations

import inspect

from desktop_auth.core.service import AuthService

#: What AuthService keeps itself: opening, closing, the organisation, and the capabilities
#: (one per screen's worth of rules: the vault made it 11).
MAX_PUBLIC_MEMBERS = 16
#: One-line accessors that are not forwarders: what they return is the capability's own.
ACCESSORS = {"accounts.now"}  # the service's clock, which tests pin, to judge a status by


def public_members(thing: object) -> list[str]:
    return sorted(name for name in dir(thing) if not name.startswith("_"))


def test_authservice_has_at_most_16_public_members(service: AuthService) -> None:
    members = public_members(service)
    assert len(members) <= MAX_PUBLIC_MEMBERS, members


def test_every_capability_and_its_methods_are_documented(service: AuthService) -> None:
    undocumented = []
    for name in public_members(service):
        capability = getattr(service, name)
        if callable(capability):
            continue  # open, close, diagnose, organisation, initialize
        if not inspect.getdoc(type(capability)):
            undocumented.append(name)
        for method in public_members(capability):
            if not inspect.getdoc(getattr(capability, method)):
                undocumented.append(f"{name}.{method}")
    assert undocumented == []


def test_no_capability_method_only_forwards_to_another_object(service: AuthService) -> None:
    """A one-line body that calls another object's method of the same name is a forwarder."""
    forwarders = []
    for name in public_members(service):
        capability = getattr(service, name)
        if callable(capability):
            continue
        for method in public_members(capability):
            if not inspect.ismethod(getattr(capability, method)):
                continue  # an attribute (operations.rate_limits, for the server)
            source = inspect.getsource(getattr(capability, method))
            body = [
                line.strip()
                for line in inspect.cleandoc(source).splitlines()[1:]
                if line.strip() and not line.strip().startswith(('"""', "#"))
            ]
            if len(body) == 1 and f".{method}(" in body[0] and body[0].startswith("return self."):
                forwarders.append(f"{name}.{method}")
    assert sorted(set(forwarders) - ACCESSORS) == []
    assert set(forwarders) >= ACCESSORS  # an accessor that grew a body leaves this list
