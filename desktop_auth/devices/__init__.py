"""The outside world's authenticators behind narrow interfaces.  No Qt here."""
