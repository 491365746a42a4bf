// The built-in back model: skeleton and muscles generated from the sourced anatomical data in
// data/anatomy/ (embedded in the library), scaled to a subject. docs/MODEL.md describes it.
#pragma once

#include <string>
#include <string_view>

#include "dorsum/spec.hpp"

namespace dorsum {

enum class Sex { Male, Female };

struct Subject {
  double height_m = 0.0;  // stature
  double mass_kg = 0.0;
  Sex sex = Sex::Male;
};

// The documented 50th-percentile adult of that sex (data/anatomy/anthropometry.toml).
Subject defaultSubject(Sex sex = Sex::Male);

// Throws InputError when the height lies outside 1.0-2.3 m or the mass outside 25-250 kg.
void checkSubject(const Subject& subject);

// "male" / "female" (case-insensitive), or InputError naming `where`.
Sex parseSex(std::string_view text, std::string_view where = "--sex");
const char* sexName(Sex sex);

// The whole built-in model scaled to `subject`: lengths with height, masses with mass, muscle
// strength with mass^(2/3). Throws InputError for a subject out of range.
ModelSpec buildBackModel(const Subject& subject);

namespace anatomy {
// The embedded text of one data file (e.g. "spine.toml"); throws Error if absent.
std::string_view dataFile(const std::string& name);
}  // namespace anatomy

}  // namespace dorsum
