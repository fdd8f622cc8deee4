// The gcc option spec: every optimisation option and --param of one gcc,
// read from gcc itself.
//
// parse_gcc_spec() is a pure function from the text gcc prints
// (`gcc -Q --help=optimizers`, `gcc -Q --help=params`, and, for the
// descriptions, the same without -Q) to a GccSpec. It never runs gcc, so it
// is unit-tested on captured text. probe.h then runs gcc to drop the values
// it rejects, and load_gcc_spec() (gcc_env.h) caches the result as JSON.
//
// The spec decides the layout of the env's state: choice i belongs to
// options[i]; -1 means the option is absent from the command line, and
// 0 <= c < options[i].size() selects options[i].value_text(c).
//
// All types here are plain values; a GccSpec is immutable once built and
// safe to share between threads for reading.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cgym::gcc {

/// The kinds of option gcc lists.
enum class OptionKind {
  kOptLevel,   ///< -O0 .. -O3, -Ofast, -Og, -Os, -Oz: one option, one value each
  kFlag,       ///< -f<name> / -fno-<name>
  kFlagEnum,   ///< -f<name>=<value> for a value from a list
  kFlagInt,    ///< -f<name>=<integer> in [min, max]
  kParamEnum,  ///< --param=<name>=<value> for a value from a list
  kParamInt,   ///< --param=<name>=<integer> in [min, max]
};

/// "opt-level", "flag", "flag-enum", "flag-int", "param-enum", "param-int".
const char* to_string(OptionKind kind);
/// The inverse of to_string(). Throws InvalidArgument for other text.
OptionKind option_kind_from_string(std::string_view text);

/// The largest value gcc accepts for an integer option (INT_MAX).
inline constexpr int64_t kGccIntMax = 2147483647;

struct GccOption {
  OptionKind kind = OptionKind::kFlag;
  /// The name without its prefix: "O", "peel-loops", "fp-contract",
  /// "max-unroll-times".
  std::string name;
  /// kOptLevel, kFlagEnum, kParamEnum: the values, in gcc's order
  /// ("0", "1", "2", "3", "fast", "g", "s", "z" for -O).
  std::vector<std::string> values;
  /// kFlagInt, kParamInt: the inclusive range of the value.
  int64_t min = 0;
  int64_t max = 0;
  /// kFlag: whether the -fno-<name> form exists (gcc 12 rejects
  /// -fno-stack-protector-all, for one).
  bool has_negative = true;
  /// What `gcc -Q` reports without the option ("[enabled]", "2", "" when it
  /// depends on the target or on other options). Informative only.
  std::string default_value;
  /// One line from `gcc --help=...` ("" when gcc has none).
  std::string description;

  /// The number of values: choices go from 0 to size() - 1.
  int64_t size() const;
  /// The option as written without a value: "-O", "-fpeel-loops",
  /// "-ffp-contract", "--param=max-unroll-times".
  std::string display_name() const;
  /// The command-line text of choice `c`: "-O2", "-fno-peel-loops",
  /// "-ffp-contract=off", "--param=max-unroll-times=3". Throws
  /// InvalidArgument when c is outside [0, size()).
  std::string value_text(int64_t c) const;
  /// The choice whose value_text() is `text`, or nullopt.
  std::optional<int64_t> choice_of(std::string_view text) const;
  /// True for kFlagInt and kParamInt.
  bool is_integer() const { return kind == OptionKind::kFlagInt || kind == OptionKind::kParamInt; }
  /// True for the options that come from --help=params.
  bool is_param() const { return kind == OptionKind::kParamEnum || kind == OptionKind::kParamInt; }

  bool operator==(const GccOption&) const = default;
};

/// An option gcc lists that the spec leaves out, and why.
struct ExcludedOption {
  std::string text;    ///< e.g. "-fhandle-exceptions", "-frtti", "--param=evrp-mode="
  std::string reason;  ///< e.g. "alias of -fexceptions"
  bool operator==(const ExcludedOption&) const = default;
};

/// One change the probe made to an option gcc lists (a value dropped, a
/// range narrowed), for the record.
struct ProbeNote {
  std::string option;  ///< display name
  std::string note;
  bool operator==(const ProbeNote&) const = default;
};

struct GccSpec {
  /// The first line of `gcc --version`.
  std::string version;
  /// The gcc executable the spec was read from (canonical path).
  std::string path;
  /// Optimizer options sorted by name, then params sorted by name.
  std::vector<GccOption> options;
  std::vector<ExcludedOption> excluded;
  /// Set by probe_gcc_spec(): the options were checked against gcc.
  bool probed = false;
  std::vector<ProbeNote> probe_notes;

  /// The index of the option whose display_name() is `display`, or nullopt.
  std::optional<size_t> find(std::string_view display) const;
  /// How many options of each kind (to_string(kind) -> count).
  std::map<std::string, int> kind_counts() const;

  nlohmann::json to_json() const;
  /// Throws InvalidArgument naming the bad field.
  static GccSpec from_json(const nlohmann::json& j);

  bool operator==(const GccSpec&) const = default;
};

/// The text gcc prints, the input of parse_gcc_spec().
struct GccHelpText {
  std::string version;         ///< first line of `gcc --version`
  std::string path;            ///< stored in GccSpec::path
  std::string optimizers_q;    ///< `gcc -Q --help=optimizers`
  std::string params_q;        ///< `gcc -Q --help=params`
  std::string optimizers_doc;  ///< `gcc --help=optimizers` (may be empty)
  std::string params_doc;      ///< `gcc --help=params` (may be empty)
};

/// Parses gcc's help text into a spec. Pure: runs nothing.
///
/// Rules (each quirk found in gcc 12's output):
///  - `-O<number>` gives -O0..-O3; `-Ofast`, `-Og`, `-Os`, `-Oz` add values
///    to the same option.
///  - `-f<name>` is an on/off flag; a listed `-fno-<name>` is the flag
///    <name>. Whether the -fno- form exists is left to the probe.
///  - `-f<name>=[a|b]` and `--param=<name>=[a|b]`: a list of values.
///  - `<min,max>` ranges are integer options; `-f<name>=<number>` and a bare
///    `--param=<name>=` with an integer default are integers in
///    [min(0, default), INT_MAX] until the probe narrows them.
///  - a bare `--param=<name>=` whose default is a word takes its values
///    from the `[a|b]` list in its description (gcc wraps these lines
///    after hyphens: "legacy-\nfirst" is "legacy-first"); none listed: it
///    is excluded.
///  - a second column that names another option (`-fhandle-exceptions
///    -fexceptions`) marks an alias: excluded.
///  - `-f<name>=` with no description of its values (-falign-functions=,
///    -fpatchable-function-entry=) is excluded; the -f<name> flag, when
///    listed, stays.
///  - `[available in C++, ...]` is kept in default_value: the probe asks
///    gcc whether the option means anything for C.
/// Lines it cannot read are excluded with the reason "unrecognised".
GccSpec parse_gcc_spec(const GccHelpText& text);

/// The descriptions in `gcc --help=...` output, by the option text that
/// starts each entry ("-fpeel-loops", "--param=max-unroll-times=",
/// "-flifetime-dse=<0,2>"). Continuation lines are joined.
std::map<std::string, std::string> parse_gcc_help_descriptions(std::string_view doc);

/// The command-line arguments for `choices` (see the file comment), in
/// spec order. Throws InvalidArgument when the vector has the wrong length
/// or a choice is outside [-1, size()), naming the option and its range.
std::vector<std::string> choices_to_args(const GccSpec& spec, const std::vector<int64_t>& choices);
/// Checks `choices` as choices_to_args() does, without building anything.
void check_choices(const GccSpec& spec, const std::vector<int64_t>& choices);

/// A random choice vector, for search algorithms that work on choices. Each
/// option is absent with probability `absent_probability`, else takes a
/// uniform value; integer ranges of more than 1000 values are sampled in
/// [default / 2, 2 * default + 10] (clamped to the range; [min, min + 1000]
/// without an integer default) so that a sample is not a pathological
/// setting such as a 2^31 unroll factor.
std::vector<int64_t> sample_choices(const GccSpec& spec, std::mt19937_64& rng,
                                    double absent_probability = 0.5);

}  // namespace cgym::gcc
