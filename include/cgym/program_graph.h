// ProgramGraph: a ProGraML program graph (Cummins et al., ICML 2021) as a
// plain C++ value, for code that feeds a graph neural network directly.
//
// The LLVM env's `Programl` observation carries one of these, encoded as
// Bytes (a compact binary layout described below); decode it with
// ProgramGraph::from_observation(). The same graph as networkx node-link
// JSON is the `ProgramlJson` observation. docs/programl.md describes the
// nodes, edges and every convention.
//
//   cgym::Observation obs = env->observation("Programl");
//   cgym::ProgramGraph graph = cgym::ProgramGraph::from_observation(obs);
//   for (const auto& edge : graph.edges) ...  // edge.source / edge.target index graph.nodes
//
// Header-only (no library to link besides cgym::core's headers) and free of
// LLVM types. A ProgramGraph is a value: copyable, comparable; not
// thread-safe for concurrent mutation, like any value type.
//
// Binary layout of the observation (every integer little-endian; strings are
// a u32 byte length then the bytes, UTF-8 as LLVM printed them):
//   magic   8 bytes "CGYMPGR1"
//   string  module_name, string target_triple, string data_layout
//   u32     function count, then per function: string name, u8 is_declaration
//   u32     node count, then per node: u8 type, i32 function, i32 block,
//           string text, string full_text
//   u32     edge count, then per edge: u8 flow, i32 source, i32 target,
//           i32 position
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cgym/errors.h"
#include "cgym/observation.h"

namespace cgym {

/// A ProGraML program graph as a plain C++ value: the decoded form of the
/// LLVM env's `Programl` observation (see docs/programl.md).
struct ProgramGraph {
  /// ProGraML's node types, with ProGraML's numbering.
  enum class NodeType : uint8_t {
    kInstruction = 0,  ///< an LLVM instruction (or the "[external]" root)
    kVariable = 1,     ///< a used SSA value: an instruction's result or an argument
    kConstant = 2      ///< a distinct constant operand (a global variable, a function, ...)
  };
  /// ProGraML's edge flows, with ProGraML's numbering.
  enum class EdgeFlow : uint8_t {
    kControl = 0,  ///< control flow between instructions
    kData = 1,     ///< data flow between instructions and variables/constants
    kCall = 2      ///< a call site to the callee's entry, or a callee's exit back to it
  };

  /// One node of the graph.
  struct Node {
    /// What the node stands for.
    NodeType type = NodeType::kInstruction;
    /// Instruction: the opcode name ("add", "br", ...), or "[external]" for
    /// the root, or "; undefined function" for a function without a body.
    /// Variable and constant: the value's type ("i32", "ptr", "struct").
    std::string text;
    /// The instruction as LLVM prints it; a variable as "<type> <name>"; a
    /// constant as LLVM prints it (a global variable: its definition).
    std::string full_text;
    /// Index into `functions`, -1 for nodes outside any function (the root,
    /// constants).
    int32_t function = -1;
    /// Module-wide index of the basic block (blocks numbered in module
    /// order), -1 where there is none (root, constants, bodiless functions).
    int32_t block = -1;
    /// Member-wise equality.
    bool operator==(const Node&) const = default;
  };

  /// One directed edge of the graph.
  struct Edge {
    /// The kind of relation.
    EdgeFlow flow = EdgeFlow::kControl;
    int32_t source = 0;  ///< index into `nodes`
    int32_t target = 0;  ///< index into `nodes`
    /// Control: successor index of a branch (0 inside a block). Data: the
    /// operand index in the consumer (0 for producer -> variable). Call: 0.
    int32_t position = 0;
    /// Member-wise equality.
    bool operator==(const Edge&) const = default;
  };

  /// One function of the module.
  struct Function {
    std::string name;             ///< the function's name
    bool is_declaration = false;  ///< no body in this module (external)
    /// Member-wise equality.
    bool operator==(const Function&) const = default;
  };

  /// The root node, "[external]", is always node 0.
  static constexpr int32_t kRootNode = 0;

  std::vector<Node> nodes;          ///< the nodes; node 0 is the root
  std::vector<Edge> edges;          ///< the edges, indexing `nodes`
  std::vector<Function> functions;  ///< the functions, indexed by Node::function
  std::string module_name;          ///< the module's source file name
  std::string target_triple;        ///< the module's LLVM target triple
  std::string data_layout;          ///< the module's LLVM data layout string

  /// Member-wise equality.
  bool operator==(const ProgramGraph&) const = default;

  /// The number of nodes of type `type`.
  size_t count(NodeType type) const {
    size_t n = 0;
    for (const auto& node : nodes) n += node.type == type;
    return n;
  }
  /// The number of edges of flow `flow`.
  size_t count(EdgeFlow flow) const {
    size_t n = 0;
    for (const auto& edge : edges) n += edge.flow == flow;
    return n;
  }

  /// The Bytes observation the `Programl` space produces.
  Observation to_observation() const;
  /// Decodes a `Programl` observation. Throws InvalidArgument when the
  /// observation is not Bytes, or the bytes are not a program graph
  /// (wrong magic, truncated, a node/edge/function index out of range).
  static ProgramGraph from_observation(const Observation& observation);
};

/// "instruction", "variable", "constant".
inline const char* to_string(ProgramGraph::NodeType type) {
  switch (type) {
    case ProgramGraph::NodeType::kInstruction:
      return "instruction";
    case ProgramGraph::NodeType::kVariable:
      return "variable";
    case ProgramGraph::NodeType::kConstant:
      return "constant";
  }
  return "unknown";
}

/// "control", "data", "call".
inline const char* to_string(ProgramGraph::EdgeFlow flow) {
  switch (flow) {
    case ProgramGraph::EdgeFlow::kControl:
      return "control";
    case ProgramGraph::EdgeFlow::kData:
      return "data";
    case ProgramGraph::EdgeFlow::kCall:
      return "call";
  }
  return "unknown";
}

namespace program_graph_detail {

inline constexpr std::string_view kMagic = "CGYMPGR1";

inline void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                     static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 24) & 0xff)};
  out.append(b, 4);
}
inline void put_i32(std::string& out, int32_t v) { put_u32(out, static_cast<uint32_t>(v)); }
inline void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  void need(size_t n, const char* what) const {
    if (data_.size() - pos_ < n) {
      throw InvalidArgument("Programl observation is truncated: " + std::string(what) + " needs " +
                            std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
                            " of " + std::to_string(data_.size()));
    }
  }
  uint8_t u8(const char* what) {
    need(1, what);
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint32_t u32(const char* what) {
    need(4, what);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += 4;
    return v;
  }
  int32_t i32(const char* what) { return static_cast<int32_t>(u32(what)); }
  std::string str(const char* what) {
    const uint32_t n = u32(what);
    need(n, what);
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  /// A count of records of at least `min_record` bytes each; rejects counts
  /// the remaining bytes cannot hold (so a corrupt count cannot make us
  /// reserve gigabytes).
  uint32_t count(size_t min_record, const char* what) {
    const uint32_t n = u32(what);
    if (static_cast<uint64_t>(n) * min_record > data_.size() - pos_) {
      throw InvalidArgument("Programl observation is corrupt: " + std::string(what) + " " +
                            std::to_string(n) + " exceeds the " +
                            std::to_string(data_.size() - pos_) + " bytes left");
    }
    return n;
  }
  bool at_end() const { return pos_ == data_.size(); }
  size_t pos() const { return pos_; }
  std::string_view take(size_t n) {
    need(n, "magic");
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace program_graph_detail

inline Observation ProgramGraph::to_observation() const {
  namespace d = program_graph_detail;
  std::string out;
  size_t size =
      64 + module_name.size() + target_triple.size() + data_layout.size() + edges.size() * 13;
  for (const auto& f : functions) size += 5 + f.name.size();
  for (const auto& n : nodes) size += 17 + n.text.size() + n.full_text.size();
  out.reserve(size);
  out.append(d::kMagic);
  d::put_str(out, module_name);
  d::put_str(out, target_triple);
  d::put_str(out, data_layout);
  d::put_u32(out, static_cast<uint32_t>(functions.size()));
  for (const auto& f : functions) {
    d::put_str(out, f.name);
    out.push_back(static_cast<char>(f.is_declaration ? 1 : 0));
  }
  d::put_u32(out, static_cast<uint32_t>(nodes.size()));
  for (const auto& n : nodes) {
    out.push_back(static_cast<char>(n.type));
    d::put_i32(out, n.function);
    d::put_i32(out, n.block);
    d::put_str(out, n.text);
    d::put_str(out, n.full_text);
  }
  d::put_u32(out, static_cast<uint32_t>(edges.size()));
  for (const auto& e : edges) {
    out.push_back(static_cast<char>(e.flow));
    d::put_i32(out, e.source);
    d::put_i32(out, e.target);
    d::put_i32(out, e.position);
  }
  return Observation(Bytes{std::move(out)});
}

inline ProgramGraph ProgramGraph::from_observation(const Observation& observation) {
  namespace d = program_graph_detail;
  if (observation.type() != ObservationType::kBytes) {
    throw InvalidArgument(std::string("a Programl observation holds bytes; this one holds ") +
                          cgym::to_string(observation.type()) +
                          " (ask the env for the 'Programl' space)");
  }
  d::Reader r(observation.as<Bytes>().data);
  if (r.take(d::kMagic.size()) != d::kMagic) {
    throw InvalidArgument(
        "these bytes are not a Programl observation (bad magic; expected \"CGYMPGR1\")");
  }
  ProgramGraph g;
  g.module_name = r.str("module name");
  g.target_triple = r.str("target triple");
  g.data_layout = r.str("data layout");
  const uint32_t num_functions = r.count(5, "function count");
  g.functions.resize(num_functions);
  for (auto& f : g.functions) {
    f.name = r.str("function name");
    f.is_declaration = r.u8("function flag") != 0;
  }
  const uint32_t num_nodes = r.count(17, "node count");
  g.nodes.resize(num_nodes);
  for (uint32_t i = 0; i < num_nodes; ++i) {
    Node& n = g.nodes[i];
    const uint8_t type = r.u8("node type");
    if (type > static_cast<uint8_t>(NodeType::kConstant)) {
      throw InvalidArgument("Programl observation is corrupt: node " + std::to_string(i) +
                            " has type " + std::to_string(type) +
                            " (valid: 0 instruction, 1 variable, 2 constant)");
    }
    n.type = static_cast<NodeType>(type);
    n.function = r.i32("node function");
    n.block = r.i32("node block");
    if (n.function < -1 || n.function >= static_cast<int32_t>(num_functions)) {
      throw InvalidArgument("Programl observation is corrupt: node " + std::to_string(i) +
                            " names function " + std::to_string(n.function) + " of " +
                            std::to_string(num_functions));
    }
    n.text = r.str("node text");
    n.full_text = r.str("node full_text");
  }
  const uint32_t num_edges = r.count(13, "edge count");
  g.edges.resize(num_edges);
  for (uint32_t i = 0; i < num_edges; ++i) {
    Edge& e = g.edges[i];
    const uint8_t flow = r.u8("edge flow");
    if (flow > static_cast<uint8_t>(EdgeFlow::kCall)) {
      throw InvalidArgument("Programl observation is corrupt: edge " + std::to_string(i) +
                            " has flow " + std::to_string(flow) +
                            " (valid: 0 control, 1 data, 2 call)");
    }
    e.flow = static_cast<EdgeFlow>(flow);
    e.source = r.i32("edge source");
    e.target = r.i32("edge target");
    e.position = r.i32("edge position");
    const auto n = static_cast<int32_t>(num_nodes);
    if (e.source < 0 || e.source >= n || e.target < 0 || e.target >= n) {
      throw InvalidArgument("Programl observation is corrupt: edge " + std::to_string(i) + " (" +
                            std::to_string(e.source) + " -> " + std::to_string(e.target) +
                            ") leaves the " + std::to_string(num_nodes) + " nodes");
    }
  }
  if (!r.at_end()) {
    throw InvalidArgument("Programl observation is corrupt: " + std::to_string(r.pos()) +
                          " bytes decoded, trailing bytes follow");
  }
  return g;
}

}  // namespace cgym
