"""Persistence: SQLAlchemy models, the engine, migrations and the SecretBox.

Nothing here knows about sign-in rules; ``desktop_auth.core`` does.
"""
