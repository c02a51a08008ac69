"""The shared model: one module per part of the ledger, plain SI floats and numpy arrays in and out.

``compute``, ``power``, ``thermal``, ``launch``, ``cost``, ``radiation`` and ``links``: each
module's public functions are components of the :class:`~sandbox.core.modelset.ModelSet`
(``"thermal.radiator_area_m2"``) that the engine and design functions call through
``context.models``, and its ``DEFAULTS`` are the sourced default values (with ranges).
"""


import importlib as _importlib
from typing import Any as _Any

#: The shared-model modules (see :mod:`sandbox.core.modelset`), importable as attributes:
#: ``from sandbox import models; models.thermal.DEFAULTS``.
MODULES = ("compute", "power", "thermal", "launch", "cost", "radiation", "links")


def __getattr__(name: str) -> _Any:
    if name in MODULES:
        return _importlib.import_module(f"sandbox.models.{name}")
    raise AttributeError(f"module 'sandbox.models' has no attribute {name!r}")
