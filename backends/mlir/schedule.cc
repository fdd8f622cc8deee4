#include "backends/mlir/schedule.h"

#include <algorithm>
#include <functional>
#include <sstream>

#include "cgym/errors.h"

namespace cgym::mlir {
namespace {

constexpr std::array<const char*, 2> kLoopTypes = {"loops", "affine_loops"};
constexpr std::array<const char*, 3> kVectorizeTo = {"dot", "matmul", "outer_product"};
constexpr std::array<const char*, 3> kSplits = {"none", "linalg_copy", "vector_transfer"};
constexpr std::array<int64_t, 10> kTileChoices = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256};
constexpr std::array<char, 3> kDims = {'m', 'n', 'k'};

template <size_t N>
int index_of(const std::array<const char*, N>& names, const nlohmann::json& v,
             const std::string& key) {
  if (v.is_string()) {
    for (size_t i = 0; i < N; ++i) {
      if (v.get<std::string>() == names[i]) return static_cast<int>(i);
    }
  } else if (v.is_number_integer() && v.get<int64_t>() >= 0 &&
             v.get<int64_t>() < static_cast<int64_t>(N)) {
    return static_cast<int>(v.get<int64_t>());  // CompilerGym's index form
  }
  std::string valid;
  for (size_t i = 0; i < N; ++i) valid += (i ? ", " : "") + std::string(names[i]);
  throw InvalidArgument("mlir-v0 schedule: " + key + " is " + v.dump() + "; valid: " + valid +
                        " (or their index 0.." + std::to_string(N - 1) + ")");
}

bool read_bool(const nlohmann::json& v, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) {
    return v.get<int64_t>() == 1;
  }
  throw InvalidArgument("mlir-v0 schedule: " + key + " is " + v.dump() +
                        "; valid: true, false, 0 or 1");
}

std::array<int64_t, 3> read_triple(const nlohmann::json& v, const std::string& key) {
  if (!v.is_array() || v.size() != 3) {
    throw InvalidArgument("mlir-v0 schedule: " + key + " is " + v.dump() +
                          "; valid: a list of 3 integers (m, n, k)");
  }
  std::array<int64_t, 3> out{};
  for (size_t i = 0; i < 3; ++i) {
    if (!v[i].is_number_integer()) {
      throw InvalidArgument("mlir-v0 schedule: " + key + " is " + v.dump() +
                            "; valid: a list of 3 integers (m, n, k)");
    }
    out[i] = v[i].get<int64_t>();
  }
  return out;
}

const nlohmann::json& section(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  auto it = j.find(key);
  if (it == j.end()) return empty;
  if (!it->is_object()) {
    throw InvalidArgument(std::string("mlir-v0 schedule: ") + key + " must be an object, not " +
                          it->dump());
  }
  return *it;
}

std::string join(const std::array<int64_t, 3>& v) {
  return "[" + std::to_string(v[0]) + "," + std::to_string(v[1]) + "," + std::to_string(v[2]) + "]";
}

}  // namespace

nlohmann::json Schedule::to_json() const {
  return {{"tile_options",
           {{"tile_sizes", tile_sizes},
            {"interchange_vector", interchange},
            {"promote", promote},
            {"promote_full_tile", promote_full_tile},
            {"loop_type", kLoopTypes[static_cast<int>(loop_type)]}}},
          {"vectorize_options",
           {{"vectorize", vectorize},
            {"vectorize_to", kVectorizeTo[static_cast<int>(vectorize_to)]},
            {"vector_transfer_split", kSplits[static_cast<int>(vector_transfer_split)]},
            {"unroll_vector_transfers", unroll_vector_transfers}}}};
}

Schedule Schedule::from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw InvalidArgument(
        "mlir-v0 schedule must be a JSON object with tile_options and "
        "vectorize_options, not " +
        j.dump());
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "tile_options" && it.key() != "vectorize_options") {
      throw InvalidArgument("mlir-v0 schedule: unknown key '" + it.key() +
                            "'; valid: tile_options, vectorize_options");
    }
  }
  Schedule s;
  const auto& tile = section(j, "tile_options");
  for (auto it = tile.begin(); it != tile.end(); ++it) {
    const std::string key = "tile_options." + it.key();
    if (it.key() == "tile_sizes") {
      s.tile_sizes = read_triple(*it, key);
      for (int64_t t : s.tile_sizes) {
        if (t < 0 || t > (int64_t{1} << 32)) {
          throw InvalidArgument("mlir-v0 schedule: " + key + " is " + it->dump() +
                                "; each size must be in 0..2^32 (0: not tiled)");
        }
      }
    } else if (it.key() == "interchange_vector") {
      s.interchange = read_triple(*it, key);
      auto sorted = s.interchange;
      std::sort(sorted.begin(), sorted.end());
      if (sorted != std::array<int64_t, 3>{0, 1, 2}) {
        throw InvalidArgument("mlir-v0 schedule: " + key + " is " + it->dump() +
                              "; valid: a permutation of [0, 1, 2]");
      }
    } else if (it.key() == "promote") {
      s.promote = read_bool(*it, key);
    } else if (it.key() == "promote_full_tile") {
      s.promote_full_tile = read_bool(*it, key);
    } else if (it.key() == "loop_type") {
      s.loop_type = static_cast<LoopType>(index_of(kLoopTypes, *it, key));
    } else {
      throw InvalidArgument("mlir-v0 schedule: unknown key '" + key +
                            "'; valid: tile_sizes, interchange_vector, promote, "
                            "promote_full_tile, loop_type");
    }
  }
  const auto& vec = section(j, "vectorize_options");
  for (auto it = vec.begin(); it != vec.end(); ++it) {
    const std::string key = "vectorize_options." + it.key();
    if (it.key() == "vectorize") {
      s.vectorize = read_bool(*it, key);
    } else if (it.key() == "vectorize_to") {
      s.vectorize_to = static_cast<VectorizeTo>(index_of(kVectorizeTo, *it, key));
    } else if (it.key() == "vector_transfer_split") {
      s.vector_transfer_split = static_cast<TransferSplit>(index_of(kSplits, *it, key));
    } else if (it.key() == "unroll_vector_transfers") {
      s.unroll_vector_transfers = read_bool(*it, key);
    } else {
      throw InvalidArgument("mlir-v0 schedule: unknown key '" + key +
                            "'; valid: vectorize, vectorize_to, vector_transfer_split, "
                            "unroll_vector_transfers");
    }
  }
  return s;
}

std::string Schedule::to_string() const {
  std::ostringstream os;
  os << "tile=" << join(tile_sizes) << " interchange=" << join(interchange);
  if (promote) os << " promote" << (promote_full_tile ? "(full tiles)" : "");
  if (loop_type == LoopType::kAffineLoops) os << " affine_loops";
  if (vectorize) {
    os << " vectorize=" << kVectorizeTo[static_cast<int>(vectorize_to)]
       << " split=" << kSplits[static_cast<int>(vector_transfer_split)]
       << (unroll_vector_transfers ? " unroll_transfers" : "");
  } else {
    os << " scalar";
  }
  return os.str();
}

namespace {

// What each action of the space does to a schedule.
struct Edit {
  ActionInfo info;
  std::function<void(Schedule&)> apply;
};

const std::vector<Edit>& edits() {
  static const std::vector<Edit> list = [] {
    std::vector<Edit> out;
    auto add = [&](std::string name, std::string description, std::function<void(Schedule&)> f) {
      ActionInfo info;
      info.name = name;
      info.flag = name;
      info.description = std::move(description);
      out.push_back({std::move(info), std::move(f)});
    };
    for (int d = 0; d < 3; ++d) {
      for (int64_t t : kTileChoices) {
        add(std::string("tile_") + kDims[d] + "=" + std::to_string(t),
            t == 0 ? std::string("do not tile the ") + kDims[d] + " loop"
                   : std::string("tile the ") + kDims[d] + " loop by " + std::to_string(t),
            [d, t](Schedule& s) { s.tile_sizes[d] = t; });
      }
    }
    std::array<int64_t, 3> p{0, 1, 2};
    do {
      add("interchange=" + std::to_string(p[0]) + std::to_string(p[1]) + std::to_string(p[2]),
          std::string("tile loops in the order ") + kDims[p[0]] + ", " + kDims[p[1]] + ", " +
              kDims[p[2]],
          [p](Schedule& s) { s.interchange = p; });
    } while (std::next_permutation(p.begin(), p.end()));
    for (bool on : {false, true}) {
      add(std::string("promote=") + (on ? "on" : "off"),
          on ? "copy the tiles of A and B into local buffers" : "no promotion",
          [on](Schedule& s) { s.promote = on; });
    }
    for (bool on : {false, true}) {
      add(std::string("promote_full_tile=") + (on ? "on" : "off"),
          on ? "promoted buffers have the full tile size" : "promoted buffers fit the tile",
          [on](Schedule& s) { s.promote_full_tile = on; });
    }
    for (int i = 0; i < 2; ++i) {
      add(std::string("loop_type=") + kLoopTypes[i],
          std::string("tile loops are ") + (i == 0 ? "scf.for" : "affine.for") + " loops",
          [i](Schedule& s) { s.loop_type = static_cast<LoopType>(i); });
    }
    for (bool on : {false, true}) {
      add(std::string("vectorize=") + (on ? "on" : "off"),
          on ? "vectorise the (tiled) matmul" : "lower the matmul to scalar loops",
          [on](Schedule& s) { s.vectorize = on; });
    }
    for (int i = 0; i < 3; ++i) {
      add(std::string("vectorize_to=") + kVectorizeTo[i],
          std::string("lower vector.contract as ") + kVectorizeTo[i],
          [i](Schedule& s) { s.vectorize_to = static_cast<VectorizeTo>(i); });
    }
    for (int i = 0; i < 3; ++i) {
      add(std::string("vector_transfer_split=") + kSplits[i],
          std::string("split vector transfers: ") + kSplits[i],
          [i](Schedule& s) { s.vector_transfer_split = static_cast<TransferSplit>(i); });
    }
    for (bool on : {false, true}) {
      add(std::string("unroll_vector_transfers=") + (on ? "on" : "off"),
          on ? "fully unroll vector transfers lowered to loops" : "keep transfer loops",
          [on](Schedule& s) { s.unroll_vector_transfers = on; });
    }
    return out;
  }();
  return list;
}

}  // namespace

const ActionSpace& schedule_action_space() {
  static const ActionSpace space = [] {
    std::vector<ActionInfo> infos;
    for (const auto& e : edits()) infos.push_back(e.info);
    return ActionSpace("MatrixMultiplication", std::move(infos));
  }();
  return space;
}

Schedule apply_action(const Schedule& s, Action a) {
  schedule_action_space().check(a);
  Schedule out = s;
  edits()[static_cast<size_t>(a)].apply(out);
  return out;
}

}  // namespace cgym::mlir
