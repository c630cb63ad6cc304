"""The rules: sign-in flow, passwords, throttling, audit, sessions.  No Qt here."""
