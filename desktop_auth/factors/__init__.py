"""Second factors.

Each module has the same verbs: begin/finish enrollment, begin/verify, remove.
"""
