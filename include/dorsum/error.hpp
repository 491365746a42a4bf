// Errors that Dorsum reports to its users. Every message names the object, field, file or
// option that is wrong and what was expected (DESIGN.md, Conventions).
#pragma once

#include <stdexcept>
#include <string>

namespace dorsum {

// Base of every error Dorsum throws on bad input. The CLI prints what() and exits non-zero.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A ModelSpec that compile() refuses: unknown or cyclic parent, bad mass or inertia, duplicate
// names, a NaN, a path that is too short, ... The message names the object and the field.
class SpecError : public Error {
 public:
  using Error::Error;
};

// Bad input from a user: an option, a file, a scenario, a request.
class InputError : public Error {
 public:
  using Error::Error;
};

// Misuse of the API by a program: a stage called before its inputs exist, a wrong size.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace dorsum
