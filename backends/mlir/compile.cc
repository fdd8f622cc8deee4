#include "backends/mlir/compile.h"

#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <mlir/Dialect/Affine/IR/AffineOps.h>
#include <mlir/Dialect/Func/IR/FuncOps.h>
#include <mlir/Dialect/Linalg/IR/Linalg.h>
#include <mlir/Dialect/MemRef/IR/MemRef.h>
#include <mlir/Dialect/SCF/IR/SCF.h>
#include <mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h>
#include <mlir/Dialect/Utils/StaticValueUtils.h>
#include <mlir/ExecutionEngine/CRunnerUtils.h>
#include <mlir/ExecutionEngine/ExecutionEngine.h>
#include <mlir/ExecutionEngine/OptUtils.h>
#include <mlir/IR/BuiltinOps.h>
#include <mlir/IR/Diagnostics.h>
#include <mlir/IR/MLIRContext.h>
#include <mlir/IR/PatternMatch.h>
#include <mlir/IR/Verifier.h>
#include <mlir/InitAllDialects.h>
#include <mlir/InitAllExtensions.h>
#include <mlir/InitAllPasses.h>
#include <mlir/Parser/Parser.h>
#include <mlir/Pass/PassManager.h>
#include <mlir/Pass/PassRegistry.h>
#include <mlir/Target/LLVMIR/Dialect/All.h>

#include <mutex>
#include <optional>
#include <sstream>

#include "backends/llvm/llvm_util.h"
#include "cgym/errors.h"
#include "internal/leak.h"

namespace cgym::mlir {
namespace {

// Passes are registered by name once per process, for parsePassPipeline().
void initialize() {
  static std::once_flag once;
  std::call_once(once, [] {
    cgym::llvm::initialize();  // targets, crash recovery, fatal-error handler
    ::mlir::registerAllPasses();
  });
}

// Collects MLIR's diagnostics while it lives.
class Diagnostics {
 public:
  explicit Diagnostics(::mlir::MLIRContext& ctx)
      : handler_(&ctx, [this](::mlir::Diagnostic& d) {
          if (!text_.empty()) text_ += "\n";
          ::llvm::raw_string_ostream os(text_);
          os << d.getLocation() << ": " << d;
          for (const auto& note : d.getNotes()) os << "\n  note: " << note;
          return ::mlir::success();
        }) {}
  std::string take(const std::string& fallback) {
    std::string out = text_.empty() ? fallback : text_;
    text_.clear();
    if (out.size() > 4000) out = out.substr(0, 4000) + "\n...";
    return out;
  }

 private:
  std::string text_;
  ::mlir::ScopedDiagnosticHandler handler_;
};

// The lowering to the LLVM dialect, as passes of the module's PassManager
// (mlir-opt's --pass-pipeline='builtin.module(...)' without the anchor).
// buffer-loop-hoisting moves the temporary buffers of vector transfers and
// promotion (memref.alloca: promotion is asked for stack buffers, so that no
// heap buffer's dealloc is left behind in the loop) out of the tile loops:
// left inside, each iteration grows the stack, and a 256^3 matmul overflowed
// 8 MB.
constexpr const char* kLowering =
    "func.func(convert-linalg-to-loops,buffer-loop-hoisting),convert-vector-to-scf{full-unroll="
    "false},"
    "func.func(buffer-loop-hoisting),expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "convert-vector-to-llvm,"
    "finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-math-to-llvm,"
    "convert-func-to-llvm,convert-cf-to-llvm,canonicalize,reconcile-unrealized-casts";

std::string list(const std::array<int64_t, 3>& v) {
  return "[" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) +
         "]";
}

// The transform script of a schedule: tile (with the interchange), peel
// every tile loop whose tile does not divide its extent (so that every tile
// has a static shape), promote the tiles of A and B, vectorise, then lower
// the vector ops as the schedule says. `sizes` are the tile sizes clamped to
// the extents (0: not tiled).
std::string transform_script(const Schedule& s, const std::array<int64_t, 3>& sizes,
                             const std::array<int64_t, 3>& extent) {
  static const char* contract[] = {"dot", "matmulintrinsics", "outerproduct"};
  static const char* split[] = {"none", "linalg-copy", "vector-transfer"};
  std::ostringstream t;
  t << "module attributes {transform.with_named_sequence} {\n"
       "  transform.named_sequence @__transform_main(%root: !transform.any_op "
       "{transform.readonly}) {\n"
       "    %f = transform.structured.match ops{[\"func.func\"]} in %root : "
       "(!transform.any_op) -> !transform.any_op\n"
       "    %mm = transform.structured.match ops{[\"linalg.matmul\"]} in %root : "
       "(!transform.any_op) -> !transform.any_op\n";
  // The tile loops, outermost first: the tiled dimensions in interchange order.
  std::vector<int> loops;
  for (int64_t d : s.interchange) {
    if (sizes[d] != 0) loops.push_back(static_cast<int>(d));
  }
  if (!loops.empty()) {
    t << "    %tiled, %loops:" << loops.size()
      << " = transform.structured.tile_using_for %mm tile_sizes " << list(sizes)
      << " interchange = " << list(s.interchange) << " : (!transform.any_op) -> (!transform.any_op";
    for (size_t i = 0; i < loops.size(); ++i) t << ", !transform.any_op";
    t << ")\n";
    for (size_t i = loops.size(); i-- > 0;) {  // innermost first
      const int d = loops[i];
      if (extent[d] % sizes[d] == 0) continue;
      t << "    %for" << i << " = transform.cast %loops#" << i
        << " : !transform.any_op to !transform.op<\"scf.for\">\n"
        << "    %main" << i << ", %rest" << i << " = transform.loop.peel %for" << i
        << " : (!transform.op<\"scf.for\">) -> (!transform.any_op, !transform.any_op)\n";
    }
    t << "    transform.apply_patterns to %f {\n"
         "      transform.apply_patterns.canonicalization\n"
         "    } : !transform.any_op\n";
  }
  if (s.promote) {
    t << "    %to_promote = transform.structured.match ops{[\"linalg.matmul\"]} in %root : "
         "(!transform.any_op) -> !transform.any_op\n"
         "    %promoted = transform.structured.promote %to_promote { operands_to_promote = "
         "[0, 1], alignment = 16, use_alloca"
      << (s.promote_full_tile ? ", use_full_tiles_by_default" : "")
      << " } : (!transform.any_op) -> !transform.any_op\n"
         "    transform.apply_patterns to %f {\n"
         "      transform.apply_patterns.canonicalization\n"
         "    } : !transform.any_op\n";
  }
  if (s.vectorize) {
    t << "    %to_vectorize = transform.structured.match ops{[\"linalg.matmul\"]} in %root : "
         "(!transform.any_op) -> !transform.any_op\n"
         "    transform.structured.vectorize %to_vectorize : !transform.any_op\n"
         // First fold the vectorised matmuls' multiply and reduction into
         // vector.contract, then lower that as the schedule says.
         "    transform.apply_patterns to %f {\n"
         "      transform.apply_patterns.vector.reduction_to_contract\n"
         "      transform.apply_patterns.vector.transfer_permutation_patterns\n"
         "      transform.apply_patterns.canonicalization\n"
         "    } : !transform.any_op\n"
         "    transform.apply_patterns to %f {\n"
         "      transform.apply_patterns.vector.lower_contraction lowering_strategy = \""
      << contract[static_cast<int>(s.vectorize_to)]
      << "\"\n"
         "      transform.apply_patterns.vector.lower_outerproduct\n"
         "      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "
         "\"innerparallel\"\n"
         "      transform.apply_patterns.vector.lower_broadcast\n"
         "      transform.apply_patterns.vector.lower_transpose\n"
         "      transform.apply_patterns.vector.lower_shape_cast\n"
         "      transform.apply_patterns.vector.split_transfer_full_partial "
         "split_transfer_strategy = \""
      << split[static_cast<int>(s.vector_transfer_split)]
      << "\"\n"
         "      transform.apply_patterns.vector.transfer_to_scf max_transfer_rank = 1 "
         "full_unroll = "
      << (s.unroll_vector_transfers ? "true" : "false")
      << "\n"
         "      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1\n"
         "      transform.apply_patterns.canonicalization\n"
         "    } : !transform.any_op\n";
  }
  t << "    transform.yield\n  }\n}\n";
  return t.str();
}

// Rewrites the scf.for loops with constant bounds and no loop-carried values
// (the tile loops) as affine.for loops: CompilerGym's loop_type
// "affine_loops". MLIR 19's linalg tiling makes scf.for loops only.
void to_affine_loops(::mlir::ModuleOp module) {
  std::vector<::mlir::scf::ForOp> loops;
  module.walk([&](::mlir::scf::ForOp op) { loops.push_back(op); });  // inner first
  ::mlir::IRRewriter rewriter(module.getContext());
  for (auto op : loops) {
    auto lb = ::mlir::getConstantIntValue(op.getLowerBound());
    auto ub = ::mlir::getConstantIntValue(op.getUpperBound());
    auto step = ::mlir::getConstantIntValue(op.getStep());
    if (!lb || !ub || !step || !op.getInitArgs().empty()) continue;
    rewriter.setInsertionPoint(op);
    auto loop = rewriter.create<::mlir::affine::AffineForOp>(op.getLoc(), *lb, *ub, *step);
    ::mlir::Block* body = loop.getBody();
    rewriter.eraseOp(body->getTerminator());
    rewriter.mergeBlocks(op.getBody(), body, {loop.getInductionVar()});
    auto yield = ::mlir::cast<::mlir::scf::YieldOp>(body->getTerminator());
    rewriter.setInsertionPoint(yield);
    rewriter.replaceOpWithNewOp<::mlir::affine::AffineYieldOp>(yield);
    rewriter.eraseOp(op);
  }
}

}  // namespace

std::string mlir_version() { return LLVM_VERSION_STRING; }

std::string matmul_module_text(const MatmulShape& s) {
  const std::string a = "memref<" + std::to_string(s.m) + "x" + std::to_string(s.k) + "xf32>";
  const std::string b = "memref<" + std::to_string(s.k) + "x" + std::to_string(s.n) + "xf32>";
  const std::string c = "memref<" + std::to_string(s.m) + "x" + std::to_string(s.n) + "xf32>";
  return "func.func @matmul(%A: " + a + ", %B: " + b + ", %C: " + c +
         ") {\n  linalg.matmul ins(%A, %B : " + a + ", " + b + ") outs(%C : " + c +
         ")\n  return\n}\n";
}

struct MatmulModule::Impl {
  std::unique_ptr<::mlir::MLIRContext> ctx;
  ::mlir::OwningOpRef<::mlir::ModuleOp> module;
  bool dead = false;  // MLIR crashed inside this context: never touch it again

  ~Impl() {
    if (dead) {
      (void)module.release();  // leaked on purpose, like the context
      internal::leak_on_purpose(ctx);
    }
  }

  // Calls `release` when it goes out of scope after the context died (a
  // crash inside safely()), so that IR of the dead context is never freed.
  struct ReleaseOnCrash {
    const Impl* impl;
    std::function<void()> release;
    ~ReleaseOnCrash() {
      if (impl->dead) release();
    }
  };

  // Runs `fn` inside run_safely(); a crash kills the context.
  void safely(const char* what, const std::function<void()>& fn) {
    if (dead) throw SessionError("the MLIR context crashed earlier and cannot be used");
    if (auto crash = cgym::llvm::run_safely(fn)) {
      dead = true;
      throw SessionError(std::string("MLIR crashed while ") + what + ": " + *crash);
    }
  }

  // A copy of the benchmark module with the schedule applied (not lowered).
  ::mlir::OwningOpRef<::mlir::ModuleOp> transformed(const Schedule& s, const MatmulShape& shape) {
    Diagnostics diags(*ctx);
    std::optional<std::string> error;
    ::mlir::OwningOpRef<::mlir::ModuleOp> copy;
    // After a crash the IR is corrupt: it is leaked on purpose, like the
    // context, instead of destroyed on the way out.
    ReleaseOnCrash guard{this, [&] { (void)copy.release(); }};
    safely("applying the schedule", [&] {
      copy = ::mlir::OwningOpRef<::mlir::ModuleOp>(module->clone());
      const std::array<int64_t, 3> extent{shape.m, shape.n, shape.k};
      std::array<int64_t, 3> sizes{};
      std::array<int64_t, 3> largest = extent;  // the largest tile's shape
      for (int d = 0; d < 3; ++d) {
        // A tile at least as large as its loop leaves the loop untiled.
        sizes[d] = s.tile_sizes[d] >= extent[d] ? 0 : s.tile_sizes[d];
        if (sizes[d] != 0) largest[d] = sizes[d];
      }
      if (s.vectorize && s.vectorize_to == VectorizeTo::kMatmul) {
        // MLIR 19 lowers it to llvm.matrix.multiply on row-major flattened
        // tiles; LLVM lowers that intrinsic column-major unless the
        // process-wide option -matrix-default-layout=row-major is set, which
        // would change the LLVM envs' passes too. Measured here: every
        // element wrong. So it is refused, not run.
        error =
            "vectorize_to=matmul is not supported: MLIR 19 lowers it to LLVM's matrix "
            "intrinsics in row-major layout, which LLVM computes column-major unless a "
            "process-wide LLVM option is changed (docs/mlir.md); use dot or outer_product";
        return;
      }
      if (s.vectorize) {
        const int64_t elements = largest[0] * largest[1] * largest[2];
        if (elements > kMaxVectorElements) {
          error = "the vectorised tile is " + std::to_string(largest[0]) + "x" +
                  std::to_string(largest[1]) + "x" + std::to_string(largest[2]) + " = " +
                  std::to_string(elements) + " elements; mlir-v0 allows at most " +
                  std::to_string(kMaxVectorElements) + ": choose smaller tile sizes";
          return;
        }
      }
      if (sizes == std::array<int64_t, 3>{0, 0, 0} && !s.promote && !s.vectorize) return;
      auto script = ::mlir::parseSourceString<::mlir::ModuleOp>(transform_script(s, sizes, extent),
                                                                ctx.get());
      if (!script) {
        error = "internal error: the transform script does not parse: " + diags.take("");
        return;
      }
      auto entry = script->lookupSymbol("__transform_main");
      ::mlir::transform::TransformOptions options;
      if (::mlir::failed(::mlir::transform::applyTransformNamedSequence(copy->getOperation(), entry,
                                                                        *script, options))) {
        error = diags.take("MLIR rejected the schedule");
        return;
      }
      if (s.loop_type == LoopType::kAffineLoops) to_affine_loops(*copy);
      if (::mlir::failed(::mlir::verify(copy->getOperation()))) {
        error = "the module is invalid after the schedule: " + diags.take("");
      }
    });
    if (error) throw SessionError("schedule " + s.to_string() + ": " + *error);
    return copy;
  }
};

MatmulModule::MatmulModule(const std::string& text, const std::string& name)
    : impl_(std::make_unique<Impl>()), text_(text) {
  initialize();
  ::mlir::DialectRegistry registry;
  ::mlir::registerAllDialects(registry);
  ::mlir::registerAllExtensions(registry);
  ::mlir::registerAllToLLVMIRTranslations(registry);
  impl_->ctx = std::make_unique<::mlir::MLIRContext>(registry);
  impl_->ctx->disableMultithreading();
  impl_->ctx->loadAllAvailableDialects();
  Diagnostics diags(*impl_->ctx);
  std::string problem;
  bool crashed = false;
  auto crash = cgym::llvm::run_safely([&] {
    impl_->module = ::mlir::parseSourceString<::mlir::ModuleOp>(text, impl_->ctx.get());
    if (!impl_->module) {
      problem = "cannot parse '" + name + "' as MLIR: " + diags.take("unknown error");
      return;
    }
    int functions = 0;
    ::mlir::func::FuncOp func;
    impl_->module->walk([&](::mlir::func::FuncOp f) {
      ++functions;
      func = f;
    });
    std::vector<::mlir::linalg::MatmulOp> matmuls;
    impl_->module->walk([&](::mlir::linalg::MatmulOp op) { matmuls.push_back(op); });
    if (functions != 1 || matmuls.size() != 1) {
      problem = "'" + name +
                "' must hold exactly one func.func with exactly one linalg.matmul; it has " +
                std::to_string(functions) + " functions and " + std::to_string(matmuls.size()) +
                " linalg.matmul ops";
      return;
    }
    auto args = func.getArguments();
    std::array<::mlir::MemRefType, 3> types;
    for (size_t i = 0; i < 3 && args.size() == 3; ++i) {
      types[i] = ::mlir::dyn_cast<::mlir::MemRefType>(args[i].getType());
    }
    auto ok = [](::mlir::MemRefType t) {
      return t && t.getRank() == 2 && t.hasStaticShape() && t.getElementType().isF32() &&
             t.getLayout().isIdentity();
    };
    if (args.size() != 3 || !ok(types[0]) || !ok(types[1]) || !ok(types[2]) ||
        func.getNumResults() != 0) {
      problem = "the function of '" + name +
                "' must take A, B and C as f32 memrefs of static 2-D shape with the identity "
                "layout and return nothing, e.g. " +
                matmul_module_text({64, 64, 64}).substr(0, 80) + "...";
      return;
    }
    auto m = matmuls[0];
    if (m.getInputs().size() != 2 || m.getOutputs().size() != 1 || m.getInputs()[0] != args[0] ||
        m.getInputs()[1] != args[1] || m.getOutputs()[0] != args[2]) {
      problem = "the linalg.matmul of '" + name +
                "' must compute ins(A, B) outs(C) on the function's three arguments";
      return;
    }
    shape_ = {types[0].getShape()[0], types[1].getShape()[1], types[0].getShape()[1]};
    if (types[1].getShape()[0] != shape_.k || types[2].getShape()[0] != shape_.m ||
        types[2].getShape()[1] != shape_.n) {
      problem = "the shapes of '" + name + "' do not make a matmul";
      return;
    }
    function_ = func.getName().str();
    // The entry point the JIT calls with memref descriptors.
    func->setAttr("llvm.emit_c_interface", ::mlir::UnitAttr::get(impl_->ctx.get()));
  });
  if (crash) {
    impl_->dead = true;
    crashed = true;
    problem = "MLIR crashed reading '" + name + "': " + *crash;
  }
  if (!problem.empty() || crashed) throw BenchmarkInitError(problem);
}

MatmulModule::~MatmulModule() = default;

std::string MatmulModule::transformed(const Schedule& schedule) {
  auto copy = impl_->transformed(schedule, shape_);
  std::string out;
  ::llvm::raw_string_ostream os(out);
  copy->print(os);
  return out;
}

MatmulModule::Kernel MatmulModule::compile(const Schedule& schedule) {
  auto copy = impl_->transformed(schedule, shape_);
  Diagnostics diags(*impl_->ctx);
  std::optional<std::string> error;
  std::shared_ptr<::mlir::ExecutionEngine> engine;
  void* entry = nullptr;
  Impl::ReleaseOnCrash guard{impl_.get(), [&] {
                               (void)copy.release();
                               new std::shared_ptr<::mlir::ExecutionEngine>(std::move(engine));
                             }};
  impl_->safely("lowering and JIT-compiling", [&] {
    ::mlir::PassManager pm(impl_->ctx.get());
    std::string message;
    ::llvm::raw_string_ostream os(message);
    if (::mlir::failed(::mlir::parsePassPipeline(kLowering, pm, os))) {
      error = "internal error: the lowering pipeline does not parse: " + message;
      return;
    }
    if (::mlir::failed(pm.run(copy->getOperation()))) {
      error = diags.take("lowering to the LLVM dialect failed");
      return;
    }
    auto builder = ::llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder) {
      error = "cannot describe the host for the JIT: " + ::llvm::toString(builder.takeError());
      return;
    }
    builder->setCodeGenOptLevel(::llvm::CodeGenOptLevel::Aggressive);
    auto tm = builder->createTargetMachine();
    if (!tm) {
      error = "cannot create the JIT's target machine: " + ::llvm::toString(tm.takeError());
      return;
    }
    ::mlir::ExecutionEngineOptions options;
    // ExecutionEngineOptions::transformer is a function_ref: the function
    // must outlive create() (ASan found a temporary here).
    const std::function<::llvm::Error(::llvm::Module*)> transformer =
        ::mlir::makeOptimizingTransformer(3, 0, tm->get());
    options.transformer = transformer;
    options.jitCodeGenOptLevel = ::llvm::CodeGenOptLevel::Aggressive;
    auto created = ::mlir::ExecutionEngine::create(copy->getOperation(), options, std::move(*tm));
    if (!created) {
      error = "JIT compilation failed: " + ::llvm::toString(created.takeError()) + diags.take("");
      return;
    }
    engine = std::move(*created);
    auto sym = engine->lookup("_mlir_ciface_" + function_);
    if (!sym) {
      error = "the JIT has no entry point: " + ::llvm::toString(sym.takeError());
      return;
    }
    entry = *sym;
  });
  if (error) throw SessionError("schedule " + schedule.to_string() + ": " + *error);
  using Fn = void (*)(StridedMemRefType<float, 2>*, StridedMemRefType<float, 2>*,
                      StridedMemRefType<float, 2>*);
  auto fn = reinterpret_cast<Fn>(entry);
  const MatmulShape s = shape_;
  return [engine, fn, s](const float* a, const float* b, float* c) {
    auto desc = [](const float* p, int64_t rows, int64_t cols) {
      StridedMemRefType<float, 2> d;
      d.basePtr = const_cast<float*>(p);
      d.data = const_cast<float*>(p);
      d.offset = 0;
      d.sizes[0] = rows;
      d.sizes[1] = cols;
      d.strides[0] = cols;
      d.strides[1] = 1;
      return d;
    };
    auto da = desc(a, s.m, s.k);
    auto db = desc(b, s.k, s.n);
    auto dc = desc(c, s.m, s.n);
    // The generated code may crash (a bad schedule, an MLIR bug): contained
    // like a crash inside MLIR itself.
    if (auto crash = cgym::llvm::run_safely([&] { fn(&da, &db, &dc); })) {
      throw SessionError("the compiled kernel crashed: " + *crash);
    }
  };
}

}  // namespace cgym::mlir
