// Waiting for something a test can observe (an RPC's answer, a metric, a
// file) instead of sleeping for a guessed time: poll with a deadline.
#ifndef TESTS_TESTING_WAIT_H_
#define TESTS_TESTING_WAIT_H_

#include <chrono>
#include <thread>

namespace uuro::testing {

// Calls `condition` until it returns true or `timeout` has passed, pausing
// `every` between calls; returns whether it held. The timeout is generous
// (sanitizer builds and loaded CI machines are slow): a test that passes
// waits only as long as the condition takes.
template <typename Condition>
bool WaitFor(Condition condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(30),
             std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace uuro::testing

#endif  // TESTS_TESTING_WAIT_H_
