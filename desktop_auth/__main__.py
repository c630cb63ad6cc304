"""``python -m desktop_auth``: the same as the ``desktop-auth`` command."""

import sys

from desktop_auth.cli import main

sys.exit(main())
