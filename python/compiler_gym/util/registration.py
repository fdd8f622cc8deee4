"""``compiler_gym.util.registration``: the registered env ids."""

from typing import Any

from compiler_gym.envs import COMPILER_GYM_ENVS


def make(id: str, **kwargs: Any) -> Any:  # noqa: A002
    """:func:`compiler_gym.make`."""
    import compiler_gym

    return compiler_gym.make(id, **kwargs)


def register(id: str, **kwargs: Any) -> None:  # noqa: A002
    """Registering a Python env is not supported: cgym's envs are C++
    ``CompilationSession`` backends registered with ``cgym::register_env``."""
    raise NotImplementedError(
        f"cannot register {id!r} from Python: write a C++ CompilationSession and register it "
        "with cgym::register_env (see examples/custom_backend.cc)"
    )


__all__ = ["COMPILER_GYM_ENVS", "make", "register"]
