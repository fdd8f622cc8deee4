#include "internal/logging.h"

#include "internal/paths.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <string>

namespace cgym {

int debug_level_from_env() {
  const std::string v = setting_from_env("DEBUG");
  const int level = v.empty() ? 0 : std::atoi(v.c_str());
  return level < 0 ? 0 : level;
}

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_color_mt("cgym");
    switch (debug_level_from_env()) {
      case 0:
        l->set_level(spdlog::level::warn);
        break;
      case 1:
        l->set_level(spdlog::level::info);
        break;
      case 2:
        l->set_level(spdlog::level::debug);
        break;
      default:
        l->set_level(spdlog::level::trace);
        break;
    }
    l->set_pattern("[%H:%M:%S.%e] [cgym] [%l] %v");
    return l;
  }();
  return *instance;
}

}  // namespace cgym
