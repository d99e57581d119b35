// task_pool.h: a fixed set of threads running submitted tasks in FIFO order (the consumer's
// consume threads).
//
// Thread safety: Submit() may be called from any thread, also from a task. Lifetime: tasks
// submitted after Stop() began are dropped; Stop() finishes the running tasks, drops the
// queued ones and joins the threads (it must not be called from a task).
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"

namespace tern::client {

class TaskPool {
 public:
  TaskPool(int threads, std::string name);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // False when the pool is stopping (the task was dropped).
  bool Submit(std::function<void()> task);
  void Stop();
  size_t queued() const;

 private:
  void Run();

  mutable Mutex mu_;
  CondVar cv_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  const std::string name_;
};

}  // namespace tern::client
