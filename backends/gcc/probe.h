// Asking gcc which of the option values its help lists it really accepts.
//
// gcc's help is not the whole truth: gcc 12 lists -fstack-protector-all but
// rejects -fno-stack-protector-all, lists -fpack-struct=<number> but accepts
// only 1, 2, 4, 8 and 16, lists --param=prefetch-minimum-stride with the
// default -1 but rejects negative values, crashes on
// --param=destructive-interference-size=0, and lists C++-only options that
// do nothing for C. Rather than keep lists of such cases per gcc version,
// probe_gcc_spec() compiles a small C program with the values and keeps
// what gcc accepts:
//  - every value of options with fewer than 17 values, and for larger
//    integer ranges min, min+1, the default, the middle, max-1 and max;
//  - values are tried many at a time (one value per option per run); when a
//    run fails, the options its messages name are tried alone and the rest
//    again, and a failure that names nobody is split in halves;
//  - an integer option whose smallest or largest value fails is tried at
//    min..min+16 and at powers of two up to max: a contiguous accepted run
//    becomes the new range (bisecting up to max when needed), a scattered
//    one becomes a list of values;
//  - values that only run out of the probe's memory or time limit are kept
//    (gcc accepts them; the env's own limits handle them) and noted.
// The probe runs at -O0 (the -O levels are tried one by one), so that huge
// values of unrolling parameters cannot blow up the batched runs.
// Independent runs go on up to 8 threads. It takes a few seconds (about 300
// gcc runs for gcc 12); load_gcc_spec() caches its result.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "backends/gcc/gcc_spec.h"

namespace cgym::gcc {

struct ProbeOptions {
  /// The gcc to run (a path or a name on PATH).
  std::string gcc = "gcc";
  /// Where the probe program and its outputs go; empty: a temporary
  /// directory.
  std::filesystem::path work_dir;
  double timeout_seconds = 30.0;
  size_t memory_limit_bytes = size_t{2} << 30;
};

/// gcc's verdict on one command-line value.
enum class Verdict {
  kAccepted,  ///< compiled
  kRejected,  ///< gcc reported an error
  kCrash,     ///< internal compiler error or a signal
  kResource,  ///< ran out of the probe's memory or time limit
  kNotForC,   ///< accepted with "valid for ... but not for C"
};
const char* to_string(Verdict v);

/// Tries each of `flags` (at most one value per option) on the probe
/// program, batching as described above. Returns one verdict per flag.
/// `runs`, when given, receives the number of gcc runs.
std::vector<Verdict> probe_flags(const std::vector<std::string>& flags, const ProbeOptions& options,
                                 int* runs = nullptr);

/// The spec with what gcc rejects removed (see the file comment); sets
/// probed and appends to excluded and probe_notes. Throws
/// EnvironmentNotSupported when gcc cannot compile the probe program at
/// all.
GccSpec probe_gcc_spec(GccSpec spec, const ProbeOptions& options);

}  // namespace cgym::gcc
