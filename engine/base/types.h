// types.h: strong integer types for the offsets and ids that must never be mixed up.
//
// A PhysicalOffset (byte position in the CommitLog) must not compile where a QueueOffset
// (message index within one consume queue) is expected (style rule 7). Each type is a thin
// value wrapper: explicit construction, .value(), comparisons, and the arithmetic that makes
// sense for offsets (adding or subtracting a plain count). Trivially copyable, thread-agnostic.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace tern {

template <typename Tag, typename T>
class StrongInt {
 public:
  using ValueType = T;
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(T v) : value_(v) {}
  constexpr T value() const { return value_; }

  constexpr auto operator<=>(const StrongInt&) const = default;

  constexpr StrongInt operator+(T delta) const { return StrongInt(value_ + delta); }
  constexpr StrongInt operator-(T delta) const { return StrongInt(value_ - delta); }
  constexpr T operator-(StrongInt other) const { return value_ - other.value_; }
  constexpr StrongInt& operator+=(T delta) {
    value_ += delta;
    return *this;
  }

  template <typename H>
  friend H AbslHashValue(H h, StrongInt v) {
    return H::combine(std::move(h), v.value_);
  }

 private:
  T value_{};
};

// Byte position in the CommitLog (absolute: file start + position in file).
using PhysicalOffset = StrongInt<struct PhysicalOffsetTag, int64_t>;
// Logical index of a message within one (topic, queueId) consume queue.
using QueueOffset = StrongInt<struct QueueOffsetTag, int64_t>;
// Queue number within a topic.
using QueueId = StrongInt<struct QueueIdTag, int32_t>;

}  // namespace tern

template <typename Tag, typename T>
struct std::hash<tern::StrongInt<Tag, T>> {
  size_t operator()(tern::StrongInt<Tag, T> v) const { return std::hash<T>{}(v.value()); }
};
