// The revised NIOSH lifting equation and the composite lifting index. Page numbers ("p. 15") are
// those printed in the Applications Manual (Waters, Putz-Anderson and Garg, DHHS (NIOSH)
// Publication No. 94-110, revised 9/2021); docs/NIOSH.md explains every rule.
#include "dorsum/niosh.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <toml.hpp>

#include "dorsum/catalog.hpp"
#include "dorsum/error.hpp"

namespace dorsum::niosh {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The constants of the equation in one unit system (manual p. 7, the table under section 1.3,
// and the limits of sections 1.3.1.2 to 1.3.4.2).
struct Constants {
  double lc;            // load constant, kg or lb (p. 7)
  double h_min;         // H below this counts as this, so HM = 1 (p. 8)
  double h_max;         // H above this gives HM = 0 (p. 8, Table 1)
  double v_optimum;     // V of VM = 1 (p. 9)
  double v_slope;       // VM = 1 - v_slope |V - v_optimum| (p. 7)
  double v_max;         // V above this, the upper limit of reach, gives VM = 0 (p. 9)
  double dm_numerator;  // DM = 0.82 + dm_numerator / D (p. 7)
  double d_min;         // D below this counts as this, so DM = 1 (p. 10)
  double d_max;         // D above this gives DM = 0 (p. 11, Table 3)
  double v_split;       // Tables 5 and 7: the "V < 30 in (75 cm)" and "V >= 30 in" columns
};

constexpr Constants kMetric{23.0, 25.0, 63.0, 75.0, 0.003, 175.0, 4.5, 25.0, 175.0, 75.0};
constexpr Constants kUS{51.0, 10.0, 25.0, 30.0, 0.0075, 70.0, 1.8, 10.0, 70.0, 30.0};

const Constants& constantsFor(Units units) {
  return units == Units::kUS ? kUS : kMetric;
}

// AM = 1 - 0.0032 A, and AM = 0 above 135 deg (p. 7, p. 12 section 1.3.4.2).
constexpr double kAsymmetrySlope = 0.0032;
constexpr double kAsymmetryMaxDeg = 135.0;
// The asymmetry angle is measured from the mid-sagittal plane (p. 12), so it lies in [0, 180].
constexpr double kAsymmetryGeometricMaxDeg = 180.0;
// "No weight limits are provided for more than eight hours of work" (p. 14; p. 6 lists lifting
// for over 8 hours among the tasks the equation does not apply to).
constexpr double kMaxDurationH = 8.0;
// Duration categories (pp. 13-14): short is at most 1 h followed by recovery of at least 1.0 x
// the work time (the 2021 revision; the 1994 printing said 1.2, see docs/NIOSH.md); moderate is
// more than 1 h and at most 2 h followed by at least 0.3 x the work time; anything else is long.
constexpr double kShortMaxH = 1.0;
constexpr double kShortRecoveryRatio = 1.0;
constexpr double kModerateMaxH = 2.0;
constexpr double kModerateRecoveryRatio = 0.3;
// Table 5 footnote: lifting less often than once per 5 minutes counts as F = 0.2 lifts/min.
constexpr double kMinFrequency = 0.2;

// Table 5 (p. 15), the frequency multiplier. Rows: lifts/min; columns: duration <= 1 h, <= 2 h,
// <= 8 h, each for V < 30 in (75 cm) and V >= 30 in. A 0.00 entry means the frequency is above
// the column's maximum; above 15 lifts/min every column is 0.00.
struct FrequencyRow {
  double frequency;
  std::array<double, 6> fm;  // {1 h V<, 1 h V>=, 2 h V<, 2 h V>=, 8 h V<, 8 h V>=}
};
constexpr std::array<FrequencyRow, 17> kFrequencyTable{{
    {0.2, {1.00, 1.00, 0.95, 0.95, 0.85, 0.85}},
    {0.5, {0.97, 0.97, 0.92, 0.92, 0.81, 0.81}},
    {1.0, {0.94, 0.94, 0.88, 0.88, 0.75, 0.75}},
    {2.0, {0.91, 0.91, 0.84, 0.84, 0.65, 0.65}},
    {3.0, {0.88, 0.88, 0.79, 0.79, 0.55, 0.55}},
    {4.0, {0.84, 0.84, 0.72, 0.72, 0.45, 0.45}},
    {5.0, {0.80, 0.80, 0.60, 0.60, 0.35, 0.35}},
    {6.0, {0.75, 0.75, 0.50, 0.50, 0.27, 0.27}},
    {7.0, {0.70, 0.70, 0.42, 0.42, 0.22, 0.22}},
    {8.0, {0.60, 0.60, 0.35, 0.35, 0.18, 0.18}},
    {9.0, {0.52, 0.52, 0.30, 0.30, 0.00, 0.15}},
    {10.0, {0.45, 0.45, 0.26, 0.26, 0.00, 0.13}},
    {11.0, {0.41, 0.41, 0.00, 0.23, 0.00, 0.00}},
    {12.0, {0.37, 0.37, 0.00, 0.21, 0.00, 0.00}},
    {13.0, {0.00, 0.34, 0.00, 0.00, 0.00, 0.00}},
    {14.0, {0.00, 0.31, 0.00, 0.00, 0.00, 0.00}},
    {15.0, {0.00, 0.28, 0.00, 0.00, 0.00, 0.00}},
}};

// Table 7 (p. 18), the coupling multiplier: {V < 30 in (75 cm), V >= 30 in}.
constexpr std::array<std::array<double, 2>, 3> kCouplingTable{{
    {1.00, 1.00},  // good
    {0.95, 1.00},  // fair
    {0.90, 0.90},  // poor
}};

std::string number(double x) {
  return fmt::format("{:g}", x);
}

void requireFinite(double x, const std::string& name) {
  if (!std::isfinite(x)) throw InputError(fmt::format("{}: {} is not a finite number", name, x));
}

void requireNonNegative(double x, const std::string& name, const char* unit) {
  requireFinite(x, name);
  if (x < 0.0)
    throw InputError(
        fmt::format("{}: {} {} is negative; it must be 0 or more", name, number(x), unit));
}

void requireAngle(double a, const std::string& name) {
  requireNonNegative(a, name, "deg");
  if (a > kAsymmetryGeometricMaxDeg)
    throw InputError(fmt::format(
        "{}: {} deg is not an asymmetry angle; it is measured from the mid-sagittal plane, "
        "0 to 180 deg",
        name, number(a)));
}

double liftingIndex(double load, double rwl) {
  if (rwl > 0.0) return load / rwl;
  return load > 0.0 ? kInfinity : 0.0;
}

// RWL with FM = 1 at one end of the lift: LC x HM x VM x DM x AM x CM.
Multipliers geometryMultipliers(double h, double v, double d, double a, Coupling coupling,
                                Units units) {
  Multipliers m;
  m.hm = horizontalMultiplier(h, units);
  m.vm = verticalMultiplier(v, units);
  m.dm = distanceMultiplier(d, units);
  m.am = asymmetricMultiplier(a);
  m.fm = 1.0;
  m.cm = couplingMultiplier(coupling, v, units);
  return m;
}

double product(const Multipliers& m, Units units) {
  return constantsFor(units).lc * m.hm * m.vm * m.dm * m.am * m.fm * m.cm;
}

}  // namespace

// ---- names ------------------------------------------------------------------------------------

Coupling parseCoupling(const std::string& text, const std::string& where) {
  if (text == "good") return Coupling::kGood;
  if (text == "fair") return Coupling::kFair;
  if (text == "poor") return Coupling::kPoor;
  const std::string guess = closestMatch(text, {"good", "fair", "poor"});
  throw InputError(fmt::format("{}: unknown coupling '{}'{}; choose good, fair or poor", where,
                               text,
                               guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
}

Units parseUnits(const std::string& text, const std::string& where) {
  if (text == "metric") return Units::kMetric;
  if (text == "us") return Units::kUS;
  throw InputError(fmt::format("{}: unknown units '{}'; choose metric (kg, cm) or us (lb, inches)",
                               where, text));
}

const char* toString(Coupling coupling) {
  switch (coupling) {
    case Coupling::kGood:
      return "good";
    case Coupling::kFair:
      return "fair";
    case Coupling::kPoor:
      return "poor";
  }
  return "?";
}

const char* toString(Units units) {
  return units == Units::kUS ? "us" : "metric";
}
const char* loadUnit(Units units) {
  return units == Units::kUS ? "lb" : "kg";
}
const char* lengthUnit(Units units) {
  return units == Units::kUS ? "in" : "cm";
}

// ---- multipliers ------------------------------------------------------------------------------

double horizontalMultiplier(double h, Units units) {
  const Constants& c = constantsFor(units);
  if (h > c.h_max) return 0.0;
  return c.h_min / std::max(h, c.h_min);  // HM = 25/H (10/H), H below 25 cm (10 in) -> 1
}

double verticalMultiplier(double v, Units units) {
  const Constants& c = constantsFor(units);
  if (v > c.v_max) return 0.0;
  return 1.0 - c.v_slope * std::abs(v - c.v_optimum);
}

double distanceMultiplier(double d, Units units) {
  const Constants& c = constantsFor(units);
  if (d > c.d_max) return 0.0;
  return 0.82 + c.dm_numerator / std::max(d, c.d_min);  // 0.82 + 4.5/D (1.8/D), p. 7
}

double asymmetricMultiplier(double a_deg) {
  if (a_deg > kAsymmetryMaxDeg) return 0.0;
  return 1.0 - kAsymmetrySlope * a_deg;
}

double frequencyMultiplier(double frequency_per_min, double v_origin, int duration_category_h,
                           Units units) {
  const int duration_column = duration_category_h <= 1 ? 0 : duration_category_h <= 2 ? 1 : 2;
  const int column = 2 * duration_column + (v_origin < constantsFor(units).v_split ? 0 : 1);
  const double f = std::max(frequency_per_min, kMinFrequency);
  // "Lifting above the maximum frequency results in a RWL of 0.0" (p. 15): the maximum is the
  // last row with a value in this column, and nothing is interpolated towards a 0.00 entry.
  size_t last = 0;
  for (size_t i = 0; i < kFrequencyTable.size(); ++i)
    if (kFrequencyTable[i].fm[column] > 0.0) last = i;
  if (f > kFrequencyTable[last].frequency) return 0.0;
  // A frequency between two rows is interpolated linearly between them (p. 7, and Example 7
  // interpolates F = 2.4 between the rows for 2 and 3 lifts/min).
  for (size_t i = 0; i < last; ++i) {
    const FrequencyRow& lo = kFrequencyTable[i];
    const FrequencyRow& hi = kFrequencyTable[i + 1];
    if (f <= hi.frequency) {
      const double t = (f - lo.frequency) / (hi.frequency - lo.frequency);
      return lo.fm[column] + t * (hi.fm[column] - lo.fm[column]);
    }
  }
  return kFrequencyTable[last].fm[column];  // f equals the last row's frequency
}

double couplingMultiplier(Coupling coupling, double v, Units units) {
  const auto& row = kCouplingTable[static_cast<size_t>(coupling)];
  return row[v < constantsFor(units).v_split ? 0 : 1];
}

int durationCategory(double duration_h, double recovery_h, const FieldNames& names) {
  requireFinite(duration_h, names.duration);
  if (duration_h <= 0.0)
    throw InputError(fmt::format("{}: {} h; the lifting time must be more than 0 h", names.duration,
                                 number(duration_h)));
  if (duration_h > kMaxDurationH)
    throw InputError(fmt::format(
        "{}: {} h is over 8 hours; the NIOSH equation gives no limit for lifting over 8 hours "
        "(Applications Manual pp. 6, 14)",
        names.duration, number(duration_h)));
  requireNonNegative(recovery_h, names.recovery, "h");
  if (duration_h <= kShortMaxH && recovery_h >= kShortRecoveryRatio * duration_h) return 1;
  if (duration_h <= kModerateMaxH && recovery_h >= kModerateRecoveryRatio * duration_h) return 2;
  return 8;
}

// ---- one lift ---------------------------------------------------------------------------------

void checkLift(const Lift& lift, const FieldNames& names) {
  const char* len = lengthUnit(lift.units);
  requireNonNegative(lift.load, names.load, loadUnit(lift.units));
  requireNonNegative(lift.h, names.h, len);
  requireNonNegative(lift.v, names.v, len);
  requireNonNegative(lift.d, names.d, len);
  requireAngle(lift.a, names.a);
  requireNonNegative(lift.frequency_per_min, names.frequency, "lifts/min");
  durationCategory(lift.duration_h, lift.recovery_h, names);
  if (lift.destination) {
    const Destination& dest = *lift.destination;
    requireNonNegative(dest.h, names.dest_h, len);
    requireNonNegative(dest.v, names.dest_v, len);
    requireAngle(dest.a, names.dest_a);
    // D is the vertical travel, |V at the destination - V at the origin| (p. 10); one cm (inch)
    // of slack allows for measurements rounded separately.
    const double travel = std::abs(dest.v - lift.v);
    if (std::abs(travel - lift.d) > 1.0)
      throw InputError(fmt::format(
          "{}: {} {} does not match the vertical travel between {} = {} and {} = {} ({} {})",
          names.d, number(lift.d), len, names.v, number(lift.v), names.dest_v, number(dest.v),
          number(travel), len));
  }
}

Result evaluate(const Lift& lift, const FieldNames& names) {
  checkLift(lift, names);
  Result r;
  r.duration_category_h = durationCategory(lift.duration_h, lift.recovery_h, names);
  // FM depends on V at the origin, also at the destination (p. 15, and the glossary p. 74).
  const double fm =
      frequencyMultiplier(lift.frequency_per_min, lift.v, r.duration_category_h, lift.units);
  const auto at = [&](double h, double v, double a, Coupling coupling) {
    PointResult p;
    p.multipliers = geometryMultipliers(h, v, lift.d, a, coupling, lift.units);
    p.multipliers.fm = fm;
    p.rwl = product(p.multipliers, lift.units);
    p.li = liftingIndex(lift.load, p.rwl);
    return p;
  };
  r.origin = at(lift.h, lift.v, lift.a, lift.coupling);
  if (lift.destination) {
    const Destination& d = *lift.destination;
    r.destination = at(d.h, d.v, d.a, d.coupling);
  }
  return r;
}

namespace {

nlohmann::ordered_json finiteOrNull(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json pointJson(const PointResult& p) {
  const Multipliers& m = p.multipliers;
  return {{"multipliers",
           {{"HM", m.hm}, {"VM", m.vm}, {"DM", m.dm}, {"AM", m.am}, {"FM", m.fm}, {"CM", m.cm}}},
          {"rwl", p.rwl},
          {"li", finiteOrNull(p.li)}};
}

}  // namespace

nlohmann::ordered_json toJson(const Result& result, Units units) {
  nlohmann::ordered_json j = {{"units", toString(units)},
                              {"duration_category_h", result.duration_category_h},
                              {"origin", pointJson(result.origin)}};
  if (result.destination) j["destination"] = pointJson(*result.destination);
  return j;
}

// ---- several tasks ----------------------------------------------------------------------------

namespace {

FieldNames taskNames(size_t i) {
  const std::string p = fmt::format("task[{}].", i);
  FieldNames n;
  for (std::string* s :
       {&n.load, &n.h, &n.v, &n.d, &n.a, &n.frequency, &n.dest_h, &n.dest_v, &n.dest_a})
    *s = p + *s;
  n.duration = "duration_h";
  n.recovery = "recovery_h";
  return n;
}

// The FM of a set of tasks lifted together: Table 5 at the sum of their frequencies (p. 28). The
// manual does not say which V picks the column when the tasks differ (the open point OQ-117 of
// docs/NIOSH.md); the V < 75 cm (30 in) column, never larger, is used when any of them starts
// below it.
double cumulativeFm(double frequency, bool any_low, int category, Units units) {
  const double v = any_low ? 0.0 : constantsFor(units).v_split;
  return frequencyMultiplier(frequency, v, category, units);
}

}  // namespace

CompositeResult calcCompositeIndex(const Job& job) {
  if (job.tasks.empty()) throw InputError("the job has no task");
  CompositeResult out;
  out.duration_category_h = durationCategory(job.duration_h, job.recovery_h, taskNames(0));
  const Units units = job.units;
  std::vector<bool> low(job.tasks.size());
  for (size_t i = 0; i < job.tasks.size(); ++i) {
    const Task& task = job.tasks[i];
    Lift lift = task.lift;
    lift.units = units;
    lift.duration_h = job.duration_h;
    lift.recovery_h = job.recovery_h;
    const FieldNames names = taskNames(i);
    checkLift(lift, names);
    requireFinite(task.max_load, fmt::format("task[{}].max_load", i));
    if (task.max_load < lift.load)
      throw InputError(fmt::format("task[{}].max_load: {} {} is less than the average load {} {}",
                                   i, number(task.max_load), loadUnit(units), number(lift.load),
                                   loadUnit(units)));
    TaskResult t;
    t.index = static_cast<int>(i);
    t.name = task.name;
    t.frequency_per_min = lift.frequency_per_min;
    // FIRWL at the origin and, when the task needs control there, the destination; the lower one
    // governs, as for a single task (p. 26; the manual's open point OQ-119).
    t.firwl =
        product(geometryMultipliers(lift.h, lift.v, lift.d, lift.a, lift.coupling, units), units);
    if (lift.destination) {
      const Destination& d = *lift.destination;
      t.firwl = std::min(
          t.firwl, product(geometryMultipliers(d.h, d.v, lift.d, d.a, d.coupling, units), units));
    }
    t.fm = frequencyMultiplier(lift.frequency_per_min, lift.v, out.duration_category_h, units);
    t.strwl = t.firwl * t.fm;
    t.fili = liftingIndex(task.max_load, t.firwl);
    t.stli = liftingIndex(lift.load, t.strwl);
    low[i] = lift.v < constantsFor(units).v_split;
    out.tasks.push_back(t);
  }
  // Most stressful first; equal STLIs put the more frequent task first (p. 57), then file order.
  // STLIs equal to 9 significant digits count as equal, so that rounding cannot decide.
  const auto key = [](double stli) {
    if (!std::isfinite(stli) || stli == 0.0) return stli;
    const double scale = std::pow(10.0, 8 - std::floor(std::log10(stli)));
    return std::round(stli * scale) / scale;
  };
  std::stable_sort(out.tasks.begin(), out.tasks.end(),
                   [&key](const TaskResult& a, const TaskResult& b) {
                     const double ka = key(a.stli), kb = key(b.stli);
                     if (ka != kb) return ka > kb;
                     return a.frequency_per_min > b.frequency_per_min;
                   });
  // CLI = STLI_1 + sum over k >= 2 of FILI_k (1/FM_1..k - 1/FM_1..k-1) (p. 28).
  double frequency = 0.0;
  bool any_low = false;
  double previous_fm = 0.0;
  for (size_t k = 0; k < out.tasks.size(); ++k) {
    TaskResult& t = out.tasks[k];
    frequency += t.frequency_per_min;
    any_low = any_low || low[static_cast<size_t>(t.index)];
    t.cumulative_frequency_per_min = frequency;
    t.fm_cumulative = cumulativeFm(frequency, any_low, out.duration_category_h, units);
    if (k == 0) {
      t.delta_li = t.stli;
    } else if (t.fili == 0.0) {
      t.delta_li = 0.0;  // a task with no load adds nothing, whatever the frequency
    } else if (t.fm_cumulative == 0.0 || !std::isfinite(t.fili)) {
      t.delta_li = kInfinity;
    } else {
      t.delta_li = t.fili * (1.0 / t.fm_cumulative - 1.0 / previous_fm);
    }
    previous_fm = t.fm_cumulative;
    out.cli += t.delta_li;
  }
  return out;
}

nlohmann::ordered_json toJson(const CompositeResult& result, Units units) {
  nlohmann::ordered_json tasks = nlohmann::ordered_json::array();
  for (const TaskResult& t : result.tasks)
    tasks.push_back({{"name", t.name},
                     {"index", t.index},
                     {"frequency_per_min", t.frequency_per_min},
                     {"firwl", t.firwl},
                     {"fm", t.fm},
                     {"strwl", t.strwl},
                     {"fili", finiteOrNull(t.fili)},
                     {"stli", finiteOrNull(t.stli)},
                     {"cumulative_frequency_per_min", t.cumulative_frequency_per_min},
                     {"fm_cumulative", t.fm_cumulative},
                     {"delta_li", finiteOrNull(t.delta_li)}});
  return {{"units", toString(units)},
          {"duration_category_h", result.duration_category_h},
          {"tasks", tasks},
          {"cli", finiteOrNull(result.cli)}};
}

// ---- job files --------------------------------------------------------------------------------

namespace {

// A table of the job file with the path of its keys, for messages ("job.toml: task[1].h_cm").
class Table {
 public:
  Table(const toml::value& value, std::string file, std::string path)
      : value_(value), file_(std::move(file)), path_(std::move(path)) {}

  std::string where(const std::string& key) const {
    return fmt::format("{}: {}{}", file_, path_.empty() ? "" : path_ + ".", key);
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(fmt::format("{}: {}", where(key), what));
  }
  bool has(const std::string& key) const { return value_.as_table().count(key) > 0; }

  // Every key must be one of `allowed`; a key of the other unit system gets its own message.
  void checkKeys(const std::vector<std::string>& allowed,
                 const std::vector<std::string>& other_units, Units units) const {
    for (const auto& [key, v] : value_.as_table()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      if (std::find(other_units.begin(), other_units.end(), key) != other_units.end())
        fail(key, fmt::format("this job is in {} units (units = \"{}\"); write the key in {} and "
                              "{}, or set units = \"{}\"",
                              toString(units), toString(units), loadUnit(units), lengthUnit(units),
                              units == Units::kUS ? "metric" : "us"));
      const std::string guess = closestMatch(key, allowed);
      fail(key, fmt::format("unknown key{}; the keys here are {}",
                            guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess),
                            fmt::join(allowed, ", ")));
    }
  }

  double number(const std::string& key) const {
    if (!has(key)) fail(key, "missing; it is required");
    const toml::value& v = value_.as_table().at(key);
    if (v.is_floating()) return v.as_floating();
    if (v.is_integer()) return static_cast<double>(v.as_integer());
    fail(key, fmt::format("expected a number, found a {}", typeName(v)));
  }
  double numberOr(const std::string& key, double fallback) const {
    return has(key) ? number(key) : fallback;
  }
  std::string text(const std::string& key) const {
    if (!has(key)) fail(key, "missing; it is required");
    const toml::value& v = value_.as_table().at(key);
    if (!v.is_string()) fail(key, fmt::format("expected a string, found a {}", typeName(v)));
    return v.as_string().str;
  }
  std::string textOr(const std::string& key, const std::string& fallback) const {
    return has(key) ? text(key) : fallback;
  }
  Table table(const std::string& key) const {
    const toml::value& v = value_.as_table().at(key);
    if (!v.is_table()) fail(key, fmt::format("expected a table, found a {}", typeName(v)));
    return {v, file_, path_.empty() ? key : path_ + "." + key};
  }
  const toml::value& raw(const std::string& key) const { return value_.as_table().at(key); }
  const std::string& file() const { return file_; }

  static const char* typeName(const toml::value& v) {
    if (v.is_string()) return "string";
    if (v.is_integer() || v.is_floating()) return "number";
    if (v.is_boolean()) return "boolean";
    if (v.is_array()) return "array";
    if (v.is_table()) return "table";
    return "date or time";
  }

 private:
  const toml::value& value_;
  std::string file_, path_;
};

// The keys of a task in one unit system: the unit is the last part of each name.
struct TaskKeys {
  std::string load, max_load, h, v, d;
  std::vector<std::string> task, destination;
};

TaskKeys taskKeys(Units units) {
  const std::string w = loadUnit(units), l = lengthUnit(units);
  TaskKeys k{"load_" + w, "max_load_" + w, "h_" + l, "v_" + l, "d_" + l, {}, {}};
  k.task = {"name", k.load,  k.max_load,          k.h,        k.v,
            k.d,    "a_deg", "frequency_per_min", "coupling", "destination"};
  k.destination = {k.h, k.v, "a_deg", "coupling"};
  return k;
}

std::vector<std::string> unitKeys(const TaskKeys& k) {
  return {k.load, k.max_load, k.h, k.v, k.d};
}

Task readTask(const Table& t, size_t index, Units units) {
  const TaskKeys keys = taskKeys(units);
  const TaskKeys other = taskKeys(units == Units::kUS ? Units::kMetric : Units::kUS);
  t.checkKeys(keys.task, unitKeys(other), units);
  Task task;
  task.name = t.textOr("name", fmt::format("task {}", index + 1));
  Lift& lift = task.lift;
  lift.units = units;
  lift.load = t.number(keys.load);
  lift.h = t.number(keys.h);
  lift.v = t.number(keys.v);
  lift.a = t.numberOr("a_deg", 0.0);
  lift.frequency_per_min = t.number("frequency_per_min");
  lift.coupling = parseCoupling(t.text("coupling"), t.where("coupling"));
  if (t.has("destination")) {
    const Table d = t.table("destination");
    d.checkKeys(keys.destination, {other.h, other.v}, units);
    Destination dest;
    dest.h = d.number(keys.h);
    dest.v = d.number(keys.v);
    dest.a = d.numberOr("a_deg", lift.a);
    dest.coupling =
        d.has("coupling") ? parseCoupling(d.text("coupling"), d.where("coupling")) : lift.coupling;
    lift.destination = dest;
  }
  // D may be left out when the destination gives it: |V at the destination - V at the origin|.
  if (t.has(keys.d) || !lift.destination)
    lift.d = t.number(keys.d);
  else
    lift.d = std::abs(lift.destination->v - lift.v);
  task.max_load = t.numberOr(keys.max_load, lift.load);
  FieldNames names;
  names.load = t.where(keys.load);
  names.h = t.where(keys.h);
  names.v = t.where(keys.v);
  names.d = t.where(keys.d);
  names.a = t.where("a_deg");
  names.frequency = t.where("frequency_per_min");
  names.dest_h = t.where("destination." + keys.h);
  names.dest_v = t.where("destination." + keys.v);
  names.dest_a = t.where("destination.a_deg");
  names.duration = fmt::format("{}: duration_h", t.file());
  names.recovery = fmt::format("{}: recovery_h", t.file());
  checkLift(lift, names);
  if (!std::isfinite(task.max_load) || task.max_load < lift.load)
    t.fail(keys.max_load, fmt::format("{} {} is less than {} = {}", task.max_load, loadUnit(units),
                                      keys.load, lift.load));
  return task;
}

}  // namespace

Job parseJob(const std::string& toml_text, const std::string& file_name) {
  toml::value root;
  try {
    std::istringstream in(toml_text);
    root = toml::parse(in, file_name);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: not a valid TOML file: {}", file_name, e.what()));
  }
  const Table top(root, file_name, "");
  Job job;
  job.units = parseUnits(top.textOr("units", "metric"), top.where("units"));
  top.checkKeys({"name", "units", "duration_h", "recovery_h", "task"}, {}, job.units);
  job.duration_h = top.number("duration_h");
  job.recovery_h = top.numberOr("recovery_h", 0.0);
  FieldNames names;
  names.duration = top.where("duration_h");
  names.recovery = top.where("recovery_h");
  durationCategory(job.duration_h, job.recovery_h, names);
  if (!top.has("task")) top.fail("task", "missing; a job lists its tasks as [[task]] tables");
  const toml::value& tasks = top.raw("task");
  if (!tasks.is_array() || tasks.as_array().empty())
    top.fail("task", fmt::format("expected one or more [[task]] tables, found a {}",
                                 Table::typeName(tasks)));
  for (size_t i = 0; i < tasks.as_array().size(); ++i) {
    const toml::value& t = tasks.as_array()[i];
    const std::string path = fmt::format("task[{}]", i);
    if (!t.is_table())
      throw InputError(
          fmt::format("{}: {}: expected a table, found a {}", file_name, path, Table::typeName(t)));
    job.tasks.push_back(readTask(Table(t, file_name, path), i, job.units));
  }
  return job;
}

Job readJobFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read the job file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parseJob(text.str(), path);
}

}  // namespace dorsum::niosh
