"""``compiler_gym.util``: the utilities CompilerGym scripts import.

- :mod:`compiler_gym.util.runfiles_path`: ``cache_path``, ``site_data_path``,
  ``transient_cache_path``, ``runfiles_path``, ``create_user_logs_dir``;
- :mod:`compiler_gym.util.timer`: ``Timer``, ``humanize_duration``;
- :mod:`compiler_gym.util.statistics`: ``geometric_mean``, ``arithmetic_mean``,
  ``stdev``;
- :mod:`compiler_gym.util.debug_util`: ``get_debug_level``, ``set_debug_level``;
- :mod:`compiler_gym.util.registration`: ``COMPILER_GYM_ENVS``, ``make``.
"""

from compiler_gym.util import debug_util, runfiles_path, statistics, timer  # noqa: F401

__all__ = ["debug_util", "runfiles_path", "statistics", "timer"]
