"""``compiler_gym.util.debug_util``: the debug level (0 to 4), shared with
cgym (``CGYM_DEBUG``, else ``COMPILER_GYM_DEBUG``, sets it at import)."""

import logging

import cgym


def get_debug_level() -> int:
    """The debug level: 0 (warnings and errors) to 4 (everything)."""
    return cgym.get_debug_level()


def set_debug_level(level: int) -> None:
    """Sets the debug level (0 to 4) of cgym's C++ library and its ``cgym``
    logger alike."""
    cgym.set_debug_level(level)


def get_logging_level() -> int:
    """The :mod:`logging` level of the current debug level."""
    return {0: logging.WARNING, 1: logging.INFO}.get(get_debug_level(), logging.DEBUG)


__all__ = ["get_debug_level", "get_logging_level", "set_debug_level"]
