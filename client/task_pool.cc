#include "client/task_pool.h"

#include "engine/base/thread_name.h"

namespace tern::client {

TaskPool::TaskPool(int threads, std::string name) : name_(std::move(name)) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] {
      SetThreadName(name_.c_str());
      Run();
    });
  }
}

TaskPool::~TaskPool() { Stop(); }

bool TaskPool::Submit(std::function<void()> task) {
  MutexLock lock(&mu_);
  if (stopping_) return false;
  tasks_.push_back(std::move(task));
  cv_.Signal();
  return true;
}

size_t TaskPool::queued() const {
  MutexLock lock(&mu_);
  return tasks_.size();
}

void TaskPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    dropped.swap(tasks_);
    cv_.SignalAll();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void TaskPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && tasks_.empty()) cv_.Wait(&mu_);
      if (stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace tern::client
