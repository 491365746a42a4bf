// Writing results: to standard output for "-", otherwise to a temporary file beside the target
// that is renamed over it once complete, so that a failed run never leaves a half-written file
// in place of a good one (DESIGN.md, Conventions).
#pragma once

#include <string>

namespace dorsum {

// Throws InputError naming the path when it cannot be written.
void writeOutput(const std::string& path, const std::string& text);

}  // namespace dorsum
