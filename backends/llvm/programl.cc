// The ProGraML graph builder. Its cost is printing: ProGraML's own builder
// prints every instruction with a fresh slot tracker, which numbers the whole
// function again for each instruction (quadratic in function size), and even
// with a shared tracker each print builds an AssemblyWriter that walks every
// global of the module. Here the module is printed once, as the Ir
// observation prints it, and an annotation writer records where each
// instruction's text starts and ends; so full_text is exactly the module's
// own text (same metadata and attribute-group numbering). The rest is one
// walk over the module with flat vectors and DenseMaps.
#include "backends/llvm/programl.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <llvm/ADT/DenseMap.h>
#include <llvm/IR/AssemblyAnnotationWriter.h>
#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/InstrTypes.h>
#include <llvm/IR/Instruction.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/ModuleSlotTracker.h>
#include <llvm/IR/Type.h>
#include <llvm/Support/FormattedStream.h>
#include <llvm/Support/raw_ostream.h>

namespace cgym::llvm {
namespace {

using NodeType = ProgramGraph::NodeType;
using EdgeFlow = ProgramGraph::EdgeFlow;

// Records the span of each instruction's text, and the end of each global
// variable's definition, while the module prints.
class SpanRecorder final : public ::llvm::AssemblyAnnotationWriter {
 public:
  ::llvm::DenseMap<const ::llvm::Instruction*, std::pair<uint64_t, uint64_t>> instructions;
  ::llvm::DenseMap<const ::llvm::GlobalVariable*, uint64_t> global_ends;

  void emitInstructionAnnot(const ::llvm::Instruction*,
                            ::llvm::formatted_raw_ostream& os) override {
    begin_ = os.tell();
  }
  void printInfoComment(const ::llvm::Value& value, ::llvm::formatted_raw_ostream& os) override {
    if (const auto* inst = ::llvm::dyn_cast<::llvm::Instruction>(&value)) {
      instructions[inst] = {begin_, os.tell()};
    } else if (const auto* global = ::llvm::dyn_cast<::llvm::GlobalVariable>(&value)) {
      global_ends[global] = os.tell();
    }
  }

 private:
  uint64_t begin_ = 0;
};

// "%5" from "%5 = add i32 ...", "%\"a b\"" from "%\"a b\" = ...".
std::string_view result_name(std::string_view text) {
  if (text.size() > 1 && text[1] == '"') return text.substr(0, text.find('"', 2) + 1);
  return text.substr(0, text.find(' '));
}

class GraphBuilder {
 public:
  explicit GraphBuilder(const ::llvm::Module& module)
      : module_(module), slots_(&module, /*ShouldInitializeAllMetadata=*/false), os_(buffer_) {}

  ProgramGraph build() {
    graph_.module_name = module_.getSourceFileName();
    graph_.target_triple = module_.getTargetTriple();
    graph_.data_layout = module_.getDataLayoutStr();

    {
      ::llvm::raw_string_ostream os(text_);
      module_.print(os, &spans_);
    }

    size_t instructions = 0;
    for (const ::llvm::Function& f : module_) instructions += f.getInstructionCount();
    // Roughly: one node per instruction, about one variable per two, and
    // two or three edges per instruction.
    graph_.nodes.reserve(instructions * 2 + module_.size() + 16);
    graph_.edges.reserve(instructions * 3 + 16);

    add_node(NodeType::kInstruction, "[external]", std::string(), -1, -1);

    graph_.functions.reserve(module_.size());
    for (const ::llvm::Function& f : module_) {
      function_index_[&f] = static_cast<int32_t>(graph_.functions.size());
      graph_.functions.push_back({f.getName().str(), f.isDeclaration()});
    }
    entry_exits_.resize(graph_.functions.size());

    int32_t index = 0;
    for (const ::llvm::Function& f : module_) visit_function(f, index++);

    // Every function is reachable from the root, and returns to it (the
    // program's callers are outside the module).
    for (const EntryExits& fn : entry_exits_) add_call_site(ProgramGraph::kRootNode, fn);
    for (const auto& [site, callee] : call_sites_) {
      add_call_site(site, entry_exits_[function_index_.lookup(callee)]);
    }
    return std::move(graph_);
  }

 private:
  struct EntryExits {
    int32_t entry = -1;
    std::vector<int32_t> exits;
  };

  struct BlockRange {
    int32_t first = -1;
    int32_t last = -1;
  };

  int32_t add_node(NodeType type, std::string text, std::string full_text, int32_t function,
                   int32_t block) {
    graph_.nodes.push_back({type, std::move(text), std::move(full_text), function, block});
    return static_cast<int32_t>(graph_.nodes.size() - 1);
  }

  void add_edge(EdgeFlow flow, int32_t source, int32_t target, int32_t position) {
    graph_.edges.push_back({flow, source, target, position});
  }

  void add_call_site(int32_t site, const EntryExits& callee) {
    add_edge(EdgeFlow::kCall, site, callee.entry, 0);
    for (int32_t exit : callee.exits) add_edge(EdgeFlow::kCall, exit, site, 0);
  }

  // Takes what os_ printed since the last take().
  std::string take() {
    os_.flush();
    std::string text = std::move(buffer_);
    buffer_.clear();
    return text;
  }

  // Whether printing `type` needs the module: it is or holds an unnamed
  // identified struct, which only the module can number (%0, %1, ...).
  bool needs_module(::llvm::Type* type) {
    if (auto it = needs_module_.find(type); it != needs_module_.end()) return it->second;
    needs_module_[type] = false;  // a cycle reaches only named structs
    bool result = false;
    if (auto* st = ::llvm::dyn_cast<::llvm::StructType>(type); st && !st->isLiteral()) {
      result = !st->hasName();
    } else {
      for (::llvm::Type* sub : type->subtypes()) result = result || needs_module(sub);
    }
    needs_module_[type] = result;
    return result;
  }

  // `type` as LLVM prints it in an operand ("i32", "ptr", "%struct.S").
  const std::string& raw_type_text(::llvm::Type* type) {
    auto [it, inserted] = raw_type_text_.try_emplace(type);
    if (inserted) {
      type->print(os_, /*IsForDebug=*/false, /*NoDetails=*/true);
      it->second = take();
    }
    return it->second;
  }

  // A node's text for a value of `type`: ProGraML spells any struct type
  // "struct" (it would have added one '*' per pointer level, which opaque
  // pointers no longer have).
  std::string node_type_text(::llvm::Type* type, const std::string& typed_operand,
                             const ::llvm::Value* value) {
    if (type->isStructTy()) return "struct";
    if (!needs_module(type)) return raw_type_text(type);
    // "<type> <operand>" minus " <operand>", both printed with the module.
    value->printAsOperand(os_, /*PrintType=*/false, slots_);
    const std::string operand = take();
    return typed_operand.substr(0, typed_operand.size() - operand.size() - 1);
  }

  // "<type> <operand>" with the module's numbering, for a value of function
  // `function` (nullptr for constants).
  std::string typed_operand(const ::llvm::Value* value, const ::llvm::Function* function) {
    if (function && slot_function_ != function) {
      slots_.incorporateFunction(*function);
      slot_function_ = function;
    }
    value->printAsOperand(os_, /*PrintType=*/true, slots_);
    return take();
  }

  void visit_function(const ::llvm::Function& f, int32_t index) {
    EntryExits& fn = entry_exits_[index];
    if (f.isDeclaration()) {
      // One placeholder instruction is both entry and exit, so that calls to
      // external functions still get their call and return edges.
      fn.entry = add_node(NodeType::kInstruction, "; undefined function", std::string(), index, -1);
      fn.exits.push_back(fn.entry);
      return;
    }

    // Pass 1: one node per instruction, control edges inside each block.
    block_range_.clear();
    instruction_node_.clear();
    instructions_.clear();
    const int32_t entry_block = next_block_;
    for (const ::llvm::BasicBlock& bb : f) {
      const int32_t block = next_block_++;
      int32_t first = -1, last = -1;
      for (const ::llvm::Instruction& inst : bb) {
        const int32_t node = add_node(NodeType::kInstruction, inst.getOpcodeName(),
                                      instruction_text(inst), index, block);
        instruction_node_[&inst] = node;
        instructions_.push_back(&inst);
        if (last >= 0) add_edge(EdgeFlow::kControl, last, node, 0);
        if (first < 0) first = node;
        last = node;
        if (const auto* call = ::llvm::dyn_cast<::llvm::CallBase>(&inst)) {
          // Not getCalledFunction(): it hides the callee when the call's
          // signature differs from the function's, as in C calls to
          // functions declared without a prototype.
          if (const auto* callee = ::llvm::dyn_cast<::llvm::Function>(
                  call->getCalledOperand()->stripPointerCasts())) {
            call_sites_.emplace_back(node, callee);
          }
        }
      }
      block_range_[&bb] = {first, last};
    }

    // Pass 2: data edges. Every operand position is counted, including the
    // ones that get no edge (blocks, callees, metadata), so a position is
    // always the operand's index in the instruction.
    for (const ::llvm::Instruction* inst : instructions_) {
      const int32_t node = instruction_node_.lookup(inst);
      const auto* call = ::llvm::dyn_cast<::llvm::CallBase>(inst);
      for (const ::llvm::Use& use : inst->operands()) {
        const auto position = static_cast<int32_t>(use.getOperandNo());
        const ::llvm::Value* value = use.get();
        if (const auto* producer = ::llvm::dyn_cast<::llvm::Instruction>(value)) {
          add_edge(EdgeFlow::kData, variable_node(producer, f, index), node, position);
        } else if (const auto* argument = ::llvm::dyn_cast<::llvm::Argument>(value)) {
          add_edge(EdgeFlow::kData, argument_node(argument, f, index, entry_block), node, position);
        } else if (const auto* constant = ::llvm::dyn_cast<::llvm::Constant>(value)) {
          // The callee is represented by call edges, not data.
          if (call && call->isCallee(&use)) continue;
          add_edge(EdgeFlow::kData, constant_node(constant), node, position);
        }
        // Basic blocks (control edges), metadata and inline asm get no node.
      }
    }

    // Control edges between blocks, with the successor index as position.
    for (const ::llvm::BasicBlock& bb : f) {
      const BlockRange& from = block_range_[&bb];
      if (from.last < 0) continue;  // an empty block: only in invalid IR
      int32_t successor = 0;
      for (const ::llvm::BasicBlock* next : ::llvm::successors(&bb)) {
        const BlockRange& to = block_range_[next];
        if (to.first >= 0) add_edge(EdgeFlow::kControl, from.last, to.first, successor);
        ++successor;
      }
      if (successor == 0) fn.exits.push_back(from.last);
    }
    fn.entry = block_range_[&f.getEntryBlock()].first;
  }

  // The instruction's text in the printed module, without its indentation.
  std::string instruction_text(const ::llvm::Instruction& inst) {
    auto it = spans_.instructions.find(&inst);
    if (it == spans_.instructions.end()) {
      // Not printed (cannot happen for an instruction of the module): print
      // it alone.
      inst.print(os_, slots_);
      std::string text = take();
      text.erase(0, std::min(text.find_first_not_of(' '), text.size()));
      return text;
    }
    std::string_view text =
        std::string_view(text_).substr(it->second.first, it->second.second - it->second.first);
    text.remove_prefix(std::min(text.find_first_not_of(' '), text.size()));
    return std::string(text);
  }

  // One node per SSA value, made on its first use; its producer edge comes
  // with it.
  int32_t variable_node(const ::llvm::Instruction* producer, const ::llvm::Function& f,
                        int32_t function) {
    auto [it, inserted] = value_node_.try_emplace(producer, -1);
    if (inserted) {
      const int32_t producer_node = instruction_node_.lookup(producer);
      ::llvm::Type* type = producer->getType();
      std::string full_text;
      if (needs_module(type)) {
        full_text = typed_operand(producer, &f);
      } else {
        // The name is the instruction text's left-hand side.
        full_text = raw_type_text(type);
        full_text += ' ';
        full_text += result_name(graph_.nodes[producer_node].full_text);
      }
      std::string text = node_type_text(type, full_text, producer);
      const int32_t node = add_node(NodeType::kVariable, std::move(text), std::move(full_text),
                                    function, graph_.nodes[producer_node].block);
      value_node_[producer] = node;
      add_edge(EdgeFlow::kData, producer_node, node, 0);
      return node;
    }
    return it->second;
  }

  int32_t argument_node(const ::llvm::Argument* argument, const ::llvm::Function& f,
                        int32_t function, int32_t entry_block) {
    auto [it, inserted] = value_node_.try_emplace(argument, -1);
    if (inserted) {
      std::string full_text = typed_operand(argument, &f);
      std::string text = node_type_text(argument->getType(), full_text, argument);
      it = value_node_.find(argument);
      it->second = add_node(NodeType::kVariable, std::move(text), std::move(full_text), function,
                            entry_block);
    }
    return it->second;
  }

  // One node per distinct constant in the module (LLVM uniques constants,
  // so `i32 1` is one node however often it is used).
  int32_t constant_node(const ::llvm::Constant* constant) {
    auto [it, inserted] = value_node_.try_emplace(constant, -1);
    if (inserted) {
      std::string full_text;
      const auto* global = ::llvm::dyn_cast<::llvm::GlobalVariable>(constant);
      auto end = global ? spans_.global_ends.find(global) : spans_.global_ends.end();
      if (end != spans_.global_ends.end()) {
        // A global variable is its definition, as in ProGraML: its line of
        // the printed module.
        const size_t line = text_.rfind('\n', end->second == 0 ? 0 : end->second - 1);
        const size_t begin = line == std::string::npos ? 0 : line + 1;
        full_text = text_.substr(begin, end->second - begin);
      } else {
        // Other constants as "<type> <value>"; a function used as a value
        // (its address) as "ptr @f".
        full_text = typed_operand(constant, nullptr);
      }
      std::string text = node_type_text(constant->getType(), full_text, constant);
      it = value_node_.find(constant);
      it->second = add_node(NodeType::kConstant, std::move(text), std::move(full_text), -1, -1);
    }
    return it->second;
  }

  const ::llvm::Module& module_;
  ::llvm::ModuleSlotTracker slots_;
  const ::llvm::Function* slot_function_ = nullptr;
  SpanRecorder spans_;
  std::string text_;  // the printed module
  std::string buffer_;
  ::llvm::raw_string_ostream os_;
  ProgramGraph graph_;
  int32_t next_block_ = 0;
  ::llvm::DenseMap<const ::llvm::Function*, int32_t> function_index_;
  std::vector<EntryExits> entry_exits_;
  std::vector<std::pair<int32_t, const ::llvm::Function*>> call_sites_;
  ::llvm::DenseMap<const ::llvm::BasicBlock*, BlockRange> block_range_;
  ::llvm::DenseMap<const ::llvm::Instruction*, int32_t> instruction_node_;
  std::vector<const ::llvm::Instruction*> instructions_;
  ::llvm::DenseMap<const ::llvm::Value*, int32_t> value_node_;
  ::llvm::DenseMap<::llvm::Type*, std::string> raw_type_text_;
  ::llvm::DenseMap<::llvm::Type*, bool> needs_module_;
};

}  // namespace

ProgramGraph build_program_graph(const ::llvm::Module& module) {
  return GraphBuilder(module).build();
}

nlohmann::json program_graph_to_node_link_json(const ProgramGraph& graph) {
  // Built through object_t/array_t directly: nlohmann's initializer-list
  // constructors copy every element and cost several times more here.
  using nlohmann::json;
  auto list_of = [](const std::string& s) {
    json a = json::array();
    a.get_ref<json::array_t&>().emplace_back(s);
    return a;
  };

  json functions = json::array();
  auto& function_list = functions.get_ref<json::array_t&>();
  function_list.reserve(graph.functions.size());
  for (const auto& f : graph.functions) {
    json::object_t o;
    o.emplace("name", f.name);
    o.emplace("module", 0);
    o.emplace("is_declaration", f.is_declaration);
    function_list.emplace_back(std::move(o));
  }
  json::object_t module_features;
  module_features.emplace("llvm_target_triple", list_of(graph.target_triple));
  module_features.emplace("llvm_data_layout", list_of(graph.data_layout));
  json::object_t module;
  module.emplace("name", graph.module_name);
  module.emplace("features", std::move(module_features));
  json modules = json::array();
  modules.get_ref<json::array_t&>().emplace_back(std::move(module));

  json nodes = json::array();
  auto& node_list = nodes.get_ref<json::array_t&>();
  node_list.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& n = graph.nodes[i];
    json::object_t features;
    features.emplace("full_text", list_of(n.full_text));
    json::object_t o;
    o.emplace("id", i);
    o.emplace("type", static_cast<int>(n.type));
    o.emplace("text", n.text);
    o.emplace("function", n.function);
    o.emplace("block", n.block);
    o.emplace("features", std::move(features));
    node_list.emplace_back(std::move(o));
  }

  // ProGraML gives every link key 0, which makes networkx merge parallel
  // edges (e.g. both operands of `mul %x, %x`); number them instead.
  std::unordered_map<uint64_t, int32_t> parallel;
  parallel.reserve(graph.edges.size());
  json links = json::array();
  auto& link_list = links.get_ref<json::array_t&>();
  link_list.reserve(graph.edges.size());
  for (const auto& e : graph.edges) {
    const uint64_t pair = (static_cast<uint64_t>(static_cast<uint32_t>(e.source)) << 32) |
                          static_cast<uint32_t>(e.target);
    json::object_t o;
    o.emplace("source", e.source);
    o.emplace("target", e.target);
    o.emplace("flow", static_cast<int>(e.flow));
    o.emplace("position", e.position);
    o.emplace("key", parallel[pair]++);
    link_list.emplace_back(std::move(o));
  }

  json::object_t graph_attributes;
  graph_attributes.emplace("module", std::move(modules));
  graph_attributes.emplace("function", std::move(functions));
  json::object_t root;
  root.emplace("directed", true);
  root.emplace("multigraph", true);
  root.emplace("graph", std::move(graph_attributes));
  root.emplace("nodes", std::move(nodes));
  root.emplace("links", std::move(links));
  return json(std::move(root));
}

}  // namespace cgym::llvm
