// The built-in back model: subject, scaling, and the order in which it is assembled.
#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cmath>

#include "builder.hpp"
#include "dorsum/anatomy.hpp"
#include "dorsum/error.hpp"

namespace dorsum {

Subject defaultSubject(Sex sex) {
  // Read once: the embedded table does not change while the program runs.
  static const std::pair<Subject, Subject> subjects = [] {
    const toml::value file = anatomy::parseDataFile("anthropometry.toml");
    const anatomy::Table t = anatomy::root(file, "anthropometry.toml").at("default_subject");
    const anatomy::Table m = t.at("male"), f = t.at("female");
    return std::pair<Subject, Subject>{{m.number("stature_m"), m.number("mass_kg"), Sex::Male},
                                       {f.number("stature_m"), f.number("mass_kg"), Sex::Female}};
  }();
  return sex == Sex::Male ? subjects.first : subjects.second;
}

void checkSubject(const Subject& s) {
  if (!(s.height_m >= 1.0 && s.height_m <= 2.3))
    throw InputError(fmt::format("height {} m is outside the range the model covers (1.0 to 2.3 m)",
                                 s.height_m));
  if (!(s.mass_kg >= 25.0 && s.mass_kg <= 250.0))
    throw InputError(
        fmt::format("mass {} kg is outside the range the model covers (25 to 250 kg)", s.mass_kg));
}

Sex parseSex(std::string_view text, std::string_view where) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "male" || t == "m") return Sex::Male;
  if (t == "female" || t == "f") return Sex::Female;
  throw InputError(
      fmt::format("{}: '{}' is not a sex the model knows; use male or female", where, text));
}

const char* sexName(Sex sex) {
  return sex == Sex::Male ? "male" : "female";
}

ModelSpec buildBackModel(const Subject& subject) {
  checkSubject(subject);
  anatomy::Builder b(subject);
  b.spec.name = fmt::format("Dorsum built-in back model ({}, {:.2f} m, {:.1f} kg)",
                            sexName(subject.sex), subject.height_m, subject.mass_kg);
  anatomy::buildSpine(b);
  anatomy::buildThorax(b);
  for (bool left : {false, true}) anatomy::buildArm(b, left);
  for (bool left : {false, true}) anatomy::buildLeg(b, left);
  anatomy::addExtraLandmarks(b);
  anatomy::buildMuscles(b);
  anatomy::addPassiveAndBalance(b);
  anatomy::addLigaments(b);
  anatomy::addContacts(b);
  return std::move(b.spec);
}

}  // namespace dorsum
