// Shared pieces of the `dorsum` command: subject options and result output.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "dorsum/anatomy.hpp"

namespace dorsum::cli {

inline constexpr int kSchemaVersion = 2;

// --height-m, --mass-kg, --sex on every command that builds the model.
struct SubjectOptions {
  std::optional<double> height_m, mass_kg;
  std::string sex = "male";
  bool sex_given = false;  // --sex was on the command line

  void add(CLI::App* app);
  // The subject asked for: defaults of the documented 50th-percentile adult of that sex.
  Subject resolve() const;
};

// Writes `j` (pretty-printed) to a file or "-" for standard output.
void emitJson(const std::string& path, const nlohmann::ordered_json& j);

// Registers `dorsum anatomy ...`; the callback runs when a subcommand is chosen.
void addAnatomyCommands(CLI::App& app);
// Registers `dorsum analyze` and `dorsum bench`.
void addAnalyzeCommands(CLI::App& app);
void addNioshCommands(CLI::App& app);

}  // namespace dorsum::cli
