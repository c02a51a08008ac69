"""The lunar and deep-space infrastructure sandbox: one ledger for AI compute in space.

The host engine knows no architecture by name; architectures, catalogues and model
components come from pluggy plugins found through the ``sandbox`` entry-point group.
Plugins mark their hook implementations with :data:`hookimpl`.
"""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

#: Marker for hook implementations in plugins: ``@sandbox.hookimpl``.
hookimpl = pluggy.HookimplMarker("sandbox")
#: Marker for hook specifications (used only by :mod:`sandbox.hookspecs`).
hookspec = pluggy.HookspecMarker("sandbox")

__all__ = ["__version__", "hookimpl", "hookspec"]
