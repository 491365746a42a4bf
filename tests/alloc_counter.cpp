#include "alloc_counter.hpp"

#include <cstdlib>
#include <new>

namespace {
thread_local bool t_counting = false;
thread_local long t_count = 0;
inline void note() {
  if (t_counting) ++t_count;
}
}  // namespace

// The linker's --wrap=malloc routes malloc to __wrap_malloc and names the original
// __real_malloc: the names are fixed by the linker, hence reserved identifiers.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" {
void* __real_malloc(std::size_t size);
void* __real_calloc(std::size_t n, std::size_t size);
void* __real_realloc(void* p, std::size_t size);
void* __wrap_malloc(std::size_t size) {
  note();
  return __real_malloc(size);
}
void* __wrap_calloc(std::size_t n, std::size_t size) {
  note();
  return __real_calloc(n, size);
}
void* __wrap_realloc(void* p, std::size_t size) {
  note();
  return __real_realloc(p, size);
}
}
// NOLINTEND(bugprone-reserved-identifier)

void* operator new(std::size_t size) {
  note();
  if (void* p = __real_malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
// The nothrow forms too (std::stable_sort's temporary buffer uses them): every operator new
// that pairs with the operator delete below must allocate with malloc, or a sanitizer sees
// memory from its own operator new freed with free.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  note();
  return __real_malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace alloc_counter {

CountAllocations::CountAllocations() {
  t_count = 0;
  t_counting = true;
}
CountAllocations::~CountAllocations() {
  t_counting = false;
}
long CountAllocations::count() const {
  return t_count;
}

}  // namespace alloc_counter
