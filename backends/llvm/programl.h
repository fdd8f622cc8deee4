// ProGraML program graphs of LLVM 19 modules: the `Programl` and
// `ProgramlJson` observations of the LLVM env.
//
// build_program_graph() walks a module once and returns a cgym::ProgramGraph
// (include/cgym/program_graph.h): instruction, variable and constant nodes;
// control, data and call edges; one root node "[external]" (node 0). The
// conventions follow the ProGraML paper (Cummins et al., ICML 2021);
// docs/programl.md lists every one and every place where we differ from
// ProGraML's own implementation.
//
// Pure functions of the module: they never modify it, and are safe to call
// from any thread that owns the module's LLVMContext. The module must be
// valid (verified); an invalid module gives an unspecified (but memory-safe)
// graph.
#pragma once

#include <nlohmann/json.hpp>

#include "cgym/observation.h"
#include "cgym/program_graph.h"

namespace llvm {
class Module;
}

namespace cgym::llvm {

using ProgramGraph = cgym::ProgramGraph;

/// The ProGraML graph of `module`.
ProgramGraph build_program_graph(const ::llvm::Module& module);

/// networkx node-link JSON (what networkx.node_link_graph() reads):
///   {"directed": true, "multigraph": true,
///    "graph": {"module": [{"name", "features": {"llvm_target_triple": [..],
///                                               "llvm_data_layout": [..]}}],
///              "function": [{"name", "module": 0, "is_declaration"}]},
///    "nodes": [{"id", "type", "text", "function", "block",
///               "features": {"full_text": [..]}}],
///    "links": [{"source", "target", "flow", "position", "key"}]}
/// "type" and "flow" are ProGraML's integers (0 instruction, 1 variable,
/// 2 constant; 0 control, 1 data, 2 call). "key" numbers parallel edges
/// between the same two nodes 0, 1, ... so that a MultiDiGraph keeps them all.
nlohmann::json program_graph_to_node_link_json(const ProgramGraph& graph);

/// The `Programl` observation: build_program_graph(module).to_observation().
inline Observation programl_observation(const ::llvm::Module& module) {
  return build_program_graph(module).to_observation();
}

/// The `ProgramlJson` observation.
inline Observation programl_json_observation(const ::llvm::Module& module) {
  return Observation::json(program_graph_to_node_link_json(build_program_graph(module)));
}

}  // namespace cgym::llvm
