#include "internal/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <string>

namespace cgym {

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_color_mt("cgym");
    int level = 0;
    if (const char* v = std::getenv("CGYM_DEBUG")) level = std::atoi(v);
    switch (level <= 0 ? 0 : level) {
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
