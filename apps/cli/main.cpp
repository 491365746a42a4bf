// The `dorsum` command.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>

#include "dorsum/data.hpp"
#include "dorsum/error.hpp"
#include "dorsum/examples.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "dorsum/muscle_path.hpp"

namespace {

constexpr double kRadToDeg = 180.0 / M_PI;

// A summary of a model and the moment arms of a few of its muscles at the default posture.
void printSummary(const dorsum::Model& model, int shown_muscles) {
  using namespace dorsum;
  Data data = makeData(model);
  calcKinematics(model, data);
  calcMusclePaths(model, data);
  fmt::print("model: {}\n", model.name);
  fmt::print(
      "  {} bodies, {} joints, {} coordinates ({} independent), {} muscles, {} path points\n",
      model.nbody, model.njoint, model.ncoord, model.ndof, model.nmuscle, model.npoint);
  double mass = 0.0;
  for (double m : model.body_mass) mass += m;
  fmt::print("  total mass {:.1f} kg\n\n", mass);
  fmt::print(
      "moment arms r = -dL/dq at the default posture, mm (positive: the muscle's pull turns "
      "the coordinate in its positive sense)\n");
  fmt::print("  {:<28} {:>9} {:>9}  {}\n", "muscle", "length mm", "coords", "largest moment arms");
  const int step = std::max(1, model.nmuscle / std::max(1, shown_muscles));
  for (int mu = 0; mu < model.nmuscle; mu += step) {
    std::vector<std::pair<double, int>> arms;
    for (int k = 0; k < model.ndof; ++k)
      if (std::abs(data.moment_arm(k, mu)) > 1e-4) arms.push_back({data.moment_arm(k, mu), k});
    std::sort(arms.begin(), arms.end(),
              [](auto a, auto b) { return std::abs(a.first) > std::abs(b.first); });
    std::string text;
    for (size_t i = 0; i < std::min<size_t>(3, arms.size()); ++i)
      text += fmt::format("{} {:+.1f}  ", model.coord_name[model.dof_coord[arms[i].second]],
                          1e3 * arms[i].first);
    fmt::print("  {:<28} {:>9.1f} {:>9}  {}\n", model.muscle_name[mu], 1e3 * data.muscle_length[mu],
               arms.size(), text);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Dorsum: a simulator of the human back muscles"};
  app.set_version_flag("--version", "dorsum 0.1.0");
  app.require_subcommand(1);

  auto* demo = app.add_subcommand("demo", "Show what Dorsum computes today, on a built-in model");
  int shown = 12;
  demo->add_option("--muscles", shown, "How many muscles to list")->check(CLI::Range(1, 10000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*demo) {
      const dorsum::Model model = dorsum::compile(dorsum::examples::syntheticSpine());
      printSummary(model, shown);
    }
  } catch (const dorsum::Error& e) {
    fmt::print(stderr, "dorsum: {}\n", e.what());
    return 1;
  }
  return 0;
}
