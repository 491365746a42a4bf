#include "cli_common.hpp"

#include "dorsum/output.hpp"

namespace dorsum::cli {

void SubjectOptions::add(CLI::App* app) {
  app->add_option("--height-m", height_m, "Subject's height, m (1.0 to 2.3; default by sex)");
  app->add_option("--mass-kg", mass_kg, "Subject's mass, kg (25 to 250; default by sex)");
  app->add_option("--sex", sex, "male or female (default male)")->each([this](const std::string&) {
    sex_given = true;
  });
}

Subject SubjectOptions::resolve() const {
  Subject s = defaultSubject(parseSex(sex));
  if (height_m) s.height_m = *height_m;
  if (mass_kg) s.mass_kg = *mass_kg;
  checkSubject(s);
  return s;
}

void emitJson(const std::string& path, const nlohmann::ordered_json& j) {
  writeOutput(path, j.dump(2) + "\n");
}

}  // namespace dorsum::cli
