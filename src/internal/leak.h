// Deliberate leaks. After a crash inside LLVM, cgym never touches or frees
// the module, context or target machine involved again (docs/reliability.md,
// "In-process crash recovery"): they are released and forgotten. Under
// LeakSanitizer (the sanitize preset) they are also marked as intended, so
// that a leak report means a real leak.
#pragma once

#include <memory>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define CGYM_LEAK_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(CGYM_LEAK_SANITIZER)
#define CGYM_LEAK_SANITIZER 1
#endif
#ifdef CGYM_LEAK_SANITIZER
#include <sanitizer/lsan_interface.h>
#endif

namespace cgym::internal {

/// Releases `p` without destroying the object, on purpose.
template <typename T>
void leak_on_purpose(std::unique_ptr<T>& p) {
  T* raw = p.release();
#ifdef CGYM_LEAK_SANITIZER
  if (raw) __lsan_ignore_object(raw);
#endif
  (void)raw;
}

/// While alive, LeakSanitizer does not report what this thread allocates.
/// For code that is about to crash on purpose (tests of crash recovery): a
/// crash recovered in the process abandons whatever the crashed code held.
class LeaksExpectedInScope {
 public:
  LeaksExpectedInScope() {
#ifdef CGYM_LEAK_SANITIZER
    __lsan_disable();
#endif
  }
  ~LeaksExpectedInScope() {
#ifdef CGYM_LEAK_SANITIZER
    __lsan_enable();
#endif
  }
  LeaksExpectedInScope(const LeaksExpectedInScope&) = delete;
  LeaksExpectedInScope& operator=(const LeaksExpectedInScope&) = delete;
};

}  // namespace cgym::internal
