// The `dorsum` command.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <map>

#include "cli_common.hpp"
#include "dorsum/anatomy.hpp"
#include "dorsum/data.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"

namespace {

using namespace dorsum;

// What Dorsum computes today on the built-in model: its size, and the moment arms and
// strength of the muscles that extend the lumbar spine at L4/L5 in neutral standing.
void runDemo(const cli::SubjectOptions& subject_options) {
  const Subject subject = subject_options.resolve();
  const Model model = compile(buildBackModel(subject));
  Data data = makeData(model);
  calcKinematics(model, data);
  calcMusclePaths(model, data);
  calcMuscleState(model, data);
  double mass = 0.0;
  for (double m : model.body_mass) mass += m;
  fmt::print(
      "{}\n  {} bodies, {} joints, {} coordinates ({} independent), {} muscle fascicles, "
      "{} landmarks; total mass {:.1f} kg\n\n",
      model.name, model.nbody, model.njoint, model.ncoord, model.ndof, model.nmuscle,
      model.nlandmark, mass);
  const int dof = model.coord_dof[model.findCoordinate("L4_L5_extension")];
  // Per anatomical muscle (right side): force-weighted mean moment arm about L4/L5 extension
  // and its extension capacity, sum of F0 x r over the fascicles crossing L4/L5.
  struct Row {
    double force = 0.0, weighted_arm = 0.0, capacity = 0.0;
    int fascicles = 0;
  };
  std::map<std::string, Row> rows;
  for (int mu = 0; mu < model.nmuscle; ++mu) {
    const double r = data.moment_arm(dof, mu);
    if (model.muscle_side[mu] != "right" || r == 0.0) continue;
    Row& row = rows[model.muscle_anatomical[mu]];
    row.force += model.muscle_max_force[mu];
    row.weighted_arm += model.muscle_max_force[mu] * r;
    row.capacity += model.muscle_max_force[mu] * r;
    ++row.fascicles;
  }
  fmt::print("Muscles crossing L4/L5 (right side), neutral standing; +: extends the spine\n");
  fmt::print("  {:<30} {:>9} {:>11} {:>15} {:>16}\n", "muscle", "fascicles", "max force N",
             "moment arm mm", "capacity N m");
  std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.capacity > b.second.capacity; });
  for (const auto& [name, row] : sorted)
    fmt::print("  {:<30} {:>9} {:>11.0f} {:>15.1f} {:>16.1f}\n", name, row.fascicles, row.force,
               1e3 * row.weighted_arm / row.force, row.capacity);
  fmt::print(
      "\nNext: `dorsum anatomy list`, `dorsum anatomy show multifidus`, "
      "`dorsum anatomy action \"trunk extension\"`.\n");
}

// Builds the command line and runs the chosen command. Errors propagate to main().
int run(int argc, char** argv) {
  CLI::App app{"Dorsum: a simulator of the human back muscles"};
  app.set_version_flag("--version", "dorsum 0.1.0");
  app.require_subcommand(1);

  cli::SubjectOptions demo_subject;
  CLI::App* demo =
      app.add_subcommand("demo", "Show what Dorsum computes today, on the built-in model");
  demo_subject.add(demo);
  demo->callback([&demo_subject] { runDemo(demo_subject); });
  cli::addAnatomyCommands(app);
  cli::addAnalyzeCommands(app);
  cli::addNioshCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const dorsum::Error& e) {  // bad input: the message names what and where
    std::cerr << "dorsum: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {  // a bug or resource exhaustion, not bad input
    std::cerr << "dorsum: internal error: " << e.what() << '\n';
    return 2;
  }
}
