#include "cgym/vector_env.h"

#include <algorithm>

#include "cgym/errors.h"
#include "internal/env_task.h"

namespace cgym {

namespace {

// Which worker of how many the current thread is (set by each worker
// thread before its loop; {0, 1} elsewhere).
struct WorkerSlot {
  int index = 0;
  int count = 1;
};
thread_local WorkerSlot t_worker;

}  // namespace

namespace internal {

EnvTaskOutcome run_env_task(Env& env, int env_id, bool is_reset, Action action, bool auto_reset,
                            const ResetOptions& reset_options) {
  EnvTaskOutcome d;
  d.result.env_id = env_id;
  try {
    if (is_reset) {
      d.result.reset = env.reset(reset_options);
    } else {
      d.result.step = env.step(action);
      if (auto_reset && d.result.step.done) d.result.reset = env.reset(reset_options);
    }
  } catch (const std::exception& ex) {
    d.error_type = error_type_name(ex);
    d.error_message = ex.what();
  } catch (...) {
    d.error_type = "unknown";
    d.error_message = "a non-standard exception";
  }
  return d;
}

}  // namespace internal

VectorEnv::VectorEnv(std::function<EnvPtr(int)> factory, VectorEnvOptions options)
    : options_(std::move(options)) {
  if (options_.num_envs <= 0) {
    throw InvalidArgument("VectorEnv needs at least one env, got num_envs = " +
                          std::to_string(options_.num_envs));
  }
  if (!options_.seeds.empty() && static_cast<int>(options_.seeds.size()) != options_.num_envs) {
    throw InvalidArgument("VectorEnv: " + std::to_string(options_.seeds.size()) +
                          " seeds given for " + std::to_string(options_.num_envs) +
                          " envs; give one per env or none");
  }
  for (int i = 0; i < options_.num_envs; ++i) {
    auto env = factory(i);
    if (!env)
      throw InvalidArgument("VectorEnv: the factory returned no env for env " + std::to_string(i));
    envs_.push_back(std::move(env));
    seeds_.push_back(options_.seeds.empty() ? options_.seed_base + static_cast<uint64_t>(i)
                                            : options_.seeds[i]);
    rngs_.emplace_back(seeds_.back());
  }
  busy_.assign(envs_.size(), 0);
  int threads = options_.num_threads > 0
                    ? options_.num_threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, options_.num_envs);
  for (int t = 0; t < threads; ++t) {
    workers_.emplace_back([this, t, threads] {
      t_worker = {t, threads};
      worker_loop();
    });
  }
}

VectorEnv::~VectorEnv() {
  {
    std::unique_lock lock(mu_);
    // Finish what was sent: workers must not touch envs being destroyed.
    done_cv_.wait(lock, [&] { return outstanding_ == static_cast<int>(done_.size()); });
    stopping_ = true;
  }
  task_cv_.notify_all();
  for (auto& w : workers_) w.join();
}

Env& VectorEnv::env(int env_id) {
  if (env_id < 0 || env_id >= size()) {
    throw ActionOutOfRange("env id " + std::to_string(env_id) +
                           " is out of range: valid ids are 0.." + std::to_string(size() - 1));
  }
  return *envs_[env_id];
}

uint64_t VectorEnv::seed(int env_id) const {
  if (env_id < 0 || env_id >= static_cast<int>(seeds_.size())) {
    throw ActionOutOfRange("env id " + std::to_string(env_id) + " is out of range");
  }
  return seeds_[env_id];
}

Rng& VectorEnv::rng(int env_id) {
  env(env_id);
  return rngs_[env_id];
}

void VectorEnv::worker_loop() {
  while (true) {
    Task task;
    {
      std::unique_lock lock(mu_);
      task_cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      // Env i belongs to worker i % count: a worker takes its own envs'
      // requests first, and another's only when it has none of its own. So
      // an env's IR is allocated and freed by one thread, which keeps
      // glibc's malloc from taking another thread's arena lock at every
      // free (measured: 2 threads gave 1.2-1.5x one thread without this;
      // docs/scale.md, "Threads and the allocator").
      auto it = std::find_if(tasks_.begin(), tasks_.end(), [](const Task& t) {
        return t.env_id % t_worker.count == t_worker.index;
      });
      if (it == tasks_.end()) it = tasks_.begin();
      task = *it;
      tasks_.erase(it);
    }
    auto outcome = internal::run_env_task(*envs_[task.env_id], task.env_id, task.is_reset,
                                          task.action, options_.auto_reset, options_.reset_options);
    Done d{std::move(outcome.result), std::move(outcome.error_type),
           std::move(outcome.error_message)};
    {
      std::lock_guard lock(mu_);
      done_.push_back(std::move(d));
    }
    done_cv_.notify_all();
  }
}

void VectorEnv::enqueue(Task task) {
  busy_[task.env_id] = 1;
  tasks_.push_back(task);
  ++outstanding_;
}

std::vector<BatchResult> VectorEnv::collect_all(int n) {
  auto done = recv(n);
  std::sort(done.begin(), done.end(),
            [](const BatchResult& a, const BatchResult& b) { return a.env_id < b.env_id; });
  return done;
}

std::vector<BatchResult> VectorEnv::reset() {
  if (outstanding() != 0) {
    throw StateError("VectorEnv::reset() called with " + std::to_string(outstanding()) +
                     " requests outstanding; recv() them first");
  }
  {
    std::lock_guard lock(mu_);
    for (int i = 0; i < size(); ++i) enqueue({i, true, 0});
  }
  task_cv_.notify_all();
  return collect_all(size());
}

std::vector<BatchResult> VectorEnv::step(std::span<const Action> actions) {
  if (static_cast<int>(actions.size()) != size()) {
    throw InvalidArgument("VectorEnv::step() needs one action per env: got " +
                          std::to_string(actions.size()) + " for " + std::to_string(size()) +
                          " envs");
  }
  if (outstanding() != 0) {
    throw StateError("VectorEnv::step() called with " + std::to_string(outstanding()) +
                     " requests outstanding; recv() them first");
  }
  std::vector<int> ids(size());
  for (int i = 0; i < size(); ++i) ids[i] = i;
  send(actions, ids);
  return collect_all(size());
}

void VectorEnv::send(std::span<const Action> actions, std::span<const int> env_ids) {
  if (actions.size() != env_ids.size()) {
    throw InvalidArgument("VectorEnv::send(): " + std::to_string(actions.size()) + " actions for " +
                          std::to_string(env_ids.size()) + " env ids");
  }
  {
    std::lock_guard lock(mu_);
    std::vector<char> seen(envs_.size(), 0);
    for (int id : env_ids) {
      if (id < 0 || id >= size()) {
        throw ActionOutOfRange("env id " + std::to_string(id) +
                               " is out of range: valid ids are 0.." + std::to_string(size() - 1));
      }
      if (busy_[id] || seen[id]) {
        throw StateError("env " + std::to_string(id) +
                         " already has a request outstanding; recv() it before sending another");
      }
      seen[id] = 1;
    }
    for (size_t i = 0; i < env_ids.size(); ++i) enqueue({env_ids[i], false, actions[i]});
  }
  task_cv_.notify_all();
}

int VectorEnv::outstanding() const {
  std::lock_guard lock(mu_);
  return outstanding_;
}

std::vector<BatchResult> VectorEnv::recv(int min_results) {
  std::vector<Done> finished;
  {
    std::unique_lock lock(mu_);
    if (outstanding_ == 0) return {};
    const int want = std::clamp(min_results, 1, outstanding_);
    done_cv_.wait(lock, [&] { return static_cast<int>(done_.size()) >= want; });
    while (!done_.empty()) {
      finished.push_back(std::move(done_.front()));
      done_.pop_front();
      busy_[finished.back().result.env_id] = 0;
      --outstanding_;
    }
  }
  done_cv_.notify_all();
  std::vector<BatchResult> out;
  const Done* first_error = nullptr;
  for (auto& d : finished) {
    if (!d.error_type.empty() && !first_error) first_error = &d;
    out.push_back(std::move(d.result));
  }
  if (first_error) {
    throw VectorEnvError(first_error->result.env_id, first_error->error_type,
                         first_error->error_message);
  }
  return out;
}

}  // namespace cgym
