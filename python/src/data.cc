// Spaces, benchmarks, datasets, states and validation results.
#include <cgym/datasets.h>

#include <random>
#include <sstream>

#include "common.h"

namespace cgym::python {

namespace {

// Seeds drawn from the OS for objects made without a seed.
uint64_t fresh_seed() {
  static std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// A Python seed argument: None (fresh), an int, or anything with
// .integers() (numpy.random.Generator) or .randint() (random.Random).
uint64_t seed_arg(const py::handle& v) {
  if (v.is_none()) return fresh_seed();
  if (py::isinstance<py::int_>(v)) return v.cast<uint64_t>();
  if (py::hasattr(v, "integers"))
    return v.attr("integers")(0, py::int_(1ULL << 62)).cast<uint64_t>();
  if (py::hasattr(v, "randint")) return v.attr("randint")(0, py::int_(1ULL << 62)).cast<uint64_t>();
  throw py::type_error("expected a seed (int), numpy.random.Generator or random.Random, not " +
                       py::str(py::type::of(v)).cast<std::string>());
}

// Yields benchmark_uri(i) for i in [begin, end) of one dataset.
struct UriIterator {
  DatasetPtr dataset;
  uint64_t next = 0;
  uint64_t end = 0;  // UINT64_MAX for a generator
};

}  // namespace

void bind_spaces(py::module_& m) {
  py::class_<Rng>(m, "Rng", "The random engine behind every sample() (std::mt19937_64).")
      .def(py::init([](py::object seed) { return Rng(seed_arg(seed)); }),
           py::arg("seed") = py::none())
      .def(
          "seed", [](Rng& r, py::object seed) { r.seed(seed_arg(seed)); },
          py::arg("seed") = py::none())
      .def("randrange", [](Rng& r, uint64_t n) {
        if (n == 0) throw InvalidArgument("randrange(0): the range is empty");
        return std::uniform_int_distribution<uint64_t>(0, n - 1)(r);
      });

  py::class_<ActionInfo>(m, "ActionInfo")
      .def_readonly("name", &ActionInfo::name)
      .def_readonly("flag", &ActionInfo::flag)
      .def_readonly("description", &ActionInfo::description)
      .def_readonly("deterministic", &ActionInfo::deterministic)
      .def("__repr__", [](const ActionInfo& a) { return "ActionInfo(" + a.name + ")"; });

  py::class_<ActionSpace>(m, "ActionSpace", "A NamedDiscrete space over command-line flags.")
      .def_property_readonly("name", &ActionSpace::name)
      .def_property_readonly("n", &ActionSpace::size)
      .def("__len__", &ActionSpace::size)
      .def_property_readonly("actions", &ActionSpace::actions)
      .def_property_readonly("names", &ActionSpace::names)
      .def_property_readonly("flags",
                             [](const ActionSpace& s) {
                               std::vector<std::string> out;
                               for (const auto& a : s.actions()) out.push_back(a.flag);
                               return out;
                             })
      .def_property_readonly("descriptions",
                             [](const ActionSpace& s) {
                               std::vector<std::string> out;
                               for (const auto& a : s.actions()) out.push_back(a.description);
                               return out;
                             })
      .def("contains",
           [](const ActionSpace& s, py::handle a) {
             if (!PyIndex_Check(a.ptr()) || py::isinstance<py::bool_>(a)) return false;
             return s.contains(a.cast<Action>());
           })
      .def("check", &ActionSpace::check)
      .def("index", &ActionSpace::index, py::arg("name_or_flag"))
      .def("find", &ActionSpace::find, py::arg("name_or_flag"))
      .def("sample", &ActionSpace::sample, py::arg("rng"))
      .def("to_commandline", [](const ActionSpace& s,
                                std::vector<Action> actions) { return s.to_commandline(actions); })
      .def("from_commandline",
           [](const ActionSpace& s, const std::string& text) { return s.from_commandline(text); });

  py::enum_<SpaceKind>(m, "SpaceKind")
      .value("Scalar", SpaceKind::kScalar)
      .value("Box", SpaceKind::kBox)
      .value("Sequence", SpaceKind::kSequence)
      .value("Dict", SpaceKind::kDict);

  py::class_<Space>(m, "Space", "The shape and range of an observation's values.")
      .def_readonly("kind", &Space::kind)
      .def_property_readonly("dtype",
                             [](const Space& s) { return std::string(to_string(s.dtype)); })
      .def_readonly("shape", &Space::shape)
      .def_readonly("low", &Space::low)
      .def_readonly("high", &Space::high)
      .def_readonly("min_length", &Space::min_length)
      .def_readonly("max_length", &Space::max_length)
      .def("contains",
           [](const Space& s, py::handle value) {
             try {
               return s.contains(from_python(value));
             } catch (const py::type_error&) {
               return false;
             }
           })
      .def("sample", [](const Space& s, Rng& rng) { return to_python(s.sample(rng)); })
      .def("__repr__", &Space::to_string);

  py::class_<ObservationSpaceSpec>(m, "ObservationSpaceSpec")
      .def_readonly("name", &ObservationSpaceSpec::name)
      .def_readonly("space", &ObservationSpaceSpec::space)
      .def_readonly("deterministic", &ObservationSpaceSpec::deterministic)
      .def_readonly("platform_dependent", &ObservationSpaceSpec::platform_dependent)
      .def_property_readonly("default_value",
                             [](const ObservationSpaceSpec& s) {
                               Observation copy = s.default_value;
                               return to_python(std::move(copy));
                             })
      .def_readonly("description", &ObservationSpaceSpec::description)
      .def_readonly("benchmark_constant", &ObservationSpaceSpec::benchmark_constant);

  py::class_<RewardSpaceSpec>(m, "RewardSpaceSpec")
      .def_readonly("name", &RewardSpaceSpec::name)
      .def_readonly("default_value", &RewardSpaceSpec::default_value)
      .def_readonly("min", &RewardSpaceSpec::min)
      .def_readonly("max", &RewardSpaceSpec::max)
      .def_readonly("deterministic", &RewardSpaceSpec::deterministic)
      .def_readonly("platform_dependent", &RewardSpaceSpec::platform_dependent)
      .def_readonly("success_threshold", &RewardSpaceSpec::success_threshold)
      .def_readonly("default_negates_returns", &RewardSpaceSpec::default_negates_returns)
      .def_readonly("deterministic_in", &RewardSpaceSpec::deterministic_in)
      .def_readonly("description", &RewardSpaceSpec::description);
}

void bind_data(py::module_& m) {
  py::class_<Benchmark, std::shared_ptr<Benchmark>>(m, "Benchmark", R"doc(
A program to compile: immutable, and shared between envs. Make one with
Benchmark.from_file(), env.make_benchmark(), or env.datasets.benchmark(uri).
)doc")
      .def_property_readonly("uri", &Benchmark::uri)
      .def_property_readonly("program", [](const Benchmark& b) { return py::bytes(b.program()); })
      .def_property_readonly("format",
                             [](const Benchmark& b) { return std::string(to_string(b.format())); })
      .def_property_readonly("hash", &Benchmark::hash)
      .def_property_readonly("is_runnable", &Benchmark::is_runnable)
      .def_property_readonly("sources",
                             [](const Benchmark& b) {
                               py::dict d;
                               for (const auto& s : b.data().sources)
                                 d[py::str(s.name)] = s.contents;
                               return d;
                             })
      .def_static(
          "from_file",
          [](const std::string& uri, const std::string& path) {
            BenchmarkUri::parse(uri);  // a clear error for a malformed URI
            BenchmarkPtr b;
            {
              py::gil_scoped_release release;
              b = make_benchmark({std::filesystem::path(path)});
            }
            BenchmarkData data = b->data();
            data.uri = uri;
            return std::const_pointer_cast<Benchmark>(Benchmark::make(std::move(data)));
          },
          py::arg("uri"), py::arg("path"),
          "Loads a program (.c, .cc, .ll, .bc) from `path` as benchmark `uri`.")
      .def("__str__", &Benchmark::uri)
      .def("__repr__", [](const Benchmark& b) { return "Benchmark(" + b.uri() + ")"; })
      .def("__hash__", [](const Benchmark& b) { return std::hash<std::string>()(b.uri()); })
      .def("__eq__", [](const Benchmark& b, py::handle other) {
        if (py::isinstance<py::str>(other)) return b.uri() == other.cast<std::string>();
        try {
          return b.uri() == other.cast<const Benchmark&>().uri();
        } catch (const py::cast_error&) {
          return false;
        }
      });

  m.def(
      "_make_benchmark",
      [](std::vector<std::string> files, std::vector<std::string> flags,
         const std::string& format) {
        ProgramFormat target = format == "c" ? ProgramFormat::kC : ProgramFormat::kLlvmBitcode;
        std::vector<std::filesystem::path> paths(files.begin(), files.end());
        py::gil_scoped_release release;
        return std::const_pointer_cast<Benchmark>(make_benchmark(paths, flags, target));
      },
      py::arg("files"), py::arg("flags"), py::arg("format"));

  py::class_<UriIterator>(m, "_UriIterator")
      .def("__iter__", [](UriIterator& it) -> UriIterator& { return it; })
      .def("__next__", [](UriIterator& it) {
        if (it.next >= it.end) throw py::stop_iteration();
        return it.dataset->benchmark_uri(it.next++);
      });

  py::class_<Dataset, std::shared_ptr<Dataset>>(m, "Dataset", "A named collection of benchmarks.")
      .def_property_readonly("name", &Dataset::name)
      .def_property_readonly("description", &Dataset::description)
      .def_property_readonly("license", &Dataset::license)
      .def_property_readonly("size",
                             [](const Dataset& d) -> py::object {
                               // CompilerGym: -1 for an infinite dataset (a generator).
                               if (d.size() == 0 && d.enumerable()) return py::int_(-1);
                               return py::int_(d.size());
                             })
      .def_property_readonly("enumerable", &Dataset::enumerable)
      .def("__len__",
           [](const Dataset& d) {
             if (d.size() == 0 && d.enumerable()) {
               throw InvalidArgument("dataset '" + d.name() + "' is infinite: it has no len()");
             }
             return d.size();
           })
      .def("benchmark_uris",
           [](std::shared_ptr<Dataset> d) {
             if (!d->enumerable()) {
               throw InvalidArgument("dataset '" + d->name() + "' cannot list its benchmarks");
             }
             return UriIterator{d, 0, d->size() == 0 ? UINT64_MAX : d->size()};
           })
      .def(
          "benchmark",
          [](const Dataset& d, const std::string& uri) {
            py::gil_scoped_release release;
            return std::const_pointer_cast<Benchmark>(d.benchmark(uri));
          },
          py::arg("uri"))
      .def(
          "random_benchmark",
          [](const Dataset& d, py::object random_state) {
            Rng rng(seed_arg(random_state));
            py::gil_scoped_release release;
            return std::const_pointer_cast<Benchmark>(d.random_benchmark(rng));
          },
          py::arg("random_state") = py::none())
      .def("__repr__", [](const Dataset& d) { return "Dataset(" + d.name() + ")"; });

  py::class_<Datasets>(m, "Datasets",
                       "The datasets of an env: iterate, index by name, resolve URIs.")
      .def("__iter__",
           [](const Datasets& d) {
             std::vector<std::shared_ptr<Dataset>> out;
             for (const auto& p : d.datasets()) out.push_back(std::const_pointer_cast<Dataset>(p));
             return py::iter(py::cast(out));
           })
      .def("__len__", [](const Datasets& d) { return d.datasets().size(); })
      .def("__getitem__",
           [](const Datasets& d, const std::string& name) {
             return std::const_pointer_cast<Dataset>(d.dataset(name));
           })
      .def("dataset",
           [](const Datasets& d, const std::string& name) {
             return std::const_pointer_cast<Dataset>(d.dataset(name));
           })
      .def("__contains__", [](const Datasets& d,
                              const std::string& name) { return d.find_dataset(name).has_value(); })
      .def(
          "benchmark",
          [](const Datasets& d, const std::string& uri) {
            py::gil_scoped_release release;
            return std::const_pointer_cast<Benchmark>(d.benchmark(uri));
          },
          py::arg("uri"))
      .def(
          "benchmark_uris", [](const Datasets& d, size_t limit) { return d.benchmark_uris(limit); },
          py::arg("limit") = 0)
      .def(
          "random_benchmark",
          [](const Datasets& d, py::object random_state) {
            Rng rng(seed_arg(random_state));
            py::gil_scoped_release release;
            return std::const_pointer_cast<Benchmark>(d.random_benchmark(rng));
          },
          py::arg("random_state") = py::none());

  py::class_<EnvState>(m, "CompilerEnvState", R"doc(
The result of an episode: one row of CompilerGym's state CSV
(benchmark, reward, walltime, commandline).
)doc")
      .def(py::init([](std::string benchmark, std::string commandline, double walltime,
                       std::optional<double> reward) {
             return EnvState{std::move(benchmark), reward, walltime, std::move(commandline)};
           }),
           py::arg("benchmark"), py::arg("commandline") = "", py::arg("walltime") = 0.0,
           py::arg("reward") = py::none())
      .def_readwrite("benchmark", &EnvState::benchmark)
      .def_readwrite("reward", &EnvState::reward)
      .def_readwrite("walltime", &EnvState::walltime)
      .def_readwrite("commandline", &EnvState::commandline)
      .def("__eq__", [](const EnvState& a, const EnvState& b) { return a == b; })
      .def("__ne__", [](const EnvState& a, const EnvState& b) { return !(a == b); })
      .def("to_csv",
           [](const EnvState& s) {
             std::ostringstream out;
             write_state_csv_row(out, s);
             std::string row = out.str();
             while (!row.empty() && (row.back() == '\n' || row.back() == '\r')) row.pop_back();
             return row;
           })
      .def("__repr__", [](const EnvState& s) {
        std::ostringstream out;
        write_state_csv_row(out, s);
        std::string row = out.str();
        while (!row.empty() && row.back() == '\n') row.pop_back();
        return "CompilerEnvState(" + row + ")";
      });

  m.def("_read_state_csv", [](const std::string& text) {
    std::istringstream in(text);
    return read_state_csv(in);
  });
  m.def("_state_csv_header", [] {
    std::ostringstream out;
    write_state_csv_header(out);
    return out.str();
  });
  m.def("_state_csv_row", [](const EnvState& s) {
    std::ostringstream out;
    write_state_csv_row(out, s);
    return out.str();
  });

  py::class_<ValidationIssue>(m, "ValidationError_", "One problem found by validation.")
      .def_readonly("type", &ValidationIssue::type)
      .def_readonly("details", &ValidationIssue::details)
      .def("__repr__", [](const ValidationIssue& i) { return i.type + ": " + i.details; });

  py::class_<NonDeterminism>(m, "NonDeterminism",
                             "Replays of one state that disagreed among themselves.")
      .def_readonly("rewards", &NonDeterminism::rewards)
      .def_readonly("min_reward", &NonDeterminism::min_reward)
      .def_readonly("max_reward", &NonDeterminism::max_reward)
      .def_readonly("actions", &NonDeterminism::actions)
      .def("spread", &NonDeterminism::spread);

  py::class_<ValidationResult>(m, "ValidationResult")
      .def_readonly("non_deterministic", &ValidationResult::non_deterministic,
                    "Set when the replays disagreed: their rewards, spread and the "
                    "non-deterministic actions of the state (not a failure)")
      .def_readonly("replays", &ValidationResult::replays)
      .def("okay", &ValidationResult::okay, "True when no problem was found.")
      .def_readonly("state", &ValidationResult::state)
      .def_readonly("reward_validated", &ValidationResult::reward_validated)
      .def_readonly("semantics_validated", &ValidationResult::semantics_validated)
      .def_readonly("errors", &ValidationResult::errors)
      .def_readonly("walltime", &ValidationResult::walltime)
      .def_property_readonly("error_details",
                             [](const ValidationResult& r) {
                               std::string out;
                               for (const auto& e : r.errors) {
                                 if (!out.empty()) out += "\n";
                                 out += e.type + ": " + e.details;
                               }
                               return out;
                             })
      .def("__bool__", &ValidationResult::okay)
      .def("__str__", &ValidationResult::to_string)
      .def("__repr__", &ValidationResult::to_string);
}

}  // namespace cgym::python
