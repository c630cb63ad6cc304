"""The desktop app (PySide6).  Everything here reaches the rules through AuthService."""
