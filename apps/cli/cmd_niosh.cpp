// `dorsum niosh`: the revised NIOSH lifting equation for one lift (RWL and LI at the origin and
// destination) or, with --job FILE, the composite lifting index of several tasks
// (dorsum/niosh.hpp, docs/NIOSH.md).
#include <fmt/format.h>
#include <cmath>
#include <memory>
#include <optional>

#include "cli_common.hpp"
#include "dorsum/error.hpp"
#include "dorsum/niosh.hpp"

namespace dorsum::cli {
namespace {

using Json = nlohmann::ordered_json;
using namespace dorsum::niosh;

struct NioshOptions {
  std::optional<double> load, h, v, d, a, frequency, duration_h, recovery_h;
  std::optional<double> dest_h, dest_v, dest_a;
  std::optional<std::string> coupling, dest_coupling, units;
  std::string json, job;
};

FieldNames optionNames() {
  FieldNames n;
  n.load = "--load";
  n.h = "--h";
  n.v = "--v";
  n.d = "--d";
  n.a = "--a";
  n.frequency = "--frequency";
  n.duration = "--duration-h";
  n.recovery = "--recovery-h";
  n.dest_h = "--dest-h";
  n.dest_v = "--dest-v";
  n.dest_a = "--dest-a";
  return n;
}

double required(const std::optional<double>& value, const char* name) {
  if (!value)
    throw InputError(fmt::format("{} is required (or give a job file with --job FILE)", name));
  return *value;
}

Lift liftFrom(const NioshOptions& o) {
  Lift lift;
  lift.units = parseUnits(o.units.value_or("metric"), "--units");
  lift.load = required(o.load, "--load");
  lift.h = required(o.h, "--h");
  lift.v = required(o.v, "--v");
  lift.a = o.a.value_or(0.0);
  lift.frequency_per_min = required(o.frequency, "--frequency");
  lift.duration_h = required(o.duration_h, "--duration-h");
  lift.recovery_h = o.recovery_h.value_or(0.0);
  if (!o.coupling) throw InputError("--coupling is required: good, fair or poor");
  lift.coupling = parseCoupling(*o.coupling, "--coupling");
  const bool any_destination = o.dest_h || o.dest_v || o.dest_a || o.dest_coupling;
  if (any_destination) {
    if (!o.dest_h || !o.dest_v)
      throw InputError(
          "--dest-h and --dest-v are both required to evaluate the destination of the lift");
    Destination dest;
    dest.h = *o.dest_h;
    dest.v = *o.dest_v;
    dest.a = o.dest_a.value_or(lift.a);
    dest.coupling =
        o.dest_coupling ? parseCoupling(*o.dest_coupling, "--dest-coupling") : lift.coupling;
    lift.destination = dest;
  }
  // D may be left out when the destination gives it: |V at the destination - V at the origin|.
  if (o.d || !lift.destination)
    lift.d = required(o.d, "--d");
  else
    lift.d = std::abs(lift.destination->v - lift.v);
  return lift;
}

// Why the frequency table's column is the one it is (manual pp. 13-14).
std::string durationText(double duration_h, double recovery_h, int category) {
  const std::string session =
      fmt::format("{:g} h of lifting followed by {:g} h of recovery", duration_h, recovery_h);
  switch (category) {
    case 1:
      return fmt::format("1 h (short: {}, at least 1.0 x the lifting time)", session);
    case 2:
      return fmt::format("2 h (moderate: {}, at least 0.3 x the lifting time{})", session,
                         duration_h <= 1.0 ? "; short needs 1.0 x" : "");
    default:
      return fmt::format("8 h (long: {}{})", session,
                         duration_h > 2.0 ? "" : "; too little recovery for a shorter category");
  }
}

std::string fixed(double x, int decimals) {
  return std::isfinite(x) ? fmt::format("{:.{}f}", x, decimals) : std::string("inf");
}

std::string pointRow(const char* label, const PointResult& p) {
  const Multipliers& m = p.multipliers;
  return fmt::format(
      "{:<12} {:>5.2f} {:>6.2f} {:>6.2f} {:>6.2f} {:>6.2f} {:>6.2f} {:>9.1f} {:>7}\n", label, m.hm,
      m.vm, m.dm, m.am, m.fm, m.cm, p.rwl, fixed(p.li, 2));
}

// Which multipliers are 0 and why: the equation's limits (manual section 1.3).
std::string zeroNotes(const char* where, const PointResult& p) {
  const Multipliers& m = p.multipliers;
  std::string s;
  const auto note = [&](double value, const char* name, const char* why) {
    if (value == 0.0) s += fmt::format("  {}: {} = 0: {}\n", where, name, why);
  };
  note(m.hm, "HM", "H is beyond the 63 cm (25 in) reach limit");
  note(m.vm, "VM", "V is above the 175 cm (70 in) reach limit");
  note(m.dm, "DM", "D is over 175 cm (70 in)");
  note(m.am, "AM", "the asymmetry angle is over 135 deg");
  note(m.fm, "FM", "the frequency is above the table's maximum for this duration and V");
  return s;
}

void runLift(const NioshOptions& o) {
  const Lift lift = liftFrom(o);
  const Result r = evaluate(lift, optionNames());
  Json out = {{"schema_version", kSchemaVersion}};
  out.update(toJson(r, lift.units));
  if (o.json == "-") return emitJson("-", out);

  const char* w = loadUnit(lift.units);
  const char* l = lengthUnit(lift.units);
  std::string text = fmt::format(
      "Revised NIOSH lifting equation, {} units ({}, {})\n"
      "load {:g} {}, frequency {:g} lifts/min, coupling {}\n"
      "duration category: {}\n\n",
      toString(lift.units), w, l, lift.load, w, lift.frequency_per_min, toString(lift.coupling),
      durationText(lift.duration_h, lift.recovery_h, r.duration_category_h));
  text += fmt::format("{:<12} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>7}\n", "", "HM", "VM",
                      "DM", "AM", "FM", "CM", fmt::format("RWL {}", w), "LI");
  text += pointRow("origin", r.origin);
  if (r.destination) text += pointRow("destination", *r.destination);
  std::string notes = zeroNotes("origin", r.origin);
  if (r.destination) notes += zeroNotes("destination", *r.destination);
  if (!notes.empty()) text += "\n" + notes;
  if (r.destination)
    text += fmt::format("\nlifting index of the task (the larger of the two): {}\n",
                        fixed(std::max(r.origin.li, r.destination->li), 2));
  fmt::print("{}", text);
  if (!o.json.empty()) emitJson(o.json, out);
}

void runJob(const NioshOptions& o) {
  const bool lift_options = o.load || o.h || o.v || o.d || o.a || o.frequency || o.duration_h ||
                            o.recovery_h || o.dest_h || o.dest_v || o.dest_a || o.coupling ||
                            o.dest_coupling || o.units;
  if (lift_options)
    throw InputError(
        "--job: the job file describes every task, its units and duration; give no lift "
        "options (--load, --h, --units, ...) with it");
  const Job job = readJobFile(o.job);
  const CompositeResult r = calcCompositeIndex(job);
  Json out = {{"schema_version", kSchemaVersion}, {"job", o.job}};
  out.update(toJson(r, job.units));
  if (o.json == "-") return emitJson("-", out);

  const char* w = loadUnit(job.units);
  std::string text = fmt::format(
      "Composite lifting index (Waters et al. 1994), {} units\n"
      "duration category: {}\n"
      "tasks from the most stressful (largest STLI):\n\n",
      toString(job.units), durationText(job.duration_h, job.recovery_h, r.duration_category_h));
  text += fmt::format("{:<24} {:>6} {:>9} {:>5} {:>9} {:>6} {:>6} {:>7} {:>7} {:>7}\n", "task",
                      "F/min", fmt::format("FIRWL {}", w), "FM", fmt::format("STRWL {}", w), "FILI",
                      "STLI", "sum F", "FM sum", "dLI");
  for (const TaskResult& t : r.tasks)
    text += fmt::format(
        "{:<24} {:>6.2f} {:>9.1f} {:>5.2f} {:>9.1f} {:>6} {:>6} {:>7.2f} {:>7.2f} {:>7}\n",
        t.name.substr(0, 24), t.frequency_per_min, t.firwl, t.fm, t.strwl, fixed(t.fili, 2),
        fixed(t.stli, 2), t.cumulative_frequency_per_min, t.fm_cumulative, fixed(t.delta_li, 2));
  text += fmt::format("\ncomposite lifting index CLI = {}\n", fixed(r.cli, 2));
  if (!std::isfinite(r.cli))
    text += "  (infinite: a task's RWL is 0 or the summed frequency is beyond Table 5)\n";
  fmt::print("{}", text);
  if (!o.json.empty()) emitJson(o.json, out);
}

}  // namespace

void addNioshCommands(CLI::App& app) {
  auto o = std::make_shared<NioshOptions>();
  CLI::App* cmd = app.add_subcommand(
      "niosh",
      "Revised NIOSH lifting equation: RWL and lifting index of a lift, or the composite "
      "lifting index of a job (--job FILE.toml); docs/NIOSH.md");
  cmd->add_option("--load", o->load, "Weight of the object, kg (lb with --units us)");
  cmd->add_option("--h", o->h, "Horizontal location of the hands at the origin, cm (in)");
  cmd->add_option("--v", o->v, "Vertical location of the hands at the origin, cm (in)");
  cmd->add_option("--d", o->d,
                  "Vertical travel distance, cm (in); default |--dest-v - --v| when --dest-v "
                  "is given");
  cmd->add_option("--a", o->a, "Asymmetry angle at the origin, deg (default 0)");
  cmd->add_option("--frequency", o->frequency, "Lifts per minute, averaged over 15 minutes");
  cmd->add_option("--duration-h", o->duration_h, "Continuous lifting time of a session, h (<= 8)");
  cmd->add_option("--recovery-h", o->recovery_h,
                  "Light work after the session, h (default 0: no recovery; sets the duration "
                  "category)");
  cmd->add_option("--coupling", o->coupling, "Hand-to-object coupling: good, fair or poor");
  cmd->add_option("--dest-h", o->dest_h, "Horizontal location at the destination, cm (in)");
  cmd->add_option("--dest-v", o->dest_v, "Vertical location at the destination, cm (in)");
  cmd->add_option("--dest-a", o->dest_a, "Asymmetry angle at the destination, deg (default --a)");
  cmd->add_option("--dest-coupling", o->dest_coupling,
                  "Coupling at the destination (default --coupling)");
  cmd->add_option("--units", o->units, "metric (kg, cm; default) or us (lb, inches)");
  cmd->add_option("--job", o->job, "A job of several tasks (TOML): the composite lifting index");
  cmd->add_option("--json", o->json, "Write the result as JSON to FILE, or - for standard output");
  cmd->callback([o] { o->job.empty() ? runLift(*o) : runJob(*o); });
}

}  // namespace dorsum::cli
