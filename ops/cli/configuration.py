"""The stack's one configuration, made the environment of the command that starts its processes."""

from __future__ import annotations

import os
from collections.abc import Callable

from ops.infra import stack_config
from ops.infra.layout import Layout


def use_stack_configuration(layout: Layout, say: Callable[[str], None]) -> None:
    """Read (or write, at the first start) the stack's stack.env and make it this process's environment."""
    path = stack_config.path_in(layout.root)
    first = not path.exists()
    recorded = stack_config.establish(path, os.environ)
    overridden = stack_config.ignored(os.environ, recorded)
    stack_config.apply(os.environ, recorded)
    if first:
        say(f"configuration: written to {path} (every start and restart of this stack uses it)")
    elif overridden:
        say(f"configuration: {path}; the shell's {', '.join(overridden)} ignored (edit the file to change them)")
