// The revised NIOSH lifting equation (Waters et al. 1993) as the Applications Manual applies it
// (Waters, Putz-Anderson and Garg, DHHS (NIOSH) Publication No. 94-110, revised 9/2021; "the
// manual" below, pages as printed there), and the composite lifting index of a job of several
// tasks (Waters et al. 1994, manual section 2.4). docs/NIOSH.md gives the equations, tables and
// rules with their sources.
//
// Lengths and loads are in the units the manual pairs with each set of constants: cm and kg
// (metric) or inches and lb (US). The two sets are not exact conversions of each other (51 lb is
// 23.13 kg, 10 in is 25.4 cm), so the same task gives slightly different results in each system,
// exactly as the manual's own tables do.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dorsum::niosh {

enum class Coupling { kGood, kFair, kPoor };
enum class Units { kMetric, kUS };

// "good", "fair", "poor"; anything else throws InputError naming `where` (an option or a key).
Coupling parseCoupling(const std::string& text, const std::string& where);
// "metric", "us"; anything else throws InputError naming `where`.
Units parseUnits(const std::string& text, const std::string& where);
const char* toString(Coupling coupling);
const char* toString(Units units);
// "kg" or "lb"; "cm" or "in".
const char* loadUnit(Units units);
const char* lengthUnit(Units units);

// Where the hands are at the destination of the lift (manual p. 26: computed when the task needs
// significant control there). D is the same at both ends.
struct Destination {
  double h = 0.0;  // horizontal location, cm or in
  double v = 0.0;  // vertical location, cm or in
  double a = 0.0;  // asymmetry angle, deg
  Coupling coupling = Coupling::kGood;
};

// One lifting task.
struct Lift {
  double load = 0.0;  // weight of the object, kg or lb
  double h = 0.0;     // horizontal location at the origin, cm or in
  double v = 0.0;     // vertical location at the origin, cm or in
  double d = 0.0;     // vertical travel distance, cm or in
  double a = 0.0;     // asymmetry angle at the origin, deg
  Coupling coupling = Coupling::kGood;
  std::optional<Destination> destination;
  double frequency_per_min = 0.2;  // average lifts per minute (over 15 minutes, manual p. 13)
  double duration_h = 1.0;         // continuous lifting time of one work session, h (0, 8]
  double recovery_h = 0.0;         // light work that follows the session, h (duration rule)
  Units units = Units::kMetric;
};

struct Multipliers {
  double hm = 0.0, vm = 0.0, dm = 0.0, am = 0.0, fm = 0.0, cm = 0.0;
};

// The equation at one end of the lift.
struct PointResult {
  Multipliers multipliers;
  double rwl = 0.0;  // recommended weight limit, kg or lb
  double li = 0.0;   // lifting index load / rwl; +infinity when rwl is 0 and the load is not
};

struct Result {
  PointResult origin;
  std::optional<PointResult> destination;
  int duration_category_h = 1;  // the frequency table's column: 1, 2 or 8 hours
};

// The names that bad-input messages give each field: the library's own by default; the CLI
// passes its option names and the job reader its key paths, so that a message names what the
// user typed.
struct FieldNames {
  std::string load = "load", h = "h", v = "v", d = "d", a = "a", frequency = "frequency_per_min",
              duration = "duration_h", recovery = "recovery_h", dest_h = "destination.h",
              dest_v = "destination.v", dest_a = "destination.a";
};

// ---- The multipliers, each a pure function of one variable (manual section 1.3) ----------------
double horizontalMultiplier(double h, Units units);
double verticalMultiplier(double v, Units units);
double distanceMultiplier(double d, Units units);
double asymmetricMultiplier(double a_deg);
// Table 5, linearly interpolated between its frequency rows; `v_origin` picks the column.
double frequencyMultiplier(double frequency_per_min, double v_origin, int duration_category_h,
                           Units units);
// Table 7; `v` is the vertical location at the end being evaluated.
double couplingMultiplier(Coupling coupling, double v, Units units);
// The duration category (1, 2 or 8 h) of a session of `duration_h` hours followed by `recovery_h`
// hours of light work (manual pp. 13-14). Throws InputError for a duration outside (0, 8] h or a
// negative recovery.
int durationCategory(double duration_h, double recovery_h, const FieldNames& names = {});

// Throws InputError naming the field and its value: a NaN or infinity; a negative load, H, V, D,
// A or frequency; A over 180 deg; a duration outside (0, 8] h; a negative recovery; a D that
// differs from |V at the destination - V at the origin| by more than one cm (inch).
void checkLift(const Lift& lift, const FieldNames& names = {});

// The RWL and LI at the origin and, when given, the destination, after checkLift.
Result evaluate(const Lift& lift, const FieldNames& names = {});

// {"units", "duration_category_h", "origin": {"multipliers": {"HM", ...}, "rwl", "li"},
//  "destination": {...}}; an infinite LI is written as null.
nlohmann::ordered_json toJson(const Result& result, Units units);

// ---- Several tasks in one job: the composite lifting index (manual section 2.4) ----------------
struct Task {
  std::string name;
  Lift lift;              // lift.load is the average load (STLI); its duration is the job's
  double max_load = 0.0;  // the heaviest load of the task (FILI), >= lift.load
};

struct Job {
  Units units = Units::kMetric;
  double duration_h = 8.0;  // the job's lifting time and the recovery after it, as for one lift
  double recovery_h = 0.0;
  std::vector<Task> tasks;
};

struct TaskResult {
  int index = 0;  // position of the task in Job::tasks
  std::string name;
  double frequency_per_min = 0.0;
  double firwl = 0.0;  // frequency-independent RWL (FM = 1), the lower of origin and destination
  double fm = 0.0;     // the task's own FM
  double strwl = 0.0;  // single-task RWL, firwl * fm
  double fili = 0.0;   // max_load / firwl
  double stli = 0.0;   // load / strwl
  double cumulative_frequency_per_min = 0.0;  // this task's and all the more stressful ones'
  double fm_cumulative = 0.0;                 // FM at the cumulative frequency
  double delta_li = 0.0;  // this task's increment to the CLI (STLI for the first task)
};

struct CompositeResult {
  int duration_category_h = 8;
  std::vector<TaskResult> tasks;  // by STLI, most stressful first (manual p. 27)
  double cli = 0.0;               // composite lifting index; +infinity when an FM or RWL is 0
};

// Throws InputError naming the task and field for bad input.
CompositeResult calcCompositeIndex(const Job& job);
nlohmann::ordered_json toJson(const CompositeResult& result, Units units);

// Reads a job file (format in docs/NIOSH.md). Every error names the file and the key's path
// ("task[2].h_cm"), with a suggestion for a misspelt key.
Job readJobFile(const std::string& path);
Job parseJob(const std::string& toml_text, const std::string& file_name);

}  // namespace dorsum::niosh
