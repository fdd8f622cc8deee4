"""``compiler_gym.envs.llvm``: the LLVM env, benchmarks from source files,
and what to do with the passes LLVM 19 no longer has.

cgym runs CompilerGym's 124 LLVM 10 pass flags on LLVM 19. Six of them no
longer exist there: ``-barrier``, ``-constprop``, ``-die``, ``-ipconstprop``,
``-loop-reroll`` and ``-prune-eh``. A CompilerGym state whose command line
names one of them is **not** replayed silently without it: ``env.apply()``
and ``env.commandline_to_actions()`` raise
:class:`compiler_gym.errors.LookupError` (a :class:`LookupError`) that names
the pass, and ``env.validate()`` returns a failed result that names it. To
replay such a state anyway, opt in to the documented
substitutes (:data:`REMOVED_PASS_SUBSTITUTES`), which logs a warning on the
``cgym.compat`` logger for each pass replaced::

    state = substitute_removed_passes(state)      # or env.apply(state, substitute_removed_passes=True)
    env.apply(state)
"""

import logging
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union, overload

import cgym
from cgym import _cgym
from compiler_gym.compiler_env_state import CompilerEnvState

logger = logging.getLogger("cgym.compat")

#: The CompilerGym (LLVM 10) flags that LLVM 19 removed, each with the flags
#: that :func:`substitute_removed_passes` puts in its place, and why.
REMOVED_PASS_SUBSTITUTES: Dict[str, Tuple[List[str], str]] = {
    "-barrier": ([], "a no-op legacy pass that only split pass managers: dropped"),
    "-constprop": (["-instsimplify"], "removed in LLVM 12; -instsimplify does its constant folding"),
    "-die": (["-dce"], "removed in LLVM 12; -dce subsumes dead instruction elimination"),
    "-ipconstprop": (["-ipsccp"], "removed in LLVM 12; -ipsccp propagates constants across functions"),
    "-loop-reroll": ([], "removed in LLVM 19 with no successor: dropped"),
    "-prune-eh": (
        ["-functionattrs", "-simplifycfg"],
        "removed in LLVM 16; -functionattrs infers nounwind and -simplifycfg removes the dead unwind edges",
    ),
}

#: The removed flags, in CompilerGym's action order.
REMOVED_PASSES: List[str] = list(REMOVED_PASS_SUBSTITUTES)

_REMOVED_MARK = "has no LLVM 19 equivalent"

def _removed_flag(token: str) -> Optional[str]:
    flag = token[1:] if token.startswith("--") else token
    return flag if flag in REMOVED_PASS_SUBSTITUTES else None

def removed_passes_in(commandline: str) -> List[str]:
    """The removed flags that ``commandline`` names, in order (with repeats)."""
    return [f for f in (_removed_flag(t) for t in commandline.split()) if f]

@overload
def substitute_removed_passes(state: CompilerEnvState) -> CompilerEnvState: ...

@overload
def substitute_removed_passes(state: str) -> str: ...

def substitute_removed_passes(state: Union[CompilerEnvState, str]) -> Union[CompilerEnvState, str]:
    """A copy of ``state`` (a :class:`CompilerEnvState` or a command line)
    whose removed LLVM passes are replaced by :data:`REMOVED_PASS_SUBSTITUTES`.

    Logs one warning per removed flag on the ``cgym.compat`` logger, naming
    the flag, its substitute and the reason. The state's reward is kept: it
    was measured by CompilerGym on LLVM 10 and is not expected to reproduce
    exactly on LLVM 19 in any case. A command line without removed passes is
    returned unchanged, without a warning.
    """
    commandline = state if isinstance(state, str) else state.commandline
    tokens: List[str] = []
    replaced: Dict[str, int] = {}
    for token in commandline.split():
        flag = _removed_flag(token)
        if flag is None:
            tokens.append(token)
            continue
        replaced[flag] = replaced.get(flag, 0) + 1
        tokens.extend(REMOVED_PASS_SUBSTITUTES[flag][0])
    for flag, count in replaced.items():
        substitutes, reason = REMOVED_PASS_SUBSTITUTES[flag]
        logger.warning(
            "replaying %s (%d time%s) as %s: %s",
            flag,
            count,
            "" if count == 1 else "s",
            " ".join(substitutes) if substitutes else "nothing",
            reason,
        )
    new_commandline = " ".join(tokens) if replaced else commandline
    if isinstance(state, str):
        return new_commandline
    return CompilerEnvState(
        benchmark=state.benchmark,
        commandline=new_commandline,
        walltime=state.walltime,
        reward=state.reward,
    )

def _explain(error: Exception) -> Exception:
    """The LookupError for a removed pass, with the way out added."""
    message = str(error)
    if _REMOVED_MARK not in message:
        return error
    return type(error)(
        message + ". LLVM 19 has no such pass, so the state cannot replay as it is; "
        "compiler_gym.envs.llvm.substitute_removed_passes(state) (or "
        "env.apply(state, substitute_removed_passes=True)) replays it with the documented "
        "substitute and a warning"
    )

class LlvmEnv(cgym.CompilerEnv):
    """The LLVM env: :class:`cgym.CompilerEnv` plus CompilerGym's LLVM-only
    methods (:meth:`write_bitcode`, :meth:`write_ir`, :attr:`ir`,
    :attr:`ir_sha1`, :meth:`render` printing the IR) and a clear error for
    passes that LLVM 19 removed.

    ``compiler_gym.make("llvm-...")`` returns one; forks are LlvmEnvs too.
    """

    def fork(self) -> "LlvmEnv":
        """A deep copy of the episode, as an LlvmEnv."""
        return type(self)(self._fork())

    # -- CompilerGym's LLVM methods ------------------------------------------------

    @property
    def ir(self) -> str:
        """The module's LLVM IR, as text."""
        return self.observation["Ir"]

    @property
    def ir_sha1(self) -> str:
        """The SHA-1 of the module's IR text."""
        return self.observation["IrSha1"]

    def write_ir(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the module's IR text to ``path`` (``~`` expanded); returns the path."""
        out = Path(path).expanduser()
        out.write_text(self.observation["Ir"])
        return out

    def write_bitcode(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the module's bitcode to ``path`` (``~`` expanded); returns the path."""
        out = Path(path).expanduser()
        out.write_bytes(self.observation["Bitcode"])
        return out

    def render(self, mode: str = "human") -> Optional[str]:
        """Prints (mode ``"human"``) or returns (mode ``"ansi"``) the module's
        IR, as CompilerGym's LlvmEnv does, whatever the observation space."""
        if mode not in ("human", "ansi"):
            raise ValueError(f"render mode must be 'human' or 'ansi', not {mode!r}")
        ir = self.ir
        if mode == "ansi":
            return ir
        print(ir)
        return None

    # -- states with removed passes ---------------------------------------------

    def apply(self, state: CompilerEnvState, substitute_removed_passes: bool = False) -> None:
        """Resets to ``state.benchmark`` and replays its command line.

        A command line that names a pass LLVM 19 removed raises a
        :class:`LookupError` naming it, unless ``substitute_removed_passes``
        is true (see :func:`compiler_gym.envs.llvm.substitute_removed_passes`).
        """
        if substitute_removed_passes:
            state = _substitute(state)
        try:
            super().apply(state)
        except cgym.errors.LookupError as e:
            raise _explain(e) from e

    def validate(
        self,
        state: Optional[CompilerEnvState] = None,
        substitute_removed_passes: bool = False,
        **kwargs: Any,
    ) -> cgym.ValidationResult:
        """Replays ``state`` (default: this episode's) and checks its reward
        and the program's behaviour; see :meth:`apply` for removed passes."""
        if state is not None and substitute_removed_passes:
            state = _substitute(state)
        try:
            return super().validate(state, **kwargs)
        except cgym.errors.LookupError as e:
            raise _explain(e) from e

    def commandline_to_actions(self, commandline: str) -> List[int]:
        """The actions of a command line; a removed pass raises a LookupError naming it."""
        try:
            return super().commandline_to_actions(commandline)
        except cgym.errors.LookupError as e:
            raise _explain(e) from e

_substitute = substitute_removed_passes

def make_benchmark(
    inputs: Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]],
    copt: Optional[List[str]] = None,
    system_includes: bool = True,
    timeout: int = 600,
) -> cgym.Benchmark:
    """A benchmark from C/C++ sources or LLVM IR/bitcode files, compiled with
    clang and the extra flags ``copt`` and linked into one module, as
    CompilerGym's ``make_benchmark`` does. cgym always adds the system include
    flags; ``timeout`` is accepted for the signature."""
    del system_includes, timeout
    if isinstance(inputs, (str, bytes)) or hasattr(inputs, "__fspath__"):
        files = [os.fspath(inputs)]
    else:
        files = [os.fspath(i) for i in inputs]
    return _cgym._make_benchmark([str(f) for f in files], list(copt or []), "bitcode")

__all__ = [
    "LlvmEnv",
    "REMOVED_PASSES",
    "REMOVED_PASS_SUBSTITUTES",
    "make_benchmark",
    "removed_passes_in",
    "substitute_removed_passes",
]
