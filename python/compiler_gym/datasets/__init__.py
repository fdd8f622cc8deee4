"""``compiler_gym.datasets``: benchmarks and datasets, which are cgym's
(``env.datasets``, ``env.datasets["cgym-v0"]``, ``Benchmark.from_file``),
and :class:`BenchmarkUri`, CompilerGym's parsed form of a benchmark URI."""

from dataclasses import dataclass, field
from typing import Dict, List
from urllib.parse import parse_qs, urlencode

from cgym import Benchmark, Dataset, Datasets
from cgym.errors import BenchmarkInitError, DatasetInitError


@dataclass
class BenchmarkUri:
    """``scheme://dataset/path?params#fragment``, parsed.

    A URI without a scheme means ``benchmark://``, as in CompilerGym and
    cgym: ``BenchmarkUri.from_string("cgym-v0/qsort").scheme == "benchmark"``.
    ``str()`` writes the URI back.
    """

    scheme: str = "benchmark"
    dataset: str = ""
    path: str = ""
    params: Dict[str, List[str]] = field(default_factory=dict)
    fragment: str = ""

    @classmethod
    def from_string(cls, uri: str) -> "BenchmarkUri":
        """Parses ``uri``; raises ValueError for an empty one."""
        text = str(uri).strip()
        if not text:
            raise ValueError("a benchmark URI cannot be empty (e.g. benchmark://cgym-v0/qsort)")
        scheme, sep, rest = text.partition("://")
        if not sep:
            scheme, rest = "benchmark", text
        rest, _, fragment = rest.partition("#")
        rest, _, query = rest.partition("?")
        if scheme == "file":
            dataset, path = "", rest  # file:///abs/path: the path is everything
        else:
            dataset, _, path = rest.partition("/")
            path = "/" + path if path else ""
        return cls(scheme=scheme, dataset=dataset, path=path, params=parse_qs(query), fragment=fragment)

    @staticmethod
    def canonicalize(uri: str) -> str:
        """The URI with its scheme written out."""
        return str(BenchmarkUri.from_string(uri))

    def startswith(self, prefix: str) -> bool:
        return str(self).startswith(prefix)

    def endswith(self, suffix: str) -> bool:
        return str(self).endswith(suffix)

    def __str__(self) -> str:
        text = f"{self.scheme}://{self.dataset}{self.path}"
        if self.params:
            text += "?" + urlencode(self.params, doseq=True)
        if self.fragment:
            text += "#" + self.fragment
        return text


__all__ = [
    "Benchmark",
    "BenchmarkInitError",
    "BenchmarkUri",
    "Dataset",
    "DatasetInitError",
    "Datasets",
]
