"""Where files live: cgym's directories, under CompilerGym's function names.

Each directory is chosen as cgym's C++ library chooses it:

1. the ``CGYM_*`` variable when it is set (``CGYM_CACHE``, ``CGYM_SITE_DATA``,
   ``CGYM_TRANSIENT_CACHE``, ``CGYM_LOGS``);
2. else CompilerGym's variable (``COMPILER_GYM_CACHE``, ``COMPILER_GYM_SITE_DATA``,
   ``COMPILER_GYM_TRANSIENT_CACHE``, ``COMPILER_GYM_LOGS``);
3. else cgym's default (``~/.cache/cgym``, ``~/.local/share/cgym``,
   ``/dev/shm/cgym-$USER`` where ``/dev/shm`` is writable, else
   ``$TMPDIR/cgym-$USER``; ``~/logs/cgym``).

As in CompilerGym, nothing is created (except by :func:`create_user_logs_dir`)
and nothing is checked: the functions only compute paths.
"""

import os
import pwd
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Optional, Union

_PathLike = Union[str, "os.PathLike[str]"]

_LOGS_LOCK = threading.Lock()


def _variable(name: str) -> Optional[str]:
    """``CGYM_<name>``, else ``COMPILER_GYM_<name>``, else None (an empty
    value counts as unset)."""
    for prefix in ("CGYM_", "COMPILER_GYM_"):
        value = os.environ.get(prefix + name)
        if value:
            return value
    return None


def _home() -> Path:
    # As the C++ library: $HOME, else the password database's home directory.
    home = os.environ.get("HOME")
    if home:
        return Path(home)
    try:
        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:
        return Path(tempfile.gettempdir())


def _user() -> str:
    # As the C++ library: $USER, else the password database's name, else the uid.
    user = os.environ.get("USER")
    if user:
        return user
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def _cache_root() -> Path:
    forced = _variable("CACHE")
    return Path(forced).expanduser() if forced else _home() / ".cache" / "cgym"


def _site_data_root() -> Path:
    forced = _variable("SITE_DATA")
    return Path(forced).expanduser() if forced else _home() / ".local" / "share" / "cgym"


def _transient_cache_root() -> Path:
    forced = _variable("TRANSIENT_CACHE")
    if forced:
        return Path(forced).expanduser()
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm / f"cgym-{_user()}"
    return Path(tempfile.gettempdir()) / f"cgym-{_user()}"


def cache_path(relpath: _PathLike = ".") -> Path:
    """A path inside the cache directory (``CGYM_CACHE``, else
    ``COMPILER_GYM_CACHE``, else ``~/.cache/cgym``)."""
    return _cache_root() / relpath


def site_data_path(relpath: _PathLike = ".") -> Path:
    """A path inside the site data directory (``CGYM_SITE_DATA``, else
    ``COMPILER_GYM_SITE_DATA``, else ``~/.local/share/cgym``)."""
    return _site_data_root() / relpath


def transient_cache_path(relpath: _PathLike = ".") -> Path:
    """A path inside the transient cache (``CGYM_TRANSIENT_CACHE``, else
    ``COMPILER_GYM_TRANSIENT_CACHE``, else ``/dev/shm/cgym-$USER``, else
    ``$TMPDIR/cgym-$USER``)."""
    return _transient_cache_root() / relpath


def logs_path(relpath: _PathLike = ".") -> Path:
    """A path inside the logs directory (``CGYM_LOGS``, else
    ``COMPILER_GYM_LOGS``, else ``~/logs/cgym``)."""
    forced = _variable("LOGS")
    root = Path(forced).expanduser() if forced else Path("~/logs/cgym").expanduser()
    return root / relpath


def runfiles_path(relpath: _PathLike = ".") -> Path:
    """A path inside the installed package's data, as CompilerGym resolves its
    runfiles: ``COMPILER_GYM_RUNFILES`` when set, else the directory above
    this package (where ``cgym`` and ``compiler_gym`` are installed)."""
    forced = os.environ.get("COMPILER_GYM_RUNFILES")
    if forced:
        return Path(forced) / relpath
    return Path(__file__).resolve().parent.parent.parent / relpath


def create_user_logs_dir(name: str, dir: Optional[_PathLike] = None) -> Path:  # noqa: A002
    """Creates and returns a new timestamped directory ``<logs>/<name>/<date>/<time>``
    (``<logs>`` as :func:`logs_path`, or ``dir``), and points ``<logs>/<name>/latest``
    at it, as CompilerGym does."""
    base = Path(dir).expanduser() if dir is not None and not _variable("LOGS") else logs_path()
    group = base / name
    with _LOGS_LOCK:
        while True:
            stamp = datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
            logs_dir = group / stamp
            if logs_dir.is_dir():
                time.sleep(0.3)  # one directory per second: wait for the next
                continue
            logs_dir.mkdir(parents=True)
            latest = group / "latest"
            if latest.is_symlink() or latest.exists():
                latest.unlink()
            latest.symlink_to(stamp)
            return logs_dir


__all__ = [
    "cache_path",
    "create_user_logs_dir",
    "logs_path",
    "runfiles_path",
    "site_data_path",
    "transient_cache_path",
]
