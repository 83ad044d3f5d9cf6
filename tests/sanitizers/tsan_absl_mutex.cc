// For ThreadSanitizer builds only (CMake preset "tsan"). Debian's Abseil is
// not built with TSan, so TSan cannot see that absl::Mutex orders memory,
// and reports every field an absl::Mutex guards as a race. This shared
// library, loaded before libabsl_synchronization, stands in for the Mutex
// functions the project calls: each forwards to the real one and tells TSan
// that unlocking releases and locking (or returning from a wait) acquires.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"

extern "C" {
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
}

namespace {

template <typename F>
F Real(const char* name) {
  void* f = ::dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_mutex: %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

using LockFn = void (*)(absl::Mutex*);
using AwaitFn = void (*)(absl::Mutex*, const absl::Condition&);
using AwaitTimeoutFn = bool (*)(absl::Mutex*, const absl::Condition&,
                                absl::Duration);

// Conditions are evaluated inside the real wait with the lock held (by the
// waiting thread or the one unlocking), which may then let go of the lock
// inside the library: each evaluation acquires and releases.
struct Annotated {
  void* mu;
  const absl::Condition* cond;
  static bool Eval(const Annotated* a) {
    __tsan_acquire(a->mu);
    bool met = a->cond->Eval();
    __tsan_release(a->mu);
    return met;
  }
};

}  // namespace

void absl::Mutex::Lock() {
  static const auto real = Real<LockFn>("_ZN4absl7debian35Mutex4LockEv");
  real(this);
  __tsan_acquire(this);
}

void absl::Mutex::Unlock() {
  static const auto real = Real<LockFn>("_ZN4absl7debian35Mutex6UnlockEv");
  __tsan_release(this);
  real(this);
}

void absl::Mutex::Await(const absl::Condition& cond) {
  static const auto real =
      Real<AwaitFn>("_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  const Annotated annotated{this, &cond};
  __tsan_release(this);
  real(this, absl::Condition(&Annotated::Eval, &annotated));
  __tsan_acquire(this);
}

bool absl::Mutex::AwaitWithTimeout(const absl::Condition& cond,
                                   absl::Duration timeout) {
  static const auto real = Real<AwaitTimeoutFn>(
      "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_"
      "8DurationE");
  const Annotated annotated{this, &cond};
  __tsan_release(this);
  bool met = real(this, absl::Condition(&Annotated::Eval, &annotated), timeout);
  __tsan_acquire(this);
  return met;
}
