// Test envs for the wrappers, on top of the toy backend (tests/toy/):
//  - "fakeir-v0": a counter program like the toy's, with the observations an
//    LLVM env has and the SqliteLogger stores (IrSha1, IrInstructionCount,
//    Ir, Autophase, InstCount) and a measured-looking "Runtime" (a double
//    vector of N runs) with the session parameters
//    "llvm.set_runtimes_per_observation_count" and
//    "llvm.set_warmup_runs_count_per_runtime_observation".
//  - "fakeir-noparams-v0": the same without the session parameters (its
//    Runtime always holds 5 runs).
// Actions: inc, dec, double, noop, crash. Default reward: IrInstructionCount
// (the decrease in 40 + |value|). Benchmarks: the toy's
// (benchmark://toy-v0/<start>). Runtime fails (SessionError) when the value
// is 13.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cgym/cgym.h"

namespace cgym::wrappers_test {

/// Registers the toy envs and the fakeir envs. Idempotent.
void register_test_envs();

/// The exact values of the fake observations for a counter value, so that
/// tests compare against them independently of the logger.
std::string fake_ir(int64_t value);
std::string fake_sha1(int64_t value);
int64_t fake_instruction_count(int64_t value);
std::vector<int64_t> fake_autophase(int64_t value);
std::vector<int64_t> fake_instcount(int64_t value);
/// Run i of n (0-based) of the program with counter `value`.
double fake_runtime(int64_t value, int run, int runs);

/// A runnable toy benchmark (reference output set) starting at `start`, so
/// that validate() runs the toy's semantic check (the counter must not go
/// negative).
BenchmarkPtr runnable_toy_benchmark(int64_t start);

}  // namespace cgym::wrappers_test
