// CSV tables of a result: one file per kind of row, every case's rows in one file told apart by
// the `variant` column. Numbers are written in the shortest form that reads back to the same
// double; a missing value is an empty field. Fields are quoted as RFC 4180 asks.
#include <fmt/format.h>
#include <filesystem>
#include <system_error>

#include "dorsum/error.hpp"
#include "dorsum/output.hpp"
#include "dorsum/report.hpp"
#include "report/report_internal.hpp"

namespace dorsum {
namespace report {
namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string field(std::optional<double> v) {
  return v ? fmt::format("{}", *v) : std::string();
}

std::string row(const std::vector<std::string>& fields) {
  return fmt::format("{}\n", fmt::join(fields, ","));
}

std::string musclesCsv(const std::vector<Case>& cases) {
  std::string out =
      "variant,name,side,layer,group,activation,force_N,normalized_fiber_length,"
      "fascicles\n";
  for (const Case& c : cases)
    if (const Json* muscles = findArray(*c.result, "muscles"))
      for (const Json& m : *muscles)
        out += row({field(c.label), field(findString(m, "name")), field(findString(m, "side")),
                    field(findString(m, "layer")), field(findString(m, "group")),
                    field(findNumber(m, "activation")), field(findNumber(m, "force_N")),
                    field(findNumber(m, "normalized_fiber_length")),
                    field(findNumber(m, "fascicles"))});
  return out;
}

std::string fasciclesCsv(const std::vector<Case>& cases) {
  std::string out = "variant,name,muscle,side,activation,force_N,normalized_fiber_length\n";
  for (const Case& c : cases)
    if (const Json* fascicles = findArray(*c.result, "fascicles"))
      for (const Json& f : *fascicles)
        out +=
            row({field(c.label), field(findString(f, "name")), field(findString(f, "muscle")),
                 field(findString(f, "side")), field(findNumber(f, "activation")),
                 field(findNumber(f, "force_N")), field(findNumber(f, "normalized_fiber_length"))});
  return out;
}

std::string jointsCsv(const std::vector<Case>& cases) {
  std::string out =
      "variant,name,compression_N,shear_ap_N,shear_lateral_N,moment_x_Nm,"
      "moment_y_Nm,moment_z_Nm\n";
  for (const Case& c : cases)
    if (const Json* joints = findArray(*c.result, "joints"))
      for (const Json& j : *joints) {
        std::optional<Point> m;
        if (j.is_object() && j.contains("moment_Nm")) m = toPoint(j["moment_Nm"]);
        const auto component = [&](int k) {
          return m ? std::optional<double>((*m)[k]) : std::nullopt;
        };
        out += row({field(c.label), field(findString(j, "name")),
                    field(findNumber(j, "compression_N")), field(findNumber(j, "shear_ap_N")),
                    field(findNumber(j, "shear_lateral_N")), field(component(0)),
                    field(component(1)), field(component(2))});
      }
  return out;
}

std::string ligamentsCsv(const std::vector<Case>& cases) {
  std::string out = "variant,name,joint,force_N,strain,failure_force_N,failure_share\n";
  for (const Case& c : cases)
    if (const Json* ligaments = findArray(*c.result, "ligaments"))
      for (const Json& l : *ligaments)
        out +=
            row({field(c.label), field(findString(l, "name")), field(findString(l, "joint")),
                 field(findNumber(l, "force_N")), field(findNumber(l, "strain")),
                 field(findNumber(l, "failure_force_N")), field(findNumber(l, "failure_share"))});
  return out;
}

std::string discPressureCsv(const std::vector<Case>& cases) {
  std::string out = "variant,level,pressure_MPa\n";
  for (const Case& c : cases)
    if (const Json* p = findObject(*c.result, "disc_pressure_MPa"))
      for (const auto& [level, value] : p->items())
        out += row({field(c.label), field(level), field(findNumber(*p, level.c_str()))});
  return out;
}

}  // namespace
}  // namespace report

std::vector<std::string> writeCsv(const nlohmann::ordered_json& result, const std::string& dir) {
  namespace fs = std::filesystem;
  using namespace report;
  const std::vector<Case> cases = collectCases(result);
  // Every table is made before anything is written, so that bad data cannot leave a mix.
  const std::vector<std::pair<const char*, std::string>> tables = {
      {"muscles.csv", musclesCsv(cases)},
      {"fascicles.csv", fasciclesCsv(cases)},
      {"joints.csv", jointsCsv(cases)},
      {"disc_pressure.csv", discPressureCsv(cases)},
      {"ligaments.csv", ligamentsCsv(cases)}};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(fmt::format("{}: cannot create the CSV directory ({})", dir,
                                 ec ? ec.message() : "a file of that name is in the way"));
  std::vector<std::string> written;
  for (const auto& [name, text] : tables) {
    const std::string path = (fs::path(dir) / name).string();
    writeOutput(path, text);
    written.push_back(path);
  }
  return written;
}

}  // namespace dorsum
