// VectorEnv: N environments stepped on a pool of T worker threads.
//
// Synchronous use:   auto results = venv.step(actions);   // one per env
// Asynchronous use (EnvPool style):
//   venv.send(actions, env_ids);  ...  auto done = venv.recv();
//
// Threading contract:
//  - The VectorEnv object itself is used by one thread (the caller). Its
//    methods are not safe to call concurrently with each other.
//  - Each env is touched by at most one worker at a time: send() refuses an
//    env whose previous request has not been received yet (StateError).
//  - Envs made by the factory are owned by the VectorEnv; env(i) gives access
//    between calls (never while a request for env i is outstanding).
//  - An exception thrown inside a worker never terminates the process: it is
//    caught and re-thrown on the caller's thread by step()/reset()/recv() as a
//    VectorEnvError naming the env it came from. Compiler failures are not
//    exceptions (they are done + info.error_type), so they never get there.
//  - The destructor waits for outstanding requests, then stops the workers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "cgym/env.h"

namespace cgym {

/// An exception from inside a worker, re-thrown on the caller's thread.
class VectorEnvError : public Error {
 public:
  /// An exception of type `type` (e.g. "StateError") with `message`, thrown
  /// by env `env_id`; what() is "env <id>: <type>: <message>".
  VectorEnvError(int env_id, const std::string& type, const std::string& message)
      : Error("env " + std::to_string(env_id) + ": " + type + ": " + message),
        env_id_(env_id),
        type_(type) {}
  /// "VectorEnvError".
  const char* type_name() const noexcept override { return "VectorEnvError"; }
  /// The index of the env whose request threw.
  int env_id() const { return env_id_; }
  /// The type name of the original exception, e.g. "ActionOutOfRange".
  const std::string& original_type() const { return type_; }

 private:
  int env_id_;
  std::string type_;
};

/// How many envs and threads a VectorEnv has, and how it resets them.
struct VectorEnvOptions {
  /// The number of envs. Must be >= 1.
  int num_envs = 1;
  /// Worker threads; 0 means std::thread::hardware_concurrency(). Never more
  /// than num_envs.
  int num_threads = 0;
  /// Reset an env automatically when its step returns done. The step's
  /// result is kept; the reset's result is in BatchResult::reset.
  bool auto_reset = false;
  /// Seeds are seed_base + env_id unless `seeds` gives one per env.
  uint64_t seed_base = 0;
  /// One seed per env (empty: use seed_base). Its size must be num_envs.
  std::vector<uint64_t> seeds;
  /// Used by reset() and auto-reset.
  ResetOptions reset_options;
};

/// The outcome of one env's request.
struct BatchResult {
  /// The env the request was for.
  int env_id = 0;
  /// The step's result (empty for a reset() request).
  StepResult step;
  /// Set when auto-reset reset the env after a done step, or by reset().
  std::optional<StepResult> reset;
};

/// N environments stepped on a pool of worker threads, synchronously
/// (step()) or asynchronously (send() / recv()). The VectorEnv itself is
/// used by one thread; exceptions inside workers come back as VectorEnvError.
class VectorEnv {
 public:
  /// `factory(env_id)` makes env `env_id` (called on the caller's thread).
  /// Throws InvalidArgument for num_envs < 1, a wrong number of seeds, or a
  /// factory that returns null.
  VectorEnv(std::function<EnvPtr(int env_id)> factory, VectorEnvOptions options);
  /// Waits for outstanding requests, then stops the workers and destroys the envs.
  ~VectorEnv();
  VectorEnv(const VectorEnv&) = delete;
  VectorEnv& operator=(const VectorEnv&) = delete;

  /// The number of envs.
  int size() const { return static_cast<int>(envs_.size()); }
  /// The number of worker threads.
  int num_threads() const { return static_cast<int>(workers_.size()); }
  /// Env `env_id`, for use between calls (never while a request for it is
  /// outstanding). Throws ActionOutOfRange for an invalid id.
  Env& env(int env_id);
  /// The seed of env `env_id`, and a random engine seeded with it (for
  /// sampling that env's actions reproducibly).
  uint64_t seed(int env_id) const;
  /// The random engine of env `env_id`, seeded with seed(env_id). Throws
  /// ActionOutOfRange for an invalid id.
  Rng& rng(int env_id);

  /// Resets every env in parallel. Results are in env order.
  std::vector<BatchResult> reset();
  /// Steps every env with actions[env_id], in parallel. Results are in env
  /// order. Throws InvalidArgument if actions.size() != size().
  std::vector<BatchResult> step(std::span<const Action> actions);

  /// Queues one step for each env in `env_ids` (actions[i] for env_ids[i]).
  /// Throws StateError if an env already has a request outstanding,
  /// ActionOutOfRange/LookupError for bad ids.
  void send(std::span<const Action> actions, std::span<const int> env_ids);
  /// Waits until at least `min_results` requests have finished (default 1,
  /// capped at the number outstanding) and returns every finished one, in
  /// order of completion. Returns empty when nothing is outstanding.
  std::vector<BatchResult> recv(int min_results = 1);
  /// The number of requests sent and not yet received.
  int outstanding() const;

 private:
  struct Task {
    int env_id;
    bool is_reset;
    Action action;
  };
  struct Done {
    BatchResult result;
    std::string error_type;
    std::string error_message;
  };
  void worker_loop();
  void enqueue(Task task);
  std::vector<BatchResult> collect_all(int n);

  std::vector<EnvPtr> envs_;
  std::vector<uint64_t> seeds_;
  std::vector<Rng> rngs_;
  std::vector<char> busy_;
  VectorEnvOptions options_;

  mutable std::mutex mu_;
  std::condition_variable task_cv_;
  std::condition_variable done_cv_;
  std::deque<Task> tasks_;
  std::deque<Done> done_;
  int outstanding_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cgym
