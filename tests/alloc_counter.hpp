// Counts heap allocations made while a CountAllocations object is alive on this thread, so that
// tests can show that a per-frame stage does not allocate. Both routes are seen: operator new
// (replaced in alloc_counter.cpp) and malloc/calloc/realloc, which Eigen uses, wrapped at link
// time (-Wl,--wrap=malloc ... in tests/CMakeLists.txt). The wrap applies to the objects linked
// into the test program (the tests, libdorsum.a, Eigen's inline code), not to calls made inside
// shared libraries, which the per-frame stages do not make. Under AddressSanitizer
// (make test-sanitize) __real_malloc is the sanitizer's malloc, so counting works there too.
#pragma once

namespace alloc_counter {

class CountAllocations {
 public:
  CountAllocations();
  ~CountAllocations();
  CountAllocations(const CountAllocations&) = delete;
  CountAllocations& operator=(const CountAllocations&) = delete;
  long count() const;  // allocations since construction
};

}  // namespace alloc_counter
