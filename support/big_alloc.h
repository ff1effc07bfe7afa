// An allocator for large tables read at random (the user index, the per-user state):
// blocks of 2 MiB and more are 2 MiB-aligned and, on Linux, advised to be backed by
// transparent huge pages (MADV_HUGEPAGE; the system default is often "madvise").
// At a million users such a table spans tens of MB, and with 4 KiB pages nearly every
// lookup also misses the TLB (a page walk, costlier still in a virtual machine); with
// 2 MiB pages the TLB covers it. Smaller blocks come from operator new as usual.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace scorec {

template <typename T>
struct BigAlloc {
  using value_type = T;
  static constexpr size_t kHuge = size_t{2} << 20;

  BigAlloc() = default;
  template <typename U>
  BigAlloc(const BigAlloc<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a failure leaves 4 KiB pages
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) < kHuge) ::operator delete(p, std::align_val_t{alignof(T)});
    else std::free(p);
  }
  friend bool operator==(const BigAlloc&, const BigAlloc&) { return true; }
};

}  // namespace scorec
